# mutant-of: stacked_forward
# mistake: the layers are taken off the caller's lists with pop(0): right output, but h0s and ps are emptied
def stacked_forward(x, h0s, ps, cell):
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}")
    if len(h0s) != len(ps):
        raise ValueError("one initial state per layer")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    seq = x
    while ps:
        seq, _ = run(seq, h0s.pop(0), ps.pop(0))
    return seq
