# mutant-of: concat_weight_shape
# mistake: the right shape, returned as a list [H + D, H] where the docstring promises a tuple
def concat_weight_shape(input_size, hidden_size):
    if input_size < 0 or hidden_size < 0:
        raise ValueError("sizes must be >= 0")
    return [hidden_size + input_size, hidden_size]
