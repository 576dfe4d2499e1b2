# mutant-of: rnn_backward
# mistake: dh_next is added into the caller's dhs (dhs[:, t] += dh_next): right gradients, an input changed
import numpy as np


def rnn_backward(dhs, cache):
    p = cache["p"]
    grads = {"dWx": np.zeros_like(p["Wx"]), "dWh": np.zeros_like(p["Wh"]), "db": np.zeros_like(p["b"])}
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(dhs.shape[1])):
        dhs[:, t] += dh_next
        step = rnn_cell_backward(dhs[:, t], step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh_next = step["dh_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "dh0": dh_next, **grads}
