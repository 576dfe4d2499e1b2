# mutant-of: pool_output_size
# cascades-to: shape_table, maxpool2d_forward, avgpool2d_forward
# mistake: one too many subtracted, floor((n + 2p - f - 1) / s) + 1, as for a window of f + 1
# misconception: pool-size-window-one-larger
def pool_output_size(n, f, stride=None, ceil_mode=False, padding=0):
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2 or f > n + 2 * padding:
        raise ValueError("bad arguments")
    span = n + 2 * padding - f - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + padding:
        out -= 1
    return out
