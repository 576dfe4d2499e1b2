# mutant-of: avgpool2d_forward
# mistake: the image is divided by the window size in place (x /= fh * fw) before the windows are summed
import numpy as np


def avgpool2d_forward(x, f, stride=None):
    fh, fw = (f, f) if isinstance(f, int) else f
    sh, sw = (fh, fw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    out_h, out_w = pool_output_size(x.shape[2], fh, sh), pool_output_size(x.shape[3], fw, sw)
    x /= fh * fw
    out = np.empty((*x.shape[:2], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = x[:, :, i * sh : i * sh + fh, j * sw : j * sw + fw].sum(axis=(2, 3))
    return out
