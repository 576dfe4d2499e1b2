# mutant-of: hashed_one_hot
# mistake: a float32 tensor (to save memory) where the docstring promises float64
import zlib

import numpy as np


def hashed_one_hot(texts, dim, max_length):
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for t, token in enumerate(tokenize(text)[:max_length]):
            out[i, t, zlib.crc32(token.encode("utf-8")) % dim] = 1.0
    return out
