# mutant-of: rnn_backward
# cascades-to: many_to_one_loss
# mistake: the weight gradients are assigned, not added, at every step: only step 0's (computed last) is kept
# misconception: rnn-backward-weights-last-step-only
import numpy as np


def rnn_backward(dhs, cache):
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        step = rnn_cell_backward(dhs[:, t] + dh_next, step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh_next = step["dh_prev"]
        dWx, dWh, db = step["dWx"], step["dWh"], step["db"]
    return {"dx": dx, "dh0": dh_next, "dWx": dWx, "dWh": dWh, "db": db}
