# mutant-of: cross_correlate2d
# mistake: no check that image and kernel are 2-D: a 3-D image is broadcast against the kernel, no ValueError
import numpy as np


def cross_correlate2d(image, kernel):
    kh, kw = kernel.shape[0], kernel.shape[1]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out
