# mutant-of: clip_grad_norm
# mistake: each gradient is clipped by its own norm instead of the global norm (the direction changes)
# misconception: clip-grad-norm-each-gradient-alone
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    total = (
        float(np.max(np.abs(flat)))
        if np.isinf(norm_type)
        else float(np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type))
    )
    clipped = {}
    for name, g in grads.items():
        own = (
            float(np.max(np.abs(g)))
            if np.isinf(norm_type)
            else float(np.sum(np.abs(g) ** norm_type) ** (1 / norm_type))
        )
        clipped[name] = g * min(1.0, max_norm / (own + 1e-6))
    return clipped, total
