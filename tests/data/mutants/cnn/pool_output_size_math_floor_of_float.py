# mutant-of: pool_output_size
# mistake: rounded with np.floor / np.ceil, which return floats: the right size, 4.0 where an int is promised
import numpy as np


def pool_output_size(n, f, stride=None, ceil_mode=False, padding=0):
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2:
        raise ValueError("bad arguments")
    rounding = np.ceil if ceil_mode else np.floor
    out = rounding((n + 2 * padding - f) / s) + 1
    if ceil_mode and (out - 1) * s >= n + padding:
        out -= 1
    if out < 1:
        raise ValueError("no window fits")
    return out
