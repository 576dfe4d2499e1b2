"""Hidden tests: what the docstrings promise besides the values (13 points).

Each promise is its own small test on fixed, typical inputs, worth 1 point taken from the other tests of the
same function (so every function's total is unchanged):

* no function changes its arguments (caches, parameter dicts, upstream gradients, gradient dicts), and the
  arrays it returns are new, sharing no memory with an argument (every graded function);
* ``many_to_one_loss`` returns a tuple ``(loss, grads)`` with ``loss`` a Python float, ``clip_grad_norm`` a
  tuple ``(clipped, total)`` with ``total`` a Python float.

All are edge tests: a function returning zeros of the right type passes them, so they earn their points only
beside a passing value test of the same function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlab import strategies as sst
from seqlab.testing import assert_inputs_kept, graded

#: typical sizes: a batch of 3, 4 time steps, 3 inputs, 4 hidden units
SPEC: dict[str, Any] = {
    "n": 3, "t": 4, "d": 3, "h": 4, "layers": [], "dtype": "float64", "regime": "normal", "seed": 2024,
}  # fmt: skip
BACKWARDS = {
    "rnn_cell_backward": ("rnn", "step"),
    "rnn_backward": ("rnn", "sequence"),
    "lstm_cell_backward": ("lstm", "step"),
    "lstm_backward": ("lstm", "sequence"),
}


def edge(function: str) -> pytest.MarkDecorator:
    return graded(function, 1, edge=True)


def backward_args(reference: Any, function: str) -> tuple:
    """Upstream gradient(s) and the reference forward's cache, for typical sizes."""
    cell, kind = BACKWARDS[function]
    if kind == "step":
        problem = sst.step_problem(cell, SPEC)
        *_, cache = getattr(reference, f"{cell}_cell_forward")(*problem.values())
        dh = sst.upstream_gradient(SPEC, problem["h_prev"].shape)
        return (
            (dh, cache)
            if cell == "rnn"
            else (dh, sst.upstream_gradient({**SPEC, "seed": 7}, dh.shape), cache)
        )
    problem = sst.sequence_problem(cell, SPEC)
    states, cache = getattr(reference, f"{cell}_forward")(*problem.values())
    return sst.upstream_gradient(SPEC, states.shape), cache


def rnn_args() -> tuple:
    """``(x, h0, p, dhs)`` of an RNN, for typical sizes."""
    problem = sst.sequence_problem("rnn", SPEC)
    shape = (SPEC["n"], SPEC["t"], SPEC["h"])
    return problem["x"], problem["h0"], problem["p"], sst.upstream_gradient(SPEC, shape)


def many_to_one_args() -> tuple:
    """``(x, y, h0, p, Wy, by)`` with 3 classes."""
    x, h0, p, _ = rnn_args()
    rng = np.random.default_rng(11)
    return x, np.array([2, 0, 1]), h0, p, rng.standard_normal((SPEC["h"], 3)), rng.standard_normal(3)


def gradients(scale: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {"dWx": scale * rng.standard_normal((3, 4)), "dWh": scale * rng.standard_normal((4, 4))}


def describe_grads(grads: dict[str, np.ndarray]) -> str:
    return "{" + ", ".join(f"{k} {g.shape}" for k, g in grads.items()) + "}"


def expect_pair(result: Any, names: str, what: str) -> tuple[Any, Any]:
    if type(result) is not tuple or len(result) != 2:
        shown = f"a {type(result).__name__}" + (
            f" of length {len(result)}" if hasattr(result, "__len__") else ""
        )
        raise AssertionError(
            f"{what} returned {shown}; the docstring promises a tuple ({names}): write `return {names}`"
        )
    return result


def expect_python_float(value: Any, name: str, what: str) -> None:
    if not isinstance(value, float):  # numpy's float64 is a subclass of float: it is one
        kind = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else type(value).__name__
        raise AssertionError(
            f"{what} returned {name} as {kind} ({value!r}); the docstring promises a Python float: "
            f"wrap it in float(...)"
        )


# --- the inputs are not changed ---------------------------------------------------------------------------
@pytest.mark.parametrize("function", [pytest.param(f, marks=edge(f), id=f) for f in BACKWARDS])
def test_backward_leaves_its_inputs_alone(submission, reference, function):
    """the upstream gradient and the cache are not changed, and the gradients are new arrays"""
    args = backward_args(reference, function)
    shapes = ", ".join(str(a.shape) for a in args[:-1])
    assert_inputs_kept(getattr(submission, function), *args, what=f"{function}({shapes}, cache)")


@edge("truncated_bptt_grads")
def test_truncated_bptt_leaves_its_inputs_alone(submission):
    """x, h0, the parameters and dhs are not changed, and the gradients are new arrays"""
    x, h0, p, dhs = rnn_args()
    what = f"truncated_bptt_grads(x {x.shape}, h0, p, dhs, k=2)"
    assert_inputs_kept(submission.truncated_bptt_grads, x, h0, p, dhs, 2, what=what)


@edge("hidden_jacobian_norms")
def test_hidden_jacobian_norms_leaves_its_inputs_alone(submission):
    """x, h0 and the parameters are not changed"""
    x, h0, p, _ = rnn_args()
    assert_inputs_kept(
        submission.hidden_jacobian_norms, x, h0, p, what=f"hidden_jacobian_norms(x {x.shape}, h0, p)"
    )


@edge("many_to_one_loss")
def test_many_to_one_loss_leaves_its_inputs_alone(submission):
    """the inputs, labels and parameters are not changed, and the gradients are new arrays"""
    args = many_to_one_args()
    assert_inputs_kept(submission.many_to_one_loss, *args, what=f"many_to_one_loss(x {args[0].shape}, ...)")


@edge("clip_grad_norm")
def test_clip_grad_norm_leaves_its_inputs_alone(submission):
    """the gradients passed in are not changed, and new arrays come back, whether clipped or not"""
    for scale, max_norm in ((3.0, 1.0), (0.1, 10.0)):  # above max_norm, then below: nothing to clip
        grads = gradients(scale)
        what = f"clip_grad_norm({describe_grads(grads)}, max_norm={max_norm:g})"
        assert_inputs_kept(submission.clip_grad_norm, grads, max_norm, what=what)


@edge("clip_grad_value")
def test_clip_grad_value_leaves_its_inputs_alone(submission):
    """the gradients passed in are not changed, and new arrays come back, whether clipped or not"""
    for scale, clip in ((3.0, 0.5), (0.1, 10.0)):  # entries to clip, then none
        grads = gradients(scale)
        what = f"clip_grad_value({describe_grads(grads)}, clip_value={clip:g})"
        assert_inputs_kept(submission.clip_grad_value, grads, clip, what=what)


# --- containers and scalar types --------------------------------------------------------------------------
@edge("many_to_one_loss")
def test_many_to_one_loss_returns_a_tuple(submission):
    """returns a tuple (loss, grads)"""
    args = many_to_one_args()
    expect_pair(
        submission.many_to_one_loss(*args), "loss, grads", f"many_to_one_loss(x {args[0].shape}, ...)"
    )


@edge("many_to_one_loss")
def test_many_to_one_loss_is_a_python_float(submission):
    """the loss is a Python float (not an array or a float32)"""
    args = many_to_one_args()
    what = f"many_to_one_loss(x {args[0].shape}, ...)"
    result = submission.many_to_one_loss(*args)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise AssertionError(f"{what} must return a pair (loss, grads)")
    expect_python_float(result[0], "the loss", what)


@edge("clip_grad_norm")
def test_clip_grad_norm_returns_a_tuple(submission):
    """returns a tuple (clipped, total)"""
    grads = gradients(3.0)
    what = f"clip_grad_norm({describe_grads(grads)}, max_norm=1)"
    expect_pair(submission.clip_grad_norm(grads, 1.0), "clipped, total", what)


@edge("clip_grad_norm")
def test_clip_grad_norm_total_is_a_python_float(submission):
    """the total norm is a Python float, for the 2-norm and the inf-norm"""
    for norm_type in (2.0, float("inf")):
        grads = gradients(3.0)
        what = f"clip_grad_norm({describe_grads(grads)}, max_norm=1, norm_type={norm_type})"
        result = submission.clip_grad_norm(grads, 1.0, norm_type)
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise AssertionError(f"{what} must return a pair (clipped grads, total norm)")
        expect_python_float(result[1], "the total norm", what)
