# variant-of: rnn_cell_forward, lstm_cell_forward, gru_cell_forward
# correct: each gate multiplies the concatenation [h, x] by one stacked weight matrix [Wh; Wx]
import numpy as np


def _stacked(p):
    return np.concatenate([p["Wh"], p["Wx"]], axis=0)


def rnn_cell_forward(x, h_prev, p):
    h = np.tanh(np.concatenate([h_prev, x], axis=1) @ _stacked(p) + p["b"])
    return h, {"x": x, "h_prev": h_prev, "h": h, "p": p}


def lstm_cell_forward(x, h_prev, c_prev, p):
    a = np.concatenate([h_prev, x], axis=1) @ _stacked(p) + p["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache


def gru_cell_forward(x, h_prev, p):
    w_r, w_z, w_n = np.split(_stacked(p), 3, axis=1)
    b_r, b_z, b_n = np.split(p["b"], 3)
    hx = np.concatenate([h_prev, x], axis=1)
    r = sigmoid(hx @ w_r + b_r)
    z = sigmoid(hx @ w_z + b_z)
    n = np.tanh(np.concatenate([r * h_prev, x], axis=1) @ w_n + b_n)
    h = (1.0 - z) * h_prev + z * n
    return h, {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "h": h, "p": p}
