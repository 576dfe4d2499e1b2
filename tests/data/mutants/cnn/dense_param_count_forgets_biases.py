# mutant-of: dense_param_count
# cascades-to: shape_table
# mistake: the biases of a dense layer are not counted
# misconception: dense-params-biases-forgotten
def dense_param_count(n_in, n_out, bias=True):
    if n_in < 1 or n_out < 1:
        raise ValueError("sizes must be >= 1")
    return n_in * n_out
