# mutant-of: conv_output_size
# mistake: rounded down with np.floor, which returns a float: the right size, but 3.0 where an int is promised
import numpy as np


def conv_output_size(n, f, padding=0, stride=1, dilation=1):
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    span = dilation * (f - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("the filter is larger than the padded input")
    return np.floor((n + 2 * padding - span) / stride) + 1
