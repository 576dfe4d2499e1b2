# an ordinary, partly done submission, graded beside the hostile ones in a class run
import re


def tokenize(text, level="word"):
    if level == "char":
        return list(text)
    if level != "word":
        raise ValueError(level)
    return re.findall(r"\w+(?:'\w+)*", text.lower())
