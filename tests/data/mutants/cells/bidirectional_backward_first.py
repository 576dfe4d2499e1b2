# mutant-of: bidirectional_forward
# mistake: the backward states come first in the concatenation
# misconception: bidirectional-backward-first
import numpy as np


def bidirectional_forward(x, h0_f, h0_b, p_f, p_b, cell):
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    forward, _ = run(x, h0_f, p_f)
    backward, _ = run(x[:, ::-1], h0_b, p_b)
    return np.concatenate([backward[:, ::-1], forward], axis=-1)
