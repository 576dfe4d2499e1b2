# mutant-of: clip_grad_norm
# mistake: with nothing to clip, the caller's own arrays come back (dict(grads)): the result aliases them
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    if np.isinf(norm_type):
        total = float(np.max(np.abs(flat)))
    else:
        total = float(np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type))
    coef = max_norm / (total + 1e-6)
    if coef >= 1:
        return dict(grads), total
    return {name: g * coef for name, g in grads.items()}, total
