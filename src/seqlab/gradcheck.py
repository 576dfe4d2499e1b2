"""Numerical gradients by centred differences, and the relative error used to compare them.

Students check their backward passes with these in the ``bptt`` notebook; the project's tests use the same
functions as an independent oracle (they never look at an analytic gradient)::

    from seqlab.gradcheck import numerical_gradient, relative_error

    x = np.random.randn(3, 4)
    loss = lambda: float(np.sum(np.tanh(x) ** 2))
    numeric = numerical_gradient(loss, x)                # dloss/dx, shape (3, 4)
    relative_error(numeric, 2 * np.tanh(x) * (1 - np.tanh(x) ** 2))   # ~1e-10

Centred differences: ``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)``, with an error of order ``h**2``; in
float64 with ``h = 1e-5`` a correct gradient agrees to a relative error below about 1e-7 (rounding in
``f`` limits it from below, the curvature of ``f`` from above).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["numerical_gradient", "numerical_gradient_array", "relative_error"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, *, h: float = 1e-5) -> np.ndarray:
    """The gradient of the scalar ``f()`` with respect to the array ``x``, by centred differences.

    ``f`` takes no arguments and reads ``x`` (which it must not copy beforehand): each entry of ``x`` is
    nudged in place by ``+h`` and ``-h`` and restored. ``x`` must be a floating array (float64 for
    accurate results).

    Returns:
        an array of ``x``'s shape: ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)``.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a floating array, got dtype {x.dtype}")
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(*x.shape):
        original = x[index]
        x[index] = original + h
        above = float(f())
        x[index] = original - h
        below = float(f())
        x[index] = original
        grad[index] = (above - below) / (2.0 * h)
    return grad


def numerical_gradient_array(
    f: Callable[[], np.ndarray], x: np.ndarray, upstream: np.ndarray, *, h: float = 1e-5
) -> np.ndarray:
    """The gradient of ``sum(f() * upstream)`` with respect to ``x``: a backward pass's expected result.

    For an array-valued ``f`` (a forward pass) and the upstream gradient ``upstream`` (``dL/df``, the shape
    of ``f()``), this is ``dL/dx`` by the chain rule, computed by centred differences as in
    :func:`numerical_gradient`.
    """
    upstream = np.asarray(upstream, dtype=np.float64)
    return numerical_gradient(lambda: float(np.sum(np.asarray(f(), dtype=np.float64) * upstream)), x, h=h)


def relative_error(a: np.ndarray, b: np.ndarray, *, floor: float = 1e-8) -> float:
    """``max |a - b| / max(|a| + |b|, floor)`` element-wise, the largest over all entries.

    0 means identical; a correct analytic gradient against :func:`numerical_gradient` in float64 is
    usually below 1e-7; above 1e-3 something is wrong. ``floor`` keeps entries where both are ~0 from
    dividing by zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
