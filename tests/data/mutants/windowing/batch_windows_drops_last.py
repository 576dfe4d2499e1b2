# mutant-of: batch_windows
# mistake: the smaller last batch is dropped (N // batch_size batches instead of ceil(N / batch_size))
# misconception: batches-drop-last
import numpy as np


def batch_windows(X, y, batch_size, shuffle=False, seed=None):
    X = np.asarray(X)
    y = np.asarray(y)
    if batch_size < 1 or len(X) != len(y):
        raise ValueError("bad arguments")
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    full = len(X) // batch_size
    return [(X[order[b * batch_size : (b + 1) * batch_size]], y[order[b * batch_size : (b + 1) * batch_size]])
            for b in range(full)]  # fmt: skip
