"""Hidden tests: the numpy cell and sequence forwards (54 points).

Every forward is checked four ways, each its own test so a partly right function earns part of its points:
values (float64, random sizes from 1 up), float32 inputs, the zero and saturating regimes (no NaN where
gates saturate), and the documented cache. Expected values come from the reference; known mistakes are
recognised and named in a hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given

from seqlab import strategies as sst
from seqlab.testing import assert_close, expect_tuple, graded

# function: (cell, step or sequence, points of the values / float32 / regimes / cache tests)
FORWARDS: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {
    "rnn_cell_forward": ("rnn", "step", (3, 1, 2, 1)),
    "rnn_forward": ("rnn", "sequence", (3, 1, 2, 2)),
    "lstm_cell_forward": ("lstm", "step", (4, 1, 2, 2)),
    "lstm_forward": ("lstm", "sequence", (3, 1, 2, 2)),
    "gru_cell_forward": ("gru", "step", (4, 1, 2, 2)),
    "gru_forward": ("gru", "sequence", (3, 1, 2, 2)),
    "peephole_lstm_cell_forward": ("peephole", "step", (2, 1, 1, 1)),
}
CACHE_KEYS = {
    "rnn": ("x", "h_prev", "h", "p"),
    "lstm": ("x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h", "p"),
    "gru": ("x", "h_prev", "r", "z", "n", "h", "p"),
}
CACHE_KEYS["peephole"] = CACHE_KEYS["lstm"]


def per_function(test: int) -> list[Any]:
    """``function`` parameters, each carrying its points for test number ``test`` (0 values ... 3 cache)."""
    return [
        pytest.param(name, marks=graded(name, points[test]), id=name)
        for name, (_, _, points) in FORWARDS.items()
    ]


# --- known mistakes, for hints (each a whole wrong cell: (x, h, c, p) -> (h, c)) ---------------------------
def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _blocks(x: np.ndarray, h: np.ndarray, p: dict[str, np.ndarray], k: int) -> list[np.ndarray]:
    return np.split(x @ p["Wx"] + h @ p["Wh"] + p["b"], k, axis=1)


def rnn_with_sigmoid(x, h, c, p):
    return _sigmoid(x @ p["Wx"] + h @ p["Wh"] + p["b"]), c


def lstm_with(gate: Callable, candidate: Callable, forget: bool) -> Callable:
    def step(x, h, c, p):
        a_i, a_f, a_g, a_o = _blocks(x, h, p, 4)
        c_new = (gate(a_f) * c if forget else c) + gate(a_i) * candidate(a_g)
        return gate(a_o) * np.tanh(c_new), c_new

    return step


def gru_swapped_update(x, h, c, p):
    a_r, a_z, _ = _blocks(x, h, p, 3)
    hidden = h.shape[1]
    r, z = _sigmoid(a_r), _sigmoid(a_z)
    n = np.tanh(x @ p["Wx"][:, 2 * hidden :] + p["b"][2 * hidden :] + (r * h) @ p["Wh"][:, 2 * hidden :])
    return z * h + (1.0 - z) * n, c


def gru_reset_after_product(x, h, c, p):
    a_r, a_z, _ = _blocks(x, h, p, 3)
    hidden = h.shape[1]
    r, z = _sigmoid(a_r), _sigmoid(a_z)
    n = np.tanh(x @ p["Wx"][:, 2 * hidden :] + p["b"][2 * hidden :] + r * (h @ p["Wh"][:, 2 * hidden :]))
    return (1.0 - z) * h + z * n, c


MISTAKES: dict[str, dict[str, Callable]] = {
    "rnn": {"a sigmoid instead of tanh": rnn_with_sigmoid},
    "lstm": {
        "sigmoid instead of tanh for the candidate g": lstm_with(_sigmoid, _sigmoid, True),
        "tanh instead of sigmoid for the gates i, f, o": lstm_with(np.tanh, np.tanh, True),
        "no forget gate (c = c_prev + i * g)": lstm_with(_sigmoid, np.tanh, False),
    },
    "gru": {
        "z and 1 - z swapped (h = z * h_prev + (1 - z) * n)": gru_swapped_update,
        "the reset gate applied after the hidden product, as PyTorch's GRU does": gru_reset_after_product,
    },
    "peephole": {},
}


def mistaken_outputs(function: str, problem: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """What each known mistake of ``function``'s cell returns for ``problem`` (outputs without cache)."""
    cell, kind, _ = FORWARDS[function]

    def run(step: Callable) -> Callable[[], Any]:
        def outputs() -> Any:
            p = problem["p"]
            if kind == "step":
                h, c = step(problem["x"], problem["h_prev"], problem.get("c_prev"), p)
                return (h, c) if "c_prev" in problem else h
            h, c, states = problem["h0"], np.zeros_like(problem["h0"]), []
            for t in range(problem["x"].shape[1]):
                h, c = step(problem["x"][:, t], h, c, p)
                states.append(h)
            return np.stack(states, axis=1)

        return outputs

    return {description: run(step) for description, step in MISTAKES[cell].items()}


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
    assert_close(got, want, what=what, mistakes=mistaken_outputs(function, problem))


# --- the tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", per_function(0))
@given(spec=sst.recurrent_specs())
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
