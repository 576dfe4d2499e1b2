# mutant-of: conv_param_count
# cascades-to: shape_table
# mistake: a filter is counted as f x f weights, forgetting that it spans all input channels
# misconception: conv-params-input-channels-forgotten
def conv_param_count(f, c_in, c_out, bias=True):
    fh, fw = (f, f) if isinstance(f, int) else tuple(f)
    if min(fh, fw, c_in, c_out) < 1:
        raise ValueError("sizes must be >= 1")
    return c_out * (fh * fw + int(bool(bias)))
