# mutant-of: conv_param_count
# mistake: no check of the sizes: a layer of 0 filters or 0 input channels is counted instead of refused
def conv_param_count(f, c_in, c_out, bias=True):
    fh, fw = (f, f) if isinstance(f, int) else tuple(f)
    return c_out * (fh * fw * c_in + int(bool(bias)))
