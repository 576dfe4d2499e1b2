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
from seqlab.suite import comparison as _comparison
from seqlab.suite.comparison import TOLERANCES, float_tolerance

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
    rtol, atol = _comparison.precision_tolerance(actual, expected, computed_with, term_scale)
    assert_matches(actual, expected, what=what, rtol=rtol, atol=atol)


def close_enough(actual: Any, expected: Any) -> bool:
    """Whether :func:`assert_close` would accept ``actual`` for ``expected`` (torch tensors compared by value,
    whatever their device or dtype). Used to match a student's output with a known mistake's."""
    actual, expected = _comparison.tensors_as_arrays(actual), _comparison.tensors_as_arrays(expected)
    rtol, atol = _comparison.precision_tolerance(actual, expected)
    try:
        _comparison.match_values(actual, expected, what="", rtol=rtol, atol=atol)
    except (AssertionError, ArithmeticError, ValueError, TypeError):
        return False
    return True


def expect_tuple(result: Any, names: Sequence[str], *, what: str) -> tuple[Any, ...]:
    """Check that a function returned a tuple (or list) of ``len(names)`` items and return it as a tuple."""
    if not isinstance(result, tuple | list) or len(result) != len(names):
        shape = f"a tuple ({', '.join(names)})"
        raise AssertionError(f"{what} returned {_comparison.describe(result)}; expected {shape}")
    return tuple(result)


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
    if not _comparison.is_tensor(actual):
        raise AssertionError(f"{what} returned {_comparison.describe(actual)}; expected a torch tensor")
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
    _comparison.compare_arrays(
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
    _comparison.match_values(actual, expected, what=what, rtol=rtol, atol=atol)


#: Arguments longer than this are shortened in :func:`call_text`; results longer than
#: :data:`_SHOWN_WHOLE` are described (shape, length) rather than shown.
_ARGUMENT_SHOWN = 60
_SHOWN_WHOLE = 120


def _argument_text(value: Any) -> str:
    if _comparison.is_tensor(value):
        return f"tensor(shape={tuple(value.shape)}, {value.dtype})"
    if isinstance(value, np.ndarray) and value.size > 12:
        return f"array(shape={value.shape}, {value.dtype})"
    text = " ".join(_comparison.short(value).split())  # one line, however numpy lays an array out
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
        _comparison.match_values(
            value, expected, what=what, rtol=TOLERANCES["exact"][0], atol=TOLERANCES["exact"][1]
        )
    except AssertionError as failure:
        raise AssertionError(_with_both_values(str(failure), value, expected)) from None
    return value


def _with_both_values(message: str, actual: Any, expected: Any) -> str:
    """``message`` and, when both fit on a line, the whole values that differ."""
    got, want = _comparison.short(actual), _comparison.short(expected)
    if len(got) > _SHOWN_WHOLE or len(want) > _SHOWN_WHOLE or "\n" in got + want:
        return message
    return f"{message}\n  got:      {got}\n  expected: {want}"
