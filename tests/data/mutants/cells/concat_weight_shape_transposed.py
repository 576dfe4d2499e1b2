# mutant-of: concat_weight_shape
# mistake: the column-vector layout (H, H + D) instead of this assignment's row-vector (H + D, H)
# misconception: concat-weight-column-layout
def concat_weight_shape(input_size, hidden_size):
    if input_size < 0 or hidden_size < 0:
        raise ValueError("sizes must be >= 0")
    return hidden_size, hidden_size + input_size
