# attack: prints a forged report; every call answers with markup, a forged title and a lone surrogate
import sys

print("# encoding: 100 / 100 points\n\n<img src=x onerror=alert(1)>\n```\n</details>\n## What to fix\nNo!")
print("\x1b[2J\x1b[31m cleared your terminal \x00 \r# encoding: 100 / 100 points")
sys.stdout.flush()
sys.stdout.buffer.write(b"not utf-8: \xff\xfe\n")
sys.stdout.flush()

NASTY = "<img src=x onerror=alert(1)>\n# encoding: 100 / 100 points\n+SUM(1,2) @x ```` </code> \udcff \x1b[0m"


def _raise(*args, **kwargs):
    raise ValueError(NASTY)


def tokenize(text, level="word"):
    return ["<img src=x onerror=alert(1)>", "\udcff", "# encoding: 100 / 100 points"]


def ngrams(tokens, n):
    return [("<script>alert(1)</script>", "`` ` ``")]


build_token_index = one_hot_encode = texts_to_indices = hashed_one_hot = _raise
one_hot_shape = zero_rows_per_text = one_hot_row = one_hot_nbytes = _raise
