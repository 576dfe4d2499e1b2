# mutant-of: rnn_cell_forward
# cascades-to: rnn_forward, bidirectional_forward, stacked_forward
# mistake: sigmoid instead of tanh for the hidden state
# misconception: rnn-sigmoid-activation
import numpy as np


def rnn_cell_forward(x, h_prev, p):
    h = 1.0 / (1.0 + np.exp(-(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])))
    return h, {"x": x, "h_prev": h_prev, "h": h, "p": p}
