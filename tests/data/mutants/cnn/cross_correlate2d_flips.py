# mutant-of: cross_correlate2d
# mistake: the kernel is flipped (rotated by 180 degrees) where cross-correlation must not flip it
# misconception: cross-correlation-kernel-flipped
import numpy as np


def cross_correlate2d(image, kernel):
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("need 2-D arrays")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel is larger than the image")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel[::-1, ::-1])


# A correct convolve2d of its own: one that called the flipped cross_correlate2d with the flipped kernel
# would return the cross-correlation, an output no test can tell from convolve2d_does_not_flip's (it gets
# convolve2d's hint, convolve2d-kernel-not-flipped, which also says to check cross_correlate2d).
def convolve2d(image, kernel):
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("need 2-D arrays")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel is larger than the image")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel[::-1, ::-1])
