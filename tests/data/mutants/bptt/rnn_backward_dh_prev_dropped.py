# mutant-of: rnn_backward
# cascades-to: many_to_one_loss
# mistake: dh_prev is not passed back: each step only sees its own upstream gradient
# misconception: rnn-backward-dh-prev-not-carried
import numpy as np


def rnn_backward(dhs, cache):
    p = cache["p"]
    grads = {"dWx": np.zeros_like(p["Wx"]), "dWh": np.zeros_like(p["Wh"]), "db": np.zeros_like(p["b"])}
    dx = np.zeros_like(cache["x"])
    dh0 = None
    for t in reversed(range(dhs.shape[1])):
        step = rnn_cell_backward(dhs[:, t], step_cache(cache, t))
        dx[:, t] = step["dx"]
        dh0 = step["dh_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "dh0": dh0, **grads}
