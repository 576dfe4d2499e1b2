"""Hidden tests: the composite layers, bidirectional_forward and stacked_forward (14 points: 7 each; their
docstrings' other promises, float32 kept and the inputs unchanged, are worth 1 more each in test_promises.py).

Each cell type is graded separately (a layer built on a wrong LSTM still earns its RNN and GRU points).
Expected values come from the reference; the two classic ways to get the bidirectional output order wrong
are recognised and named in a hint. A stack of zero layers, which the docstring names, is checked on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given

from seqlab import strategies as sst
from seqlab.testing import assert_close, expect_raises, graded

CELLS = ("rnn", "lstm", "gru")


def describe(function: str, problem: dict[str, Any]) -> str:
    x = problem["x"]
    return f"{function}(x {x.shape}, ..., cell={problem['cell']!r})"


def check_bidirectional(submission: Any, reference: Any, problem: dict[str, Any]) -> None:
    args = list(problem.values())
    expected = reference.bidirectional_forward(*args)
    actual = submission.bidirectional_forward(*args)
    what = describe("bidirectional_forward", problem)
    assert_close(actual, expected, what=what)


def check_stacked(submission: Any, reference: Any, problem: dict[str, Any]) -> None:
    args = list(problem.values())
    layers = len(problem["ps"])
    what = describe("stacked_forward", problem).replace("...", f"{layers} layer(s)")
    assert_close(submission.stacked_forward(*args), reference.stacked_forward(*args), what=what)


@pytest.mark.parametrize("cell", CELLS)
@graded("bidirectional_forward", points=2)
@given(spec=sst.recurrent_specs(max_size=4))
def test_bidirectional_values(submission, reference, cell, spec):
    """forward states then backward states, each at its own time step"""
    check_bidirectional(submission, reference, sst.bidirectional_problem(cell, spec))


@graded("bidirectional_forward", points=0.5)
@given(spec=sst.recurrent_specs(max_size=3, regimes=("zero", "saturating"), dtypes=("float64", "float32")))
def test_bidirectional_zero_and_saturating(submission, reference, spec):
    """zero and saturating inputs, float64 and float32 (an LSTM layer)"""
    check_bidirectional(submission, reference, sst.bidirectional_problem("lstm", spec))


@graded("bidirectional_forward", points=0.5, edge=True)
def test_bidirectional_rejects_unknown_cell(submission):
    """an unknown cell name raises ValueError"""
    x, h = np.zeros((1, 2, 1)), np.zeros((1, 1))
    p = {"Wx": np.zeros((1, 1)), "Wh": np.zeros((1, 1)), "b": np.zeros(1)}
    expect_raises(
        submission.bidirectional_forward, x, h, h, p, p, "transformer", exception="ValueError",
        what="bidirectional_forward(..., cell='transformer')",
    )  # fmt: skip


@pytest.mark.parametrize("cell", CELLS)
@graded("stacked_forward", points=1.5)
@given(spec=sst.recurrent_specs(max_size=4, max_layers=3))
def test_stacked_values(submission, reference, cell, spec):
    """one to three layers of different hidden sizes, each reading the states of the layer below"""
    check_stacked(submission, reference, sst.stacked_problem(cell, spec))


@graded("stacked_forward", points=1)
@given(spec=sst.recurrent_specs(max_size=3, max_layers=2, dtypes=("float32",)))
def test_stacked_float32(submission, reference, spec):
    """float32 inputs (a GRU stack)"""
    check_stacked(submission, reference, sst.stacked_problem("gru", spec))


@graded("stacked_forward", points=0.5, edge=True)
def test_stacked_rejects_bad_arguments(submission):
    """an unknown cell name, or a different number of initial states and layers, raises ValueError"""
    x, h = np.zeros((1, 2, 1)), np.zeros((1, 1))
    p = {"Wx": np.zeros((1, 1)), "Wh": np.zeros((1, 1)), "b": np.zeros(1)}
    expect_raises(
        submission.stacked_forward, x, [h], [p], "transformer", exception="ValueError",
        what="stacked_forward(..., cell='transformer')",
    )  # fmt: skip
    expect_raises(
        submission.stacked_forward, x, [h, h], [p], "rnn", exception="ValueError",
        what="stacked_forward(x, [h0, h0], [p], 'rnn') (two initial states, one layer)",
    )  # fmt: skip


@graded("stacked_forward", points=1, edge=True)  # returning x itself, which does nothing, passes it
def test_stacked_zero_layers_is_the_input(submission, reference):
    """a stack of zero layers (L = 0) returns the input x itself, for every cell"""
    x = np.random.default_rng(4).uniform(-1.0, 1.0, (2, 3, 4))
    for cell in CELLS:
        what = f"stacked_forward(x {x.shape}, [], [], {cell!r}) (zero layers)"
        expected = reference.stacked_forward(x, [], [], cell)
        assert_close(submission.stacked_forward(x, [], [], cell), expected, what=what)
