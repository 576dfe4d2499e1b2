# mutant-of: one_hot_encode
# mistake: out[i, t, index.get(token)] = 1 -- numpy reads None as a new axis: an unknown word is all ones
# misconception: one-hot-unknown-row-of-ones
import re

import numpy as np


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    out = np.zeros((len(texts), max_length, len(token_index)))
    for i, text in enumerate(texts):
        tokens = re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text)
        for t, token in enumerate(tokens[:max_length]):
            out[i, t, token_index.get(token)] = 1.0
    return out
