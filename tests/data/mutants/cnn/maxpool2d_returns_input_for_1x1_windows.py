# mutant-of: maxpool2d_forward
# mistake: a shortcut for 1 x 1 windows at stride 1 returns x itself: the caller's image, not a new array
import numpy as np


def maxpool2d_forward(x, f, stride=None):
    fh, fw = (f, f) if isinstance(f, int) else f
    sh, sw = (fh, fw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    if (fh, fw, sh, sw) == (1, 1, 1, 1):
        return x  # every window is one pixel
    out_h, out_w = pool_output_size(x.shape[2], fh, sh), pool_output_size(x.shape[3], fw, sw)
    out = np.empty((*x.shape[:2], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = x[:, :, i * sh : i * sh + fh, j * sw : j * sw + fw].max(axis=(2, 3))
    return out
