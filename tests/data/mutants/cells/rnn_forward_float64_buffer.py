# mutant-of: rnn_forward
# mistake: the states are collected in np.zeros((N, T, H)), float64 by default: float32 in, float64 out
import numpy as np


def rnn_forward(x, h0, p):
    n, steps_count, _ = x.shape
    hs = np.zeros((n, steps_count, h0.shape[1]))
    h, steps = h0, []
    for t in range(steps_count):
        h, step = rnn_cell_forward(x[:, t], h, p)
        hs[:, t] = h
        steps.append(step)
    cache = stack_step_caches(steps)
    cache["h"] = hs
    return hs, cache
