r"""Convolutional networks by arithmetic: output sizes, parameter counts, shape tables, convolution, pooling.

Conventions used by every function of this assignment
-----------------------------------------------------
* Sizes are Python ``int``; a size argument may also be a pair ``(height, width)`` where it says so.
* Arrays are **NCHW** as in PyTorch: a batch of images is ``(N, C, H, W)`` (batch, channels, height,
  width); conv weights are ``(F, C, fh, fw)`` (filters, input channels, filter height, filter width).
* ``conv2d_forward`` computes what PyTorch and the lecture call a convolution, which is mathematically a
  *cross-correlation*: the filter is slid over the image **without flipping**. ``convolve2d`` is the
  textbook convolution, which flips the kernel in both directions first.
* Output sizes follow PyTorch (``torch.nn.Conv2d``, ``MaxPool2d``, ``AvgPool2d``), which for a
  dilation ``d`` uses the effective filter size ``d (f - 1) + 1``.
* Invalid hyper-parameters (a size below 1, negative padding, a window larger than the padded input, ...)
  raise ``ValueError`` with a sentence saying what is wrong, where PyTorch also refuses them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Layer = Mapping[str, Any]


def _pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    """``3 -> (3, 3)``, ``(3, 5) -> (3, 5)``. (Given.)"""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair (height, width), got {value!r}")
    return pair[0], pair[1]


def conv_output_size(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    r"""Output size along one axis of a convolution (as ``torch.nn.Conv2d``)::

        out = floor((n + 2p - d (f - 1) - 1) / s) + 1

    With ``d = 1`` that is the lecture's ``floor((n + 2p - f) / s) + 1``: e.g. a 7 x 7 image, a 3 x 3 filter
    and stride 2 give ``floor((7 - 3) / 2) + 1 = 3``.

    Args:
        n: input size (>= 1); f: filter size (>= 1); padding: zeros added on *each* side (>= 0);
        stride: step (>= 1); dilation: spacing of the filter taps (>= 1).

    Returns:
        The output size (``int``, at least 1).

    Raises:
        ValueError: for an invalid argument, or when the (dilated) filter is larger than the padded input.
    """
    ### BEGIN SOLUTION
    if n < 1 or f < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError(
            f"need n >= 1, f >= 1, stride >= 1, dilation >= 1 and padding >= 0; got n={n}, f={f}, "
            f"padding={padding}, stride={stride}, dilation={dilation}"
        )
    span = dilation * (f - 1) + 1
    if span > n + 2 * padding:
        raise ValueError(f"the filter spans {span} but the padded input has only {n + 2 * padding} entries")
    return (n + 2 * padding - span) // stride + 1
    ### END SOLUTION


def pool_output_size(
    n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0
) -> int:
    r"""Output size along one axis of a pooling layer (as ``torch.nn.MaxPool2d`` / ``AvgPool2d``).

    The stride defaults to the window size ``f``. With ``ceil_mode=False``::

        out = floor((n + 2p - f) / s) + 1

    With ``ceil_mode=True`` the division is rounded *up* (a last, partial window is kept, even one larger
    than the input), except that a window must start inside the input or its left padding: if
    ``(out - 1) * s >= n + p`` the last window is dropped (PyTorch's rule).

    Args:
        n: input size; f: window size; stride: step (``None``: ``f``); ceil_mode: round up;
        padding: implicit padding on each side, at most ``f // 2`` (PyTorch's limit).

    Returns:
        The output size (``int``, at least 1).

    Raises:
        ValueError: for an invalid argument, a padding above ``f // 2``, or no window at all (floor mode
        with a window larger than the padded input).
    """
    ### BEGIN SOLUTION
    s = f if stride is None else stride
    if n < 1 or f < 1 or s < 1 or padding < 0:
        raise ValueError(f"need n >= 1, f >= 1, stride >= 1, padding >= 0; got n={n}, f={f}, stride={s}")
    if padding > f // 2:
        raise ValueError(f"padding {padding} is more than half the window size {f} (PyTorch refuses it)")
    span = n + 2 * padding - f
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + padding:
        out -= 1
    if out < 1:
        raise ValueError(f"the window ({f}) is larger than the padded input ({n + 2 * padding})")
    return out
    ### END SOLUTION


def same_padding(f: int, dilation: int = 1) -> int:
    r"""The padding that keeps the size at stride 1 ("same" convolution): ``p = d (f - 1) / 2``.

    From ``n + 2p - d (f - 1) - 1 + 1 = n``. It is an integer only for an odd effective filter size
    (``d (f - 1)`` even); PyTorch then pads unevenly, which one number cannot say.

    Returns:
        The padding ``p`` (an ``int``, not a float such as ``1.0``).

    Raises:
        ValueError: if ``f < 1``, ``dilation < 1``, or the effective filter size is even.
    """
    ### BEGIN SOLUTION
    if f < 1 or dilation < 1:
        raise ValueError(f"need f >= 1 and dilation >= 1, got f={f}, dilation={dilation}")
    total = dilation * (f - 1)
    if total % 2:
        raise ValueError(
            f"no symmetric 'same' padding for an even effective filter size {total + 1} (f={f}, d={dilation})"
        )
    return total // 2
    ### END SOLUTION


def conv_param_count(f: int | Sequence[int], c_in: int, c_out: int, bias: bool = True) -> int:
    r"""Trainable parameters of a convolution layer: ``c_out * (fh * fw * c_in + bias)``.

    Each of the ``c_out`` filters has ``fh * fw * c_in`` weights (it spans all input channels) and one bias.
    The lecture's example, 5 filters of 3 x 3 x 3: ``conv_param_count(3, 3, 5) = 5 * (27 + 1) = 140``.

    Args:
        f: filter size, an int or ``(fh, fw)``; c_in: input channels; c_out: filters (output channels).
        bias: whether each filter has a bias.

    Returns:
        The count (``int``).

    Raises:
        ValueError: for a size below 1.
    """
    ### BEGIN SOLUTION
    fh, fw = _pair(f, "f")
    if min(fh, fw, c_in, c_out) < 1:
        raise ValueError(f"sizes must be >= 1, got f={f!r}, c_in={c_in}, c_out={c_out}")
    return c_out * (fh * fw * c_in + int(bool(bias)))
    ### END SOLUTION


def dense_param_count(n_in: int, n_out: int, bias: bool = True) -> int:
    r"""Trainable parameters of a fully connected layer: ``n_in * n_out + n_out`` (weights and biases).

    ``bias=False``: the weights only, ``n_in * n_out``.

    Returns:
        The count (``int``).

    Raises:
        ValueError: for a size below 1.
    """
    ### BEGIN SOLUTION
    if n_in < 1 or n_out < 1:
        raise ValueError(f"sizes must be >= 1, got n_in={n_in}, n_out={n_out}")
    return n_in * n_out + (n_out if bias else 0)
    ### END SOLUTION


def shape_table(input_shape: Sequence[int], layers: Sequence[Layer]) -> list[dict[str, Any]]:
    r"""The lecture's table: activation shape, activation size and parameter count after every layer.

    Shapes are channels-last as in the lecture, ``(H, W, C)`` for images and ``(units,)`` after a dense
    layer. Each layer is a dict with a ``"type"`` and its hyper-parameters (and an optional ``"name"``):

    =============  ==============================================  ====================================
    ``"type"``     keys                                            output shape / parameters
    =============  ==============================================  ====================================
    ``"conv"``     ``filters``, ``f``, ``stride=1``, ``padding=0``  ``(H', W', filters)`` /
                                                                   ``filters * (f*f*C + 1)``
    ``"maxpool"``,  ``f``, ``stride=f``                             ``(H', W', C)`` / 0
    ``"avgpool"``
    ``"dense"``    ``units`` (flattens an image input first)       ``(units,)`` / ``inputs * units + units``
    =============  ==============================================  ====================================

    (``H'``, ``W'`` by ``conv_output_size`` / ``pool_output_size``; a dense layer after ``(H, W, C)`` sees
    ``H * W * C`` inputs.)

    Returns:
        One dict per row, the input first: ``{"layer": name, "shape": tuple, "size": int, "params": int}``
        (``size`` is the product of ``shape``); ``shape`` is a ``tuple`` of ``int``; names default to
        ``"input"`` and ``"<type><index>"`` (index from 1 over all layers). ``layers`` and its dicts are not
        changed (a default such as ``stride=1`` is not written into them).

    Raises:
        ValueError: for an unknown type, a missing key, or sizes that do not fit.
    """
    ### BEGIN SOLUTION
    shape = tuple(int(v) for v in input_shape)
    rows = [{"layer": "input", "shape": shape, "size": math.prod(shape), "params": 0}]
    for index, layer in enumerate(layers, start=1):
        kind = layer.get("type")
        try:
            if kind == "conv":
                if len(shape) != 3:
                    raise ValueError(f"a conv layer needs an (H, W, C) input, got {shape}")
                fh, fw = _pair(layer["f"], "f")
                sh, sw = _pair(layer.get("stride", 1), "stride")
                ph, pw = _pair(layer.get("padding", 0), "padding")
                params = conv_param_count((fh, fw), shape[2], int(layer["filters"]))
                shape = (
                    conv_output_size(shape[0], fh, ph, sh),
                    conv_output_size(shape[1], fw, pw, sw),
                    int(layer["filters"]),
                )
            elif kind in ("maxpool", "avgpool"):
                if len(shape) != 3:
                    raise ValueError(f"a pooling layer needs an (H, W, C) input, got {shape}")
                fh, fw = _pair(layer["f"], "f")
                sh, sw = _pair(layer.get("stride", (fh, fw)), "stride")
                params = 0
                shape = (pool_output_size(shape[0], fh, sh), pool_output_size(shape[1], fw, sw), shape[2])
            elif kind == "dense":
                units = int(layer["units"])
                params = dense_param_count(math.prod(shape), units)
                shape = (units,)
            else:
                raise ValueError(f"unknown layer type {kind!r}; use 'conv', 'maxpool', 'avgpool' or 'dense'")
        except KeyError as missing:
            raise ValueError(f"layer {index} ({kind}) lacks the key {missing}") from None
        name = str(layer.get("name", f"{kind}{index}"))
        rows.append({"layer": name, "shape": shape, "size": math.prod(shape), "params": params})
    return rows
    ### END SOLUTION


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
) -> np.ndarray:
    r"""A convolution layer as PyTorch computes it (cross-correlation, no flip), on a batch::

        out[n, k, i, j] = b[k] + sum_{c, u, v} xp[n, c, i*sh + u, j*sw + v] * w[k, c, u, v]

    where ``xp`` is ``x`` zero-padded by ``padding`` on each side of both spatial axes.

    Args:
        x: ``(N, C, H, W)``; w: ``(F, C, fh, fw)``; b: ``(F,)``;
        stride, padding: ints or ``(height, width)`` pairs.

    Returns:
        ``(N, F, H', W')`` with ``H' = conv_output_size(H, fh, ph, sh)`` and likewise ``W'``: a new array;
        ``x``, ``w`` and ``b`` are not changed (``np.pad`` returns a padded copy; never pad ``x`` in place).

    Raises:
        ValueError: if the channels of ``x`` and ``w`` differ, or the sizes do not fit.
    """
    ### BEGIN SOLUTION
    sh, sw = _pair(stride, "stride")
    ph, pw = _pair(padding, "padding")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"x has {x.shape[1]} channels but the filters expect {w.shape[1]}")
    fh, fw = w.shape[2:]
    out_h = conv_output_size(x.shape[2], fh, ph, sh)
    out_w = conv_output_size(x.shape[3], fw, pw, sw)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[
        :, :, : (out_h - 1) * sh + 1 : sh, : (out_w - 1) * sw + 1 : sw
    ]  # (N, C, H', W', fh, fw)
    return np.einsum("nchwuv,kcuv->nkhw", windows, w) + b[None, :, None, None]
    ### END SOLUTION


def cross_correlate2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    r"""2-D 'valid' cross-correlation (what CNN layers compute): the kernel slides without flipping::

        out[i, j] = sum_{u, v} image[i + u, j + v] * kernel[u, v]        out: (H - kh + 1, W - kw + 1)

    Returns a new array; ``image`` and ``kernel`` are not changed.

    Raises:
        ValueError: if either is not 2-D or the kernel is larger than the image.
    """
    ### BEGIN SOLUTION
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"need 2-D image and kernel, got shapes {image.shape} and {kernel.shape}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"the kernel {kernel.shape} is larger than the image {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel)
    ### END SOLUTION


def convolve2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    r"""2-D 'valid' convolution in the mathematical sense: cross-correlation with the kernel flipped in both
    directions (rotated by 180 degrees)::

        out[i, j] = sum_{u, v} image[i + u, j + v] * kernel[kh - 1 - u, kw - 1 - v]

    (as ``scipy.signal.convolve2d(image, kernel, mode="valid")``). For a symmetric kernel both are equal.

    Returns a new array; ``image`` and ``kernel`` are not changed: read the flipped kernel from a view
    (``kernel[::-1, ::-1]``, ``np.flip(kernel)``) or a copy, never flip the caller's kernel in place.

    Raises:
        ValueError: as ``cross_correlate2d``.
    """
    ### BEGIN SOLUTION
    if kernel.ndim != 2:
        raise ValueError(f"need a 2-D kernel, got shape {kernel.shape}")
    return cross_correlate2d(image, kernel[::-1, ::-1])
    ### END SOLUTION


def _pool_windows(x: np.ndarray, f: int | Sequence[int], stride: int | Sequence[int] | None) -> np.ndarray:
    """The pooling windows of ``x`` (N, C, H, W) as a view ``(N, C, H', W', fh, fw)`` (optional helper)."""
    ### BEGIN SOLUTION
    fh, fw = _pair(f, "f")
    sh, sw = _pair(stride if stride is not None else (fh, fw), "stride")
    out_h, out_w = pool_output_size(x.shape[2], fh, sh), pool_output_size(x.shape[3], fw, sw)
    windows = np.lib.stride_tricks.sliding_window_view(x, (fh, fw), axis=(2, 3))
    return windows[:, :, : (out_h - 1) * sh + 1 : sh, : (out_w - 1) * sw + 1 : sw]
    ### END SOLUTION


def maxpool2d_forward(
    x: np.ndarray, f: int | Sequence[int], stride: int | Sequence[int] | None = None
) -> np.ndarray:
    r"""Max pooling on ``(N, C, H, W)`` (as ``torch.nn.functional.max_pool2d``, no padding, floor mode)::

        out[n, c, i, j] = max_{u < fh, v < fw} x[n, c, i*sh + u, j*sw + v]

    Args:
        x: ``(N, C, H, W)``; f: window, int or pair; stride: int or pair (``None``: the window size).

    Returns:
        ``(N, C, H', W')`` with ``H' = pool_output_size(H, fh, sh)``: a new array (even for a 1 x 1 window);
        ``x`` is not changed.
    """
    ### BEGIN SOLUTION
    return _pool_windows(x, f, stride).max(axis=(-2, -1))
    ### END SOLUTION


def avgpool2d_forward(
    x: np.ndarray, f: int | Sequence[int], stride: int | Sequence[int] | None = None
) -> np.ndarray:
    r"""Average pooling on ``(N, C, H, W)`` (as ``torch.nn.functional.avg_pool2d``, no padding, floor mode)::

    out[n, c, i, j] = mean_{u < fh, v < fw} x[n, c, i*sh + u, j*sw + v]

    Args and shapes as ``maxpool2d_forward``: a new array (even for a 1 x 1 window); ``x`` is not changed.
    """
    ### BEGIN SOLUTION
    return _pool_windows(x, f, stride).mean(axis=(-2, -1))
    ### END SOLUTION


def receptive_field(layers: Sequence[Layer]) -> int:
    r"""How many input pixels (along one axis) one unit of the last layer sees: its receptive field.

    Each layer is a dict with ``"f"`` and optional ``"stride"`` (1) and ``"dilation"`` (1). Going up the
    stack, a layer widens the field by ``d (f - 1)`` steps of the current *jump* (the input distance
    between neighbouring units), and multiplies the jump by its stride::

        r = 1, j = 1;   for each layer: r += d (f - 1) j;  j *= s

    Two 3 x 3 convolutions see 5 x 5 pixels; three see 7 x 7 (VGG's argument for small filters).

    Returns:
        The receptive field (``int``; 1 for no layers).

    Raises:
        ValueError: for ``f``, ``stride`` or ``dilation`` below 1.
    """
    ### BEGIN SOLUTION
    field, jump = 1, 1
    for layer in layers:
        f, s, d = int(layer["f"]), int(layer.get("stride", 1)), int(layer.get("dilation", 1))
        if min(f, s, d) < 1:
            raise ValueError(f"f, stride and dilation must be >= 1, got {dict(layer)}")
        field += d * (f - 1) * jump
        jump *= s
    return field
    ### END SOLUTION
