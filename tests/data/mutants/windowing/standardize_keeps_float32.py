# mutant-of: standardize
# mistake: np.asarray(a) without dtype: float32 data gives float32 results where float64 is promised
import numpy as np


def standardize(train, *others):
    train = np.asarray(train)
    if train.ndim == 0 or len(train) == 0:
        raise ValueError("train must hold at least one row")
    arrays = [np.asarray(a) for a in others]
    for a in arrays:
        if a.ndim != train.ndim or a.shape[1:] != train.shape[1:]:
            raise ValueError("shapes do not match")
    mu = train.mean(axis=0)
    sigma = train.std(axis=0)
    sigma = np.where(sigma == 0, 1, sigma).astype(mu.dtype)
    return tuple((a - mu) / sigma for a in [train, *arrays])
