# mutant-of: rnn_forward_torch
# mistake: the states are computed in numpy and wrapped in a tensor: right values, no autograd graph
def rnn_forward_torch(x, h0, p):
    import torch

    arrays = {name: value.detach().cpu().numpy() for name, value in p.items()}
    hs, _ = rnn_forward(x.detach().cpu().numpy(), h0.detach().cpu().numpy(), arrays)
    return torch.as_tensor(hs, dtype=x.dtype, device=x.device)
