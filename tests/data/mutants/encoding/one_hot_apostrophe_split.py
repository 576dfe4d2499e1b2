# mutant-of: one_hot_encode
# mistake: its own tokenizer re.findall(r"\w+", ...) splits "don't" into "don" and "t" (not the catalogued
# row of ones)
import re

import numpy as np


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, len(token_index)))
    for i, text in enumerate(texts):
        tokens = re.findall(r"\w+", text.lower()) if level == "word" else list(text)
        for t, token in enumerate(tokens[:max_length]):
            if token in token_index:
                out[i, t, token_index[token]] = 1.0
    return out
