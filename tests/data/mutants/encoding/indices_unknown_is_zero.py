# mutant-of: texts_to_indices
# mistake: an unknown token is mapped to index 0 (the first word's column) instead of -1
# misconception: indices-unknown-is-zero
import re

import numpy as np


def texts_to_indices(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.full((len(texts), max_length), -1, dtype=np.int64)
    for i, text in enumerate(texts):
        tokens = re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text)
        for t, token in enumerate(tokens[:max_length]):
            out[i, t] = token_index.get(token, 0)
    return out
