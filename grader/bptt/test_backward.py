"""Hidden tests: the RNN and LSTM backward passes, one step and through time (48 points; that they leave
their inputs alone, 1 point more each, is checked in test_promises.py).

Caches come from the reference forward passes (the ``cells`` cache layout), upstream gradients are random;
every gradient of the returned dict is compared with the reference at the precision the student computed
in. Known mistakes are named by the catalogue in misconceptions.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given

from seqlab import strategies as sst
from seqlab.testing import assert_close, graded

# function: (cell, step or sequence, points of the values / saturating / edge-case tests)
BACKWARDS: dict[str, tuple[str, str, tuple[float, float, float]]] = {
    "rnn_cell_backward": ("rnn", "step", (5, 2, 2)),
    "rnn_backward": ("rnn", "sequence", (7, 3, 3)),
    "lstm_cell_backward": ("lstm", "step", (7, 3, 3)),
    "lstm_backward": ("lstm", "sequence", (7, 3, 3)),
}
GRADIENTS = {
    "rnn_cell_backward": ("dx", "dh_prev", "dWx", "dWh", "db"),
    "lstm_cell_backward": ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
    "rnn_backward": ("dx", "dh0", "dWx", "dWh", "db"),
    "lstm_backward": ("dx", "dh0", "dWx", "dWh", "db"),
}


def per_function(test: int) -> list[Any]:
    return [
        pytest.param(name, marks=graded(name, pts[test]), id=name) for name, (_, _, pts) in BACKWARDS.items()
    ]


# --- calling and comparing -----------------------------------------------------------------------------
def backward_args(reference: Any, function: str, spec: dict[str, Any], scale: float = 1.0) -> tuple:
    """The arguments of ``function``: upstream gradient(s) and the reference forward's cache."""
    cell, kind, _ = BACKWARDS[function]
    if kind == "step":
        problem = sst.step_problem(cell, spec)
        *_, cache = getattr(reference, f"{cell}_cell_forward")(*problem.values())
        dh = sst.upstream_gradient(spec, problem["h_prev"].shape, scale)
        if cell == "rnn":
            return dh, cache
        return dh, sst.upstream_gradient({**spec, "seed": spec["seed"] + 1}, dh.shape, scale), cache
    problem = sst.sequence_problem(cell, spec)
    states, cache = getattr(reference, f"{cell}_forward")(*problem.values())
    return sst.upstream_gradient(spec, states.shape, scale), cache


def describe(function: str, args: tuple) -> str:
    cache = args[-1]
    x = cache["x"]
    return f"{function}({', '.join(f'{a.shape}' for a in args[:-1])}, cache of x {x.shape} {x.dtype})"


def check_backward(submission: Any, reference: Any, function: str, args: tuple) -> None:
    what = describe(function, args)
    expected = getattr(reference, function)(*args)
    actual = getattr(submission, function)(*args)
    if not isinstance(actual, dict):
        raise AssertionError(f"{what} returned {type(actual).__name__}; expected a dict of gradients")
    missing = [name for name in GRADIENTS[function] if name not in actual]
    if missing:
        raise AssertionError(f"{what} returned no {missing}; it must return {list(GRADIENTS[function])}")
    scale = float(np.abs(args[-1]["x"]).max(initial=1.0))  # dWx sums x * da: float32 error grows with |x|
    for name in GRADIENTS[function]:
        assert_close(actual[name], expected[name], what=f"{what}[{name!r}]", term_scale=scale)


# --- the tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", per_function(0))
@given(spec=sst.recurrent_specs(max_time=6, dtypes=("float64", "float32")))
def test_backward_gradients(submission, reference, function, spec):
    """every gradient, random sizes from 1, float64 and float32"""
    check_backward(submission, reference, function, backward_args(reference, function, spec))


@pytest.mark.parametrize("function", per_function(1))
@given(spec=sst.recurrent_specs(regimes=("saturating", "zero"), max_time=4))
def test_backward_saturating_and_zero_inputs(submission, reference, function, spec):
    """saturated gates (zero local derivatives) and zero inputs"""
    check_backward(submission, reference, function, backward_args(reference, function, spec))


@pytest.mark.parametrize("function", per_function(2))
@given(spec=sst.recurrent_specs(max_time=1, max_size=3))
def test_backward_edge_cases(submission, reference, function, spec):
    """one time step, and a zero upstream gradient (every gradient is then zero)"""
    check_backward(submission, reference, function, backward_args(reference, function, spec))
    check_backward(submission, reference, function, backward_args(reference, function, spec, scale=0.0))
