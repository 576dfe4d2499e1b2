# mutant-of: conv2d_forward
# mistake: the filters are flipped (a true convolution), which CNN layers do not do
# misconception: conv2d-filters-flipped
import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    if x.shape[1] != w.shape[1]:
        raise ValueError("channel mismatch")
    w = w[:, :, ::-1, ::-1]
    fh, fw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out_h = (xp.shape[2] - fh) // sh + 1
    out_w = (xp.shape[3] - fw) // sw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError("the filters are larger than the padded image")
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = xp[:, :, i * sh : i * sh + fh, j * sw : j * sw + fw]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
