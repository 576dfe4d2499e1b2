# variant-of: build_token_index, one_hot_encode, texts_to_indices, ngrams, zero_rows_per_text, one_hot_row
# correct: other idioms -- dict.setdefault for the index, one-hot rows looked up in np.eye (an extra zero row
# for unknown tokens and padding), np.array(..., dtype=np.int64) of padded lists, n-grams with zip, counts
# with sum(), a row sliced out of np.eye
import numpy as np


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if num_words is not None and num_words < 0:
        raise ValueError(f"num_words must be None or >= 0, got {num_words}")
    limit = float("inf") if num_words is None else num_words
    index = {}
    for text in texts:
        for token in tokenize(text, level):
            if len(index) < limit:
                index.setdefault(token, len(index))
    return index


def _columns(texts, token_index, max_length, level, missing):
    """Each text's columns, padded with ``missing`` to max_length (unknown tokens are ``missing`` too)."""
    rows = []
    for text in texts:
        columns = [token_index.get(token, missing) for token in tokenize(text, level)[:max_length]]
        rows.append(columns + [missing] * (max_length - len(columns)))
    return rows


def one_hot_encode(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    size = len(token_index)
    lookup = np.vstack([np.eye(size), np.zeros((1, size))])  # row `size` is the zero row
    columns = np.array(_columns(texts, token_index, max_length, level, size), dtype=np.int64)
    return lookup[columns.reshape(len(texts), max_length)]


def texts_to_indices(texts, token_index, max_length, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    columns = _columns(texts, token_index, max_length, level, -1)
    return np.array(columns, dtype=np.int64).reshape(len(texts), max_length)


def ngrams(tokens, n):
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return list(zip(*(tokens[k:] for k in range(n)), strict=False))


def zero_rows_per_text(texts, max_length, token_index=None, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if max_length < 0:
        raise ValueError(f"max_length must be >= 0, got {max_length}")
    counts = []
    for text in texts:
        kept = tokenize(text, level)[:max_length]
        unknown = 0 if token_index is None else sum(token not in token_index for token in kept)
        counts.append(max(max_length - len(kept), 0) + unknown)
    return counts


def one_hot_row(token, token_index):
    if token not in token_index:
        return np.zeros(len(token_index))
    return np.eye(len(token_index))[token_index[token]]
