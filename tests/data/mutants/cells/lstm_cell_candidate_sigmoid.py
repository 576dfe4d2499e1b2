# mutant-of: lstm_cell_forward
# cascades-to: lstm_forward, bidirectional_forward, stacked_forward
# mistake: the candidate g uses a sigmoid instead of tanh (it can no longer be negative)
# misconception: lstm-candidate-sigmoid
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, p):
    i, f, g, o = np.split(sigmoid(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"]), 4, axis=1)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
