"""Oracles for the windowing reference: the notes' worked examples, Keras' and Chollet's documented behaviour,
and independent pure-Python re-implementations. The reference is never compared with itself.
"""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.course.layout import load_reference

ref = load_reference("windowing")

FAST = settings(max_examples=50, deadline=None, derandomize=True, database=None)


# ---------------------------------------------------------------------------------------------------------
# Independent implementations (plain Python loops, written from Keras' and Chollet's descriptions)
# ---------------------------------------------------------------------------------------------------------


def keras_windows_loop(data, length, targets=None, sampling_rate=1, stride=1, start_index=0, end_index=None,
                       reverse=False):  # fmt: skip
    """TimeseriesGenerator over all batches, flattened: target row i from start_index+length to end_index."""
    rows_of_data = [np.asarray(row) for row in data]
    rows_of_targets = rows_of_data if targets is None else [np.asarray(row) for row in targets]
    last = len(rows_of_data) - 1 if end_index is None else end_index
    windows, ys = [], []
    i = start_index + length
    while i <= last:
        window = []
        t = i - length
        while t < i:
            window.append(rows_of_data[t])
            t += sampling_rate
        if reverse:
            window = window[::-1]
        windows.append(window)
        ys.append(rows_of_targets[i])
        i += stride
    return windows, ys


def chollet_generator_loop(data, lookback, delay, min_index, max_index, shuffle=False, batch_size=128, step=6,
                           target_col=1, seed=None):  # fmt: skip
    """Chollet's generator (Deep Learning with Python, listing 6.33) with numpy's Generator for shuffling."""
    if max_index is None:
        max_index = len(data) - delay - 1
    rng = np.random.default_rng(seed)
    i = min_index + lookback
    while True:
        if shuffle:
            rows = [int(r) for r in rng.integers(min_index + lookback, max_index, size=batch_size)]
        else:
            if i + batch_size >= max_index:
                i = min_index + lookback
            rows = list(range(i, min(i + batch_size, max_index)))
            i += len(rows)
        samples = [[[float(v) for v in data[t]] for t in range(r - lookback, r, step)] for r in rows]
        targets = [float(data[r + delay][target_col]) for r in rows]
        yield samples, targets


def assert_batch_equal(batch, expected_samples, expected_targets):
    samples, targets = batch
    features = np.shape(samples)[-1]
    want = np.array(expected_samples, dtype=np.float64).reshape(len(expected_targets), -1, features)
    assert samples.dtype == np.float64 and targets.dtype == np.float64
    np.testing.assert_array_equal(samples, want)
    np.testing.assert_array_equal(targets, np.array(expected_targets, dtype=np.float64))


# ---------------------------------------------------------------------------------------------------------
# make_windows: the notes' example
# ---------------------------------------------------------------------------------------------------------


def test_notes_time_series_generator_seven_windows():
    data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    X, y = ref.make_windows(np.array(data), 3)
    expected_X = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]]
    assert X.tolist() == expected_X
    assert y.tolist() == [4, 5, 6, 7, 8, 9, 10]
    assert X.shape == (7, 3) and y.shape == (7,)
    assert X.dtype.kind == "i" and y.dtype.kind == "i"


def test_notes_example_accepts_a_plain_list():
    X, y = ref.make_windows(list(range(1, 11)), 3)
    assert X.tolist()[0] == [1, 2, 3] and X.tolist()[-1] == [7, 8, 9]
    assert y.tolist()[0] == 4 and y.tolist()[-1] == 10


# ---------------------------------------------------------------------------------------------------------
# make_windows: Keras' documented behaviour (its own test-suite expectations, restated by hand)
# ---------------------------------------------------------------------------------------------------------

COLUMN_50 = np.arange(50).reshape(50, 1)


def test_keras_sampling_rate_two():
    X, y = ref.make_windows(COLUMN_50, 10, targets=COLUMN_50, sampling_rate=2)
    assert X.shape == (40, 5, 1) and y.shape == (40, 1)
    assert X[:2].tolist() == [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]
    assert y[:2].tolist() == [[10], [11]]
    assert X[2:4].tolist() == [[[2], [4], [6], [8], [10]], [[3], [5], [7], [9], [11]]]
    assert y[2:4].tolist() == [[12], [13]]


def test_keras_reverse():
    X, y = ref.make_windows(COLUMN_50, 10, targets=COLUMN_50, sampling_rate=2, reverse=True)
    assert X.shape == (40, 5, 1)
    assert X[:2].tolist() == [[[8], [6], [4], [2], [0]], [[9], [7], [5], [3], [1]]]
    assert y[:2].tolist() == [[10], [11]]


def test_keras_stride_two():
    X, y = ref.make_windows(COLUMN_50, 10, targets=COLUMN_50, sampling_rate=2, stride=2)
    assert X.shape == (20, 5, 1)
    assert X[2:4].tolist() == [[[4], [6], [8], [10], [12]], [[6], [8], [10], [12], [14]]]
    assert y[2:4].tolist() == [[14], [16]]


def test_keras_start_and_end_index():
    X, y = ref.make_windows(COLUMN_50, 10, targets=COLUMN_50, sampling_rate=2, start_index=10, end_index=30)
    assert X.shape == (11, 5, 1)
    assert X[:2].tolist() == [[[10], [12], [14], [16], [18]], [[11], [13], [15], [17], [19]]]
    assert y[:2].tolist() == [[20], [21]]
    assert y[-1].tolist() == [30]


def test_keras_multidimensional_steps_and_targets():
    rng = np.random.default_rng(0)
    data = rng.random((50, 1, 2, 3, 4))
    targets = rng.random((50, 3, 2, 1))
    X, y = ref.make_windows(data, 10, targets=targets, sampling_rate=2, start_index=10, end_index=30)
    assert X.shape == (11, 5, 1, 2, 3, 4) and y.shape == (11, 3, 2, 1)
    np.testing.assert_array_equal(X[0], data[10:19:2])
    np.testing.assert_array_equal(X[1], data[11:20:2])
    np.testing.assert_array_equal(y[:2], targets[20:22])


def test_keras_no_window_fits_raises():
    with pytest.raises(ValueError):
        ref.make_windows(COLUMN_50, 50, targets=COLUMN_50)


@pytest.mark.parametrize("length", range(3, 10))
def test_keras_does_not_miss_any_target(length):
    x = np.arange(10).reshape(10, 1)
    X, y = ref.make_windows(x, length, targets=x)
    assert y.tolist() == [[i] for i in range(length, 10)]


@pytest.mark.parametrize(("stride", "length"), [(1, 3), (5, 4), (7, 3), (3, 1), (5, 3), (3, 7)])
def test_keras_window_count_with_stride(stride, length):
    x = np.arange(23).reshape(23, 1)
    X, y = ref.make_windows(x, length, targets=x, stride=stride)
    assert len(X) == len(y) == math.ceil((23 - length) / stride)


def test_hand_computed_small_cases():
    d = np.arange(10)
    X, y = ref.make_windows(d, 4, sampling_rate=2)
    assert X.tolist() == [[0, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]] and y.tolist() == [4, 5, 6, 7, 8, 9]
    X, y = ref.make_windows(d, 2, stride=3)
    assert X.tolist() == [[0, 1], [3, 4], [6, 7]] and y.tolist() == [2, 5, 8]
    X, y = ref.make_windows(d, 3, start_index=2, end_index=7)
    assert X.tolist() == [[2, 3, 4], [3, 4, 5], [4, 5, 6]] and y.tolist() == [5, 6, 7]
    X, y = ref.make_windows(np.arange(1, 6), 3, reverse=True)
    assert X.tolist() == [[3, 2, 1], [4, 3, 2]] and y.tolist() == [4, 5]
    X, y = ref.make_windows(np.arange(6), 2, targets=10 * np.arange(6))
    assert X.tolist() == [[0, 1], [1, 2], [2, 3], [3, 4]] and y.tolist() == [20, 30, 40, 50]
    two_d = np.array([[r, -r] for r in range(4)], dtype=float)
    X, y = ref.make_windows(two_d, 2)
    assert X.shape == (2, 2, 2)
    assert X.tolist() == [[[0, 0], [1, -1]], [[1, -1], [2, -2]]] and y.tolist() == [[2, -2], [3, -3]]
    X, y = ref.make_windows(np.arange(5), 4)  # exactly one window: start_index + length == end_index
    assert X.tolist() == [[0, 1, 2, 3]] and y.tolist() == [4]
    X, y = ref.make_windows(np.arange(8), 3, sampling_rate=5)  # sampling_rate > length: one step per window
    assert X.tolist() == [[0], [1], [2], [3], [4]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"length": 0},
        {"length": 3, "sampling_rate": 0},
        {"length": 3, "stride": 0},
        {"length": 3, "start_index": -1},
        {"length": 3, "end_index": 10},
        {"length": 3, "start_index": 7},
        {"length": 3, "targets": np.arange(9)},
    ],
)
def test_invalid_window_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        ref.make_windows(np.arange(10), **kwargs)


@FAST
@given(setup=sst.window_setups())
def test_make_windows_matches_loop_implementation(setup):
    X, y = ref.make_windows(**setup)
    windows, ys = keras_windows_loop(**setup)
    data = setup["data"]
    targets = setup.get("targets", data)
    assert X.shape == (len(windows), len(windows[0]), *data.shape[1:])
    assert y.shape == (len(ys), *targets.shape[1:])
    np.testing.assert_array_equal(X, np.array(windows).reshape(X.shape))
    np.testing.assert_array_equal(y, np.array(ys).reshape(y.shape))
    assert X.dtype == data.dtype and y.dtype == targets.dtype


@FAST
@given(setup=sst.window_setups(dtype=np.int64))
def test_make_windows_keeps_integer_dtype(setup):
    X, y = ref.make_windows(**setup)
    assert X.dtype == np.int64 and y.dtype == np.int64


@FAST
@given(setup=sst.window_setups(vary=("stride", "start_index", "end_index")))
def test_num_windows_matches_loop_count(setup):
    n = len(setup["data"])
    windows, _ = keras_windows_loop(**setup)
    args = {k: setup[k] for k in ("stride", "start_index", "end_index") if k in setup}
    assert ref.num_windows(n, setup["length"], **args) == len(windows)


def test_num_windows_examples():
    assert ref.num_windows(10, 3) == 7
    assert ref.num_windows(50, 10, stride=2) == 20
    assert ref.num_windows(50, 10, start_index=10, end_index=30) == 11
    assert ref.num_windows(10, 10) == 0
    assert ref.num_windows(0, 1) == 0
    assert ref.num_windows(23, 3, stride=7) == 3


# ---------------------------------------------------------------------------------------------------------
# batch_windows
# ---------------------------------------------------------------------------------------------------------


def test_batch_windows_notes_batch_size_one():
    X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5]])
    y = np.array([4, 5, 6])
    batches = ref.batch_windows(X, y, 1)
    assert isinstance(batches, list) and len(batches) == 3
    assert [(xb.tolist(), yb.tolist()) for xb, yb in batches] == [
        ([[1, 2, 3]], [4]),
        ([[2, 3, 4]], [5]),
        ([[3, 4, 5]], [6]),
    ]


def test_batch_windows_keeps_short_last_batch():
    batches = ref.batch_windows(np.arange(7) * 1.0, np.arange(7) * 10.0, 3)
    assert [b[0].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b[1].tolist() for b in batches] == [[0, 10, 20], [30, 40, 50], [60]]
    assert all(isinstance(b, tuple) and len(b) == 2 for b in batches)


def test_batch_windows_empty_and_errors():
    assert ref.batch_windows(np.zeros((0, 3)), np.zeros(0), 4) == []
    with pytest.raises(ValueError):
        ref.batch_windows(np.zeros((3, 2)), np.zeros(3), 0)
    with pytest.raises(ValueError):
        ref.batch_windows(np.zeros((3, 2)), np.zeros(2), 2)


@FAST
@given(batch=sst.window_batches(), seed=sst.seeds(), shuffle=st.booleans())
def test_batch_windows_order_and_sizes(batch, seed, shuffle):
    X, y, batch_size = batch
    batches = ref.batch_windows(X, y, batch_size, shuffle=shuffle, seed=seed)
    n = len(X)
    assert len(batches) == math.ceil(n / batch_size)
    sizes = [len(b[0]) for b in batches]
    assert sizes == [min(batch_size, n - k) for k in range(0, n, batch_size)]
    order = [int(v) for b in batches for v in b[1]]  # y[k] == k
    expected = list(np.random.default_rng(seed).permutation(n)) if shuffle else list(range(n))
    assert order == [int(v) for v in expected]
    for xb, yb in batches:
        for row, k in zip(xb, yb, strict=True):
            np.testing.assert_array_equal(row, X[int(k)])


def test_batch_windows_same_seed_same_batches_other_seed_other_order():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20.0)
    a = ref.batch_windows(X, y, 6, shuffle=True, seed=7)
    b = ref.batch_windows(X, y, 6, shuffle=True, seed=7)
    c = ref.batch_windows(X, y, 6, shuffle=True, seed=8)
    assert [t[1].tolist() for t in a] == [t[1].tolist() for t in b]
    assert [t[1].tolist() for t in a] != [t[1].tolist() for t in c]
    assert sorted(v for t in a for v in t[1].tolist()) == list(range(20))


# ---------------------------------------------------------------------------------------------------------
# lookback_generator: the Jena example of the notes on a synthetic array data[r, c] = 100 r + c
# ---------------------------------------------------------------------------------------------------------

JENA = np.arange(2000)[:, None] * 100.0 + np.arange(3)[None, :]  # 2000 rows, 3 features


def test_jena_first_batch_matches_the_notes():
    samples, targets = next(
        ref.lookback_generator(JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    )
    assert samples.shape == (128, 240, 3) and targets.shape == (128,)
    assert samples.dtype == np.float64 and targets.dtype == np.float64
    for j in range(128):
        rows = list(range(j, j + 1440, 6))  # "sample j reads range(j, j+1440, 6)"
        np.testing.assert_array_equal(samples[j], JENA[rows])
        assert targets[j] == 100.0 * (1584 + j) + 1  # target row 1584 + j, column 1
    # the notes' listed samples: 1st, 2nd ("Sample 1" twice in the notes), 3rd and 128th
    assert samples[0, :10, 0].tolist() == [100.0 * r for r in [0, 6, 12, 18, 24, 30, 36, 42, 48, 54]]
    assert samples[1, :10, 0].tolist() == [100.0 * r for r in [1, 7, 13, 19, 25, 31, 37, 43, 49, 55]]
    assert samples[2, :10, 0].tolist() == [100.0 * r for r in [2, 8, 14, 20, 26, 32, 38, 44, 50, 56]]
    first_ten = [127, 133, 139, 145, 151, 157, 163, 169, 175, 181]
    assert samples[127, :10, 0].tolist() == [100.0 * r for r in first_ten]
    assert samples[127, -1, 0] == 100.0 * 1561  # last of range(127, 1567, 6)
    assert targets[[0, 1, 2, 127]].tolist() == [158401.0, 158501.0, 158601.0, 171101.0]


def test_jena_sequential_batches_then_wrap_around():
    # max_index = 2000 - 144 - 1 = 1855: batches start at rows 1440, 1568, 1696; 1824 + 128 >= 1855 wraps
    gen = ref.lookback_generator(JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    batches = list(itertools.islice(gen, 5))
    for b, start in enumerate([1440, 1568, 1696, 1440, 1568]):
        samples, targets = batches[b]
        assert samples.shape == (128, 240, 3)
        assert samples[0, -1, 0] == 100.0 * (start - 6)  # the last row read is start - 6
        assert targets.tolist() == [100.0 * (r + 144) + 1 for r in range(start, start + 128)]
    assert ref.batches_per_pass(0, 1855, 1440, 128) == 3


def test_jena_target_col_and_step():
    gen = ref.lookback_generator(JENA, lookback=12, delay=3, min_index=5, max_index=40, batch_size=4, step=5,
                                 target_col=2)  # fmt: skip
    samples, targets = next(gen)
    # rows 17..20; sample reads range(r - 12, r, 5) = r-12, r-7, r-2
    assert samples.shape == (4, 3, 3)
    assert samples[:, :, 0].tolist() == [[100.0 * t for t in (r - 12, r - 7, r - 2)] for r in range(17, 21)]
    assert targets.tolist() == [100.0 * (r + 3) + 2 for r in range(17, 21)]


def test_jena_range_smaller_than_a_batch_repeats_one_short_batch():
    gen = ref.lookback_generator(JENA, lookback=10, delay=1, min_index=0, max_index=15, batch_size=8, step=1)
    batches = list(itertools.islice(gen, 3))
    for samples, targets in batches:
        assert samples.shape == (5, 10, 3)
        assert targets.tolist() == [100.0 * (r + 1) + 1 for r in range(10, 15)]


def test_jena_shuffle_rows_from_default_rng():
    gen = ref.lookback_generator(JENA, lookback=60, delay=6, min_index=100, max_index=900, shuffle=True,
                                 batch_size=16, step=6, seed=42)  # fmt: skip
    rng = np.random.default_rng(42)
    for samples, targets in itertools.islice(gen, 3):
        rows = rng.integers(160, 900, size=16)
        assert targets.tolist() == [100.0 * (int(r) + 6) + 1 for r in rows]
        assert samples[:, 0, 0].tolist() == [100.0 * (int(r) - 60) for r in rows]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lookback": 10, "delay": 1, "min_index": 0, "max_index": 10},  # no current row
        {"lookback": 10, "delay": 5, "min_index": 0, "max_index": 1999},  # target past the end
        {"lookback": 0, "delay": 1, "min_index": 0, "max_index": 100},
        {"lookback": 10, "delay": 1, "min_index": 0, "max_index": 100, "step": 0},
        {"lookback": 10, "delay": 1, "min_index": 0, "max_index": 100, "batch_size": 0},
        {"lookback": 10, "delay": 1, "min_index": 0, "max_index": 100, "target_col": 3},
    ],
)
def test_generator_invalid_arguments_raise_when_called(kwargs):
    with pytest.raises(ValueError):
        ref.lookback_generator(JENA, **kwargs)


def test_generator_rejects_1d_data():
    with pytest.raises(ValueError):
        ref.lookback_generator(np.arange(100.0), 10, 1, 0, None)


@FAST
@given(setup=sst.generator_setups(), count=st.integers(min_value=1, max_value=8))
def test_generator_matches_chollet_loop_sequential(setup, count):
    got = list(itertools.islice(ref.lookback_generator(**setup), count))
    want = list(itertools.islice(chollet_generator_loop(**setup), count))
    for batch, (samples, targets) in zip(got, want, strict=True):
        assert_batch_equal(batch, samples, targets)


@FAST
@given(setup=sst.generator_setups(shuffle=True), count=st.integers(min_value=1, max_value=4))
def test_generator_matches_chollet_loop_shuffled(setup, count):
    got = list(itertools.islice(ref.lookback_generator(**setup), count))
    want = list(itertools.islice(chollet_generator_loop(**setup), count))
    for batch, (samples, targets) in zip(got, want, strict=True):
        assert_batch_equal(batch, samples, targets)


def chollet_rows_loop(min_index, max_index, lookback, batch_size, count):
    """The row lists of the first ``count`` sequential batches (Chollet's index arithmetic, nothing else)."""
    i = min_index + lookback
    out = []
    for _ in range(count):
        if i + batch_size >= max_index:
            i = min_index + lookback
        rows = list(range(i, min(i + batch_size, max_index)))
        i += len(rows)
        out.append(rows)
    return out


@FAST
@given(setup=sst.generator_setups())
def test_batches_per_pass_counts_distinct_batches_before_wrap(setup):
    max_index = setup["max_index"]
    if max_index is None:
        max_index = len(setup["data"]) - setup["delay"] - 1
    args = (setup["min_index"], max_index, setup["lookback"], setup["batch_size"])
    rows = chollet_rows_loop(*args, count=200)
    period = rows[1:].index(rows[0]) + 1  # the first batch comes back after one pass
    assert len({tuple(r) for r in rows[:period]}) == period
    assert ref.batches_per_pass(*args) == period


def test_batches_per_pass_examples():
    assert ref.batches_per_pass(0, 200000, 1440, 128) == 1551  # the notes' training range
    assert ref.batches_per_pass(0, 9, 0 + 0 + 1, 4) == 1  # s = 1: starts 1 (5 < 9), 5 + 4 >= 9 wraps
    assert ref.batches_per_pass(0, 10, 1, 4) == 2  # starts 1, 5 (9 < 10)
    assert ref.batches_per_pass(0, 15, 10, 8) == 1  # one short batch
    assert ref.batches_per_pass(5, 15, 10, 8) == 0  # no row
    # Chollet's validation range: his val_steps = (300000 - 200001 - 1440) // 128 = 769 batches as well
    assert ref.batches_per_pass(200001, 300000, 1440, 128) == 769


@FAST
@given(setup=sst.generator_setups())
def test_batch_shape_matches_loop_batches(setup):
    samples, targets = next(chollet_generator_loop(**setup))
    features = setup["data"].shape[1]
    t = len(samples[0])
    shape = ref.batch_shape(setup["batch_size"], setup["lookback"], setup["step"], features)
    assert shape[1:] == (t, features)
    assert shape[0] == setup["batch_size"]


def test_batch_shape_examples():
    assert ref.batch_shape(128, 1440, 6, 14) == (128, 240, 14)
    assert ref.batch_shape(32, 10, 3, 2) == (32, 4, 2)  # range(0, 10, 3) has 4 elements
    assert ref.batch_shape(1, 5, 10, 1) == (1, 1, 1)


def test_first_batch_sample_notes():
    for j, (first_rows, target) in enumerate(
        [([0, 6, 12, 18, 24, 30, 36, 42, 48, 54], 1584), ([1, 7, 13, 19, 25, 31, 37, 43, 49, 55], 1585),
         ([2, 8, 14, 20, 26, 32, 38, 44, 50, 56], 1586)]
    ):  # fmt: skip
        rows, t = ref.first_batch_sample(j, 1440, 144)
        assert rows[:10] == first_rows and len(rows) == 240 and t == target
    rows, t = ref.first_batch_sample(127, 1440, 144)
    assert rows == list(range(127, 1567, 6)) and t == 1711
    assert rows[:10] == [127, 133, 139, 145, 151, 157, 163, 169, 175, 181]


@FAST
@given(setup=sst.generator_setups(), data=st.data())
def test_first_batch_sample_matches_loop_generator(setup, data):
    samples, targets = next(chollet_generator_loop(**setup))
    j = data.draw(st.integers(min_value=0, max_value=len(targets) - 1))
    rows, target_row = ref.first_batch_sample(j, setup["lookback"], setup["delay"], setup["min_index"],
                                              setup["step"])  # fmt: skip
    assert isinstance(rows, list) and all(isinstance(r, int) for r in rows) and isinstance(target_row, int)
    d = setup["data"]
    assert [[float(v) for v in d[r]] for r in rows] == samples[j]
    assert float(d[target_row][setup["target_col"]]) == targets[j]


# ---------------------------------------------------------------------------------------------------------
# standardize: training statistics only
# ---------------------------------------------------------------------------------------------------------


def column_stats(train):
    """Per-column mean and population std with the statistics module (constant column -> std 1)."""
    cols = [list(map(float, c)) for c in np.asarray(train, dtype=float).reshape(len(train), -1).T]
    means = [statistics.fmean(c) for c in cols]
    stds = [statistics.pstdev(c) or 1.0 for c in cols]
    return means, stds


def standardize_loop(train, *others):
    means, stds = column_stats(train)
    out = []
    for a in (train, *others):
        a = np.asarray(a, dtype=float)
        flat = a.reshape(len(a), len(means))
        z = [[(v - means[k]) / stds[k] for k, v in enumerate(row)] for row in flat.tolist()]
        out.append(np.array(z, dtype=float).reshape(a.shape))
    return out


def test_standardize_small_example():
    train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    val = np.array([[7.0, 0.0]])
    train_std, val_std = ref.standardize(train, val)
    sd = math.sqrt(8 / 3)
    np.testing.assert_allclose(train_std, [[-2 / sd, 0.0], [0.0, 0.0], [2 / sd, 0.0]])
    np.testing.assert_allclose(val_std, [[4 / sd, -10.0]])  # constant column: centred only


def test_standardize_validation_never_changes_training_statistics():
    rng = np.random.default_rng(1)
    train = rng.normal(5.0, 2.0, size=(30, 3))
    val_a = rng.normal(0.0, 1.0, size=(10, 3))
    val_b = val_a * 1000.0 - 50.0
    train_a, out_a = ref.standardize(train, val_a)
    train_b, out_b = ref.standardize(train, val_b)
    (train_only,) = ref.standardize(train)
    np.testing.assert_array_equal(train_a, train_b)
    np.testing.assert_array_equal(train_a, train_only)
    means, stds = column_stats(train)
    np.testing.assert_allclose(out_b, (val_b - np.array(means)) / np.array(stds), rtol=1e-12)
    np.testing.assert_allclose(train_a.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(train_a.std(axis=0), 1.0, rtol=1e-12)
    assert abs(out_b.mean()) > 1.0  # the validation set is *not* re-centred on itself


def test_standardize_returns_a_tuple_and_float64():
    result = ref.standardize(np.array([1, 2, 3]))
    assert isinstance(result, tuple) and len(result) == 1
    assert result[0].dtype == np.float64
    result = ref.standardize(np.array([1, 2, 3]), np.array([4]), np.zeros(0))
    assert len(result) == 3 and result[2].shape == (0,)


def test_standardize_errors():
    with pytest.raises(ValueError):
        ref.standardize(np.zeros((0, 2)))
    with pytest.raises(ValueError):
        ref.standardize(np.zeros((3, 2)), np.zeros((3, 3)))


@FAST
@given(split=sst.standardize_splits())
def test_standardize_matches_statistics_module(split):
    train, others = split
    got = ref.standardize(train, *others)
    want = standardize_loop(train, *others)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------------------
# Inputs left unchanged, new arrays, dtypes (the docstrings' promises beyond the values)
# ---------------------------------------------------------------------------------------------------------


def test_make_windows_and_batches_are_new_arrays_and_leave_their_inputs_unchanged():
    data = np.arange(1, 11)
    targets = np.arange(10.0) * 2
    X, y = ref.make_windows(data, 3, targets=targets, sampling_rate=2, stride=2)
    X2, y2 = ref.make_windows(data, 3)
    for out in (X, y, X2, y2):
        assert not np.shares_memory(out, data) and not np.shares_memory(out, targets)
    assert data.tolist() == list(range(1, 11)) and targets.tolist() == [2.0 * k for k in range(10)]
    assert X2.dtype == data.dtype and y.dtype == targets.dtype
    before = X2.copy()
    for shuffle in (False, True):
        for Xb, yb in ref.batch_windows(X2, y2, 3, shuffle=shuffle, seed=0):
            assert not np.shares_memory(Xb, X2) and not np.shares_memory(yb, y2)
            assert Xb.dtype == X2.dtype and yb.dtype == y2.dtype
    np.testing.assert_array_equal(X2, before)


def test_generator_leaves_data_unchanged_and_yields_float64_copies():
    data = (np.arange(80)[:, None] * 100 + np.arange(3)[None, :]).astype(np.int64)
    before = data.copy()
    batches = ref.lookback_generator(data, 12, 3, 5, 60, batch_size=8, step=5)
    for samples, targets in itertools.islice(batches, 8):
        assert samples.dtype == np.float64 and targets.dtype == np.float64
        assert not np.shares_memory(samples, data) and not np.shares_memory(targets, data)
    np.testing.assert_array_equal(data, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_standardize_leaves_its_inputs_unchanged_and_returns_float64(dtype):
    train = (np.arange(14).reshape(7, 2) * [1, 3] + 2).astype(dtype)
    val = (np.arange(6).reshape(3, 2) * 4).astype(dtype)
    train_before, val_before = train.copy(), val.copy()
    result = ref.standardize(train, val)
    assert isinstance(result, tuple) and len(result) == 2
    for out in result:
        assert out.dtype == np.float64
        assert not np.shares_memory(out, train) and not np.shares_memory(out, val)
    np.testing.assert_array_equal(train, train_before)
    np.testing.assert_array_equal(val, val_before)


def test_question_answers_are_ints_in_tuples_and_lists():
    shape = ref.batch_shape(128, 1440, 6, 14)
    assert type(shape) is tuple and all(type(size) is int for size in shape)
    rows, target = ref.first_batch_sample(127, 1440, 144)
    assert type(rows) is list and all(type(row) is int for row in rows) and type(target) is int
