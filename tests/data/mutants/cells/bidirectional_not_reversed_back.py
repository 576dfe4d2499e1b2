# mutant-of: bidirectional_forward
# mistake: the backward states are left in reading order (hb_{T-1} stored at step 0)
# misconception: bidirectional-backward-not-realigned
import numpy as np


def bidirectional_forward(x, h0_f, h0_b, p_f, p_b, cell):
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    forward, _ = run(x, h0_f, p_f)
    backward, _ = run(x[:, ::-1], h0_b, p_b)
    return np.concatenate([forward, backward], axis=-1)
