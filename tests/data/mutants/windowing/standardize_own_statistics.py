# mutant-of: standardize
# mistake: every array is standardized with its own mean and std (fit_transform on validation and test too)
# misconception: standardize-own-statistics
import numpy as np


def standardize(train, *others):
    out = []
    for a in (train, *others):
        a = np.asarray(a, dtype=np.float64)
        if len(a) == 0:
            out.append(a)
            continue
        std = a.std(axis=0)
        out.append((a - a.mean(axis=0)) / np.where(std == 0, 1.0, std))
    return tuple(out)
