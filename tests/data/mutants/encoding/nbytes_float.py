# mutant-of: one_hot_nbytes
# mistake: np.prod of a float list gives a float number of bytes (1.2e8), not an int
import numpy as np


def one_hot_nbytes(num_texts, max_length, vocab_size, itemsize=8):
    return np.prod([num_texts, max_length, vocab_size], dtype=float) * itemsize
