# mutant-of: many_to_one_loss
# mistake: log-softmax as z - log(sum(exp(z))) without subtracting the row maximum: the loss overflows to inf
# misconception: many-to-one-softmax-not-stabilised
import numpy as np


def many_to_one_loss(x, y, h0, p, Wy, by):
    hs, cache = rnn_forward(x, h0, p)
    h_last = hs[:, -1]
    scores = h_last @ Wy + by
    with np.errstate(over="ignore", invalid="ignore"):
        log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    n = x.shape[0]
    loss = -float(log_probs[np.arange(n), y].mean())
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dhs = np.zeros_like(hs)
    dhs[:, -1] = dscores @ Wy.T
    grads = rnn_backward(dhs, cache)
    grads.update(dWy=h_last.T @ dscores, dby=dscores.sum(axis=0))
    return loss, grads
