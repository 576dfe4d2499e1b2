# variant-of: rnn_cell_forward, lstm_cell_forward, gru_cell_forward, peephole_lstm_cell_forward
# correct: every numpy cell (and so every sequence and layer) computes in float32, whatever the inputs
import numpy as np

_FLOAT64_CELLS = {
    name: globals()[name]
    for name in ("rnn_cell_forward", "lstm_cell_forward", "gru_cell_forward", "peephole_lstm_cell_forward")
}


def _as32(*values):
    return [
        {k: np.asarray(a, dtype=np.float32) for k, a in v.items()}
        if isinstance(v, dict)
        else np.asarray(v, dtype=np.float32)
        for v in values
    ]


def rnn_cell_forward(x, h_prev, p):
    return _FLOAT64_CELLS["rnn_cell_forward"](*_as32(x, h_prev, p))


def lstm_cell_forward(x, h_prev, c_prev, p):
    return _FLOAT64_CELLS["lstm_cell_forward"](*_as32(x, h_prev, c_prev, p))


def gru_cell_forward(x, h_prev, p):
    return _FLOAT64_CELLS["gru_cell_forward"](*_as32(x, h_prev, p))


def peephole_lstm_cell_forward(x, h_prev, c_prev, p):
    return _FLOAT64_CELLS["peephole_lstm_cell_forward"](*_as32(x, h_prev, c_prev, p))
