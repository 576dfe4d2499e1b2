# mutant-of: one_hot_shape
# mistake: returns the shape as a list [N, T, V] where the docstring promises a tuple
def one_hot_shape(texts, max_length, vocab_size=None, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if vocab_size is None:
        vocab_size = len({token for text in texts for token in tokenize(text, level)})
    return [len(texts), max_length, vocab_size]
