# mutant-of: lstm_backward
# mistake: the cell-state gradient dc_prev is not passed back to the previous step (always dc = 0)
# misconception: lstm-backward-dc-prev-not-carried
import numpy as np


def lstm_backward(dhs, cache):
    p = cache["p"]
    grads = {"dWx": np.zeros_like(p["Wx"]), "dWh": np.zeros_like(p["Wh"]), "db": np.zeros_like(p["b"])}
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        step = lstm_cell_backward(dhs[:, t] + dh_next, np.zeros_like(dh_next), step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh_next = step["dh_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "dh0": dh_next, **grads}
