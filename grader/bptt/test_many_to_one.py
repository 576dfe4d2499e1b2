"""Hidden tests: many_to_one_loss, the lecture's many-to-one network (9 points; what its docstring promises
besides the values, a tuple, a Python float loss and the inputs unchanged, 3 more, is in test_promises.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_close, graded

GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db", "dWy", "dby")
TYPICAL = {"n": 3, "t": 4, "d": 3, "h": 4, "layers": [], "dtype": "float64", "regime": "normal", "seed": 3}


def problem(spec: dict[str, Any], classes: int, output_scale: float = 1.0) -> tuple:
    """``(x, y, h0, p, Wy, by)`` for ``spec``, with labels covering the classes as far as N allows."""
    rnn = sst.sequence_problem("rnn", spec)
    rng = np.random.default_rng([spec["seed"], 2])
    hidden, n = rnn["h0"].shape[1], rnn["x"].shape[0]
    wy = (output_scale * rng.standard_normal((hidden, classes))).astype(spec["dtype"])
    by = rng.standard_normal(classes).astype(spec["dtype"])
    y = (np.arange(n) + spec["seed"]) % classes
    return rnn["x"], y, rnn["h0"], rnn["p"], wy, by


def check(submission: Any, reference: Any, args: tuple) -> None:
    x, y, *_, wy, _ = args
    what = f"many_to_one_loss(x {x.shape}, y {y.shape}, ..., Wy {wy.shape}, ...)"
    loss, grads = reference.many_to_one_loss(*args)
    result = submission.many_to_one_loss(*args)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise AssertionError(f"{what} must return a pair (loss, grads); got {type(result).__name__}")
    actual_loss, actual_grads = result
    if not isinstance(actual_grads, dict):
        raise AssertionError(f"{what} returned grads of type {type(actual_grads).__name__}; expected a dict")
    assert_close(actual_loss, loss, what=f"the loss of {what}", computed_with=actual_grads)
    missing = [name for name in GRADIENTS if name not in actual_grads]
    if missing:
        raise AssertionError(f"{what} returned no {missing}; the grads need {list(GRADIENTS)}")
    for name in GRADIENTS:
        assert_close(actual_grads[name], grads[name], what=f"{what}: grads[{name!r}]")


@graded("many_to_one_loss", points=5)
@given(spec=sst.recurrent_specs(max_time=6), classes=st.integers(2, 4))
@example(spec=TYPICAL, classes=3)  # a typical input first: every class, several steps, distinct values
def test_many_to_one_loss_and_gradients(submission, reference, spec, classes):
    """the mean softmax cross-entropy of the last state's scores, and every gradient"""
    check(submission, reference, problem(spec, classes))


@graded("many_to_one_loss", points=2)
@given(spec=sst.recurrent_specs(max_time=1), classes=st.integers(2, 3))
def test_many_to_one_single_step(submission, reference, spec, classes):
    """a sequence of one step (T = 1)"""
    check(submission, reference, problem(spec, classes))


@graded("many_to_one_loss", points=2)
@given(spec=sst.recurrent_specs(max_time=3, max_size=3), classes=st.integers(2, 4))
def test_many_to_one_large_scores(submission, reference, spec, classes):
    """large class scores (around 1000): the softmax must not overflow"""
    check(submission, reference, problem(spec, classes, output_scale=1000.0))
