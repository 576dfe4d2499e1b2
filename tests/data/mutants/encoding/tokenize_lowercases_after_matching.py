# mutant-of: tokenize
# mistake: lower-cases each token after matching the original text, not the whole text first: "İstanbul"
# stays one token "i̇stanbul" instead of "i", "stanbul" ('İ'.lower() is "i" + a combining dot)
import re


def tokenize(text, level="word"):
    if level == "word":
        return [token.lower() for token in re.findall(r"\w+(?:'\w+)*", text)]
    if level == "char":
        return list(text)
    raise ValueError(f"level must be 'word' or 'char', got {level!r}")
