# mutant-of: maxpool2d_forward
# mistake: the pooling windows are one row and column too small (range(i*s, i*s + f - 1))
# misconception: maxpool-window-one-short
import numpy as np


def maxpool2d_forward(x, f, stride=None):
    fh, fw = (f, f) if isinstance(f, int) else f
    sh, sw = (fh, fw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    out_h, out_w = (x.shape[2] - fh) // sh + 1, (x.shape[3] - fw) // sw + 1
    out = np.empty((*x.shape[:2], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * sh : i * sh + max(fh - 1, 1), j * sw : j * sw + max(fw - 1, 1)]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out
