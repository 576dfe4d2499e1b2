# mutant-of: clip_grad_norm
# mistake: the gradients are scaled in place (g *= coef) and the caller's own dict is returned
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    if np.isinf(norm_type):
        total = float(np.max(np.abs(flat)))
    else:
        total = float(np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type))
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads.values():
            g *= coef
    return grads, total
