# mutant-of: convolve2d
# mistake: the kernel is not flipped, so "convolution" is cross-correlation
# misconception: convolve2d-kernel-not-flipped
def convolve2d(image, kernel):
    return cross_correlate2d(image, kernel)
