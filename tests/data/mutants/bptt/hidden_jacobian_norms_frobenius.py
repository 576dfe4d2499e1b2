# mutant-of: hidden_jacobian_norms
# mistake: the Frobenius norm instead of the spectral norm (largest singular value)
# misconception: jacobian-norms-frobenius
import numpy as np


def hidden_jacobian_norms(x, h0, p):
    hs, _ = rnn_forward(x, h0, p)
    n, t_steps, hidden = hs.shape
    jacobian = np.broadcast_to(np.eye(hidden), (n, hidden, hidden))
    norms = np.empty((n, t_steps + 1))
    norms[:, t_steps] = np.linalg.norm(jacobian, axis=(1, 2))
    for t in range(t_steps, 0, -1):
        jacobian = jacobian @ ((1 - hs[:, t - 1] ** 2)[:, :, None] * p["Wh"].T[None])
        norms[:, t - 1] = np.linalg.norm(jacobian, axis=(1, 2))
    return norms
