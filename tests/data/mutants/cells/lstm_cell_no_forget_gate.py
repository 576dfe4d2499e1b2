# mutant-of: lstm_cell_forward
# cascades-to: lstm_forward, bidirectional_forward, stacked_forward
# mistake: the forget gate is computed but never applied (c = c_prev + i * g)
# misconception: lstm-forget-gate-ignored
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, p):
    a_i, a_f, a_g, a_o = np.split(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"], 4, axis=1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c = c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
