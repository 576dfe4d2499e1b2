# mutant-of: stacked_forward
# mistake: every layer reads the input x instead of the hidden states of the layer below
# misconception: stacked-layers-read-input
def stacked_forward(x, h0s, ps, cell):
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}")
    if len(h0s) != len(ps):
        raise ValueError("one initial state per layer")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    out = x
    for h0, p in zip(h0s, ps, strict=True):
        out, _ = run(x, h0, p)
    return out
