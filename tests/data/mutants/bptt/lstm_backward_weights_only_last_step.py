# mutant-of: lstm_backward
# mistake: the weight gradients are not accumulated over time steps: only the last step's contribution
# misconception: lstm-backward-weights-last-step-only
import numpy as np


def lstm_backward(dhs, cache):
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    dc_next = np.zeros_like(dhs[:, 0])
    last = None
    for t in reversed(range(dhs.shape[1])):
        step = lstm_cell_backward(dhs[:, t] + dh_next, dc_next, step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh_next, dc_next = step["dh_prev"], step["dc_prev"]
        if last is None:
            last = step
    return {"dx": dx, "dh0": dh_next, "dWx": last["dWx"], "dWh": last["dWh"], "db": last["db"]}
