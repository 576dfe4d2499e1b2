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
    raise NotImplementedError("conv_output_size is not implemented yet")


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
    raise NotImplementedError("pool_output_size is not implemented yet")


def same_padding(f: int, dilation: int = 1) -> int:
    r"""The padding that keeps the size at stride 1 ("same" convolution): ``p = d (f - 1) / 2``.

    From ``n + 2p - d (f - 1) - 1 + 1 = n``. It is an integer only for an odd effective filter size
    (``d (f - 1)`` even); PyTorch then pads unevenly, which one number cannot say.

    Returns:
        The padding ``p`` (an ``int``, not a float such as ``1.0``).

    Raises:
        ValueError: if ``f < 1``, ``dilation < 1``, or the effective filter size is even.
    """
    raise NotImplementedError("same_padding is not implemented yet")


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
    raise NotImplementedError("conv_param_count is not implemented yet")


def dense_param_count(n_in: int, n_out: int, bias: bool = True) -> int:
    r"""Trainable parameters of a fully connected layer: ``n_in * n_out + n_out`` (weights and biases).

    ``bias=False``: the weights only, ``n_in * n_out``.

    Returns:
        The count (``int``).

    Raises:
        ValueError: for a size below 1.
    """
    raise NotImplementedError("dense_param_count is not implemented yet")


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
    raise NotImplementedError("shape_table is not implemented yet")


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
    raise NotImplementedError("conv2d_forward is not implemented yet")


def cross_correlate2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    r"""2-D 'valid' cross-correlation (what CNN layers compute): the kernel slides without flipping::

        out[i, j] = sum_{u, v} image[i + u, j + v] * kernel[u, v]        out: (H - kh + 1, W - kw + 1)

    Returns a new array; ``image`` and ``kernel`` are not changed.

    Raises:
        ValueError: if either is not 2-D or the kernel is larger than the image.
    """
    raise NotImplementedError("cross_correlate2d is not implemented yet")


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
    raise NotImplementedError("convolve2d is not implemented yet")


def _pool_windows(x: np.ndarray, f: int | Sequence[int], stride: int | Sequence[int] | None) -> np.ndarray:
    """The pooling windows of ``x`` (N, C, H, W) as a view ``(N, C, H', W', fh, fw)`` (optional helper)."""
    raise NotImplementedError("_pool_windows is not implemented yet")


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
    raise NotImplementedError("maxpool2d_forward is not implemented yet")


def avgpool2d_forward(
    x: np.ndarray, f: int | Sequence[int], stride: int | Sequence[int] | None = None
) -> np.ndarray:
    r"""Average pooling on ``(N, C, H, W)`` (as ``torch.nn.functional.avg_pool2d``, no padding, floor mode)::

    out[n, c, i, j] = mean_{u < fh, v < fw} x[n, c, i*sh + u, j*sw + v]

    Args and shapes as ``maxpool2d_forward``: a new array (even for a 1 x 1 window); ``x`` is not changed.
    """
    raise NotImplementedError("avgpool2d_forward is not implemented yet")


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
    raise NotImplementedError("receptive_field is not implemented yet")
