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

from seqlab.errors import SubmissionFailed, SubmissionUnavailable

__all__ = [
    "GPU_MARKER",
    "MARKER",
    "SubmissionFailed",
    "SubmissionUnavailable",
    "TOLERANCES",
    "assert_close",
    "assert_inputs_kept",
    "assert_keeps_graph",
    "assert_matches",
    "assert_returns",
    "call_text",
    "expect_tuple",
    "assert_tensor_matches",
    "close_enough",
    "expect_raises",
    "float_tolerance",
    "graded",
    "on_devices",
    "traced",
]

#: The name of the pytest marker :func:`graded` sets (``@pytest.mark.seqlab(function=..., points=...)``).
MARKER = "seqlab"
#: The name of the pytest marker of a GPU check (the ``"cuda"`` case of :func:`on_devices`).
GPU_MARKER = "seqlab_gpu"
_MAX_SHOWN = 200


def graded(function: str, points: float, *, edge: bool = False) -> pytest.MarkDecorator:
    """Mark a test as grading ``function``, worth ``points`` (a function's points add up over its tests).

    ``edge=True`` marks a test that a function doing nothing could pass: error handling (``expect_raises``),
    an answer that is empty or zero, a property of how the function computes rather than what. It earns its
    points only when the same function also passes at least one of its other tests in the same grading, so
    a stub that raises ``ValueError`` on everything, returns None, or returns zeros of the right shape earns
    nothing from it. A function's tests cannot all be edge tests.
    """
    if points <= 0:
        raise ValueError("points must be positive")
    return getattr(pytest.mark, MARKER)(function=function, points=float(points), edge=bool(edge))


def on_devices() -> pytest.MarkDecorator:
    """Parametrize a test over ``device``: ``"cpu"`` always, ``"cuda"`` as a *GPU check*.

    A GPU check runs where the grader sees a CUDA device; elsewhere it is reported as not run, with the
    reason, and its points follow the run's GPU policy (see ``seqlab.suite.gpu``).
    """
    cuda = pytest.param("cuda", marks=getattr(pytest.mark, GPU_MARKER))
    return pytest.mark.parametrize("device", ["cpu", cuda])


def _observed(function: Any, evidence: str, helper: str) -> Callable[..., tuple[Any, Any]]:
    """``function`` (of the ``submission`` fixture) as a call returning ``(value, evidence)``."""
    with_evidence = getattr(function, "with_evidence", None)  # a seqlab.isolate.proxy.RemoteFunction
    if with_evidence is None and getattr(function, "unavailable_submission", False):
        return function  # every call fails with the reason the submission could not be loaded
    if with_evidence is None:
        raise TypeError(f"{helper}() needs a function of the `submission` fixture")
    return with_evidence(evidence)


def traced(function: Any) -> Callable[..., tuple[Any, Any]]:
    """Wrap a function of the ``submission`` fixture so that a call returns ``(value, trace)``.

    The trace (``seqlab.isolate.results.CallTrace``) counts the torch operators the call dispatched and
    lists data moved off the inputs' device; the call runs in the worker like any other.
    """
    return _observed(function, "trace", "traced")


def assert_inputs_kept(function: Any, *args: Any, what: str, **kwargs: Any) -> Any:
    """Call the student's ``function`` and fail unless it left every argument as it was and returned
    nothing that shares memory with one (a view, or the argument itself); returns the value.

    The worker compares each argument with a copy taken before the call (see
    ``seqlab.isolate.evidence``): an array sorted or standardized in place, a dict of parameters
    modified, or an output that *is* an input, all fail with a sentence that says which.
    """
    value, report = _observed(function, "inputs", "assert_inputs_kept")(*args, **kwargs)
    if report.changed:
        raise AssertionError(
            f"{what} changed its input {', '.join(report.changed)} in place; the docstring promises the "
            "inputs are not changed: work on a copy (np.array(a, copy=True), dict(p), a.astype(...))"
        )
    if report.aliased:
        raise AssertionError(
            f"{what} returned memory of its inputs ({'; '.join(report.aliased)}): a caller that changes the "
            "result would change its input too; return new arrays (np.array(a, copy=True), a.copy())"
        )
    return value


def assert_keeps_graph(function: Any, *args: Any, what: str, **kwargs: Any) -> Any:
    """Call the student's torch ``function`` with its floating tensor arguments requiring gradients and
    fail unless its value depends on every one of them through autograd; returns the value.

    A function that computes through numpy (or ``.detach()``, ``.item()``, ``torch.tensor(...)`` of
    results) and wraps the result in a tensor returns values with no autograd history: ``loss.backward()``
    would never reach its parameters.
    """
    value, report = _observed(function, "graph", "assert_keeps_graph")(*args, **kwargs)
    missing = [name for name in report.inputs if name not in report.connected]
    if report.outputs and not report.connected:
        raise AssertionError(
            f"{what} returned tensors that are not on the autograd graph of its inputs: gradients cannot "
            "flow back through it. Compute with torch operations on the input tensors (no numpy, .detach(), "
            ".item() or torch.tensor(...) of intermediate results)."
        )
    if missing:
        raise AssertionError(
            f"{what} returned values that do not depend, through autograd, on {', '.join(missing)}: the "
            "gradient of a loss would not reach them. Use the input tensors themselves in the computation."
        )
    return value


#: Every tolerance seqlab compares with, ``(rtol, atol)``, in one table:
#:
#: * ``float64``: a float64 result against the float64 reference;
#: * ``float32``: a result computed in float32 on a CPU (float32 roundings, amplified step after step by the
#:   recurrent weights over a short sequence);
#: * ``float32-cuda``: float32 on CUDA, where matrix products may run in TF32 (10-bit mantissa, relative
#:   error ~5e-4 per product) when ``torch.backends.cuda.matmul.allow_tf32`` is on;
#: * ``float16``: float16 and bfloat16;
#: * ``float32-floor``: the least :func:`assert_matches` compares a float32 or float16 array with, whatever
#:   tolerance it was given (its default, ``exact``, is below float32's resolution);
#: * ``exact``: :func:`assert_matches`' default, for values that must come out as computed.
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


def _computed_dtype(value: Any) -> str:
    """``"float32"`` when any floating array in ``value`` is float32 (or narrower), else ``"float64"``."""
    if isinstance(value, np.ndarray | np.generic):
        return "float32" if value.dtype.kind == "f" and value.dtype.itemsize <= 4 else "float64"
    if isinstance(value, list | tuple):
        return "float32" if "float32" in map(_computed_dtype, value) else "float64"
    if isinstance(value, Mapping):
        return _computed_dtype(list(value.values()))
    return "float64"


def assert_close(
    actual: Any,
    expected: Any,
    *,
    what: str,
    computed_with: Any = None,
    term_scale: float = 1.0,
) -> None:
    """:func:`assert_matches` with the tolerance of the precision the student computed in.

    When either side is float32 (a float32 implementation given float64 inputs, or a float64 one given
    float32 inputs and compared with the reference's float32 result), the comparison uses
    :func:`float_tolerance` of float32, with the absolute tolerance scaled by the largest magnitude in
    ``expected`` (a sum of float32 terms is only as exact as its largest terms), so neither correct
    implementation is failed; float64 against float64 gets the float64 tolerance.

    ``computed_with`` is other output of the same call whose precision counts too (a loss returned as a
    Python float next to float32 gradients); ``term_scale`` is the magnitude of the terms the result was
    summed from when it exceeds the result's own (``dW = x.T @ da`` with ``|x|`` ~ 1000).
    """
    rtol, atol = _precision_tolerance(actual, expected, computed_with, term_scale)
    assert_matches(actual, expected, what=what, rtol=rtol, atol=atol)


def _precision_tolerance(
    actual: Any, expected: Any, computed_with: Any = None, term_scale: float = 1.0
) -> tuple[float, float]:
    """``(rtol, atol)`` of :func:`assert_close`: float32's when either side was computed in float32."""
    computed = {_computed_dtype(actual), _computed_dtype(expected), _computed_dtype(computed_with)}
    single = "float32" in computed
    rtol, atol = float_tolerance("float32" if single else "float64")
    if single:  # float32 keeps ~7 digits of the largest terms of a sum: entries near 0 get the same error
        atol *= max(1.0, _largest_magnitude(expected), term_scale)
    return rtol, atol


def _tensors_as_arrays(value: Any) -> Any:
    """``value`` with every torch tensor replaced by its values as a float64 (or integer) numpy array."""
    if _is_tensor(value):
        array = value.detach().cpu().numpy()
        return array.astype(np.float64) if array.dtype.kind == "f" else array
    if isinstance(value, tuple | list):
        return type(value)(_tensors_as_arrays(v) for v in value)
    if isinstance(value, Mapping):
        return {k: _tensors_as_arrays(v) for k, v in value.items()}
    return value


def close_enough(actual: Any, expected: Any) -> bool:
    """Whether :func:`assert_close` would accept ``actual`` for ``expected`` (torch tensors compared by value,
    whatever their device or dtype). Used to match a student's output with a known mistake's."""
    actual, expected = _tensors_as_arrays(actual), _tensors_as_arrays(expected)
    rtol, atol = _precision_tolerance(actual, expected)
    try:
        _assert_matches(actual, expected, what="", rtol=rtol, atol=atol)
    except (AssertionError, ArithmeticError, ValueError, TypeError):
        return False
    return True


def _largest_magnitude(value: Any) -> float:
    """The largest finite absolute value among the numbers and arrays in ``value`` (0 when none)."""
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return max((_largest_magnitude(v) for v in value), default=0.0)
    array = _as_array(value)
    if array is None or array.dtype.kind not in "iuf" or array.size == 0:
        return 0.0
    finite = np.abs(array[np.isfinite(array)]) if array.dtype.kind == "f" else np.abs(array)
    return float(finite.max()) if finite.size else 0.0


def expect_tuple(result: Any, names: Sequence[str], *, what: str) -> tuple[Any, ...]:
    """Check that a function returned a tuple (or list) of ``len(names)`` items and return it as a tuple."""
    if not isinstance(result, tuple | list) or len(result) != len(names):
        shape = f"a tuple ({', '.join(names)})"
        raise AssertionError(f"{what} returned {_describe(result)}; expected {shape}")
    return tuple(result)


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "device") and hasattr(value, "dtype")


def assert_tensor_matches(
    actual: Any,
    expected: np.ndarray,
    *,
    what: str,
    device: str,
    dtype: Any,
    rtol: float | None = None,
    atol: float | None = None,
) -> None:
    """Assert that ``actual`` is a torch tensor on ``device``, of ``dtype``, with the values ``expected``.

    ``device`` is compared by type (``"cuda"`` matches ``cuda:0``); ``expected`` is a numpy array (usually
    the float64 reference); tolerances default to :func:`float_tolerance` for ``dtype`` and ``device``.
    """
    if not _is_tensor(actual):
        raise AssertionError(f"{what} returned {_describe(actual)}; expected a torch tensor")
    got_device = str(actual.device)
    if got_device.split(":")[0] != device.split(":")[0]:
        raise AssertionError(
            f"{what} returned a tensor on {got_device}; expected it on {device}, the device of its inputs "
            "(create new tensors with x.new_zeros(...) or device=x.device)"
        )
    if str(actual.dtype).removeprefix("torch.") != str(dtype).removeprefix("torch."):
        raise AssertionError(
            f"{what} returned a tensor of dtype {actual.dtype}; expected {dtype}, the dtype of its inputs"
        )
    default_rtol, default_atol = float_tolerance(dtype, device)
    values = actual.detach().cpu().double().numpy()
    _compare_arrays(
        values,
        np.asarray(expected, dtype=np.float64),
        what,
        default_rtol if rtol is None else rtol,
        default_atol if atol is None else atol,
        exact_tolerances=True,
    )


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
    if _is_tensor(value):
        return f"a torch tensor of shape {tuple(value.shape)} and dtype {value.dtype} on {value.device}"
    kind = _kind(value)
    if kind == "array":
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if kind == "sequence":
        return f"a {type(value).__name__} of length {len(value)}"
    if kind == "dict":
        return f"a dict with {len(value)} {'entry' if len(value) == 1 else 'entries'}"
    return f"{_short(value)}"


def _as_array(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return None if array.dtype.hasobject else array


def _tolerances(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    if np.float32 in (a.dtype, b.dtype) or np.float16 in (a.dtype, b.dtype):
        floor_rtol, floor_atol = TOLERANCES["float32-floor"]
        return max(rtol, floor_rtol), max(atol, floor_atol)
    return rtol, atol


def _compare_arrays(
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


def assert_matches(
    actual: Any,
    expected: Any,
    *,
    what: str,
    rtol: float = TOLERANCES["exact"][0],
    atol: float = TOLERANCES["exact"][1],
) -> None:
    """Assert that the student's ``actual`` equals the reference's ``expected``, with a message for students.

    Arrays must agree in shape and values (numeric dtypes are interchangeable, float32 gets a float32
    tolerance, NaN equals NaN); lists and tuples element-wise and in length (a list may stand for a tuple);
    dicts in keys and values; scalars in value. ``what`` names the call, e.g. ``"tokenize('a b')"``.

    Known mistakes are named once the test failed, by the grader's catalogue
    (:class:`seqlab.misconceptions.Catalogue`).
    """
    _assert_matches(actual, expected, what=what, rtol=rtol, atol=atol)


#: Arguments longer than this are shortened in :func:`call_text`; results longer than
#: :data:`_SHOWN_WHOLE` are described (shape, length) rather than shown.
_ARGUMENT_SHOWN = 60
_SHOWN_WHOLE = 120


def _argument_text(value: Any) -> str:
    if _is_tensor(value):
        return f"tensor(shape={tuple(value.shape)}, {value.dtype})"
    if isinstance(value, np.ndarray) and value.size > 12:
        return f"array(shape={value.shape}, {value.dtype})"
    text = " ".join(_short(value).split())  # one line, however numpy lays an array out
    return text if len(text) <= _ARGUMENT_SHOWN else text[: _ARGUMENT_SHOWN - 3] + "..."


def call_text(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """A call as a student would write it, e.g. ``tokenize('Hi, Bo', level='char')``; long arguments are
    shortened and large arrays given by shape and dtype."""
    parts = [_argument_text(value) for value in args]
    parts += [f"{key}={_argument_text(value)}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def assert_returns(function: Callable[..., Any], /, *args: Any, expected: Any, **kwargs: Any) -> Any:
    """Call the student's ``function(*args, **kwargs)`` and assert that it returns ``expected``; return it.

    For public tests, whose expected values students may see: the failure names the call as written
    (:func:`call_text`) and, when both values are short, shows what came back and what was expected, e.g.::

        tokenize('God bless the queen.') returned a list of length 3; expected a list of length 4
          got:      ['god', 'bless', 'the']
          expected: ['god', 'bless', 'the', 'queen']

    The comparison is :func:`assert_matches`'s.
    """
    name = getattr(function, "__name__", "the function")
    value = function(*args, **kwargs)
    what = call_text(name, args, kwargs)
    try:
        _assert_matches(value, expected, what=what, rtol=TOLERANCES["exact"][0], atol=TOLERANCES["exact"][1])
    except AssertionError as failure:
        raise AssertionError(_with_both_values(str(failure), value, expected)) from None
    return value


def _with_both_values(message: str, actual: Any, expected: Any) -> str:
    """``message`` and, when both fit on a line, the whole values that differ."""
    got, want = _short(actual), _short(expected)
    if len(got) > _SHOWN_WHOLE or len(want) > _SHOWN_WHOLE or "\n" in got + want:
        return message
    return f"{message}\n  got:      {got}\n  expected: {want}"


def _assert_matches(actual: Any, expected: Any, *, what: str, rtol: float, atol: float) -> None:
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
            _assert_matches(a, e, what=f"{what}[{index}]", rtol=rtol, atol=atol)
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
            _assert_matches(actual[key], expected[key], what=f"{what}[{key!r}]", rtol=rtol, atol=atol)
    elif kind_e == "number":
        _compare_arrays(np.asarray(actual), np.asarray(expected), what, rtol, atol)
    elif actual != expected:
        raise AssertionError(f"{what} returned {_short(actual)}; expected {_short(expected)}")
