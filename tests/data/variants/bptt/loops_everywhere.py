# variant-of: rnn_cell_backward, rnn_backward, lstm_backward, hidden_jacobian_norms
# correct: explicit Python loops (over examples, time and units) instead of matrix expressions
import numpy as np


def rnn_cell_backward(dh, cache):
    p = cache["p"]
    n, hidden = dh.shape
    grads = {"dx": np.zeros_like(cache["x"]), "dh_prev": np.zeros_like(cache["h_prev"])}
    grads.update(dWx=np.zeros_like(p["Wx"]), dWh=np.zeros_like(p["Wh"]), db=np.zeros_like(p["b"]))
    for k in range(n):
        da = dh[k] * (1 - cache["h"][k] ** 2)
        grads["dx"][k] = p["Wx"] @ da
        grads["dh_prev"][k] = p["Wh"] @ da
        grads["dWx"] += np.outer(cache["x"][k], da)
        grads["dWh"] += np.outer(cache["h_prev"][k], da)
        grads["db"] += da
    return grads


def rnn_backward(dhs, cache):
    total = None
    dx = np.zeros_like(cache["x"])
    dh = np.zeros_like(dhs[:, 0])
    for t in range(dhs.shape[1] - 1, -1, -1):
        step = {key: (value if key == "p" else value[:, t]) for key, value in cache.items()}
        g = rnn_cell_backward(dhs[:, t] + dh, step)
        dx[:, t], dh = g["dx"], g["dh_prev"]
        total = (
            {k: g[k] for k in ("dWx", "dWh", "db")} if total is None else {k: total[k] + g[k] for k in total}
        )
    return {"dx": dx, "dh0": dh, **total}


def lstm_backward(dhs, cache):
    total = None
    dx = np.zeros_like(cache["x"])
    dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
    for t in range(dhs.shape[1] - 1, -1, -1):
        step = {key: (value if key == "p" else value[:, t]) for key, value in cache.items()}
        g = lstm_cell_backward(dhs[:, t] + dh, dc, step)
        dx[:, t], dh, dc = g["dx"], g["dh_prev"], g["dc_prev"]
        total = (
            {k: g[k] for k in ("dWx", "dWh", "db")} if total is None else {k: total[k] + g[k] for k in total}
        )
    return {"dx": dx, "dh0": dh, **total}


def hidden_jacobian_norms(x, h0, p):
    hs, _ = rnn_forward(x, h0, p)
    n, t_steps, hidden = hs.shape
    norms = np.ones((n, t_steps + 1))
    for k in range(n):
        jac = np.eye(hidden)
        for t in range(t_steps, 0, -1):
            local = np.array(
                [[(1 - hs[k, t - 1, i] ** 2) * p["Wh"][j, i] for j in range(hidden)] for i in range(hidden)]
            )
            jac = jac @ local
            norms[k, t - 1] = np.linalg.svd(jac, compute_uv=False)[0]
    return norms
