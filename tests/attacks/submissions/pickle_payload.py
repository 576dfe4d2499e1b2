# attack: return objects that run code when unpickled (the codec must never unpickle)
import os


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/seqlab-pwned",))


def tokenize(text, level="word"):
    return [Payload()]


def one_hot_encode(texts, token_index, max_length):
    import numpy as np

    return np.array([Payload()], dtype=object)
