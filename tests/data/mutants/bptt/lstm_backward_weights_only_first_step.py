# mutant-of: lstm_backward
# mistake: the weight gradients are assigned, not added, at every step: only step 0's (computed last) is kept
# misconception: lstm-backward-weights-last-step-only
import numpy as np


def lstm_backward(dhs, cache):
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    dc_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        step = lstm_cell_backward(dhs[:, t] + dh_next, dc_next, step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh_next, dc_next = step["dh_prev"], step["dc_prev"]
        grads = {k: step[k] for k in ("dWx", "dWh", "db")}
    return {"dx": dx, "dh0": dh_next, **grads}
