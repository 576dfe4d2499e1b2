# mutant-of: standardize
# mistake: mean and std computed on all the data (training + validation/test): their statistics leak
# misconception: standardize-all-data
import numpy as np


def standardize(train, *others):
    arrays = [np.asarray(a, dtype=np.float64) for a in (train, *others)]
    everything = np.concatenate(arrays, axis=0)
    mean = everything.mean(axis=0)
    std = everything.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return tuple((a - mean) / std for a in arrays)
