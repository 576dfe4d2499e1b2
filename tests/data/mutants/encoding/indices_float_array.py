# mutant-of: texts_to_indices
# mistake: -np.ones((N, T)) is a float64 array: the indices are -1.0, 2.0, ... instead of int64
import numpy as np


def texts_to_indices(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = -np.ones((len(texts), max_length))
    for i, text in enumerate(texts):
        for t, token in enumerate(tokenize(text, level)[:max_length]):
            out[i, t] = token_index.get(token, -1)
    return out
