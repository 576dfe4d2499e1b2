"""Strategies for time series: small 1-D/2-D series, valid window and generator set-ups, train/val splits.

Values lie on a grid of quarters (``k / 4`` with ``|k| <= 80``): sums and means of a handful of them are
exact in float64, so a constant feature has a standard deviation of exactly 0 and results never hinge on
rounding. Every size is bounded so that one example costs microseconds.

The ``*_setups`` strategies return keyword-argument dicts that can be passed straight to the function
under test (``make_windows(**setup)``, ``lookback_generator(**setup)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "grid_values",
    "series",
    "window_setups",
    "window_batches",
    "generator_setups",
    "standardize_splits",
    "seeds",
]

WINDOW_OPTIONS: tuple[str, ...] = (
    "targets",
    "sampling_rate",
    "stride",
    "start_index",
    "end_index",
    "reverse",
)
"""The optional arguments of ``make_windows`` that :func:`window_setups` can vary."""


def grid_values(*, bound: int = 80) -> st.SearchStrategy[float]:
    """Floats ``k / 4`` for integers ``|k| <= bound`` (exactly representable, exact small sums)."""
    return st.integers(min_value=-bound, max_value=bound).map(lambda k: k / 4)


def _rows(n: int, features: int | None, dtype: type = np.float64) -> st.SearchStrategy[np.ndarray]:
    shape = (n,) if features is None else (n, features)
    if np.dtype(dtype).kind == "f":
        return hnp.arrays(dtype=dtype, shape=shape, elements=grid_values())
    return hnp.arrays(dtype=dtype, shape=shape, elements=st.integers(min_value=-100, max_value=100))


@st.composite
def series(
    draw: st.DrawFn,
    *,
    min_length: int = 0,
    max_length: int = 16,
    ndim: int | None = None,
    max_features: int = 3,
    dtype: type = np.float64,
) -> np.ndarray:
    """A series of ``min_length..max_length`` time steps: shape ``(n,)`` or ``(n, features)``.

    ``ndim`` fixes 1 or 2 dimensions (``None`` draws either); ``dtype`` is float64 (grid values) or an
    integer type (values in ``[-100, 100]``).
    """
    n = draw(st.integers(min_value=min_length, max_value=max_length))
    dims = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    features = None if dims == 1 else draw(st.integers(min_value=1, max_value=max_features))
    return draw(_rows(n, features, dtype))


@st.composite
def window_setups(
    draw: st.DrawFn,
    *,
    vary: Sequence[str] = WINDOW_OPTIONS,
    min_rows: int = 2,
    max_rows: int = 16,
    ndim: int | None = None,
    max_features: int = 3,
    dtype: type = np.float64,
) -> dict[str, Any]:
    """Keyword arguments for a valid ``make_windows`` call (at least one window fits).

    Always present: ``data`` (``n`` rows, ``min_rows <= n <= max_rows``, ``n >= 2``) and ``length``.
    Each name in ``vary`` (a subset of ``targets``, ``sampling_rate``, ``stride``, ``start_index``,
    ``end_index`` and ``reverse``, the default) may be drawn as well; names not in ``vary``
    are left out, i.e. at their defaults. ``targets`` (when drawn) has its own trailing shape.
    """
    unknown = set(vary) - set(WINDOW_OPTIONS)
    if unknown:
        raise ValueError(f"window_setups cannot vary {sorted(unknown)}")
    n = draw(st.integers(min_value=max(2, min_rows), max_value=max(2, min_rows, max_rows)))
    dims = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    features = None if dims == 1 else draw(st.integers(min_value=1, max_value=max_features))
    setup: dict[str, Any] = {"data": draw(_rows(n, features, dtype))}
    if "start_index" in vary:
        start_index = draw(st.integers(min_value=0, max_value=n - 2))
        setup["start_index"] = start_index
    else:
        start_index = 0
    if "end_index" in vary:
        end_index = draw(st.integers(min_value=start_index + 1, max_value=n - 1))
        setup["end_index"] = end_index
    else:
        end_index = n - 1
    length = draw(st.integers(min_value=1, max_value=end_index - start_index))
    setup["length"] = length
    if "sampling_rate" in vary:
        setup["sampling_rate"] = draw(st.integers(min_value=1, max_value=length + 1))
    if "stride" in vary:
        setup["stride"] = draw(st.integers(min_value=1, max_value=max(1, (end_index - start_index) // 2 + 1)))
    if "targets" in vary:
        target_features = draw(st.sampled_from([None, 1, 2]))
        setup["targets"] = draw(_rows(n, target_features, dtype))
    if "reverse" in vary:
        setup["reverse"] = draw(st.booleans())
    return setup


@st.composite
def window_batches(
    draw: st.DrawFn, *, max_samples: int = 20, max_batch_size: int = 8
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(X, y, batch_size)``: ``N`` windows ``(N, T, F)`` (``0 <= N <= max_samples``), targets ``(N,)``.

    ``y[k] = k`` (as float) so a wrong order is easy to read in a counterexample.
    """
    n = draw(st.integers(min_value=0, max_value=max_samples))
    t = draw(st.integers(min_value=1, max_value=4))
    f = draw(st.integers(min_value=1, max_value=3))
    X = draw(hnp.arrays(dtype=np.float64, shape=(n, t, f), elements=grid_values()))
    y = np.arange(n, dtype=np.float64)
    batch_size = draw(st.integers(min_value=1, max_value=max_batch_size))
    return X, y, batch_size


@st.composite
def generator_setups(
    draw: st.DrawFn,
    *,
    shuffle: bool = False,
    max_lookback: int = 12,
    max_delay: int = 6,
    max_batch_size: int = 8,
    max_extra_rows: int = 30,
    max_features: int = 3,
) -> dict[str, Any]:
    """Keyword arguments for a valid ``lookback_generator`` call on a small float64 series.

    Guarantees ``min_index + lookback < max_index <= len(data) - delay`` (``max_index`` may be ``None``,
    meaning ``len(data) - delay - 1``, which is then also valid). ``step`` ranges over ``1..lookback + 1``
    (so it need not divide ``lookback``), ``batch_size`` may exceed the usable range. With
    ``shuffle=True`` the dict also holds ``shuffle=True`` and an int ``seed``.
    """
    lookback = draw(st.integers(min_value=1, max_value=max_lookback))
    step = draw(st.integers(min_value=1, max_value=lookback + 1))
    delay = draw(st.integers(min_value=0, max_value=max_delay))
    min_index = draw(st.integers(min_value=0, max_value=5))
    first = min_index + lookback
    n = draw(st.integers(min_value=first + delay + 2, max_value=first + delay + 2 + max_extra_rows))
    features = draw(st.integers(min_value=1, max_value=max_features))
    data = draw(hnp.arrays(dtype=np.float64, shape=(n, features), elements=grid_values()))
    max_index = draw(st.one_of(st.none(), st.integers(min_value=first + 1, max_value=n - delay)))
    setup: dict[str, Any] = {
        "data": data,
        "lookback": lookback,
        "delay": delay,
        "min_index": min_index,
        "max_index": max_index,
        "batch_size": draw(st.integers(min_value=1, max_value=max_batch_size)),
        "step": step,
        "target_col": draw(st.integers(min_value=0, max_value=features - 1)),
    }
    if shuffle:
        setup["shuffle"] = True
        setup["seed"] = draw(seeds())
    return setup


@st.composite
def standardize_splits(
    draw: st.DrawFn, *, max_rows: int = 12, max_others: int = 2, ndim: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(train, others)``: ``train`` with ``1..max_rows`` rows, ``0..max_others`` arrays of the same trailing
    shape with ``0..max_rows`` rows each; 1-D or 2-D float64 grid values (constant features happen)."""
    dims = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    features = None if dims == 1 else draw(st.integers(min_value=1, max_value=3))
    train = draw(_rows(draw(st.integers(min_value=1, max_value=max_rows)), features))
    count = draw(st.integers(min_value=0, max_value=max_others))
    others = [draw(_rows(draw(st.integers(min_value=0, max_value=max_rows)), features)) for _ in range(count)]
    return train, others


def seeds() -> st.SearchStrategy[int]:
    """Seeds for ``np.random.default_rng``."""
    return st.integers(min_value=0, max_value=2**32 - 1)
