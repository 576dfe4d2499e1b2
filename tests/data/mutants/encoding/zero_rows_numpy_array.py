# mutant-of: zero_rows_per_text
# mistake: vectorised with numpy, it returns an int array where the docstring promises a list of ints
import numpy as np


def zero_rows_per_text(texts, max_length, token_index=None, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    kept = [tokenize(text, level)[:max_length] for text in texts]
    unknown = [0 if token_index is None else sum(t not in token_index for t in tokens) for tokens in kept]
    return max_length - np.array([len(tokens) for tokens in kept], dtype=int) + np.array(unknown, dtype=int)
