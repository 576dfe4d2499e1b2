# mutant-of: build_token_index
# mistake: the columns are floats (a float counter), which cannot index a numpy array
import re


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if num_words is not None and num_words < 0:
        raise ValueError(f"num_words must be None or >= 0, got {num_words}")
    index = {}
    column = 0.0
    for text in texts:
        for token in re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text):
            if token not in index and (num_words is None or len(index) < num_words):
                index[token] = column
                column += 1.0
    return index
