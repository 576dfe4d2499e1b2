# mutant-of: texts_to_indices
# mistake: truncation keeps the last max_length tokens instead of the first ones
# misconception: indices-truncate-keeps-last
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
        kept = tokens[len(tokens) - max_length :] if len(tokens) > max_length else tokens
        for t, token in enumerate(kept):
            out[i, t] = token_index.get(token, -1)
    return out
