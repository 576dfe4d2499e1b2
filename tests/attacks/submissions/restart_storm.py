# attack: hang in every call of the cells assignment, so that each timeout starts a new worker whose torch
# warm-up was not charged to the submission's budget (a cells submission took 136 s against a 60 s budget)
# assignment: cells


def _hang(*args, **kwargs):
    while True:
        pass


for _name in (
    "sigmoid rnn_cell_forward rnn_forward lstm_cell_forward lstm_forward gru_cell_forward gru_forward "
    "bidirectional_forward stacked_forward peephole_lstm_cell_forward count_parameters "
    "count_bidirectional_parameters concat_weight_shape rnn_forward_torch lstm_forward_torch "
    "gru_forward_torch"
).split():
    globals()[_name] = _hang
