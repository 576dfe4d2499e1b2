"""Strategies for sizes and well-scaled numeric arrays, shared by every assignment."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = ["sizes", "float_dtypes", "finite_arrays"]


def sizes(*, min_value: int = 1, max_value: int = 6) -> st.SearchStrategy[int]:
    """Small dimension sizes (batch, time, features), bounded so examples stay fast."""
    return st.integers(min_value=min_value, max_value=max_value)


def float_dtypes() -> st.SearchStrategy[np.dtype]:
    """float64 or float32."""
    return st.sampled_from([np.dtype(np.float64), np.dtype(np.float32)])


def finite_arrays(
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    *,
    dtype: np.dtype | type = np.float64,
    scale: float = 10.0,
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of finite values in ``[-scale, scale]`` (no NaN, no infinity, no subnormals)."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    elements = st.floats(
        min_value=-scale,
        max_value=scale,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=width,
    )
    return hnp.arrays(dtype=dtype, shape=shape, elements=elements)
