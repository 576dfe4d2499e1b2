# mutant-of: one_hot_encode
# mistake: token_index.setdefault(token, -1) (for .get) adds every unknown token to the caller's index
import numpy as np


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, len(token_index)))
    for i, text in enumerate(texts):
        for t, token in enumerate(tokenize(text, level)[:max_length]):
            column = token_index.setdefault(token, -1)
            if column >= 0:
                out[i, t, column] = 1.0
    return out
