# attack: kill the worker from inside a call with os._exit(0)
import os


def tokenize(text, level="word"):
    os._exit(0)


def one_hot_encode(texts, token_index, max_length):
    os._exit(0)
