"""Hidden tests: clip_grad_norm (7 points) and clip_grad_value (3 points), PyTorch's semantics; what their
docstrings promise besides the values (a tuple, a Python float, the inputs unchanged: 3 and 1 points more)
is checked in test_promises.py."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab.testing import assert_close, graded

SHAPES = [(3, 4), (4,), (2, 2, 3)]


def gradients(seed: int, count: int, scale: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng([seed, 3])
    names = ["dWx", "dWh", "db"][:count]
    return {name: scale * rng.standard_normal(SHAPES[i]) for i, name in enumerate(names)}


def check_norm(
    submission: Any, reference: Any, grads: dict[str, np.ndarray], max_norm: float, **kw: Any
) -> None:
    shown = ", ".join(f"{k} {g.shape}" for k, g in grads.items())
    what = f"clip_grad_norm({{{shown}}}, max_norm={max_norm:g}{''.join(f', {k}={v}' for k, v in kw.items())})"
    clipped, total = reference.clip_grad_norm(grads, max_norm, **kw)
    result = submission.clip_grad_norm(grads, max_norm, **kw)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise AssertionError(f"{what} must return a pair (clipped grads, total norm)")
    actual, actual_total = result
    assert_close(actual_total, total, what=f"the total norm of {what}")
    if not isinstance(actual, dict) or sorted(actual) != sorted(clipped):
        raise AssertionError(
            f"{what} must return the clipped gradients under the same names {sorted(clipped)}"
        )
    assert_close(actual, clipped, what=what)


@graded("clip_grad_norm", points=3)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(2, 3), ratio=st.sampled_from([0.05, 0.3, 0.9]))
def test_clip_grad_norm_shrinks_to_the_global_norm(submission, reference, seed, count, ratio):
    """above max_norm: all gradients scaled by one factor, so the global norm becomes max_norm"""
    grads = gradients(seed, count, scale=3.0)
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    check_norm(submission, reference, grads, max_norm=ratio * total)


@graded("clip_grad_norm", points=2)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 3), ratio=st.sampled_from([1.5, 10.0]))
@example(seed=1, count=1, ratio=1.5)  # a single gradient
def test_clip_grad_norm_leaves_small_gradients_alone(submission, reference, seed, count, ratio):
    """at or below max_norm: unchanged gradients (a norm never grows), and the total norm returned"""
    grads = gradients(seed, count, scale=1.0)
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    check_norm(submission, reference, grads, max_norm=ratio * total)


@graded("clip_grad_norm", points=1)
@given(seed=st.integers(0, 2**32 - 1), norm_type=st.sampled_from([1.0, float("inf")]))
@example(seed=2, norm_type=float("inf"))  # both norms the docstring names, never left to the draw
@example(seed=2, norm_type=1.0)
def test_clip_grad_norm_other_norms(submission, reference, seed, norm_type):
    """norm_type 1 and inf (the largest absolute entry), as in PyTorch"""
    grads = gradients(seed, 3, scale=2.0)
    check_norm(submission, reference, grads, max_norm=0.5, norm_type=norm_type)


@graded("clip_grad_norm", points=1)
def test_clip_grad_norm_zero_and_single_gradients(submission, reference):
    """all-zero gradients (total 0, nothing divided by zero) and a single gradient"""
    check_norm(submission, reference, {"dW": np.zeros((2, 3)), "db": np.zeros(3)}, max_norm=1.0)
    check_norm(submission, reference, {"dW": np.array([[3.0, 4.0]])}, max_norm=1.0)


@graded("clip_grad_value", points=2)
@given(seed=st.integers(0, 2**32 - 1), clip=st.sampled_from([0.1, 0.5, 2.0]))
def test_clip_grad_value_clips_every_entry(submission, reference, seed, clip):
    """every entry into [-clip_value, clip_value], gradient by gradient"""
    grads = gradients(seed, 3, scale=1.5)
    what = f"clip_grad_value(..., clip_value={clip})"
    assert_close(submission.clip_grad_value(grads, clip), reference.clip_grad_value(grads, clip), what=what)


@graded("clip_grad_value", points=1)
def test_clip_grad_value_keeps_entries_inside_the_range(submission, reference):
    """entries inside the range, and exactly on its bounds, are unchanged"""
    grads = {"dW": np.array([[-1.0, -0.25, 0.0], [0.25, 1.0, 0.999]])}
    assert_close(
        submission.clip_grad_value(grads, 1.0),
        reference.clip_grad_value(grads, 1.0),
        what="clip_grad_value(dW, 1.0)",
    )
