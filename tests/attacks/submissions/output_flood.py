# attack: print megabytes of output (and a fake report in the middle)
import sys

for _ in range(2000):
    sys.stdout.write("x" * 4096 + "\n")
print('{"score": 100, "max_score": 100}')


def tokenize(text, level="word"):
    sys.stderr.write("y" * (8 * 1024 * 1024))
    return ["wrong"]
