# mutant-of: conv_output_size
# cascades-to: shape_table, conv2d_forward
# mistake: wrong in a way no catalogue entry describes (two more than the right size): generic feedback only
_reference_conv_output_size = conv_output_size


def conv_output_size(n, f, padding=0, stride=1, dilation=1):
    return _reference_conv_output_size(n, f, padding, stride, dilation) + 2
