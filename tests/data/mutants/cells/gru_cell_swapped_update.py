# mutant-of: gru_cell_forward
# cascades-to: gru_forward, bidirectional_forward, stacked_forward
# mistake: z and 1 - z swapped (h = z * h_prev + (1 - z) * n), PyTorch's convention in the lecture's GRU
# misconception: gru-update-gate-swapped
import numpy as np


def gru_cell_forward(x, h_prev, p):
    a_r, a_z, a_n = np.split(x @ p["Wx"] + p["b"], 3, axis=1)
    u_r, u_z, u_n = np.split(p["Wh"], 3, axis=1)
    r = sigmoid(a_r + h_prev @ u_r)
    z = sigmoid(a_z + h_prev @ u_z)
    n = np.tanh(a_n + (r * h_prev) @ u_n)
    h = z * h_prev + (1.0 - z) * n
    return h, {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "h": h, "p": p}
