# mutant-of: batch_windows
# mistake: every batch is a list [Xb, yb] where the docstring promises a tuple (Xb, yb)
import numpy as np


def batch_windows(X, y, batch_size, shuffle=False, seed=None):
    X = np.asarray(X)
    y = np.asarray(y)
    if batch_size < 1 or X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError("bad arguments")
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    return [
        [X[order[k : k + batch_size]], y[order[k : k + batch_size]]] for k in range(0, len(X), batch_size)
    ]
