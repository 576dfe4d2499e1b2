# mutant-of: lstm_cell_forward
# cascades-to: lstm_forward, bidirectional_forward, stacked_forward
# mistake: tanh for the input, forget and output gates (a gate can then be negative)
# misconception: lstm-gates-tanh
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, p):
    hidden = h_prev.shape[1]
    a = x @ p["Wx"] + h_prev @ p["Wh"] + p["b"]
    i = np.tanh(a[:, :hidden])
    f = np.tanh(a[:, hidden : 2 * hidden])
    g = np.tanh(a[:, 2 * hidden : 3 * hidden])
    o = np.tanh(a[:, 3 * hidden :])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
