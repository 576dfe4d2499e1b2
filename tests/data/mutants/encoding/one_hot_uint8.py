# mutant-of: one_hot_encode
# mistake: a uint8 one-hot tensor (to save memory) where the docstring promises float64
import numpy as np


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, len(token_index)), dtype=np.uint8)
    for i, text in enumerate(texts):
        for t, token in enumerate(tokenize(text, level)[:max_length]):
            if token in token_index:
                out[i, t, token_index[token]] = 1
    return out
