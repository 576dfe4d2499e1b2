# mutant-of: hashed_one_hot
# mistake: uses Python's built-in hash(), which is salted per process, instead of zlib.crc32
# misconception: hashed-python-hash
import re

import numpy as np


def hashed_one_hot(texts, dim, max_length):
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, dim))
    for i, text in enumerate(texts):
        for t, token in enumerate(re.findall(r"\w+(?:'\w+)*", text.lower())[:max_length]):
            out[i, t, hash(token) % dim] = 1.0
    return out
