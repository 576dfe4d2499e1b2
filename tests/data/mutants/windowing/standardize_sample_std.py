# mutant-of: standardize
# mistake: the sample standard deviation (ddof=1, torch.std's default) instead of the population one (ddof=0)
# misconception: standardize-sample-std
import numpy as np


def standardize(train, *others):
    train = np.asarray(train, dtype=np.float64)
    mean = train.mean(axis=0)
    std = train.std(axis=0, ddof=1)
    std = np.where(std == 0, 1.0, std)
    return tuple((np.asarray(a, dtype=np.float64) - mean) / std for a in (train, *others))
