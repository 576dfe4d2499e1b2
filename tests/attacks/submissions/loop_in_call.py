# attack: hang inside every call
def tokenize(text, level="word"):
    while True:
        pass


def one_hot_encode(texts, token_index, max_length):
    while True:
        pass
