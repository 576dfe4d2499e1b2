# mutant-of: pool_output_size
# mistake: ceil_mode is ignored (always rounding down)
# misconception: pool-size-ceil-mode-ignored
def pool_output_size(n, f, stride=None, ceil_mode=False, padding=0):
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2 or f > n + 2 * padding:
        raise ValueError("bad arguments")
    return (n + 2 * padding - f) // s + 1
