# mutant-of: one_hot_shape
# mistake: the level is never checked: with vocab_size given, level="sentence" gives a shape, no ValueError
def one_hot_shape(texts, max_length, vocab_size=None, level="word"):
    if vocab_size is None:
        vocab_size = len({token for text in texts for token in tokenize(text, level)})
    return (len(texts), max_length, vocab_size)
