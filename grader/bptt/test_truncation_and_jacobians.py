"""Hidden tests: truncated_bptt_grads (11 points) and hidden_jacobian_norms (9 points); that both leave their
inputs alone, 1 point more each, is checked in test_promises.py."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_close, assert_matches, expect_raises, graded

GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")
TYPICAL = {"n": 2, "t": 5, "d": 3, "h": 3, "layers": [], "dtype": "float64", "regime": "normal", "seed": 9}


def tbptt_args(spec: dict[str, Any]) -> tuple:
    problem = sst.sequence_problem("rnn", spec)
    shape = (*problem["x"].shape[:2], problem["h0"].shape[1])
    return problem["x"], problem["h0"], problem["p"], sst.upstream_gradient(spec, shape)


def check_truncated(submission: Any, reference: Any, args: tuple, k: int) -> None:
    x = args[0]
    what = f"truncated_bptt_grads(x {x.shape}, ..., k={k})"
    expected = reference.truncated_bptt_grads(*args, k)
    actual = submission.truncated_bptt_grads(*args, k)
    if not isinstance(actual, dict):
        raise AssertionError(f"{what} returned {type(actual).__name__}; expected a dict of gradients")
    for name in GRADIENTS:
        if name not in actual:
            raise AssertionError(f"{what} returned no {name!r}; it must return {list(GRADIENTS)}")
        assert_close(actual[name], expected[name], what=f"{what}[{name!r}]")


@graded("truncated_bptt_grads", points=7)
@given(spec=sst.recurrent_specs(max_time=7, max_size=4), k=st.integers(1, 4))
@example(spec=TYPICAL, k=1)  # k = 1: each step's own term only
@example(spec=TYPICAL, k=2)
def test_truncated_bptt_chunks_of_k(submission, reference, spec, k):
    """no gradient crosses into the previous chunk of k steps"""
    check_truncated(submission, reference, tbptt_args(spec), k)


@graded("truncated_bptt_grads", points=2)
@given(spec=sst.recurrent_specs(max_time=5, max_size=3), extra=st.integers(0, 2))
@example(spec=TYPICAL, extra=0)  # k = T exactly
def test_truncated_bptt_with_k_at_least_t_is_full_bptt(submission, reference, spec, extra):
    """k >= T: one chunk, the full backpropagation through time"""
    check_truncated(submission, reference, tbptt_args(spec), spec["t"] + extra)


@graded("truncated_bptt_grads", points=2, edge=True)
def test_truncated_bptt_rejects_k_below_one(submission):
    """k < 1 raises ValueError"""
    x, h0 = np.zeros((1, 3, 2)), np.zeros((1, 2))
    p = {"Wx": np.zeros((2, 2)), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}
    expect_raises(
        submission.truncated_bptt_grads, x, h0, p, np.ones((1, 3, 2)), 0, exception="ValueError",
        what="truncated_bptt_grads(..., k=0)",
    )  # fmt: skip


def check_norms(submission: Any, reference: Any, problem: dict[str, Any]) -> None:
    """To 1e-5, relative or absolute: the spectral norm by SVD, by the eigenvalues of J^T J, or in float32
    (where 1 - h**2 near saturation is only that exact) all agree to that."""
    what = f"hidden_jacobian_norms(x {problem['x'].shape}, h0 {problem['h0'].shape}, p)"
    assert_matches(
        submission.hidden_jacobian_norms(*problem.values()),
        reference.hidden_jacobian_norms(*problem.values()),
        what=what,
        rtol=1e-5,
        atol=1e-5,
    )


@graded("hidden_jacobian_norms", points=5)
@given(spec=sst.recurrent_specs(max_time=6, max_size=4))
def test_hidden_jacobian_norms(submission, reference, spec):
    """||dh_T/dh_t||_2 for t = 0 .. T (h_0 the initial state), per example"""
    check_norms(submission, reference, sst.sequence_problem("rnn", spec))


@graded("hidden_jacobian_norms", points=2)
@given(spec=sst.recurrent_specs(max_time=4, max_size=3))
def test_hidden_jacobian_norms_without_recurrence(submission, reference, spec):
    """Wh = 0: h_T does not depend on any earlier state (norm 0), only on itself (norm 1)"""
    problem = sst.sequence_problem("rnn", spec)
    problem["p"] = {**problem["p"], "Wh": np.zeros_like(problem["p"]["Wh"])}
    check_norms(submission, reference, problem)


@graded("hidden_jacobian_norms", points=2)
@given(spec=sst.recurrent_specs(max_time=6, max_size=4))
def test_hidden_jacobian_norms_vanish_with_small_weights(submission, reference, spec):
    """small recurrent weights: the norms shrink geometrically going back in time"""
    problem = sst.sequence_problem("rnn", spec)
    problem["p"] = {**problem["p"], "Wh": 0.1 * problem["p"]["Wh"]}
    check_norms(submission, reference, problem)
