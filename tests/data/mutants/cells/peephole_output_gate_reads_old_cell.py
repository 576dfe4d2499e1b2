# mutant-of: peephole_lstm_cell_forward
# mistake: the output gate peeks at the previous cell state c_prev instead of the new one
# misconception: peephole-output-gate-old-cell
import numpy as np


def peephole_lstm_cell_forward(x, h_prev, c_prev, p):
    a_i, a_f, a_g, a_o = np.split(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"], 4, axis=1)
    i = sigmoid(a_i + p["Pi"] * c_prev)
    f = sigmoid(a_f + p["Pf"] * c_prev)
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    o = sigmoid(a_o + p["Po"] * c_prev)
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
