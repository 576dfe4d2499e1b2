# mutant-of: conv_output_size
# mistake: the dilation is ignored: floor((n + 2p - f) / s) + 1 instead of the effective size d (f - 1) + 1
# misconception: conv-size-dilation-ignored
def conv_output_size(n, f, padding=0, stride=1, dilation=1):
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    if f > n + 2 * padding:
        raise ValueError("the filter is larger than the padded input")
    return (n + 2 * padding - f) // stride + 1
