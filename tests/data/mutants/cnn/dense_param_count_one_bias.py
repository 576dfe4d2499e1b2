# mutant-of: dense_param_count
# cascades-to: shape_table
# mistake: a single bias for the whole dense layer instead of one per output unit
# misconception: dense-params-one-bias
def dense_param_count(n_in, n_out, bias=True):
    if n_in < 1 or n_out < 1:
        raise ValueError("sizes must be >= 1")
    return n_in * n_out + (1 if bias else 0)
