# mutant-of: lstm_forward_torch
# mistake: the states are returned in float32 whatever the inputs' dtype
def lstm_forward_torch(x, h0, p):
    import torch

    h, c, states = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        i, f, g, o = (x[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"]).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        states.append(h)
    return torch.stack(states, dim=1).float()
