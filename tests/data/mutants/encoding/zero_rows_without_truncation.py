# mutant-of: zero_rows_per_text
# mistake: T - len(tokens) + unknown tokens, without truncating to T tokens first (negative for long texts)
# misconception: zero-rows-without-truncation
import re


def zero_rows_per_text(texts, max_length, token_index=None, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    counts = []
    for text in texts:
        tokens = re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text)
        unknown = 0
        if token_index is not None:
            unknown = len([token for token in tokens if token not in token_index])
        counts.append(max_length - len(tokens) + unknown)
    return counts
