"""The public toolkit for hidden-suite authors: the ``graded`` marker, comparisons and failures.

A hidden suite is a plain pytest file::

    from seqlab.testing import graded, assert_matches

    @graded("tokenize", points=2)
    def test_tokenize_lowercases(submission, reference):
        assert_matches(submission.tokenize("A b"), reference.tokenize("A b"), what='tokenize("A b")')

``submission`` (the student's functions, each call run in the isolated worker) and ``reference`` (the
reference module) are fixtures supplied by the grading engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest

__all__ = ["graded", "assert_matches", "expect_raises", "SubmissionFailed", "SubmissionUnavailable", "MARKER"]

MARKER = "seqlab"
_MAX_SHOWN = 200


def graded(function: str, points: float) -> pytest.MarkDecorator:
    """Mark a test as grading ``function``, worth ``points`` (a function's points add up over its tests)."""
    if points <= 0:
        raise ValueError("points must be positive")
    return getattr(pytest.mark, MARKER)(function=function, points=float(points))


class _CallFailure:
    """What the student-facing failures carry.

    Attributes:
        function: the student's function that was called.
        status: the worker's status (``error``, ``timeout``, ``crash``, ``missing``, ``bad_return``, ...).
        error_type: the class name of the student's exception, when it raised one.
        error_mro: the class names of that exception's MRO (to check ``ValueError`` subclasses).
        student_message: the sentence shown in the feedback.
        traceback: the student's own frames of the traceback.
    """

    def __init__(
        self,
        function: str,
        status: str,
        student_message: str,
        *,
        error_type: str = "",
        error_mro: Sequence[str] = (),
        traceback: str = "",
    ) -> None:
        super().__init__(student_message)  # Exception or BaseException, by the subclass's bases
        self.function = function
        self.status = status
        self.student_message = student_message
        self.error_type = error_type
        self.error_mro = tuple(error_mro)
        self.traceback = traceback


class SubmissionFailed(_CallFailure, Exception):
    """A call into the student's code raised an exception, which may depend on the input: hypothesis
    shrinks the input to the smallest one that fails."""


class SubmissionUnavailable(_CallFailure, BaseException):
    """The student's function cannot be graded at all (not implemented, missing, hung, crashed, returned
    something that is not plain data, time budget spent). It derives from BaseException so hypothesis stops
    at once instead of shrinking an input that does not matter; pytest still records the test as failed."""


def expect_raises(
    function: Callable[..., Any],
    *args: Any,
    exception: str,
    kwargs: Mapping[str, Any] | None = None,
    what: str | None = None,
) -> None:
    """Assert that calling the student's ``function`` raises ``exception`` (a class name) or a subclass."""
    label = what or f"{getattr(function, '__name__', 'the function')}(...)"
    try:
        function(*args, **dict(kwargs or {}))
    except (SubmissionFailed, SubmissionUnavailable) as failure:
        if failure.error_type == "NotImplementedError" and exception != "NotImplementedError":
            raise
        if failure.status == "error" and exception in (failure.error_mro or (failure.error_type,)):
            return
        if failure.status == "error":
            raise AssertionError(
                f"{label} raised {failure.error_type} ({failure.student_message}); expected {exception}"
            ) from None
        raise
    raise AssertionError(f"{label} returned normally; it should raise {exception} for this input")


def _short(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    text = np.array2string(value, threshold=20, edgeitems=3) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _kind(value: Any) -> str:
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


def _describe(value: Any) -> str:
    kind = _kind(value)
    if kind == "array":
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if kind == "sequence":
        return f"a {type(value).__name__} of length {len(value)}"
    if kind == "dict":
        return f"a dict with {len(value)} entries"
    return f"{_short(value)}"


def _as_array(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return None if array.dtype.hasobject else array


def _tolerances(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    if np.float32 in (a.dtype, b.dtype) or np.float16 in (a.dtype, b.dtype):
        return max(rtol, 1e-5), max(atol, 1e-6)
    return rtol, atol


def _compare_arrays(actual: np.ndarray, expected: np.ndarray, what: str, rtol: float, atol: float) -> None:
    if actual.shape != expected.shape:
        raise AssertionError(f"{what} returned shape {actual.shape}; expected shape {expected.shape}")
    kinds = {actual.dtype.kind, expected.dtype.kind}
    numeric = set("iuf")
    if kinds <= numeric or kinds == {"b"}:
        a = actual.astype(np.float64) if actual.dtype.kind != "b" else actual
        e = expected.astype(np.float64) if expected.dtype.kind != "b" else expected
        rtol, atol = _tolerances(actual, expected, rtol, atol)
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
        f" (first at index {first}: got {_short(got)}, expected {_short(want)})"
        if first
        else (f" (got {_short(got)}, expected {_short(want)})")
    )
    raise AssertionError(f"{what} returned wrong values at {len(wrong)} of {expected.size} positions{where}")


def assert_matches(actual: Any, expected: Any, *, what: str, rtol: float = 1e-7, atol: float = 1e-12) -> None:
    """Assert that the student's ``actual`` equals the reference's ``expected``, with a message for students.

    Arrays must agree in shape and values (numeric dtypes are interchangeable, float32 gets a float32
    tolerance, NaN equals NaN); lists and tuples element-wise and in length (a list may stand for a tuple);
    dicts in keys and values; scalars in value. ``what`` names the call, e.g. ``"tokenize('a b')"``.
    """
    kind_a, kind_e = _kind(actual), _kind(expected)
    if "array" in (kind_a, kind_e) and {kind_a, kind_e} <= {"array", "sequence", "number", "bool"}:
        a, e = _as_array(actual), _as_array(expected)
        if a is None or e is None:
            raise AssertionError(f"{what} returned {_describe(actual)}; expected {_describe(expected)}")
        _compare_arrays(a, e, what, rtol, atol)
        return
    if kind_a != kind_e:
        raise AssertionError(f"{what} returned {_describe(actual)}; expected {_describe(expected)}")
    if kind_e == "sequence":
        if len(actual) != len(expected):
            raise AssertionError(
                f"{what} returned {_describe(actual)}; "
                f"expected a {type(expected).__name__} of length {len(expected)}"
            )
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, what=f"{what}[{index}]", rtol=rtol, atol=atol)
    elif kind_e == "dict":
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing keys {_short(missing[:5])}")
            if extra:
                parts.append(f"unexpected keys {_short(extra[:5])}")
            raise AssertionError(f"{what} returned a dict with {' and '.join(parts)}")
        for key in expected:
            assert_matches(actual[key], expected[key], what=f"{what}[{key!r}]", rtol=rtol, atol=atol)
    elif kind_e == "number":
        _compare_arrays(np.asarray(actual), np.asarray(expected), what, rtol, atol)
    elif actual != expected:
        raise AssertionError(f"{what} returned {_short(actual)}; expected {_short(expected)}")
