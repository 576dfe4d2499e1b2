# variant-of: rnn_cell_backward, rnn_backward, lstm_cell_backward, lstm_backward, many_to_one_loss
# correct: every function (also truncated_bptt_grads and hidden_jacobian_norms) computes in float32,
# whatever the dtype of its inputs
import numpy as np

_FLOAT64 = {
    name: globals()[name]
    for name in (
        "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward", "many_to_one_loss",
        "truncated_bptt_grads", "hidden_jacobian_norms",
    )
}  # fmt: skip


def _as32(value):
    if isinstance(value, dict):
        return {k: _as32(v) for k, v in value.items()}
    array = np.asarray(value)
    return array.astype(np.float32) if array.dtype.kind == "f" else value


def _in_float32(name):
    def run(*args):
        return _FLOAT64[name](*[_as32(a) for a in args])

    return run


rnn_cell_backward = _in_float32("rnn_cell_backward")
rnn_backward = _in_float32("rnn_backward")
lstm_cell_backward = _in_float32("lstm_cell_backward")
lstm_backward = _in_float32("lstm_backward")
many_to_one_loss = _in_float32("many_to_one_loss")
truncated_bptt_grads = _in_float32("truncated_bptt_grads")
hidden_jacobian_norms = _in_float32("hidden_jacobian_norms")
