# mutant-of: many_to_one_loss
# mistake: softmax without subtracting the largest score: exp overflows for large scores (inf / inf = nan)
# misconception: many-to-one-softmax-not-stabilised
import numpy as np


def many_to_one_loss(x, y, h0, p, Wy, by):
    hs, cache = rnn_forward(x, h0, p)
    h_last = hs[:, -1]
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(h_last @ Wy + by)
        probs = e / e.sum(axis=1, keepdims=True)
    n = x.shape[0]
    loss = float(-np.mean(np.log(probs[np.arange(n), y])))
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    dhs = np.zeros_like(hs)
    dhs[:, -1] = dscores @ Wy.T
    grads = rnn_backward(dhs, cache)
    grads.update(dWy=h_last.T @ dscores, dby=dscores.sum(axis=0))
    return loss, grads
