"""Hidden tests: the lecture's parameter-count questions as functions (7.5 points).

count_parameters (4.5), count_bidirectional_parameters (1.5), concat_weight_shape (1.5); that the counts are
Python ints and the shape a tuple of two, 0.5 more each, is checked in test_promises.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
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
@example(cell="lstm", input_size=0, hidden_size=5)  # D = 0 and H = 0, the smallest sizes the docstring allows
@example(cell="gru", input_size=3, hidden_size=0)
def test_count_parameters_formula(submission, reference, biases, cell, input_size, hidden_size):
    """k * (D*H + H*H + biases*H) for every cell, sizes from 0 up"""
    what = f"count_parameters({cell!r}, {input_size}, {hidden_size}, biases={biases})"
    expected = reference.count_parameters(cell, input_size, hidden_size, biases=biases)
    assert_matches(
        submission.count_parameters(cell, input_size, hidden_size, biases=biases), expected, what=what
    )


@graded("count_parameters", points=0.5)
def test_count_parameters_returns_an_exact_int(submission):
    """the count is an integer, exact for large sizes (no float rounding)"""
    what = "count_parameters('lstm', 1000001, 1000003)"
    count = submission.count_parameters("lstm", 10**6 + 1, 10**6 + 3)
    expected = 4 * ((10**6 + 1) * (10**6 + 3) + (10**6 + 3) ** 2 + (10**6 + 3))
    if not isinstance(count, int | np.integer) or isinstance(count, bool):
        raise AssertionError(f"{what} returned {count!r}; expected an integer")
    assert_matches(count, expected, what=what)


@graded("count_parameters", points=1, edge=True)
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


@graded("count_bidirectional_parameters", points=0.5)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    input_size=st.integers(min_value=0, max_value=300),
    hidden_size=st.integers(min_value=0, max_value=300),
    biases=st.sampled_from([0, 1, 2]),
)
@example(cell="lstm", input_size=3, hidden_size=5, biases=2)  # a typical layer first (PyTorch's two biases)
def test_count_bidirectional_parameters_formula(submission, reference, cell, input_size, hidden_size, biases):
    """two directions, each with its own weights: twice one layer's count"""
    what = f"count_bidirectional_parameters({cell!r}, {input_size}, {hidden_size}, biases={biases})"
    expected = reference.count_bidirectional_parameters(cell, input_size, hidden_size, biases=biases)
    actual = submission.count_bidirectional_parameters(cell, input_size, hidden_size, biases=biases)
    assert_matches(actual, expected, what=what)


@graded("count_bidirectional_parameters", points=1)
def test_count_bidirectional_parameters_lecture_example_and_errors(submission, reference):
    """the lecture's 190 -> 380, and ValueError for an unknown cell, a negative size or a bias count of 3"""
    expected = reference.count_bidirectional_parameters("rnn", 8, 10)
    actual = submission.count_bidirectional_parameters("rnn", 8, 10)
    assert_matches(actual, expected, what="count_bidirectional_parameters('rnn', 8, 10)")
    for args, kwargs in ((("transformer", 3, 5), {}), (("gru", -3, 5), {}), (("lstm", 3, 5), {"biases": 3})):
        shown = ", ".join([*map(repr, args), *(f"{k}={v}" for k, v in kwargs.items())])
        expect_raises(
            submission.count_bidirectional_parameters, *args, kwargs=kwargs, exception="ValueError",
            what=f"count_bidirectional_parameters({shown})",
        )  # fmt: skip


@graded("concat_weight_shape", points=0.5)
@given(input_size=st.integers(0, 500), hidden_size=st.integers(0, 500))
def test_concat_weight_shape_any_sizes(submission, reference, input_size, hidden_size):
    """(H + D, H): the hidden state's rows first, then the input's"""
    what = f"concat_weight_shape({input_size}, {hidden_size})"
    expected = reference.concat_weight_shape(input_size, hidden_size)
    assert_matches(submission.concat_weight_shape(input_size, hidden_size), expected, what=what)


@graded("concat_weight_shape", points=1)
def test_concat_weight_shape_lecture_example_and_errors(submission, reference):
    """the lecture's W_C of 7 x 4 (H = 4, D = 3), and ValueError for a negative size"""
    expected = reference.concat_weight_shape(3, 4)
    assert_matches(submission.concat_weight_shape(3, 4), expected, what="concat_weight_shape(3, 4)")
    for args in ((-1, 4), (3, -1)):
        expect_raises(
            submission.concat_weight_shape, *args, exception="ValueError", what=f"concat_weight_shape{args}"
        )
