# variant-of: rnn_forward_torch, lstm_forward_torch, gru_forward_torch
# correct: one stacked matrix product on [h, x_t] per step, states preallocated with the inputs' device and
# dtype, the textbook sigmoid 1 / (1 + exp(-a))
def _sigmoid(a):
    import torch

    return 1.0 / (1.0 + torch.exp(-a))


def _run(x, h0, p, step):
    import torch

    w = torch.cat([p["Wh"], p["Wx"]], dim=0)
    out = torch.empty((x.shape[0], x.shape[1], h0.shape[1]), device=x.device, dtype=x.dtype)
    state = (h0, torch.zeros_like(h0))
    for t in range(x.shape[1]):
        state = step(x[:, t], state, w, p)
        out[:, t] = state[0]
    return out


def rnn_forward_torch(x, h0, p):
    import torch

    def step(xt, state, w, p):
        return torch.tanh(torch.cat([state[0], xt], dim=1) @ w + p["b"]), None

    return _run(x, h0, p, step)


def lstm_forward_torch(x, h0, p):
    import torch

    def step(xt, state, w, p):
        h, c = state
        i, f, g, o = (torch.cat([h, xt], dim=1) @ w + p["b"]).chunk(4, dim=1)
        c = _sigmoid(f) * c + _sigmoid(i) * torch.tanh(g)
        return _sigmoid(o) * torch.tanh(c), c

    return _run(x, h0, p, step)


def gru_forward_torch(x, h0, p):
    import torch

    hidden = h0.shape[1]

    def step(xt, state, w, p):
        h = state[0]
        w_r, w_z, w_n = w.split(hidden, dim=1)
        b_r, b_z, b_n = p["b"].split(hidden)
        hx = torch.cat([h, xt], dim=1)
        r, z = _sigmoid(hx @ w_r + b_r), _sigmoid(hx @ w_z + b_z)
        n = torch.tanh(torch.cat([r * h, xt], dim=1) @ w_n + b_n)
        return (1 - z) * h + z * n, None

    return _run(x, h0, p, step)
