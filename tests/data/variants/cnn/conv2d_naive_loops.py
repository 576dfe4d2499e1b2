# variant-of: conv2d_forward, maxpool2d_forward, avgpool2d_forward
# correct: the textbook seven nested loops (batch, filter, output row and column, channel, kernel row and
# column), and pooling with explicit windows
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
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    out = np.zeros((n, k, out_h, out_w))
    for a in range(n):
        for f in range(k):
            for i in range(out_h):
                for j in range(out_w):
                    total = b[f]
                    for ch in range(c):
                        for u in range(fh):
                            for v in range(fw):
                                total += xp[a, ch, i * sh + u, j * sw + v] * w[f, ch, u, v]
                    out[a, f, i, j] = total
    return out


def _pool(x, f, stride, reduce):
    fh, fw = _two(f)
    sh, sw = (fh, fw) if stride is None else _two(stride)
    out_h, out_w = (x.shape[2] - fh) // sh + 1, (x.shape[3] - fw) // sw + 1
    out = np.empty((x.shape[0], x.shape[1], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = reduce(x[:, :, i * sh : i * sh + fh, j * sw : j * sw + fw], axis=(2, 3))
    return out


def maxpool2d_forward(x, f, stride=None):
    return _pool(x, f, stride, np.max)


def avgpool2d_forward(x, f, stride=None):
    return _pool(x, f, stride, np.mean)
