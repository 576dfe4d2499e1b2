# mutant-of: convolve2d
# mistake: the kernel is flipped in place (kernel[...] = np.flip(kernel)), which changes the caller's kernel
import numpy as np


def convolve2d(image, kernel):
    if kernel.ndim != 2:
        raise ValueError("need a 2-D kernel")
    kernel[...] = np.flip(kernel)  # np.flip is a view of the kernel itself: numpy copies, then overwrites
    return cross_correlate2d(image, kernel)
