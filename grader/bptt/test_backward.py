"""Hidden tests: the RNN and LSTM backward passes, one step and through time (52 points).

Caches come from the reference forward passes (the ``cells`` cache layout), upstream gradients are random;
every gradient of the returned dict is compared with the reference at the precision the student computed
in. Known mistakes are recognised and named in a hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given

from seqlab import strategies as sst
from seqlab.testing import assert_close, graded

# function: (cell, step or sequence, points of the values / saturating / edge-case tests)
BACKWARDS: dict[str, tuple[str, str, tuple[float, float, float]]] = {
    "rnn_cell_backward": ("rnn", "step", (6, 2, 2)),
    "rnn_backward": ("rnn", "sequence", (8, 3, 3)),
    "lstm_cell_backward": ("lstm", "step", (8, 3, 3)),
    "lstm_backward": ("lstm", "sequence", (8, 3, 3)),
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


# --- known mistakes (hints) ------------------------------------------------------------------------------
def rnn_step_with_one_minus_h(dh: np.ndarray, step: dict[str, Any]) -> dict[str, np.ndarray]:
    p, da = step["p"], dh * (1.0 - step["h"])
    return {
        "dx": da @ p["Wx"].T,
        "dh_prev": da @ p["Wh"].T,
        "dWx": step["x"].T @ da,
        "dWh": step["h_prev"].T @ da,
        "db": da.sum(axis=0),
    }


def through_time(
    reference: Any, cell: str, dhs: np.ndarray, cache: dict[str, Any], *, carry: bool, steps: str = "all"
) -> dict[str, np.ndarray]:
    """BPTT written out, with the classic mistakes as switches: ``carry=False`` drops dh_next/dc_next
    (each step sees only its own upstream gradient), ``steps="last"`` keeps only the last step's weights."""
    backward = reference.rnn_cell_backward if cell == "rnn" else reference.lstm_cell_backward
    total: dict[str, np.ndarray] = {}
    dx = np.zeros_like(cache["x"])
    dh_next = np.zeros_like(dhs[:, 0])
    dc_next = np.zeros_like(dhs[:, 0])
    last = dhs.shape[1] - 1
    for t in reversed(range(dhs.shape[1])):
        step = reference.step_cache(cache, t)
        upstream = dhs[:, t] + (dh_next if carry else 0.0)
        grads = (
            backward(upstream, step)
            if cell == "rnn"
            else backward(upstream, dc_next if carry else 0 * dc_next, step)
        )
        dx[:, t] = grads["dx"]
        dh_next = grads["dh_prev"]
        dc_next = grads.get("dc_prev", dc_next)
        if steps == "all" or t == last:
            for name in ("dWx", "dWh", "db"):
                total[name] = total.get(name, 0.0) + grads[name]
    return {"dx": dx, "dh0": dh_next, **total}


def mistakes(reference: Any, function: str, args: tuple) -> dict[str, Callable[[], Any]]:
    cell, kind, _ = BACKWARDS[function]
    if kind == "step":
        if cell == "rnn":
            return {
                "the tanh derivative written as 1 - h (it is 1 - h**2)": lambda: rnn_step_with_one_minus_h(
                    *args
                )
            }
        return {}
    dhs, cache = args
    found = {
        "the gradient from later steps not passed back (dh_prev dropped)": lambda: through_time(
            reference, cell, dhs, cache, carry=False
        ),
        "the weight gradients not accumulated over the time steps (only the last step's)": lambda: (
            through_time(reference, cell, dhs, cache, carry=True, steps="last")
        ),
    }
    return found


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
    known = mistakes(reference, function, args)
    scale = float(np.abs(args[-1]["x"]).max(initial=1.0))  # dWx sums x * da: float32 error grows with |x|
    for name in GRADIENTS[function]:
        hints = {hint: (lambda wrong=wrong, name=name: wrong()[name]) for hint, wrong in known.items()}
        assert_close(actual[name], expected[name], what=f"{what}[{name!r}]", mistakes=hints, term_scale=scale)


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
