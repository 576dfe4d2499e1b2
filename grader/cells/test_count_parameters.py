"""Hidden tests: count_parameters (6 points), the lecture's parameter-count question as a function."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqlab.testing import assert_matches, expect_raises, graded


@pytest.mark.parametrize(
    "biases", [1, 2, 0], ids=["one bias (lecture, Keras)", "two biases (PyTorch)", "no bias"]
)
@graded("count_parameters", points=1)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    input_size=st.integers(min_value=0, max_value=600),
    hidden_size=st.integers(min_value=0, max_value=600),
)
def test_count_parameters_formula(submission, reference, biases, cell, input_size, hidden_size):
    """k * (D*H + H*H + biases*H) for every cell, sizes from 0 up"""
    what = f"count_parameters({cell!r}, {input_size}, {hidden_size}, biases={biases})"
    expected = reference.count_parameters(cell, input_size, hidden_size, biases=biases)
    assert_matches(
        submission.count_parameters(cell, input_size, hidden_size, biases=biases), expected, what=what
    )


@graded("count_parameters", points=1)
def test_count_parameters_returns_an_exact_int(submission):
    """the count is an integer, exact for large sizes (no float rounding)"""
    what = "count_parameters('lstm', 1000001, 1000003)"
    count = submission.count_parameters("lstm", 10**6 + 1, 10**6 + 3)
    expected = 4 * ((10**6 + 1) * (10**6 + 3) + (10**6 + 3) ** 2 + (10**6 + 3))
    if not isinstance(count, int | np.integer) or isinstance(count, bool):
        raise AssertionError(f"{what} returned {count!r}; expected an integer")
    assert_matches(count, expected, what=what)


@graded("count_parameters", points=2)
def test_count_parameters_rejects_bad_arguments(submission):
    """an unknown cell, a negative size or a bias count other than 0, 1, 2 raises ValueError"""
    for args, kwargs in (
        (("transformer", 3, 5), {}),
        (("lstm", -1, 5), {}),
        (("gru", 3, -5), {}),
        (("rnn", 3, 5), {"biases": 3}),
    ):
        shown = ", ".join([*map(repr, args), *(f"{k}={v}" for k, v in kwargs.items())])
        expect_raises(
            submission.count_parameters, *args, kwargs=kwargs, exception="ValueError",
            what=f"count_parameters({shown})",
        )  # fmt: skip
