# mutant-of: rnn_cell_forward
# cascades-to: rnn_forward, bidirectional_forward, stacked_forward
# mistake: wrong in a way no catalogue entry describes (the new state scaled by 0.9): generic feedback only
import numpy as np


def rnn_cell_forward(x, h_prev, p):
    h = 0.9 * np.tanh(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])
    return h, {"x": x, "h_prev": h_prev, "h": h, "p": p}
