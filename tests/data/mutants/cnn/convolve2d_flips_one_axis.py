# mutant-of: convolve2d
# mistake: the kernel is flipped upside down only (np.flip(kernel, 0)), not in both directions: not the
# mistake of no flip at all (the lecture's edge kernel, whose rows are equal, cannot tell them apart)
import numpy as np


def convolve2d(image, kernel):
    if kernel.ndim != 2:
        raise ValueError("need a 2-D kernel")
    return cross_correlate2d(image, np.flip(kernel, 0))
