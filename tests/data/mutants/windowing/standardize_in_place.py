# mutant-of: standardize
# mistake: standardizes train in place (train -= mu; train /= sigma): the caller's training data changes
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
    sigma = np.where(sigma == 0, 1.0, sigma)
    train -= mu
    train /= sigma
    return (train, *((a - mu) / sigma for a in arrays))
