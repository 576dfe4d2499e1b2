"""Hidden tests: the numpy cell and sequence forwards (43.5 points; their docstrings' other promises, a tuple,
float32 kept and the inputs unchanged, are worth 1.5 more each in test_promises.py).

Every forward is checked four ways, each its own test so a partly right function earns part of its points:
values (float64, random sizes from 1 up, and a single time step always), float32 inputs, the zero and
saturating regimes (no NaN where gates saturate), and the documented cache. Expected values come from the
reference; known mistakes are recognised and named in a hint (misconceptions.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import example, given

from seqlab import strategies as sst
from seqlab.testing import assert_close, expect_tuple, graded

# function: (cell, step or sequence, points of the values / float32 / regimes / cache tests)
FORWARDS: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {
    "rnn_cell_forward": ("rnn", "step", (2, 1, 1.5, 1)),
    "rnn_forward": ("rnn", "sequence", (2, 1, 1.5, 2)),
    "lstm_cell_forward": ("lstm", "step", (3, 1, 1.5, 2)),
    "lstm_forward": ("lstm", "sequence", (2, 1, 1.5, 2)),
    "gru_cell_forward": ("gru", "step", (3, 1, 1.5, 2)),
    "gru_forward": ("gru", "sequence", (2, 1, 1.5, 2)),
    "peephole_lstm_cell_forward": ("peephole", "step", (1.5, 1, 0.5, 0.5)),
}
CACHE_KEYS = {
    "rnn": ("x", "h_prev", "h", "p"),
    "lstm": ("x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h", "p"),
    "gru": ("x", "h_prev", "r", "z", "n", "h", "p"),
}
CACHE_KEYS["peephole"] = CACHE_KEYS["lstm"]
TYPICAL = {"n": 2, "t": 3, "d": 3, "h": 2, "layers": [], "dtype": "float64", "regime": "normal", "seed": 5}


def per_function(test: int) -> list[Any]:
    """``function`` parameters, each carrying its points for test number ``test`` (0 values ... 3 cache)."""
    return [
        pytest.param(name, marks=graded(name, points[test]), id=name)
        for name, (_, _, points) in FORWARDS.items()
    ]


# --- calling and comparing ---------------------------------------------------------------------------
def make_problem(function: str, spec: dict[str, Any]) -> dict[str, Any]:
    cell, kind, _ = FORWARDS[function]
    return sst.step_problem(cell, spec) if kind == "step" else sst.sequence_problem(cell, spec)


def names_of_result(function: str) -> tuple[str, ...]:
    cell, kind, _ = FORWARDS[function]
    return ("h", "c", "cache") if kind == "step" and cell in ("lstm", "peephole") else ("h", "cache")


def call(submission: Any, reference: Any, function: str, problem: dict[str, Any]) -> tuple[tuple, tuple, str]:
    """Both results as tuples, and a description of the call for messages."""
    shapes = ", ".join(f"{k} {v.shape}" for k, v in problem.items() if isinstance(v, np.ndarray))
    what = f"{function}({shapes}, {problem['x'].dtype})"
    names = names_of_result(function)
    expected = expect_tuple(
        getattr(reference, function)(*problem.values()), names, what=f"reference {function}"
    )
    actual = expect_tuple(getattr(submission, function)(*problem.values()), names, what=what)
    return actual, expected, what


def check_outputs(submission: Any, reference: Any, function: str, problem: dict[str, Any]) -> None:
    actual, expected, what = call(submission, reference, function, problem)
    outputs = len(expected) - 1  # everything but the cache
    got, want = (actual[0], expected[0]) if outputs == 1 else (actual[:outputs], expected[:outputs])
    assert_close(got, want, what=what)


# --- the tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", per_function(0))
@given(spec=sst.recurrent_specs())
@example(spec={**TYPICAL, "t": 1})  # a single time step, T = 1 (the docstrings' smallest sequence)
def test_forward_values(submission, reference, function, spec):
    """the outputs for random sizes (1 and up) in float64"""
    check_outputs(submission, reference, function, make_problem(function, spec))


@pytest.mark.parametrize("function", per_function(1))
@given(spec=sst.recurrent_specs(dtypes=("float32",)))
def test_forward_float32(submission, reference, function, spec):
    """the outputs for float32 inputs, within a float32 tolerance"""
    check_outputs(submission, reference, function, make_problem(function, spec))


@pytest.mark.parametrize("function", per_function(2))
@given(spec=sst.recurrent_specs(regimes=("zero", "saturating"), dtypes=("float64", "float32")))
def test_forward_zero_and_saturating(submission, reference, function, spec):
    """zero inputs and states, and huge inputs that saturate every gate (0, 1 or +-1, never NaN)"""
    check_outputs(submission, reference, function, make_problem(function, spec))


@pytest.mark.parametrize("function", per_function(3))
@given(spec=sst.recurrent_specs(max_size=3, max_time=3))
def test_forward_cache(submission, reference, function, spec):
    """the cache: a dict with the documented entries (step values, stacked on axis 1 for sequences)"""
    problem = make_problem(function, spec)
    actual, expected, what = call(submission, reference, function, problem)
    cache, reference_cache = actual[-1], expected[-1]
    if not isinstance(cache, dict):
        raise AssertionError(f"{what} returned a cache of type {type(cache).__name__}; expected a dict")
    keys = CACHE_KEYS[FORWARDS[function][0]]
    missing = [key for key in keys if key not in cache]
    if missing:
        raise AssertionError(f"the cache of {what} lacks the entries {missing}; it needs {list(keys)}")
    for key in keys:
        assert_close(cache[key], reference_cache[key], what=f"the cache of {what}, entry {key!r},")
