# mutant-of: tokenize
# mistake: returns the tokens as a tuple where the docstring promises a list
import re


def tokenize(text, level="word"):
    if level == "word":
        return tuple(re.findall(r"\w+(?:'\w+)*", text.lower()))
    if level == "char":
        return tuple(text)
    raise ValueError(f"level must be 'word' or 'char', got {level!r}")
