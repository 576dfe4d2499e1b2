"""Hidden tests: the promises of the windowing docstrings beyond the values -- dtypes kept or float64, the
container types, inputs left unchanged and new arrays returned, and the documented ValueErrors.

Points (each function's others are in test_windows.py, test_generator.py and test_standardize.py):
make_windows 3, batch_windows 4, lookback_generator 3, standardize 4, batch_shape 1, first_batch_sample 1.

The value tests compare with ``assert_matches``, which on purpose lets a list stand for a tuple and one
numeric dtype for another; these tests check the documented type itself, on a few fixed typical inputs.
Every one of them is an edge test: a function that returns zeros of the right type passes it, so it earns
only beside a passing value test of the same function. (Whether ``lookback_generator`` leaves ``data``
unchanged is not tested: the grader can watch the arguments of a call, not of the batches an iterator
yields later.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.testing import assert_inputs_kept, expect_raises, graded

NOTES_DATA = np.arange(1, 11)
# value 100 * row + column, as in test_generator.py
JENA = np.arange(200)[:, None] * 100.0 + np.arange(3)[None, :]
SERIES = np.array([[0.5, 10.0], [1.5, 12.0], [-2.0, 9.0], [3.0, 11.5], [0.0, 10.5], [2.5, 8.0], [1.0, 13.0]])


def type_name(value: Any) -> str:
    """A short description of what a value is, for failure messages."""
    if isinstance(value, np.ndarray):
        return f"a numpy array of dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"a numpy {value.dtype} scalar"
    return f"a {type(value).__name__}"


def is_int(value: Any) -> bool:
    """An integer (Python or numpy), not a bool and not a float with an integer value."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def expect_pair(value: Any, names: tuple[str, str], *, what: str) -> tuple[Any, Any]:
    """Fail unless ``value`` is a tuple of two numpy arrays; return them."""
    if type(value) is not tuple or len(value) != 2:
        raise AssertionError(
            f"{what} returned {type_name(value)}; the docstring promises a tuple ({', '.join(names)})"
        )
    for name, item in zip(names, value, strict=True):
        if not isinstance(item, np.ndarray):
            raise AssertionError(f"{what}: {name} is {type_name(item)}; the docstring promises a numpy array")
    return value


def expect_tuple_of_two(value: Any, *, what: str) -> tuple[Any, Any]:
    """Fail unless ``value`` is a tuple of two items; return them."""
    if type(value) is not tuple or len(value) != 2:
        raise AssertionError(
            f"{what} returned {type_name(value)}; the docstring promises a tuple (rows, target)"
        )
    return value


def arrays_of_pair(value: Any, names: tuple[str, str], *, what: str) -> tuple[Any, Any]:
    """The two arrays of a pair (a tuple or, for the dtype tests, a list: its type is tested elsewhere)."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise AssertionError(f"{what} returned {type_name(value)}; expected a pair ({', '.join(names)})")
    for name, item in zip(names, value, strict=True):
        if not isinstance(item, np.ndarray):
            raise AssertionError(f"{what}: {name} is {type_name(item)}; the docstring promises a numpy array")
    return value[0], value[1]


def expect_dtype(array: np.ndarray, dtype: Any, *, what: str, why: str) -> None:
    """Fail unless ``array`` has ``dtype``."""
    if array.dtype != np.dtype(dtype):
        raise AssertionError(f"{what} has dtype {array.dtype}; expected {np.dtype(dtype)} ({why})")


# ---------------------------------------------------------------------------------------------------------
# make_windows: 3 points
# ---------------------------------------------------------------------------------------------------------


@graded("make_windows", points=1, edge=True)
def test_make_windows_keeps_the_dtypes(submission):
    """make_windows: X keeps the dtype of data and y that of targets (integer windows stay integers)"""
    cases = [
        ({"data": NOTES_DATA, "length": 3}, "data=[1, ..., 10] (int64), length=3"),
        (
            {"data": SERIES.astype(np.float32), "length": 3, "targets": np.arange(7)},
            "data=<7 x 2 float32>, length=3, targets=[0, ..., 6] (int64)",
        ),
        (
            {"data": NOTES_DATA.astype(np.int32), "length": 4, "targets": NOTES_DATA / 2, "stride": 2},
            "data=[1, ..., 10] (int32), length=4, targets=<float64>, stride=2",
        ),
    ]
    for setup, label in cases:
        what = f"make_windows({label})"
        X, y = arrays_of_pair(submission.make_windows(**setup), ("X", "y"), what=what)
        targets = setup.get("targets", setup["data"])
        expect_dtype(X, setup["data"].dtype, what=f"X of {what}", why="the dtype of data")
        expect_dtype(y, targets.dtype, what=f"y of {what}", why="the dtype of targets")


@graded("make_windows", points=1, edge=True)
def test_make_windows_leaves_data_unchanged_and_returns_new_arrays(submission):
    """make_windows: data and targets are not changed, and X and y are new arrays (not views of them)"""
    cases = [
        ({"data": NOTES_DATA, "length": 3}, "data=[1, ..., 10], length=3"),
        (
            {"data": SERIES, "length": 2, "targets": SERIES[:, 1], "sampling_rate": 2, "stride": 2},
            "data=<7 x 2>, length=2, targets=<7>, sampling_rate=2, stride=2",
        ),
    ]
    for setup, label in cases:
        assert_inputs_kept(submission.make_windows, **setup, what=f"make_windows({label})")


@graded("make_windows", points=1, edge=True)
def test_make_windows_rejects_bad_arguments(submission):
    """make_windows: raises ValueError for length, sampling_rate or stride below 1, a negative start_index,
    an end_index past the last row and 0-dimensional data"""
    data = np.arange(10.0)
    cases = [
        ((data, 0), {}, "length=0"),
        ((data, 3), {"sampling_rate": 0}, "length=3, sampling_rate=0"),
        ((data, 3), {"stride": 0}, "length=3, stride=0"),
        ((data, 3), {"start_index": -1}, "length=3, start_index=-1"),
        ((data, 3), {"end_index": 10}, "length=3, end_index=10"),
    ]
    for args, kwargs, label in cases:
        expect_raises(
            submission.make_windows,
            *args,
            kwargs=kwargs,
            exception="ValueError",
            what=f"make_windows(data=<10 rows>, {label})",
        )
    expect_raises(
        submission.make_windows,
        np.array(5.0),
        1,
        exception="ValueError",
        what="make_windows(np.array(5.0), 1)",
    )


# ---------------------------------------------------------------------------------------------------------
# batch_windows: 4 points
# ---------------------------------------------------------------------------------------------------------


def windows_and_targets() -> tuple[np.ndarray, np.ndarray]:
    """7 int64 windows of 3 steps (the lecture's) and float32 targets."""
    X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]])
    return X, np.arange(4.0, 11.0, dtype=np.float32)


@graded("batch_windows", points=1, edge=True)
def test_batch_windows_is_a_list_of_tuples(submission):
    """batch_windows: returns a list of (Xb, yb) tuples"""
    X, y = windows_and_targets()
    for batch_size, shuffle in [(3, False), (2, True)]:
        what = f"batch_windows(7 windows, y, batch_size={batch_size}, shuffle={shuffle}, seed=0)"
        batches = submission.batch_windows(X, y, batch_size, shuffle=shuffle, seed=0)
        if type(batches) is not list:
            raise AssertionError(
                f"{what} returned {type_name(batches)}; the docstring promises a list of (Xb, yb) tuples"
            )
        for b, batch in enumerate(batches):
            expect_pair(batch, ("Xb", "yb"), what=f"batch {b} of {what}")


@graded("batch_windows", points=1, edge=True)
def test_batch_windows_keeps_the_dtypes(submission):
    """batch_windows: every batch keeps the dtypes of X and y (int64 windows, float32 targets)"""
    X, y = windows_and_targets()
    for shuffle in (False, True):
        what = f"batch_windows(7 int64 windows, float32 y, batch_size=3, shuffle={shuffle}, seed=1)"
        for b, batch in enumerate(submission.batch_windows(X, y, 3, shuffle=shuffle, seed=1)):
            Xb, yb = arrays_of_pair(batch, ("Xb", "yb"), what=f"batch {b} of {what}")
            expect_dtype(Xb, X.dtype, what=f"Xb of batch {b} of {what}", why="the dtype of X")
            expect_dtype(yb, y.dtype, what=f"yb of batch {b} of {what}", why="the dtype of y")


@graded("batch_windows", points=1, edge=True)
def test_batch_windows_leaves_the_windows_unchanged_and_returns_new_arrays(submission):
    """batch_windows: X and y are not changed, and the batches are new arrays (not views of X or y)"""
    X, y = windows_and_targets()
    for shuffle in (False, True):
        assert_inputs_kept(
            submission.batch_windows,
            X,
            y,
            3,
            shuffle=shuffle,
            seed=2,
            what=f"batch_windows(7 windows, y, batch_size=3, shuffle={shuffle}, seed=2)",
        )


@graded("batch_windows", points=1, edge=True)
def test_batch_windows_rejects_bad_arguments(submission):
    """batch_windows: raises ValueError for batch_size < 1 and for X and y of different lengths"""
    X, y = windows_and_targets()
    expect_raises(
        submission.batch_windows, X, y, 0, exception="ValueError", what="batch_windows(7 windows, y, 0)"
    )
    expect_raises(
        submission.batch_windows,
        X,
        y[:6],
        3,
        exception="ValueError",
        what="batch_windows(7 windows, 6 targets, 3)",
    )


# ---------------------------------------------------------------------------------------------------------
# lookback_generator: 3 points
# ---------------------------------------------------------------------------------------------------------


def generator_setup(data: np.ndarray) -> dict[str, Any]:
    return {
        "data": data,
        "lookback": 12,
        "delay": 3,
        "min_index": 5,
        "max_index": 60,
        "batch_size": 8,
        "step": 5,
    }


@graded("lookback_generator", points=1, edge=True)
def test_generator_yields_tuples_of_two_arrays(submission):
    """lookback_generator: every batch is a tuple (samples, targets) of two numpy arrays"""
    setup = generator_setup(JENA[:80])
    batches = submission.lookback_generator(**setup)
    for b in range(3):
        what = f"batch {b} of lookback_generator(data of shape (80, 3), lookback=12, delay=3, ...)"
        batch = next(batches, None)
        if batch is None:
            raise AssertionError(f"{what} was not yielded; the generator must yield batches forever")
        expect_pair(batch, ("samples", "targets"), what=what)


@graded("lookback_generator", points=1, edge=True)
def test_generator_batches_are_float64(submission):
    """lookback_generator: samples and targets are float64, also for integer and float32 data"""
    for dtype in (np.int64, np.float32, np.float64):
        setup = generator_setup(JENA[:80].astype(dtype))
        batches = submission.lookback_generator(**setup, shuffle=dtype is np.float32, seed=4)
        for b in range(2):
            what = f"batch {b} of lookback_generator({np.dtype(dtype)} data of shape (80, 3), ...)"
            batch = next(batches, None)
            if batch is None:
                raise AssertionError(f"{what} was not yielded; the generator must yield batches forever")
            samples, targets = arrays_of_pair(batch, ("samples", "targets"), what=what)
            expect_dtype(samples, np.float64, what=f"samples of {what}", why="the docstring promises float64")
            expect_dtype(targets, np.float64, what=f"targets of {what}", why="the docstring promises float64")


@graded("lookback_generator", points=1, edge=True)
def test_generator_rejects_bad_arguments_when_called(submission):
    """lookback_generator: raises ValueError when called (before the first batch) for every bad argument
    the docstring lists"""
    good = {"lookback": 10, "delay": 2, "min_index": 0, "max_index": 100}
    cases = [
        ({"data": JENA[:, 0]}, "1-D data"),
        ({"lookback": 0}, "lookback=0"),
        ({"step": 0}, "step=0"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"delay": -1}, "delay=-1"),
        ({"min_index": -1}, "min_index=-1"),
        ({"target_col": 3}, "target_col=3 of 3 columns"),
        ({"max_index": 10}, "max_index=10 = min_index + lookback: no current row"),
        ({"max_index": 199}, "max_index=199 with delay=2 and 200 rows: targets past the end"),
    ]
    for change, label in cases:
        kwargs = {"data": JENA, **good, **change}
        expect_raises(
            submission.lookback_generator,
            kwargs=kwargs,
            exception="ValueError",
            what=f"lookback_generator({label}) (check the arguments before the generator starts)",
        )


# ---------------------------------------------------------------------------------------------------------
# standardize: 4 points
# ---------------------------------------------------------------------------------------------------------


def standardize_cases() -> list[tuple[np.ndarray, list[np.ndarray], str]]:
    train = SERIES
    return [
        (train, [train[:3] * 2.0, train[4:] + 1.0], "train <7 x 2>, val <3 x 2>, test <3 x 2>"),
        (train[:, 0], [], "train <7>"),
    ]


@graded("standardize", points=1, edge=True)
def test_standardize_returns_a_tuple_of_arrays(submission):
    """standardize: returns a tuple (train_std, *others_std), a 1-tuple without other arrays"""
    for train, others, label in standardize_cases():
        what = f"standardize({label})"
        result = submission.standardize(train, *others)
        if type(result) is not tuple or len(result) != 1 + len(others):
            raise AssertionError(
                f"{what} returned {type_name(result)}; "
                f"the docstring promises a tuple of {1 + len(others)} arrays"
            )
        for k, item in enumerate(result):
            if not isinstance(item, np.ndarray):
                raise AssertionError(f"{what}[{k}] is {type_name(item)}; the docstring promises numpy arrays")


@graded("standardize", points=1, edge=True)
def test_standardize_results_are_float64(submission):
    """standardize: the results are float64, also for float32 and integer data"""
    for dtype in (np.float32, np.int64):
        train = (SERIES * 2).astype(dtype)
        val = (SERIES[:3] * 4).astype(dtype)
        what = f"standardize({np.dtype(dtype)} train <7 x 2>, {np.dtype(dtype)} val <3 x 2>)"
        result = submission.standardize(train, val)
        for k, item in enumerate(result if isinstance(result, tuple | list) else [result]):
            if not isinstance(item, np.ndarray):
                raise AssertionError(f"{what}[{k}] is {type_name(item)}; the docstring promises numpy arrays")
            expect_dtype(item, np.float64, what=f"{what}[{k}]", why="the docstring promises float64")


@graded("standardize", points=1, edge=True)
def test_standardize_leaves_the_inputs_unchanged(submission):
    """standardize: train and the other arrays are not changed (no standardizing in place), and the results
    are new arrays"""
    for train, others, label in standardize_cases():
        assert_inputs_kept(submission.standardize, train, *others, what=f"standardize({label})")


@graded("standardize", points=1, edge=True)
def test_standardize_rejects_bad_arguments(submission):
    """standardize: raises ValueError for 0-dimensional or empty training data and for another array whose
    trailing shape differs"""
    cases = [
        ((np.array(3.0),), "standardize(np.array(3.0))"),
        ((np.zeros((0, 2)),), "standardize(train of shape (0, 2))"),
        ((SERIES, np.zeros((2, 3))), "standardize(train of shape (7, 2), other of shape (2, 3))"),
        ((SERIES[:, 0], np.zeros((2, 1))), "standardize(train of shape (7,), other of shape (2, 1))"),
    ]
    for args, what in cases:
        expect_raises(submission.standardize, *args, exception="ValueError", what=what)


# ---------------------------------------------------------------------------------------------------------
# batch_shape, first_batch_sample: 1 point each
# ---------------------------------------------------------------------------------------------------------


@graded("batch_shape", points=1, edge=True)
def test_batch_shape_is_a_tuple_of_ints(submission):
    """batch_shape: returns a tuple of three ints, like numpy's .shape"""
    for args in [(128, 1440, 6, 14), (32, 10, 3, 2)]:
        what = f"batch_shape{args}"
        shape = submission.batch_shape(*args)
        if type(shape) is not tuple or len(shape) != 3:
            raise AssertionError(
                f"{what} returned {type_name(shape)}; the docstring promises a tuple of 3 ints"
            )
        for k, size in enumerate(shape):
            if not is_int(size):
                raise AssertionError(f"{what}[{k}] is {type_name(size)} ({size!r}); it must be an int")


@graded("first_batch_sample", points=1, edge=True)
def test_first_batch_sample_is_a_list_of_ints_and_an_int(submission):
    """first_batch_sample: returns a tuple (rows, target): a list of ints and an int"""
    for args in [(0, 1440, 144), (5, 12, 3, 2, 5)]:
        what = f"first_batch_sample{args}"
        rows, target = expect_tuple_of_two(submission.first_batch_sample(*args), what=what)
        if type(rows) is not list:
            raise AssertionError(
                f"rows of {what} is {type_name(rows)}; the docstring promises a list of ints"
            )
        for k, row in enumerate(rows):
            if not is_int(row):
                raise AssertionError(f"rows[{k}] of {what} is {type_name(row)} ({row!r}); it must be an int")
        if not is_int(target):
            raise AssertionError(f"target of {what} is {type_name(target)} ({target!r}); it must be an int")
