# mutant-of: lstm_backward
# mistake: dh_prev is not passed back: each step only sees its own upstream dh (dc_prev is passed back)
# misconception: lstm-backward-dh-prev-not-carried
import numpy as np


def lstm_backward(dhs, cache):
    p = cache["p"]
    grads = {"dWx": np.zeros_like(p["Wx"]), "dWh": np.zeros_like(p["Wh"]), "db": np.zeros_like(p["b"])}
    dx = np.zeros_like(cache["x"])
    dh0 = None
    dc_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        step = lstm_cell_backward(dhs[:, t], dc_next, step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh0, dc_next = step["dh_prev"], step["dc_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "dh0": dh0, **grads}
