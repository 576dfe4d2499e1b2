"""Hidden tests: lookback_generator (23 of its 26 points), batch_shape (3 of 4), first_batch_sample (3 of 4),
batches_per_pass (4 points).

The remaining points are in test_promises.py (the documented types and dtypes, the documented ValueErrors).

The student's generator comes back as an iterator proxy: batches are taken with ``itertools.islice`` and
compared with the same number of batches of the reference generator (always including the wrap-around in
sequential mode).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, graded

# Synthetic Jena-like data: value 100 * row + column, so every number tells where it was read from.
JENA_ROWS = 2000
JENA = np.arange(JENA_ROWS)[:, None] * 100.0 + np.arange(3)[None, :]
NOTES = {"lookback": 1440, "delay": 144, "min_index": 0, "max_index": None}


def describe(setup: dict[str, Any]) -> str:
    data = setup["data"]
    rest = ", ".join(f"{k}={v!r}" for k, v in setup.items() if k != "data")
    return f"lookback_generator(data of shape {data.shape}, {rest})"


def compare_batches(submission: Any, reference: Any, setup: dict[str, Any], count: int) -> None:
    expected = list(itertools.islice(reference.lookback_generator(**setup), count))
    actual = submission.lookback_generator(**setup)
    what = describe(setup)
    for b, want in enumerate(expected):
        got = next(actual, None)
        if got is None:
            raise AssertionError(f"{what} stopped after {b} batches; it must yield batches forever")
        assert_matches(got, want, what=f"batch {b} of {what}")


def passes(reference: Any, setup: dict[str, Any]) -> int:
    max_index = setup["max_index"]
    if max_index is None:
        max_index = len(setup["data"]) - setup["delay"] - 1
    return reference.batches_per_pass(setup["min_index"], max_index, setup["lookback"], setup["batch_size"])


# ---------------------------------------------------------------------------------------------------------
# lookback_generator: 23 points (+ 3 in test_promises.py)
# ---------------------------------------------------------------------------------------------------------


@graded("lookback_generator", points=5)
def test_generator_lecture_first_batch(submission, reference):
    """lookback_generator: the lecture's first batch (sample j reads range(j, j+1440, 6), targets row 1584+j)

    (the 128 x 240 x 3 batch of a 2000-row series whose value 100 * row + column tells where it was read)
    """
    compare_batches(submission, reference, {"data": JENA, **NOTES}, count=1)


@graded("lookback_generator", points=4)
def test_generator_wraps_around(submission, reference):
    """lookback_generator: sequential mode starts over at min_index + lookback instead of a short batch"""
    setup = {"data": JENA[:400], "lookback": 144, "delay": 24, "min_index": 10, "max_index": 300,
             "batch_size": 32, "step": 6}  # fmt: skip
    compare_batches(submission, reference, setup, count=passes(reference, setup) + 2)


@graded("lookback_generator", points=5)
@given(setup=sst.generator_setups(max_extra_rows=16))
@example(setup={"data": JENA[:30], "lookback": 4, "delay": 0, "min_index": 0, "max_index": None,
                "batch_size": 5, "step": 1, "target_col": 0})  # fmt: skip
def test_generator_sequential(submission, reference, setup):
    """lookback_generator: sequential batches over a whole pass and past the wrap-around"""
    compare_batches(submission, reference, setup, count=passes(reference, setup) + 2)


@graded("lookback_generator", points=3)
@settings(max_examples=20)
@given(setup=sst.generator_setups(shuffle=True), count=st.integers(min_value=1, max_value=4))
def test_generator_shuffled_with_seed(submission, reference, setup, count):
    """lookback_generator: shuffle=True draws rows with rng.integers from one np.random.default_rng(seed)"""
    compare_batches(submission, reference, setup, count=count)


@graded("lookback_generator", points=3)
def test_generator_target_col_and_uneven_step(submission, reference):
    """lookback_generator: target_col picks the predicted column; step need not divide lookback"""
    setup = {"data": JENA[:80], "lookback": 12, "delay": 3, "min_index": 5, "max_index": 60, "batch_size": 8,
             "step": 5, "target_col": 2}  # fmt: skip
    compare_batches(submission, reference, setup, count=6)


@graded("lookback_generator", points=3)
def test_generator_range_shorter_than_a_batch(submission, reference):
    """lookback_generator: a range shorter than batch_size repeats the same short batch"""
    setup = {"data": JENA[:40], "lookback": 10, "delay": 1, "min_index": 0, "max_index": 15, "batch_size": 8,
             "step": 1}  # fmt: skip
    compare_batches(submission, reference, setup, count=3)


# ---------------------------------------------------------------------------------------------------------
# batch_shape, first_batch_sample: 3 points each (+ 1 in test_promises.py); batches_per_pass: 4 points
# ---------------------------------------------------------------------------------------------------------


@graded("batch_shape", points=1)
def test_batch_shape_lecture(submission, reference):
    """batch_shape: the Jena batch (128, 1440 // 6 = 240, 14)"""
    args = (128, 1440, 6, 14)
    assert_matches(
        submission.batch_shape(*args), reference.batch_shape(*args), what="batch_shape(128, 1440, 6, 14)"
    )


@graded("batch_shape", points=2)
@given(
    batch_size=st.integers(min_value=1, max_value=256),
    lookback=st.integers(min_value=1, max_value=2000),
    step=st.integers(min_value=1, max_value=50),
    num_features=st.integers(min_value=1, max_value=20),
)
@example(batch_size=128, lookback=1440, step=7, num_features=14)  # 7 does not divide 1440: T = 206
@example(batch_size=1, lookback=5, step=9, num_features=1)  # a step longer than lookback: T = 1
def test_batch_shape_any_sizes(submission, reference, batch_size, lookback, step, num_features):
    """batch_shape: any sizes, including a step that does not divide lookback"""
    args = (batch_size, lookback, step, num_features)
    assert_matches(submission.batch_shape(*args), reference.batch_shape(*args), what=f"batch_shape{args}")


@graded("first_batch_sample", points=1)
def test_first_batch_sample_lecture(submission, reference):
    """first_batch_sample: samples 1, 2, 3 and 128 of the lecture's first batch"""
    for j in (0, 1, 2, 127):
        args = (j, 1440, 144)
        what = f"first_batch_sample({j}, lookback=1440, delay=144)"
        assert_matches(submission.first_batch_sample(*args), reference.first_batch_sample(*args), what=what)


@graded("first_batch_sample", points=2)
@given(
    j=st.integers(min_value=0, max_value=200),
    lookback=st.integers(min_value=1, max_value=300),
    delay=st.integers(min_value=0, max_value=200),
    min_index=st.integers(min_value=0, max_value=1000),
    step=st.integers(min_value=1, max_value=12),
)
def test_first_batch_sample_any_setting(submission, reference, j, lookback, delay, min_index, step):
    """first_batch_sample: any lookback, delay, min_index and step"""
    args = (j, lookback, delay, min_index, step)
    what = f"first_batch_sample({j}, {lookback}, {delay}, min_index={min_index}, step={step})"
    assert_matches(submission.first_batch_sample(*args), reference.first_batch_sample(*args), what=what)


@graded("batches_per_pass", points=2)
def test_batches_per_pass_lecture(submission, reference):
    """batches_per_pass: the lecture's training range (0, 200000) with lookback 1440 gives 1551 batches"""
    for args in [(0, 200000, 1440, 128), (200001, 300000, 1440, 128), (0, 1855, 1440, 128)]:
        what = f"batches_per_pass{args}"
        assert_matches(submission.batches_per_pass(*args), reference.batches_per_pass(*args), what=what)


@graded("batches_per_pass", points=2)
@given(
    min_index=st.integers(min_value=0, max_value=50),
    span=st.integers(min_value=-5, max_value=400),
    lookback=st.integers(min_value=1, max_value=60),
    batch_size=st.integers(min_value=1, max_value=64),
)
@example(min_index=0, span=5, lookback=10, batch_size=8)  # a range shorter than one batch: 1
@example(min_index=3, span=8, lookback=4, batch_size=8)  # a range of exactly one batch: 1
@example(min_index=3, span=0, lookback=4, batch_size=8)  # no current row: 0
def test_batches_per_pass_any_range(submission, reference, min_index, span, lookback, batch_size):
    """batches_per_pass: any range, including ranges shorter than one batch and empty ranges"""
    args = (min_index, min_index + lookback + span, lookback, batch_size)
    what = f"batches_per_pass{args}"
    assert_matches(submission.batches_per_pass(*args), reference.batches_per_pass(*args), what=what)
