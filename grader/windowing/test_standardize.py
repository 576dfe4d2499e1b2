"""Hidden tests: standardize (12 of its 16 points): per-feature statistics of the training data only.

The remaining 4 points are in test_promises.py (a tuple of float64 arrays, inputs left unchanged, the
documented ValueErrors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, graded


def shapes(arrays: list[np.ndarray]) -> str:
    return ", ".join(f"array of shape {a.shape}" for a in arrays)


def check_standardize(submission: Any, reference: Any, train: np.ndarray, others: list[np.ndarray]) -> None:
    expected = reference.standardize(train, *others)
    actual = submission.standardize(train, *others)
    assert_matches(actual, expected, what=f"standardize({shapes([train, *others])})", rtol=1e-9, atol=1e-9)


@graded("standardize", points=2)
def test_standardize_features_on_different_scales(submission, reference):
    """standardize: every feature (column) gets its own mean and standard deviation"""
    train = np.array([[990.0, -5.0, 0.0], [1000.0, 5.0, 180.0], [1010.0, 15.0, 360.0], [1000.0, 25.0, 90.0]])
    val = np.array([[1005.0, 0.0, 45.0], [995.0, 30.0, 270.0]])
    check_standardize(submission, reference, train, [val])


@graded("standardize", points=2)
def test_standardize_constant_feature_is_only_centred(submission, reference):
    """standardize: a constant training feature (std 0) is centred and divided by 1, not by 0"""
    train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    val = np.array([[7.0, 0.0], [3.0, 12.5]])
    check_standardize(submission, reference, train, [val])
    check_standardize(submission, reference, np.array([[4.0, -2.0]]), [])  # a single training row


@graded("standardize", points=3)
@given(split=sst.standardize_splits())
@example(split=(np.array([[1.0, 2.0], [3.0, 2.0]]), [np.zeros((0, 2)), np.array([[0.5, 4.0]])]))  # m = 0
@example(split=(np.array([2.5]), [np.array([1.0, 4.0])]))  # one training row: sigma 0, centred only
def test_standardize_any_splits(submission, reference, split):
    """standardize: 1-D and 2-D data, zero to two other arrays (some of them empty)"""
    train, others = split
    check_standardize(submission, reference, train, others)


@graded("standardize", points=3)
def test_standardize_ignores_validation_statistics(submission, reference):
    """standardize: the validation data never changes the statistics (no leakage)"""
    train = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0], [5.0, 10.0]])
    val = np.array([[100.0, -50.0], [300.0, -70.0], [200.0, -60.0]])
    test = np.array([[3.0, 6.0]])
    check_standardize(submission, reference, train, [val, test])
    check_standardize(submission, reference, train, [val * 10.0, test])


@graded("standardize", points=2)
@given(
    split=sst.standardize_splits(max_others=1),
    shift=st.integers(min_value=20, max_value=200),
    scale=st.sampled_from([0.25, 4.0, 16.0]),
)
def test_standardize_shifted_validation(submission, reference, split, shift, scale):
    """standardize: a validation set on another scale is transformed with the training statistics"""
    train, others = split
    val = np.concatenate([train[:1], train]) * scale + float(shift)  # never empty, different mean and spread
    check_standardize(submission, reference, train, [val, *others])
