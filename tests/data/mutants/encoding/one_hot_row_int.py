# mutant-of: one_hot_row
# mistake: an integer row (np.zeros(V, dtype=int)) where the docstring promises float64
import numpy as np


def one_hot_row(token, token_index):
    row = np.zeros(len(token_index), dtype=int)
    if token in token_index:
        row[token_index[token]] = 1
    return row
