"""Known misconceptions of the cnn assignment, each implemented as the mistake (see seqlab.misconceptions).

A mistake receives ``ref``, the reference in which the mistaken function replaces the correct one, so the
functions built on it are recognised too: a wrong ``conv_output_size`` in ``shape_table`` and
``conv2d_forward``, a wrong ``pool_output_size`` in ``shape_table`` and the pooling layers, a wrong
parameter count in ``shape_table``. The one exception is a cross-correlation that flips its kernel: see
``_flipped_cross_correlation``. (``ref.<function>`` is the mistake itself; ``ref.correct`` the untouched
reference.)

A size is an ``int``: a promise test fails a ``float`` even of the right value, so ``observe`` compares
the sizes with whether they are floats (a size computed with ``/`` then matches the no-floor mistake, and
one rounded down with ``np.floor``, a float of the right value, matches no mistake).

Probes (``catalogue.probe``) are typical inputs on which the mistakes of a function give wrong outputs that
differ from each other's: sizes with padding, strides that do not divide, dilation; kernels with distinct
entries (so that flipping one axis, both axes or none give three different outputs); several channels and
filters, non-square images. A hint is only given when the student's function agrees with the mistake on
every probe where the mistake is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.misconceptions import Catalogue, Observe

catalogue = Catalogue("cnn", observe=Observe(with_float_flag=("conv_output_size",)))

SIZES = "the cnn notebook, section 2.2 (The formula)"
COUNTS = "the cnn notebook, section 4 (Counting parameters)"
POOLING = "the cnn notebook, section 5 (Pooling)"
FLIPPING = "the cnn notebook, section 1.2 (True convolution flips the kernel)"

Size = int | Sequence[int]


# --- conv_output_size ------------------------------------------------------------------------------------
def _checked_span(n: int, f: int, padding: int, stride: int, dilation: int) -> int:
    """The effective filter size, after the reference's checks."""
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("invalid argument")
    span = dilation * (f - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("no window fits")
    return span


@catalogue.mistake(
    "conv-size-no-floor",
    "conv_output_size",
    title="the size formula without rounding down, (n + 2p − f) / s + 1",
    explanation="Only whole windows count: a window fits at the starts 0, s, 2s, ... up to n + 2p − f, so "
    "out = ⌊(n + 2p − f) / s⌋ + 1, an int (use //, not /).",
    where=SIZES,
)
def _(ref: Any, n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> float:
    return (n + 2 * padding - _checked_span(n, f, padding, stride, dilation)) / stride + 1


@catalogue.mistake(
    "conv-size-no-plus-one",
    "conv_output_size",
    title="the size formula without its + 1, ⌊(n + 2p − f) / s⌋",
    explanation="⌊(n + 2p − f) / s⌋ counts the steps between the first and the last window; the windows "
    "are one more: out = ⌊(n + 2p − f) / s⌋ + 1 (a filter as large as the input still gives 1 output).",
    where=SIZES,
)
def _(ref: Any, n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    return (n + 2 * padding - _checked_span(n, f, padding, stride, dilation)) // stride


@catalogue.mistake(
    "conv-size-padding-once",
    "conv_output_size",
    title="a size with the padding counted on one side only, n + p instead of n + 2p",
    explanation="padding=p adds p zeros on each side, so the padded input has n + 2p entries: "
    "out = ⌊(n + 2p − f) / s⌋ + 1.",
    where=SIZES,
)
def _(ref: Any, n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    return max(1, (n + padding - _checked_span(n, f, padding, stride, dilation)) // stride + 1)


@catalogue.form("conv-size-padding-once")
def _(ref: Any, n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """The same mistake without a floor at 1: 0 or less where the once-padded input is too small."""
    return (n + padding - _checked_span(n, f, padding, stride, dilation)) // stride + 1


@catalogue.mistake(
    "conv-size-dilation-ignored",
    "conv_output_size",
    title="the size of an undilated filter (the dilation ignored)",
    explanation="A filter of f taps with dilation d spans d (f − 1) + 1 inputs, so PyTorch's size is "
    "⌊(n + 2p − d (f − 1) − 1) / s⌋ + 1: replace f by the effective size d (f − 1) + 1.",
    where=SIZES,
)
def _(ref: Any, n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    _checked_span(n, f, padding, stride, dilation)  # the arguments' checks
    return (n + 2 * padding - _checked_span(n, f, padding, stride, 1)) // stride + 1


# Probes: each mistake is wrong on some and alone with its value on one (the comments: reference, no floor,
# no + 1, padding once, dilation ignored); 10 / 2 and 13 / 3 do not divide, so a float of the right size
# (np.floor) is not the no-floor mistake.
catalogue.probe("conv_output_size", 7, 3, padding=3, stride=2, dilation=2)  # 5, 5.0, 4, 3, 6
catalogue.probe("conv_output_size", 10, 3, padding=1, stride=2)  # 5, 5.5, 4, 5, 5
catalogue.probe("conv_output_size", 13, 3, padding=1, stride=3, dilation=2)  # 4, 4.33, 3, 4, 5
catalogue.probe("conv_output_size", 28, 5, padding=0, stride=1)  # 24, 24.0, 23, 24, 24


# --- pool_output_size ------------------------------------------------------------------------------------
def _pool_size(
    n: int,
    f: int,
    stride: int | None,
    ceil_mode: bool,
    padding: int,
    *,
    window: int,
    last_rule: bool,
    count_check: bool = True,
) -> int:
    """pool_output_size with the window ``window`` in the formula, and PyTorch's last-window rule or not;
    without ``count_check``, "no window fits" is decided by comparing f with n + 2p, not by the count."""
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0 or padding > f // 2:
        raise ValueError("invalid argument")
    if not count_check and f > n + 2 * padding:
        raise ValueError("no window fits")
    span = n + 2 * padding - window
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if last_rule and ceil_mode and (out - 1) * s >= n + padding:
        out -= 1
    if count_check and out < 1:
        raise ValueError("no window fits")
    return out


@catalogue.mistake(
    "pool-size-ceil-mode-ignored",
    "pool_output_size",
    title="a pooling size that always rounds down, whatever ceil_mode says",
    explanation="With ceil_mode=True the division is rounded up, ⌈(n + 2p − f) / s⌉ + 1 (in integers "
    "-(-a // s)), so a last, partial window is kept; only ceil_mode=False rounds down.",
    where=POOLING,
)
def _(ref: Any, n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0) -> int:
    return _pool_size(n, f, stride, False, padding, window=f, last_rule=True)


@catalogue.mistake(
    "pool-size-ceil-without-start-rule",
    "pool_output_size",
    title="ceil mode without PyTorch's rule that the last window must start inside the input",
    explanation="After rounding up, PyTorch drops the last window when it would start in the right "
    "padding, that is when (out − 1) s ≥ n + p.",
    where=POOLING,
)
def _(ref: Any, n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0) -> int:
    return _pool_size(n, f, stride, ceil_mode, padding, window=f, last_rule=False)


@catalogue.mistake(
    "pool-size-window-one-smaller",
    "pool_output_size",
    title="the pooling size of a window one smaller than f, ⌊(n + 2p − f + 1) / s⌋ + 1",
    explanation="The last window must fit: it starts at most at n + 2p − f, so out = ⌊(n + 2p − f) / s⌋ "
    "+ 1 (rounded up in ceil mode); n − f + 1 is the count of windows at stride 1 only.",
    where=POOLING,
)
def _(ref: Any, n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0) -> int:
    return _pool_size(n, f, stride, ceil_mode, padding, window=f - 1, last_rule=True)


@catalogue.mistake(
    "pool-size-window-one-larger",
    "pool_output_size",
    title="the pooling size of a window one larger than f, ⌊(n + 2p − f − 1) / s⌋ + 1",
    explanation="A window of f entries fits at the starts 0, s, 2s, ... up to n + 2p − f, so out = "
    "⌊(n + 2p − f) / s⌋ + 1 (rounded up in ceil mode), with no extra − 1.",
    where=POOLING,
)
def _(ref: Any, n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0) -> int:
    return _pool_size(n, f, stride, ceil_mode, padding, window=f + 1, last_rule=True, count_check=False)


# Probes (reference; ceil mode ignored, no start rule, window one smaller, window one larger): the last
# window of the first starts in the right padding (PyTorch drops it).
catalogue.probe("pool_output_size", 7, 2, stride=2, ceil_mode=True, padding=1)  # 4; 4, 5, 4, 4
catalogue.probe("pool_output_size", 8, 3, ceil_mode=True)  # 3; 2, 3, 3, 3
catalogue.probe("pool_output_size", 7, 2, stride=2)  # 3; 3, 3, 4, 3
catalogue.probe("pool_output_size", 7, 3, stride=2)  # 3; 3, 3, 3, 2
catalogue.probe("pool_output_size", 12, 3, stride=2, ceil_mode=True, padding=1)  # 7; 6, 7, 7, 6


# --- parameter counts ------------------------------------------------------------------------------------
def _filter_weights(ref: Any, f: Size, c_in: int, c_out: int) -> int:
    """The weights of one filter without its input channels, fh * fw, after the reference's checks."""
    fh, fw = ref._pair(f, "f")
    if min(fh, fw, c_in, c_out) < 1:
        raise ValueError("sizes must be >= 1")
    return fh * fw


def _dense_weights(n_in: int, n_out: int) -> int:
    if n_in < 1 or n_out < 1:
        raise ValueError("sizes must be >= 1")
    return n_in * n_out


@catalogue.mistake(
    "conv-params-input-channels-forgotten",
    "conv_param_count",
    title="a count of f × f weights per filter, forgetting the input channels",
    explanation="A filter spans all c_in input channels, so it has fh · fw · c_in weights and one bias: "
    "c_out (fh · fw · c_in + 1) in all.",
    where=COUNTS,
)
def _(ref: Any, f: Size, c_in: int, c_out: int, bias: bool = True) -> int:
    return c_out * (_filter_weights(ref, f, c_in, c_out) + int(bool(bias)))


@catalogue.mistake(
    "conv-params-biases-forgotten",
    "conv_param_count",
    title="a count of the convolution's weights only, without its biases",
    explanation="Each filter also has a bias (unless bias=False): c_out (fh · fw · c_in + 1).",
    where=COUNTS,
)
def _(ref: Any, f: Size, c_in: int, c_out: int, bias: bool = True) -> int:
    return c_out * _filter_weights(ref, f, c_in, c_out) * c_in


@catalogue.mistake(
    "conv-params-one-bias-per-layer",
    "conv_param_count",
    title="a count with one bias for the whole layer instead of one per filter",
    explanation="Every filter (output channel) has its own bias, shared over the positions: "
    "c_out (fh · fw · c_in + 1), as PyTorch's Conv2d.bias of shape (out_channels,).",
    where=COUNTS,
)
def _(ref: Any, f: Size, c_in: int, c_out: int, bias: bool = True) -> int:
    return c_out * _filter_weights(ref, f, c_in, c_out) * c_in + int(bool(bias))


@catalogue.mistake(
    "dense-params-biases-forgotten",
    "dense_param_count",
    title="a count of the dense layer's weights only, without its biases",
    explanation="Each output unit also has a bias (unless bias=False): n_in · n_out + n_out.",
    where=COUNTS,
)
def _(ref: Any, n_in: int, n_out: int, bias: bool = True) -> int:
    return _dense_weights(n_in, n_out)


@catalogue.mistake(
    "dense-params-one-bias",
    "dense_param_count",
    title="a count with a single bias for the whole dense layer",
    explanation="Every output unit has its own bias: n_in · n_out + n_out.",
    where=COUNTS,
)
def _(ref: Any, n_in: int, n_out: int, bias: bool = True) -> int:
    return _dense_weights(n_in, n_out) + int(bool(bias))


@catalogue.form("dense-params-one-bias")
def _(ref: Any, n_in: int, n_out: int, bias: bool = True) -> int:
    """The same mistake with the one bias counted whatever ``bias`` says."""
    return _dense_weights(n_in, n_out) + 1


# Probes (reference; input channels forgotten, biases forgotten, one bias per layer / dense: biases
# forgotten, one bias, one bias even without biases).
catalogue.probe("conv_param_count", 3, 4, 6)  # 222; 60, 216, 217
catalogue.probe("conv_param_count", (3, 5), 2, 4)  # 124; 64, 120, 121
catalogue.probe("conv_param_count", 3, 3, 5, bias=False)  # 135; 45, 135, 135
catalogue.probe("dense_param_count", 400, 120)  # 48120; 48000, 48001, 48001
catalogue.probe("dense_param_count", 84, 10, bias=False)  # 840; 840, 840, 841


# --- convolutions ----------------------------------------------------------------------------------------
@catalogue.mistake(
    "conv2d-filters-flipped",
    "conv2d_forward",
    title="a layer that flips its filters (a true convolution)",
    explanation="A CNN layer, like PyTorch's Conv2d, slides its filters without flipping them (a "
    "cross-correlation): out[n, k, i, j] = b[k] + Σ xp[n, c, i·sh + u, j·sw + v] · w[k, c, u, v].",
    where=f"{FLIPPING} and section 3 (A convolution layer: many channels, many filters, a batch)",
)
def _(ref: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Size = 1, padding: Size = 0) -> Any:
    return ref.correct.conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, padding)


@catalogue.mistake(
    "conv2d-bias-left-out",
    "conv2d_forward",
    title="a layer without its biases",
    explanation="Every filter k adds its bias b[k] at every position of its output channel: "
    "out[n, k, i, j] = b[k] + Σ xp[n, c, i·sh + u, j·sw + v] · w[k, c, u, v].",
    where="the cnn notebook, section 3 (A convolution layer: many channels, many filters, a batch)",
)
def _(ref: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Size = 1, padding: Size = 0) -> Any:
    return ref.correct.conv2d_forward(x, w, np.zeros_like(b), stride, padding)


@catalogue.mistake(
    "cross-correlation-kernel-flipped",
    "cross_correlate2d",
    title="a cross-correlation that flips the kernel (a true convolution)",
    explanation="Cross-correlation, what CNN layers compute, slides the kernel as it is: out[i, j] = "
    "Σ image[i + u, j + v] · kernel[u, v]; only convolve2d flips it.",
    where=FLIPPING,
    # In convolve2d (which flips, then cross-correlates) this mistake gives exactly a convolve2d that
    # forgets to flip: those outputs are left to convolve2d-kernel-not-flipped, which says to check both.
    cascades=False,
)
def _flipped_cross_correlation(ref: Any, image: np.ndarray, kernel: np.ndarray) -> Any:
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel[::-1, ::-1])


@catalogue.mistake(
    "convolve2d-kernel-not-flipped",
    "convolve2d",
    title="a cross-correlation: the kernel is not flipped",
    explanation="The mathematical convolution slides the kernel rotated by 180 degrees, kernel[::-1, ::-1]: "
    "out[i, j] = Σ image[i + u, j + v] · kernel[kh − 1 − u, kw − 1 − v]. If your convolve2d calls your "
    "cross_correlate2d with the flipped kernel, check that cross_correlate2d does not flip it back.",
    where=FLIPPING,
)
def _(ref: Any, image: np.ndarray, kernel: np.ndarray) -> Any:
    return ref.cross_correlate2d(image, kernel)


_rng = np.random.default_rng(16)
#: batches of 2 non-square images with 3 channels; filters, biases and kernels with distinct entries
_X = _rng.uniform(-1.0, 1.0, (2, 3, 7, 8))
_W = _rng.uniform(-1.0, 1.0, (4, 3, 3, 2))
_B = _rng.uniform(-1.0, 1.0, 4)
_IMAGE = _rng.integers(-5, 6, (6, 7)).astype(float)
_KERNEL = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [2.0, -2.0, 1.0]])  # every flip differs
_WIDE_KERNEL = np.array([[2.0, -1.0, 3.0], [0.0, 1.0, -2.0]])

catalogue.probe("conv2d_forward", _X, _W, _B)
catalogue.probe("conv2d_forward", _X, _W, _B, stride=(2, 1), padding=(1, 2))
catalogue.probe("cross_correlate2d", _IMAGE, _KERNEL)
catalogue.probe("cross_correlate2d", _IMAGE, _WIDE_KERNEL)
catalogue.probe("convolve2d", _IMAGE, _KERNEL)
catalogue.probe("convolve2d", _IMAGE, _WIDE_KERNEL)


# --- pooling layers --------------------------------------------------------------------------------------
@catalogue.mistake(
    "maxpool-window-one-short",
    "maxpool2d_forward",
    title="max pooling over windows one row and one column too small",
    explanation="Window (i, j) covers the f rows i·s, ..., i·s + f − 1 (range(i*s, i*s + f), or the slice "
    "i*s : i*s + f) and likewise f columns; its maximum is out[n, c, i, j].",
    where=POOLING,
)
def _(ref: Any, x: np.ndarray, f: Size, stride: Size | None = None) -> Any:
    fh, fw = ref._pair(f, "f")
    windows = ref._pool_windows(x, f, stride)
    return windows[..., : max(fh - 1, 1), : max(fw - 1, 1)].max(axis=(-2, -1))


catalogue.probe("maxpool2d_forward", _X, 3, stride=2)
catalogue.probe("maxpool2d_forward", _X, (2, 3))
catalogue.probe("avgpool2d_forward", _X, 3, stride=2)
catalogue.probe("avgpool2d_forward", _X, (2, 3), stride=(1, 2))


# --- shape tables (through the size and count mistakes they are built on) -----------------------------
catalogue.probe(
    "shape_table",
    (32, 32, 3),
    [
        {"type": "conv", "filters": 8, "f": 5},
        {"type": "maxpool", "f": 2},
        {"type": "conv", "filters": 16, "f": 5},
        {"type": "maxpool", "f": 2},
        {"type": "dense", "units": 120},
        {"type": "dense", "units": 10},
    ],
)
catalogue.probe(
    "shape_table",
    (12, 11, 3),
    [
        {"type": "conv", "filters": 6, "f": 3, "stride": 2, "padding": 3},
        {"type": "avgpool", "f": 3, "stride": 2},
        {"type": "conv", "filters": 4, "f": 3, "padding": 1},
        {"type": "dense", "units": 7},
    ],
)
