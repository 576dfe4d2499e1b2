# mutant-of: ngrams
# mistake: range(len(tokens) - n) misses the last n-gram
# misconception: ngrams-misses-last
def ngrams(tokens, n):
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return [tuple(tokens[k : k + n]) for k in range(len(tokens) - n)]
