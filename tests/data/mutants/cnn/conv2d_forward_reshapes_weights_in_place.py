# mutant-of: conv2d_forward
# mistake: im2col with the weights reshaped in place (w.shape = ...), which changes the caller's array
import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, wd = x.shape
    k, c_w, fh, fw = w.shape
    if c != c_w:
        raise ValueError("channel mismatch")
    out_h, out_w = conv_output_size(h, fh, ph, sh), conv_output_size(wd, fw, pw, sw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    columns = np.empty((n, out_h, out_w, c * fh * fw))
    for i in range(out_h):
        for j in range(out_w):
            columns[:, i, j] = xp[:, :, i * sh : i * sh + fh, j * sw : j * sw + fw].reshape(n, -1)
    w.shape = (k, c * fh * fw)  # one row per filter
    return (columns @ w.T + b).transpose(0, 3, 1, 2)
