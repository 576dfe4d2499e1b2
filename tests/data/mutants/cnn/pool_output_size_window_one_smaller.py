# mutant-of: pool_output_size
# cascades-to: shape_table
# mistake: the window is counted one short, floor((n + 2p - f + 1) / s) + 1 (mixing in the stride-1 n - f + 1)
# misconception: pool-size-window-one-smaller
def pool_output_size(n, f, stride=None, ceil_mode=False, padding=0):
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2:
        raise ValueError("bad arguments")
    span = n + 2 * padding - f + 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + padding:
        out -= 1
    if out < 1:
        raise ValueError("no window fits")
    return out
