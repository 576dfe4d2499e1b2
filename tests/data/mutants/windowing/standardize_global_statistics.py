# mutant-of: standardize
# mistake: one mean and one std over the whole training array (axis=None) instead of per feature (axis=0)
# misconception: standardize-global-statistics
import numpy as np


def standardize(train, *others):
    train = np.asarray(train, dtype=np.float64)
    mean = train.mean()
    std = train.std()
    std = std if std != 0 else 1.0
    return tuple((np.asarray(a, dtype=np.float64) - mean) / std for a in (train, *others))
