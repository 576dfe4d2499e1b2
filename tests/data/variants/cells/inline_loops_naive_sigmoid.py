# variant-of: rnn_forward, lstm_forward, gru_forward
# correct: the sequence forwards loop over time themselves (no cell calls), with caches preallocated in the
# inputs' dtype and the textbook sigmoid 1 / (1 + exp(-a)), which overflows to exp(1000) = inf and still
# gives exactly 0
import numpy as np


def _naive_sigmoid(a):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-a))


def _empty(x, h0, keys):
    n, t = x.shape[:2]
    return {k: np.zeros((n, t, h0.shape[1]), dtype=np.result_type(x, h0)) for k in keys}


def rnn_forward(x, h0, p):
    cache = _empty(x, h0, ("h_prev", "h"))
    h = h0
    for t in range(x.shape[1]):
        cache["h_prev"][:, t] = h
        h = np.tanh(x[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"])
        cache["h"][:, t] = h
    cache.update(x=x, p=p)
    return cache["h"], cache


def lstm_forward(x, h0, p):
    cache = _empty(x, h0, ("h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h"))
    hidden = h0.shape[1]
    h, c = h0, np.zeros_like(h0)
    for t in range(x.shape[1]):
        a = x[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"]
        i = _naive_sigmoid(a[:, :hidden])
        f = _naive_sigmoid(a[:, hidden : 2 * hidden])
        g = np.tanh(a[:, 2 * hidden : 3 * hidden])
        o = _naive_sigmoid(a[:, 3 * hidden :])
        cache["h_prev"][:, t], cache["c_prev"][:, t] = h, c
        c = f * c + i * g
        h = o * np.tanh(c)
        steps = {"i": i, "f": f, "g": g, "o": o, "c": c, "tanh_c": np.tanh(c), "h": h}
        for key, value in steps.items():
            cache[key][:, t] = value
    cache.update(x=x, p=p)
    return cache["h"], cache


def gru_forward(x, h0, p):
    cache = _empty(x, h0, ("h_prev", "r", "z", "n", "h"))
    hidden = h0.shape[1]
    h = h0
    for t in range(x.shape[1]):
        a = x[:, t] @ p["Wx"] + p["b"]
        r = _naive_sigmoid(a[:, :hidden] + h @ p["Wh"][:, :hidden])
        z = _naive_sigmoid(a[:, hidden : 2 * hidden] + h @ p["Wh"][:, hidden : 2 * hidden])
        n = np.tanh(a[:, 2 * hidden :] + (r * h) @ p["Wh"][:, 2 * hidden :])
        cache["h_prev"][:, t] = h
        h = h + z * (n - h)
        cache["r"][:, t], cache["z"][:, t], cache["n"][:, t], cache["h"][:, t] = r, z, n, h
    cache.update(x=x, p=p)
    return cache["h"], cache
