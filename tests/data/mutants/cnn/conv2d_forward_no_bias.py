# mutant-of: conv2d_forward
# mistake: the biases are not added
# misconception: conv2d-bias-left-out
import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    if x.shape[1] != w.shape[1]:
        raise ValueError("channel mismatch")
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
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out
