# variant-of: conv2d_forward, cross_correlate2d, convolve2d
# correct: im2col: every receptive patch becomes a column, the convolution one matrix product
import numpy as np


def _two(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def conv2d_forward(x, w, b, stride=1, padding=0):
    (sh, sw), (ph, pw) = _two(stride), _two(padding)
    n, c, h, wd = x.shape
    k, c_w, fh, fw = w.shape
    if c != c_w:
        raise ValueError(f"x has {c} channels, w expects {c_w}")
    out_h, out_w = conv_output_size(h, fh, ph, sh), conv_output_size(wd, fw, pw, sw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    rows = (np.arange(out_h) * sh)[:, None] + np.arange(fh)[None, :]  # (out_h, fh)
    cols = (np.arange(out_w) * sw)[:, None] + np.arange(fw)[None, :]  # (out_w, fw)
    patches = xp[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (n, c, out_h, out_w, fh, fw)
    columns = patches.transpose(0, 2, 3, 1, 4, 5).reshape(n * out_h * out_w, c * fh * fw)
    out = columns @ w.reshape(k, -1).T + b  # (n * out_h * out_w, k)
    return out.reshape(n, out_h, out_w, k).transpose(0, 3, 1, 2)


def cross_correlate2d(image, kernel):
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("need 2-D arrays")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel is larger than the image")
    return conv2d_forward(image[None, None], kernel[None, None], np.zeros(1))[0, 0]


def convolve2d(image, kernel):
    return cross_correlate2d(image, np.flip(kernel))
