# mutant-of: build_token_index
# mistake: numbers the tokens from 1 (Keras Tokenizer style) instead of 0
# misconception: index-one-based
import re


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if num_words is not None and num_words < 0:
        raise ValueError(f"num_words must be None or >= 0, got {num_words}")
    index = {}
    for text in texts:
        tokens = re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text)
        for token in tokens:
            if token not in index and (num_words is None or len(index) < num_words):
                index[token] = len(index) + 1
    return index
