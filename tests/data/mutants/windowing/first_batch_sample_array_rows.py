# mutant-of: first_batch_sample
# mistake: the rows are a numpy array (np.arange) where the docstring promises a list of ints
import numpy as np


def first_batch_sample(j, lookback, delay, min_index=0, step=6):
    r = min_index + lookback + j
    return np.arange(r - lookback, r, step), r + delay
