# mutant-of: batch_windows
# mistake: without shuffling the batches are slices X[k : k + batch_size], views of X and y
import numpy as np


def batch_windows(X, y, batch_size, shuffle=False, seed=None):
    X = np.asarray(X)
    y = np.asarray(y)
    if batch_size < 1 or X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError("bad arguments")
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
        X, y = X[order], y[order]
    return [(X[k : k + batch_size], y[k : k + batch_size]) for k in range(0, len(X), batch_size)]
