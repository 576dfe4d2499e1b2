# mutant-of: build_token_index
# mistake: columns by frequency, most frequent token first (Keras' Tokenizer order, 0-based), not first
# appearance; not the catalogued alphabetical order, so no hint
import re
from collections import Counter


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if num_words is not None and num_words < 0:
        raise ValueError(f"num_words must be None or >= 0, got {num_words}")
    counts = Counter()
    for text in texts:
        counts.update(re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text))
    ranked = [token for token, _ in counts.most_common(num_words)]
    return {token: k for k, token in enumerate(ranked)}
