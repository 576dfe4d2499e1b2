# mutant-of: rnn_forward_torch
# mistake: right values, but a Python loop over the examples of the batch (not batched)
def rnn_forward_torch(x, h0, p):
    import torch

    rows = []
    for k in range(x.shape[0]):
        h = h0[k]
        states = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[k, t] @ p["Wx"] + h @ p["Wh"] + p["b"])
            states.append(h)
        rows.append(torch.stack(states))
    return torch.stack(rows)
