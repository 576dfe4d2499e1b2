# mutant-of: standardize
# mistake: divides by sigma without the zero-variance guard: a constant feature becomes nan/inf (not the
# catalogued sample standard deviation, so no hint)
import numpy as np


def standardize(train, *others):
    train = np.asarray(train, dtype=np.float64)
    if train.ndim == 0 or len(train) == 0:
        raise ValueError("train must hold at least one row")
    arrays = [np.asarray(a, dtype=np.float64) for a in others]
    for a in arrays:
        if a.ndim != train.ndim or a.shape[1:] != train.shape[1:]:
            raise ValueError("shapes do not match")
    mu = train.mean(axis=0)
    sigma = train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tuple((a - mu) / sigma for a in [train, *arrays])
