# mutant-of: gru_forward_torch
# mistake: PyTorch's GRU formulation (reset after the product, z and 1 - z swapped) instead of the lecture's
# misconception: torch-gru-pytorch-formulation
def gru_forward_torch(x, h0, p):
    import torch

    hidden = h0.shape[1]
    h, states = h0, []
    for t in range(x.shape[1]):
        a_r, a_z, a_n = (x[:, t] @ p["Wx"] + p["b"]).split(hidden, dim=1)
        u_r, u_z, u_n = (h @ p["Wh"]).split(hidden, dim=1)
        r, z = torch.sigmoid(a_r + u_r), torch.sigmoid(a_z + u_z)
        n = torch.tanh(a_n + r * u_n)
        h = (1 - z) * n + z * h
        states.append(h)
    return torch.stack(states, dim=1)
