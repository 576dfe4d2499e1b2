"""How the grader compares a student's value with the reference's, and says how they differ: one table
of tolerances (:data:`TOLERANCES`), the precision a value was computed in, and the comparison of arrays,
sequences, dicts and scalars whose failure message names the first wrong position. Suite authors use it
through :mod:`seqlab.testing`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "TOLERANCES",
    "as_array",
    "compare_arrays",
    "describe",
    "float_tolerance",
    "is_tensor",
    "match_values",
    "precision_tolerance",
    "short",
    "tensors_as_arrays",
]

#: Values longer than this are cut (with ``...``) in failure messages.
MAX_SHOWN = 200


#: Every tolerance seqlab compares with, ``(rtol, atol)``, in one table:
#:
#: * ``float64``: a float64 result against the float64 reference;
#: * ``float32``: a result computed in float32 on a CPU (float32 roundings, amplified step after step by the
#:   recurrent weights over a short sequence);
#: * ``float32-cuda``: float32 on CUDA, where matrix products may run in TF32 (10-bit mantissa, relative
#:   error ~5e-4 per product) when ``torch.backends.cuda.matmul.allow_tf32`` is on;
#: * ``float16``: float16 and bfloat16;
#: * ``float32-floor``: the least :func:`seqlab.testing.assert_matches` compares a float32 or float16 array
#:   with, whatever tolerance it was given (its default, ``exact``, is below float32's resolution);
#: * ``exact``: :func:`seqlab.testing.assert_matches`' default, for values that must come out as computed.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-7, 1e-9),
    "float32": (1e-4, 1e-4),
    "float32-cuda": (2e-3, 2e-3),
    "float16": (2e-2, 2e-2),
    "float32-floor": (1e-5, 1e-6),
    "exact": (1e-7, 1e-12),
}


def float_tolerance(dtype: Any, device: str = "cpu") -> tuple[float, float]:
    """``(rtol, atol)`` for comparing a result computed in ``dtype`` on ``device`` with a float64 reference:
    the row of :data:`TOLERANCES` for that precision (``float64``, ``float32``, ``float32-cuda``,
    ``float16`` for float16 and bfloat16)."""
    name = str(dtype).removeprefix("torch.")
    if name in ("float16", "bfloat16"):
        return TOLERANCES["float16"]
    if name == "float32":
        return TOLERANCES["float32-cuda" if str(device).startswith("cuda") else "float32"]
    return TOLERANCES["float64"]


def computed_dtype(value: Any) -> str:
    """``"float32"`` when any floating array in ``value`` is float32 (or narrower), else ``"float64"``."""
    if isinstance(value, np.ndarray | np.generic):
        return "float32" if value.dtype.kind == "f" and value.dtype.itemsize <= 4 else "float64"
    if isinstance(value, list | tuple):
        return "float32" if "float32" in map(computed_dtype, value) else "float64"
    if isinstance(value, Mapping):
        return computed_dtype(list(value.values()))
    return "float64"


def precision_tolerance(
    actual: Any, expected: Any, computed_with: Any = None, term_scale: float = 1.0
) -> tuple[float, float]:
    """``(rtol, atol)`` of :func:`assert_close`: float32's when either side was computed in float32."""
    computed = {computed_dtype(actual), computed_dtype(expected), computed_dtype(computed_with)}
    single = "float32" in computed
    rtol, atol = float_tolerance("float32" if single else "float64")
    if single:  # float32 keeps ~7 digits of the largest terms of a sum: entries near 0 get the same error
        atol *= max(1.0, largest_magnitude(expected), term_scale)
    return rtol, atol


def tensors_as_arrays(value: Any) -> Any:
    """``value`` with every torch tensor replaced by its values as a float64 (or integer) numpy array."""
    if is_tensor(value):
        array = value.detach().cpu().numpy()
        return array.astype(np.float64) if array.dtype.kind == "f" else array
    if isinstance(value, tuple | list):
        return type(value)(tensors_as_arrays(v) for v in value)
    if isinstance(value, Mapping):
        return {k: tensors_as_arrays(v) for k, v in value.items()}
    return value


def largest_magnitude(value: Any) -> float:
    """The largest finite absolute value among the numbers and arrays in ``value`` (0 when none)."""
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return max((largest_magnitude(v) for v in value), default=0.0)
    array = as_array(value)
    if array is None or array.dtype.kind not in "iuf" or array.size == 0:
        return 0.0
    finite = np.abs(array[np.isfinite(array)]) if array.dtype.kind == "f" else np.abs(array)
    return float(finite.max()) if finite.size else 0.0


def is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "device") and hasattr(value, "dtype")


def short(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    text = np.array2string(value, threshold=20, edgeitems=3) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def kind_of(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, (str, np.str_)):
        return "str"
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, (list, tuple)):
        return "sequence"
    return type(value).__name__


def describe(value: Any) -> str:
    if is_tensor(value):
        return f"a torch tensor of shape {tuple(value.shape)} and dtype {value.dtype} on {value.device}"
    kind = kind_of(value)
    if kind == "array":
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if kind == "sequence":
        return f"a {type(value).__name__} of length {len(value)}"
    if kind == "dict":
        return f"a dict with {len(value)} {'entry' if len(value) == 1 else 'entries'}"
    return f"{short(value)}"


def as_array(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return None if array.dtype.hasobject else array


def tolerances(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    if np.float32 in (a.dtype, b.dtype) or np.float16 in (a.dtype, b.dtype):
        floor_rtol, floor_atol = TOLERANCES["float32-floor"]
        return max(rtol, floor_rtol), max(atol, floor_atol)
    return rtol, atol


def compare_arrays(
    actual: np.ndarray,
    expected: np.ndarray,
    what: str,
    rtol: float,
    atol: float,
    exact_tolerances: bool = False,
) -> None:
    if actual.shape != expected.shape:
        raise AssertionError(f"{what} returned shape {actual.shape}; expected shape {expected.shape}")
    kinds = {actual.dtype.kind, expected.dtype.kind}
    numeric = set("iuf")
    if kinds <= numeric or kinds == {"b"}:
        a = actual.astype(np.float64) if actual.dtype.kind != "b" else actual
        e = expected.astype(np.float64) if expected.dtype.kind != "b" else expected
        if not exact_tolerances:
            rtol, atol = tolerances(actual, expected, rtol, atol)
        if kinds <= {"b", "i", "u"}:  # integers and booleans must be exact
            close = actual == expected
        else:
            close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    elif kinds <= {"U", "S"} and len(kinds) == 1:
        close = actual == expected
    else:
        raise AssertionError(
            f"{what} returned values of dtype {actual.dtype}; expected dtype {expected.dtype}"
        )
    if np.all(close):
        return
    wrong = np.argwhere(~np.asarray(close))
    first = tuple(int(i) for i in wrong[0]) if wrong.size else ()
    got = actual[first] if first else actual[()]
    want = expected[first] if first else expected[()]
    where = (
        f" (first at index {first}: got {short(got)}, expected {short(want)})"
        if first
        else (f" (got {short(got)}, expected {short(want)})")
    )
    raise AssertionError(f"{what} returned wrong values at {len(wrong)} of {expected.size} positions{where}")


def match_values(actual: Any, expected: Any, *, what: str, rtol: float, atol: float) -> None:
    kind_a, kind_e = kind_of(actual), kind_of(expected)
    if "array" in (kind_a, kind_e) and {kind_a, kind_e} <= {"array", "sequence", "number", "bool"}:
        a, e = as_array(actual), as_array(expected)
        if a is None or e is None:
            raise AssertionError(f"{what} returned {describe(actual)}; expected {describe(expected)}")
        compare_arrays(a, e, what, rtol, atol)
        return
    if kind_a != kind_e:
        raise AssertionError(f"{what} returned {describe(actual)}; expected {describe(expected)}")
    if kind_e == "sequence":
        if len(actual) != len(expected):
            raise AssertionError(
                f"{what} returned {describe(actual)}; "
                f"expected a {type(expected).__name__} of length {len(expected)}"
            )
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            match_values(a, e, what=f"{what}[{index}]", rtol=rtol, atol=atol)
    elif kind_e == "dict":
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing keys {short(missing[:5])}")
            if extra:
                parts.append(f"unexpected keys {short(extra[:5])}")
            raise AssertionError(f"{what} returned a dict with {' and '.join(parts)}")
        for key in expected:
            match_values(actual[key], expected[key], what=f"{what}[{key!r}]", rtol=rtol, atol=atol)
    elif kind_e == "number":
        compare_arrays(np.asarray(actual), np.asarray(expected), what, rtol, atol)
    elif actual != expected:
        raise AssertionError(f"{what} returned {short(actual)}; expected {short(expected)}")
