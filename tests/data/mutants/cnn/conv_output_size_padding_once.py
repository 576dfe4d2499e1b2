# mutant-of: conv_output_size
# cascades-to: shape_table, conv2d_forward
# mistake: the padding is counted once (n + p) instead of on both sides (n + 2p)
# misconception: conv-size-padding-once
def conv_output_size(n, f, padding=0, stride=1, dilation=1):
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    span = dilation * (f - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("the filter is larger than the padded input")
    return max(1, (n + padding - span) // stride + 1)
