"""Hidden tests: what the docstrings promise besides the values (17 points, 1.5 of them GPU checks).

Each promise is its own small test on fixed, typical inputs, worth points taken from the other tests of the
same function (so every function's total is unchanged):

* the numpy cell and sequence forwards return a tuple, ``(h, cache)`` or ``(h, c, cache)`` (0.5 each);
* float32 inputs keep float32: the states the numpy forwards and layers return are float32 arrays (0.5
  each; float64 inputs may be computed in float32, which the value tests accept);
* the inputs, the parameter dicts and the lists of them are not changed (0.5 each);
* the torch forwards keep the autograd graph of every input tensor, on the CPU and on CUDA (0.5 per device);
* the parameter counts are Python ints, ``concat_weight_shape`` a tuple of two Python ints (0.5 each).

All are edge tests: a function returning zeros of the right type passes them, so they earn their points only
beside a passing value test of the same function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlab import strategies as sst
from seqlab.testing import assert_inputs_kept, assert_keeps_graph, expect_tuple, graded, on_devices

POINTS = 0.5
# function: (cell, step or sequence, the names of the returned tuple)
FORWARDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "rnn_cell_forward": ("rnn", "step", ("h", "cache")),
    "rnn_forward": ("rnn", "sequence", ("h", "cache")),
    "lstm_cell_forward": ("lstm", "step", ("h", "c", "cache")),
    "lstm_forward": ("lstm", "sequence", ("h", "cache")),
    "gru_cell_forward": ("gru", "step", ("h", "cache")),
    "gru_forward": ("gru", "sequence", ("h", "cache")),
    "peephole_lstm_cell_forward": ("peephole", "step", ("h", "c", "cache")),
}
LAYERS = {"bidirectional_forward": "lstm", "stacked_forward": "gru"}
TORCH_FORWARDS = {"rnn_forward_torch": "rnn", "lstm_forward_torch": "lstm", "gru_forward_torch": "gru"}


def graded_each(functions: Any) -> pytest.MarkDecorator:
    """``function`` parameters, each an edge test worth :data:`POINTS` of that function."""
    return pytest.mark.parametrize(
        "function", [pytest.param(f, marks=graded(f, POINTS, edge=True), id=f) for f in functions]
    )


def spec(dtype: str) -> dict[str, Any]:
    """Typical sizes: a batch of 3, 4 time steps, 3 inputs, 4 hidden units (a second layer of 3)."""
    return {"n": 3, "t": 4, "d": 3, "h": 4, "layers": [3], "dtype": dtype, "regime": "normal", "seed": 2024}


def make_problem(function: str, dtype: str = "float64") -> dict[str, Any]:
    if function == "bidirectional_forward":
        return sst.bidirectional_problem(LAYERS[function], spec(dtype))
    if function == "stacked_forward":
        return sst.stacked_problem(LAYERS[function], spec(dtype))
    if function in TORCH_FORWARDS:
        return sst.sequence_problem(TORCH_FORWARDS[function], spec(dtype))
    cell, kind, _ = FORWARDS[function]
    return sst.step_problem(cell, spec(dtype)) if kind == "step" else sst.sequence_problem(cell, spec(dtype))


def describe(function: str, problem: dict[str, Any]) -> str:
    x = problem["x"]
    return f"{function}(x {tuple(x.shape)} {x.dtype}, ...)"


def returned_states(result: Any, function: str, what: str) -> list[tuple[str, Any]]:
    """``(name, value)`` of the states a forward or layer returned (without the cache)."""
    if function in LAYERS:
        return [("the output", result)]
    names = FORWARDS[function][2]
    return list(zip(names[:-1], expect_tuple(result, names, what=what)[:-1], strict=True))


# --- the numpy forwards and layers -------------------------------------------------------------------------
@graded_each(FORWARDS)
def test_forward_returns_a_tuple(submission, function):
    """returns a tuple, (h, cache) or (h, c, cache), as the docstring says"""
    problem = make_problem(function)
    what = describe(function, problem)
    names = FORWARDS[function][2]
    result = getattr(submission, function)(*problem.values())
    expect_tuple(result, names, what=what)
    if type(result) is not tuple:
        listed = ", ".join(names)
        raise AssertionError(
            f"{what} returned a {type(result).__name__}; the docstring promises a tuple ({listed}): "
            f"write `return {listed}`"
        )


@graded_each([*FORWARDS, *LAYERS])
def test_float32_inputs_keep_float32(submission, function):
    """float32 inputs give float32 states (no array silently created in float64)"""
    problem = make_problem(function, "float32")
    what = describe(function, problem)
    result = getattr(submission, function)(*problem.values())
    for name, value in returned_states(result, function, what):
        if not isinstance(value, np.ndarray):
            raise AssertionError(f"{what} returned {name} as {type(value).__name__}; expected a numpy array")
        if value.dtype != np.float32:
            raise AssertionError(
                f"{what} returned {name} of dtype {value.dtype} for float32 inputs; the docstring promises "
                "that float32 inputs keep float32. Create new arrays with np.zeros_like(...) or "
                "dtype=x.dtype (np.zeros(shape) alone is float64), and do not convert the inputs to float64."
            )


@graded_each([*FORWARDS, *LAYERS])
def test_inputs_are_not_changed(submission, function):
    """the inputs, the states and the parameter dicts (and lists of them) are left as they were"""
    problem = make_problem(function)
    what = describe(function, problem)
    try:
        assert_inputs_kept(getattr(submission, function), *problem.values(), what=what)
    except AssertionError as failure:
        # A cache refers to the step's inputs and to ``p`` by design, and a stack of zero layers returns x
        # itself: memory shared with an argument is documented here, only changing one is a fault.
        if not str(failure).startswith(f"{what} returned memory of its inputs"):
            raise


# --- the torch forwards ------------------------------------------------------------------------------------
def as_tensors(problem: dict[str, Any], device: str) -> list[Any]:
    """The problem's arrays as torch tensors on ``device`` (the parameter dict as a dict of tensors)."""
    import torch

    def tensor(array: np.ndarray) -> Any:
        return torch.from_numpy(np.ascontiguousarray(array)).to(device)

    return [
        {k: tensor(a) for k, a in value.items()} if isinstance(value, dict) else tensor(value)
        for value in problem.values()
    ]


@on_devices()
@graded_each(TORCH_FORWARDS)
def test_torch_forward_keeps_the_autograd_graph(submission, function, device):
    """the states stay on the autograd graph of x, h0 and every parameter (a loss's gradient reaches them)"""
    pytest.importorskip("torch")
    problem = make_problem(function)
    what = f"{function}(x {tuple(problem['x'].shape)} float64 on {device}, ...)"
    assert_keeps_graph(getattr(submission, function), *as_tensors(problem, device), what=what)


# --- the counting questions --------------------------------------------------------------------------------
def check_python_int(value: Any, what: str) -> None:
    if type(value) is not int:
        raise AssertionError(
            f"{what} returned {value!r} of type {type(value).__name__}; the docstring promises a Python int "
            "(compute with Python ints, or wrap a numpy result in int(...))"
        )


@graded("count_parameters", POINTS, edge=True)
def test_count_parameters_returns_a_python_int(submission):
    """the count is a Python int (not a float, not a numpy integer)"""
    for args, kwargs in ((("lstm", 3, 5), {}), (("gru", 8, 10), {"biases": 2})):
        shown = ", ".join([*map(repr, args), *(f"{k}={v}" for k, v in kwargs.items())])
        check_python_int(submission.count_parameters(*args, **kwargs), f"count_parameters({shown})")


@graded("count_bidirectional_parameters", POINTS, edge=True)
def test_count_bidirectional_parameters_returns_a_python_int(submission):
    """the count is a Python int (not a float, not a numpy integer)"""
    what = "count_bidirectional_parameters('rnn', 8, 10)"
    check_python_int(submission.count_bidirectional_parameters("rnn", 8, 10), what)


@graded("concat_weight_shape", POINTS, edge=True)
def test_concat_weight_shape_returns_a_tuple_of_ints(submission):
    """the shape is a tuple of two Python ints, like an array's .shape"""
    what = "concat_weight_shape(3, 4)"
    shape = submission.concat_weight_shape(3, 4)
    if type(shape) is not tuple or len(shape) != 2 or any(type(v) is not int for v in shape):
        shown = f"{shape!r} ({type(shape).__name__}" + (
            f" of {', '.join(type(v).__name__ for v in shape)})" if isinstance(shape, list | tuple) else ")"
        )
        raise AssertionError(
            f"{what} returned {shown}; the docstring promises a tuple of two Python ints, "
            "e.g. `return hidden_size + input_size, hidden_size`"
        )
