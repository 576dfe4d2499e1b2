# mutant-of: pool_output_size
# mistake: ceil mode rounds up but keeps a last window that starts in the right padding (PyTorch drops it)
# misconception: pool-size-ceil-without-start-rule
def pool_output_size(n, f, stride=None, ceil_mode=False, padding=0):
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2:
        raise ValueError("bad arguments")
    span = n + 2 * padding - f
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if out < 1:
        raise ValueError("no window fits")
    return out
