# mutant-of: conv_output_size
# cascades-to: shape_table, conv2d_forward
# mistake: the division is not rounded down: (n + 2p - f) / s + 1 can be a fraction
# misconception: conv-size-no-floor
def conv_output_size(n, f, padding=0, stride=1, dilation=1):
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    span = dilation * (f - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("the filter is larger than the padded input")
    return (n + 2 * padding - span) / stride + 1
