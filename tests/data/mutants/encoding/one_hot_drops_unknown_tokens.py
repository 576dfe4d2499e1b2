# mutant-of: one_hot_encode
# mistake: unknown tokens are dropped, so the following tokens move left (not the catalogued row of ones)
import numpy as np


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, len(token_index)))
    for i, text in enumerate(texts):
        known = [token for token in tokenize(text, level) if token in token_index]
        for t, token in enumerate(known[:max_length]):
            out[i, t, token_index[token]] = 1.0
    return out
