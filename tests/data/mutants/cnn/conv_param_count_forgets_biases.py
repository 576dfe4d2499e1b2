# mutant-of: conv_param_count
# cascades-to: shape_table
# mistake: the biases are not counted
# misconception: conv-params-biases-forgotten
def conv_param_count(f, c_in, c_out, bias=True):
    fh, fw = (f, f) if isinstance(f, int) else tuple(f)
    if min(fh, fw, c_in, c_out) < 1:
        raise ValueError("sizes must be >= 1")
    return c_out * fh * fw * c_in
