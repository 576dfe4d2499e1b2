# mutant-of: build_token_index
# mistake: columns in alphabetical order of the vocabulary (sorted(set(tokens))), not first appearance
# misconception: index-sorted-vocabulary
import re


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if num_words is not None and num_words < 0:
        raise ValueError(f"num_words must be None or >= 0, got {num_words}")
    tokens = set()
    for text in texts:
        tokens.update(re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text))
    vocabulary = sorted(tokens)
    if num_words is not None:
        vocabulary = vocabulary[:num_words]
    return {token: i for i, token in enumerate(vocabulary)}
