# mutant-of: clip_grad_norm
# mistake: each gradient clipped by its own norm, and the total reported as the sum of those norms
# misconception: clip-grad-norm-each-gradient-alone
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    clipped, total = {}, 0.0
    for name, g in grads.items():
        own = (
            float(np.max(np.abs(g)))
            if np.isinf(norm_type)
            else float(np.sum(np.abs(g) ** norm_type) ** (1 / norm_type))
        )
        total += own
        clipped[name] = g * min(1.0, max_norm / (own + 1e-6))
    return clipped, total
