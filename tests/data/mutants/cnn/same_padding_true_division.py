# mutant-of: same_padding
# mistake: d (f - 1) / 2 with true division: the right padding as a float (1.0) where an int is promised
def same_padding(f, dilation=1):
    if f < 1 or dilation < 1:
        raise ValueError("f and dilation must be >= 1")
    if dilation * (f - 1) % 2:
        raise ValueError("no symmetric 'same' padding for an even effective filter size")
    return dilation * (f - 1) / 2
