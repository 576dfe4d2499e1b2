# attack: answer wrongly the first time an input is seen and rightly when the same input comes back
# (hypothesis replays a failing example; the recorded examples replay earlier inputs): the verdict then
# depended on the example cache (7 points with the recorded examples, 3 without)
import re

_SEEN = set()


def _first_time(*key):
    if key in _SEEN:
        return False
    _SEEN.add(key)
    return True


def tokenize(text, level="word"):
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    if _first_time("tokenize", text, level):
        return ["?"]
    return re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text)


def build_token_index(texts, level="word", num_words=None):
    if level not in ("word", "char") or (num_words is not None and num_words < 0):
        raise ValueError("bad arguments")
    if _first_time("build_token_index", tuple(texts), level, num_words):
        return {"?": 0}
    index = {}
    for text in texts:
        for token in re.findall(r"\w+(?:'\w+)*", text.lower()) if level == "word" else list(text):
            if num_words is not None and len(index) >= num_words:
                return index
            index.setdefault(token, len(index))
    return index
