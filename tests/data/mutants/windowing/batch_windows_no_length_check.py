# mutant-of: batch_windows
# mistake: X and y of different lengths are not checked: an IndexError (or batches without their targets)
# instead of the documented ValueError
import numpy as np


def batch_windows(X, y, batch_size, shuffle=False, seed=None):
    X = np.asarray(X)
    y = np.asarray(y)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    return [
        (X[order[k : k + batch_size]], y[order[k : k + batch_size]]) for k in range(0, len(X), batch_size)
    ]
