# mutant-of: tokenize
# mistake: text.lower().split() keeps punctuation attached to words ("bratwurst." is a different token)
# misconception: tokenize-whitespace-split
def tokenize(text, level="word"):
    if level == "word":
        return text.lower().split()
    if level == "char":
        return list(text)
    raise ValueError(f"level must be 'word' or 'char', got {level!r}")
