# mutant-of: ngrams
# mistake: the n-grams are list slices tokens[k : k + n], not tuples
def ngrams(tokens, n):
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return [list(tokens[k : k + n]) for k in range(len(tokens) - n + 1)]
