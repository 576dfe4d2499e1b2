"""Hidden tests: make_windows (27 of its 30 points), batch_windows (8 of 12), num_windows (4 points).

The remaining points of make_windows and batch_windows are in test_promises.py (dtypes kept, inputs left
unchanged and new arrays returned, the documented ValueErrors).

Set-up data always comes from the reference or the shared strategies; each test calls only the student's
function under test and compares with the reference's answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, expect_raises, graded

NOTES_DATA = np.arange(1, 11)


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 24:
            return np.array2string(value, separator=", ").replace("\n", "")
        return f"<array of shape {value.shape}>"
    return repr(value)


def call_text(name: str, *args: Any, **kwargs: Any) -> str:
    """``name(arg, key=value)`` with small arrays written out, for failure messages."""
    parts = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def check_make_windows(submission: Any, reference: Any, setup: dict[str, Any]) -> None:
    expected = reference.make_windows(**setup)
    actual = submission.make_windows(**setup)
    assert_matches(actual, expected, what=call_text("make_windows", **setup))


# ---------------------------------------------------------------------------------------------------------
# make_windows: 27 points (+ 3 in test_promises.py)
# ---------------------------------------------------------------------------------------------------------


@graded("make_windows", points=4)
def test_make_windows_lecture_example(submission, reference):
    """make_windows: data 1..10 with length 3 gives the lecture's 7 windows [1,2,3]->4 ... [7,8,9]->10"""
    expected = (
        np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]]),
        np.array([4, 5, 6, 7, 8, 9, 10]),
    )
    assert_matches(
        submission.make_windows(NOTES_DATA, 3), expected, what="make_windows(data=[1, ..., 10], length=3)"
    )


@graded("make_windows", points=3)
@given(setup=sst.window_setups(vary=()))
def test_make_windows_default_arguments(submission, reference, setup):
    """make_windows: 1-D and 2-D series with the default arguments"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=4)
@given(setup=sst.window_setups(vary=("sampling_rate",)))
@example(setup={"data": np.arange(1.0, 13.0), "length": 4, "sampling_rate": 5})  # T = ceil(4 / 5) = 1
@example(setup={"data": np.arange(1.0, 13.0), "length": 5, "sampling_rate": 2})  # T = 3: 2 does not divide 5
def test_make_windows_sampling_rate(submission, reference, setup):
    """make_windows: sampling_rate keeps every r-th row of data[i - length : i]"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=4)
@given(setup=sst.window_setups(vary=("stride",)))
@example(setup={"data": np.arange(1.0, 11.0), "length": 3, "stride": 3})  # the last target row is end_index
def test_make_windows_stride(submission, reference, setup):
    """make_windows: stride spaces the target rows of consecutive windows"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=4)
@given(setup=sst.window_setups(vary=("start_index", "end_index")))
@example(setup={"data": np.arange(1.0, 11.0), "length": 3, "start_index": 2, "end_index": 5})  # one window
def test_make_windows_start_and_end_index(submission, reference, setup):
    """make_windows: start_index and end_index (the last target row, inclusive)"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=3)
@given(setup=sst.window_setups(vary=("reverse", "sampling_rate")))
def test_make_windows_reverse(submission, reference, setup):
    """make_windows: reverse=True returns every window in reverse time order"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=3)
@given(setup=sst.window_setups(vary=("targets",)))
def test_make_windows_separate_targets(submission, reference, setup):
    """make_windows: y comes from targets (not data) when targets are given"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=1)
@given(setup=sst.window_setups())
def test_make_windows_all_options_together(submission, reference, setup):
    """make_windows: all options at once"""
    check_make_windows(submission, reference, setup)


@graded("make_windows", points=1, edge=True)
def test_make_windows_rejects_impossible_windows(submission, reference):
    """make_windows: raises ValueError when no window fits or targets have the wrong length"""
    data = np.arange(10.0)
    cases = [
        ((data, 10), {}, "make_windows(data=<10 rows>, length=10)"),
        (
            (data, 3),
            {"start_index": 5, "end_index": 7},
            "make_windows(data=<10 rows>, length=3, start_index=5, end_index=7)",
        ),
        ((data, 3), {"targets": np.arange(9.0)}, "make_windows(data=<10 rows>, length=3, targets=<9 rows>)"),
    ]
    for args, kwargs, what in cases:
        expect_raises(submission.make_windows, *args, exception="ValueError", kwargs=kwargs, what=what)


# ---------------------------------------------------------------------------------------------------------
# batch_windows: 8 points (+ 4 in test_promises.py)
# ---------------------------------------------------------------------------------------------------------


@graded("batch_windows", points=1)
def test_batch_windows_lecture_batch_size_one(submission, reference):
    """batch_windows: the lecture's batch_size=1 gives 7 batches of one window each"""
    X, y = reference.make_windows(NOTES_DATA, 3)
    expected = reference.batch_windows(X, y, 1)
    assert_matches(submission.batch_windows(X, y, 1), expected, what="batch_windows(X, y, batch_size=1)")


@graded("batch_windows", points=1)
def test_batch_windows_keeps_the_smaller_last_batch(submission, reference):
    """batch_windows: 7 windows in batches of 3 give sizes 3, 3, 1 (the last batch is kept)"""
    X, y = reference.make_windows(NOTES_DATA, 3)
    expected = reference.batch_windows(X, y, 3)
    assert_matches(submission.batch_windows(X, y, 3), expected, what="batch_windows(X, y, batch_size=3)")


@graded("batch_windows", points=3)
@given(batch=sst.window_batches(), seed=st.none() | sst.seeds())
@example(batch=(np.zeros((0, 2, 1)), np.zeros(0), 3), seed=None)  # no windows: no batches
@example(batch=(np.arange(14.0).reshape(7, 2, 1), np.arange(7.0), 2), seed=3)  # a seed without shuffle
def test_batch_windows_in_order(submission, reference, batch, seed):
    """batch_windows: consecutive batches in the original order, any batch size (also 0 windows); a seed
    without shuffle=True changes nothing"""
    X, y, batch_size = batch
    expected = reference.batch_windows(X, y, batch_size, seed=seed)
    actual = submission.batch_windows(X, y, batch_size, seed=seed)
    what = f"batch_windows(X of shape {X.shape}, y, batch_size={batch_size}, seed={seed})"
    assert_matches(actual, expected, what=what)


@graded("batch_windows", points=3)
@given(batch=sst.window_batches(), seed=sst.seeds())
def test_batch_windows_shuffled_with_seed(submission, reference, batch, seed):
    """batch_windows: shuffle=True permutes with np.random.default_rng(seed).permutation(N)"""
    X, y, batch_size = batch
    expected = reference.batch_windows(X, y, batch_size, shuffle=True, seed=seed)
    actual = submission.batch_windows(X, y, batch_size, shuffle=True, seed=seed)
    what = f"batch_windows(X of shape {X.shape}, y, batch_size={batch_size}, shuffle=True, seed={seed})"
    assert_matches(actual, expected, what=what)


# ---------------------------------------------------------------------------------------------------------
# num_windows: 4 points
# ---------------------------------------------------------------------------------------------------------


@graded("num_windows", points=2)
def test_num_windows_lecture_example(submission, reference):
    """num_windows: 10 rows with length 3 give 7 windows; a window as long as the data gives 0"""
    for args in [(10, 3), (10, 9), (10, 10), (1, 1)]:
        assert_matches(
            submission.num_windows(*args), reference.num_windows(*args), what=call_text("num_windows", *args)
        )


@graded("num_windows", points=2)
@given(
    n=st.integers(min_value=0, max_value=60),
    length=st.integers(min_value=1, max_value=20),
    stride=st.integers(min_value=1, max_value=7),
    start_index=st.integers(min_value=0, max_value=10),
    end_offset=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
)
def test_num_windows_with_stride_and_range(submission, reference, n, length, stride, start_index, end_offset):
    """num_windows: any n, length, stride, start_index and end_index"""
    end_index = None if end_offset is None else max(n - 1 - end_offset, 0)
    args = {"n": n, "length": length, "stride": stride, "start_index": start_index, "end_index": end_index}
    assert_matches(
        submission.num_windows(**args), reference.num_windows(**args), what=call_text("num_windows", **args)
    )
