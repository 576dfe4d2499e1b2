# mutant-of: lstm_forward_torch
# mistake: right values, but through torch.nn.LSTMCell instead of tensor operations (not the exercise)
def lstm_forward_torch(x, h0, p):
    import torch

    hidden = h0.shape[1]
    cell = torch.nn.LSTMCell(x.shape[2], hidden, device=x.device, dtype=x.dtype)
    with torch.no_grad():
        cell.weight_ih.copy_(p["Wx"].T)
        cell.weight_hh.copy_(p["Wh"].T)
        cell.bias_ih.copy_(p["b"])
        cell.bias_hh.zero_()
    h, c, states = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        h, c = cell(x[:, t], (h, c))
        states.append(h)
    return torch.stack(states, dim=1)
