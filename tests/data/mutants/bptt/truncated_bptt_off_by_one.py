# mutant-of: truncated_bptt_grads
# mistake: chunk boundaries one step late: dh_next is zeroed after steps k + 1, 2k + 1, ... (not k, 2k, ...)
# misconception: truncated-bptt-cuts-one-step-late
import numpy as np


def truncated_bptt_grads(x, h0, p, dhs, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    _, cache = rnn_forward(x, h0, p)
    grads = {"dWx": np.zeros_like(p["Wx"]), "dWh": np.zeros_like(p["Wh"]), "db": np.zeros_like(p["b"])}
    dx = np.zeros_like(x)
    dh_next = np.zeros_like(dhs[:, 0])
    for t in reversed(range(x.shape[1])):
        step = rnn_cell_backward(dhs[:, t] + dh_next, step_cache(cache, t))
        dx[:, t] = step["dx"]
        for name in grads:
            grads[name] += step[name]
        dh_next = np.zeros_like(step["dh_prev"]) if t > 1 and (t - 1) % k == 0 else step["dh_prev"]
    return {"dx": dx, "dh0": dh_next, **grads}
