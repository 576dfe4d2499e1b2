# mutant-of: many_to_one_loss
# mistake: the loss is summed into a 0-d array (np.zeros(()), -=) and returned as it, not as a Python float
import numpy as np


def many_to_one_loss(x, y, h0, p, Wy, by):
    hs, cache = rnn_forward(x, h0, p)
    h_last = hs[:, -1]
    scores = h_last @ Wy + by
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = x.shape[0]
    loss = np.zeros(())
    for k in range(n):
        loss -= log_probs[k, y[k]]
    loss /= n
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dhs = np.zeros_like(hs)
    dhs[:, -1] = dscores @ Wy.T
    grads = rnn_backward(dhs, cache)
    grads.update(dWy=h_last.T @ dscores, dby=dscores.sum(axis=0))
    return loss, grads
