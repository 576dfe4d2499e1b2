"""Public tests for the windowing assignment: the lecture's worked examples with fixed answers.

Run them with ``pytest`` (or ``seqlab check``); each function's check cell in the notebook runs that
function's tests from this file. Passing them is necessary, not sufficient: the hidden tests try many more
cases (2-D series, strides, sampling rates, seeds, odd batch sizes, wrap-around).
"""

import itertools

import numpy as np

from seqlab.testing import assert_matches, assert_returns

# fake Jena data: value 100 * row + column, so a value tells which row and column it was read from
FAKE_JENA = np.arange(2000)[:, None] * 100.0 + np.arange(3)[None, :]
JENA_CALL = "lookback_generator(FAKE_JENA, lookback=1440, delay=144, min_index=0, max_index=None)"
# Keras' own test data: the column 0, 1, ..., 49
COLUMN = np.arange(50).reshape(50, 1)
# the lecture's 7 windows of 1, 2, ..., 10 with length 3, and their targets
LECTURE_X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]])
LECTURE_Y = np.array([4, 5, 6, 7, 8, 9, 10])


def column_windows(starts, targets):
    """Windows of COLUMN read with sampling_rate = 2 (5 rows from each start) and their targets' rows."""
    X = np.asarray(starts)[:, None] + np.arange(0, 10, 2)[None, :]
    return X[:, :, None], np.asarray(targets)[:, None]


def assert_type(value, expected_type, *, call):
    """Fail unless ``value``, what ``call`` returned, is exactly of ``expected_type``."""
    assert_matches(type(value), expected_type, what=f"type({call})")


# ---------------------------------------------------------------------------------------------------------
# make_windows
# ---------------------------------------------------------------------------------------------------------


def test_make_windows_lecture_example(submission):
    """make_windows of 1, 2, ..., 10 with length 3: the 7 windows [1, 2, 3] -> 4, ..., [7, 8, 9] -> 10"""
    assert_returns(submission.make_windows, np.arange(1, 11), 3, expected=(LECTURE_X, LECTURE_Y))


def test_make_windows_keras_sampling_rate(submission):
    """make_windows of Keras' column 0..49, length 10, sampling_rate 2: rows i, i + 2, ..., i + 8 -> i + 10"""
    expected = column_windows(np.arange(40), np.arange(10, 50))
    assert_returns(submission.make_windows, COLUMN, 10, targets=COLUMN, sampling_rate=2, expected=expected)


def test_make_windows_keras_stride(submission):
    """make_windows of Keras' column with sampling_rate 2 and stride 2: a window every second row"""
    expected = column_windows(np.arange(0, 40, 2), np.arange(10, 50, 2))
    assert_returns(
        submission.make_windows, COLUMN, 10, targets=COLUMN, sampling_rate=2, stride=2, expected=expected
    )


def test_make_windows_keras_start_and_end_index(submission):
    """make_windows of Keras' column with start_index 10 and end_index 30: the targets are rows 20, ..., 30"""
    expected = column_windows(np.arange(10, 21), np.arange(20, 31))
    assert_returns(
        submission.make_windows,
        COLUMN,
        10,
        targets=COLUMN,
        sampling_rate=2,
        start_index=10,
        end_index=30,
        expected=expected,
    )


def test_make_windows_reverse(submission):
    """make_windows with reverse=True: each window in reverse time order, the targets unchanged"""
    assert_returns(
        submission.make_windows, np.arange(1, 6), 3, reverse=True, expected=([[3, 2, 1], [4, 3, 2]], [4, 5])
    )
    X, y = column_windows(np.arange(40), np.arange(10, 50))
    assert_returns(
        submission.make_windows,
        COLUMN,
        10,
        targets=COLUMN,
        sampling_rate=2,
        reverse=True,
        expected=(X[:, ::-1], y),  # the first window is [8, 6, 4, 2, 0]
    )


def test_make_windows_separate_targets_and_2d_data(submission):
    """make_windows of a series with 2 features, with targets given separately"""
    data = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, -2.0], [3.0, -3.0]])
    assert_returns(
        submission.make_windows,
        data,
        2,
        targets=np.array([10.0, 11.0, 12.0, 13.0]),
        expected=(np.array([[[0, 0], [1, -1]], [[1, -1], [2, -2]]]), np.array([12.0, 13.0])),
    )


def test_num_windows_lecture(submission):
    """num_windows of the lecture's and Keras' examples, with stride, start and end index, and of no window"""
    assert_returns(submission.num_windows, 10, 3, expected=7)
    assert_returns(submission.num_windows, 50, 10, stride=2, expected=20)
    assert_returns(submission.num_windows, 50, 10, start_index=10, end_index=30, expected=11)
    assert_returns(submission.num_windows, 10, 10, expected=0)


# ---------------------------------------------------------------------------------------------------------
# batch_windows
# ---------------------------------------------------------------------------------------------------------


def test_batch_windows_lecture_batch_size_one(submission):
    """batch_windows of the lecture's 7 windows with batch_size 1: 7 batches of one window"""
    expected = [(LECTURE_X[k : k + 1], LECTURE_Y[k : k + 1]) for k in range(7)]
    assert_returns(submission.batch_windows, LECTURE_X, LECTURE_Y, 1, expected=expected)


def test_batch_windows_smaller_last_batch(submission):
    """batch_windows of 7 windows with batch_size 3: batches of 3, 3 and 1 (the last one is kept)"""
    expected = [(LECTURE_X[:3], LECTURE_Y[:3]), (LECTURE_X[3:6], LECTURE_Y[3:6]), ([[7, 8, 9]], [10])]
    assert_returns(submission.batch_windows, LECTURE_X, LECTURE_Y, 3, expected=expected)
    X = np.arange(14.0).reshape(7, 2)
    y = np.arange(7.0)
    assert_returns(
        submission.batch_windows, X, y, 3, expected=[(X[:3], y[:3]), (X[3:6], y[3:6]), (X[6:], y[6:])]
    )


def test_batch_windows_seeded_shuffle(submission):
    """batch_windows with shuffle=True: the order np.random.default_rng(seed).permutation(7), seeds 0 and 5"""
    order = np.random.default_rng(0).permutation(7)
    expected = [(LECTURE_X[order[k : k + 3]], LECTURE_Y[order[k : k + 3]]) for k in (0, 3, 6)]
    assert_returns(submission.batch_windows, LECTURE_X, LECTURE_Y, 3, shuffle=True, seed=0, expected=expected)
    X = np.arange(14.0).reshape(7, 2)
    y = np.arange(7.0)
    order = np.random.default_rng(5).permutation(7)
    expected = [(X[order[k : k + 3]], y[order[k : k + 3]]) for k in (0, 3, 6)]
    assert_returns(submission.batch_windows, X, y, 3, shuffle=True, seed=5, expected=expected)


# ---------------------------------------------------------------------------------------------------------
# lookback_generator and the lecture's questions
# ---------------------------------------------------------------------------------------------------------


def jena_batch(first_row):
    """The sequential batch of FAKE_JENA whose current rows are first_row, ..., first_row + 127."""
    rows = first_row + np.arange(128)
    samples = FAKE_JENA[rows[:, None] - 1440 + np.arange(0, 1440, 6)[None, :]]  # 240 rows back, step 6
    targets = FAKE_JENA[rows + 144, 1]  # 144 rows later, column 1
    return samples, targets


def test_generator_lecture_first_batch(submission):
    """lookback_generator's first lecture batch: sample j reads rows j, j + 6, ..., j + 1434 -> 1584 + j"""
    gen = submission.lookback_generator(FAKE_JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    samples, targets = next(gen)
    expected_samples, expected_targets = jena_batch(1440)
    assert_matches(samples, expected_samples, what=f"the samples of the first batch of {JENA_CALL}")
    assert_matches(targets, expected_targets, what=f"the targets of the first batch of {JENA_CALL}")


def test_generator_wraps_around(submission):
    """lookback_generator's batches start at rows 1440, 1568, 1696 and then start over at 1440"""
    gen = submission.lookback_generator(FAKE_JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    batches = list(itertools.islice(gen, 4))
    # max_index = 2000 - 144 - 1 = 1855: a fourth batch from row 1824 would reach it, so it starts over
    for number, first_row in enumerate([1440, 1568, 1696, 1440], start=1):
        samples, targets = jena_batch(first_row)
        assert_matches(batches[number - 1][0], samples, what=f"the samples of batch {number} of {JENA_CALL}")
        assert_matches(batches[number - 1][1], targets, what=f"the targets of batch {number} of {JENA_CALL}")


def test_batch_shape_lecture(submission):
    """batch_shape of the lecture's Jena batches (128, 240, 14) and of a small example"""
    shape = assert_returns(submission.batch_shape, 128, 1440, 6, 14, expected=(128, 240, 14))
    assert_type(shape, tuple, call="batch_shape(128, 1440, 6, 14)")
    assert_returns(submission.batch_shape, 32, 10, 3, 2, expected=(32, 4, 2))


def test_first_batch_sample_lecture(submission):
    """first_batch_sample of samples 0, 1 and 127 of the lecture's first batch"""
    result = assert_returns(
        submission.first_batch_sample, 0, 1440, 144, expected=(list(range(0, 1440, 6)), 1584)
    )
    assert_type(result[0], list, call="first_batch_sample(0, 1440, 144)[0]")
    assert_returns(submission.first_batch_sample, 1, 1440, 144, expected=(list(range(1, 1441, 6)), 1585))
    assert_returns(submission.first_batch_sample, 127, 1440, 144, expected=(list(range(127, 1567, 6)), 1711))


def test_batches_per_pass_lecture(submission):
    """batches_per_pass of the lecture's training range, of the fake Jena data and of a range of one batch"""
    assert_returns(submission.batches_per_pass, 0, 200000, 1440, 128, expected=1551)
    assert_returns(submission.batches_per_pass, 0, 1855, 1440, 128, expected=3)
    assert_returns(submission.batches_per_pass, 0, 15, 10, 8, expected=1)


# ---------------------------------------------------------------------------------------------------------
# standardize
# ---------------------------------------------------------------------------------------------------------

TRAIN = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])  # mean [3, 10], std [sqrt(8 / 3), 0]
VAL = np.array([[7.0, 0.0], [3.0, 10.0]])
S = np.sqrt(8 / 3)
TRAIN_STD = np.array([[-2 / S, 0.0], [0.0, 0.0], [2 / S, 0.0]])  # the constant feature is only centred


def test_standardize_uses_training_statistics_only(submission):
    """standardize(train, val) with the mean and standard deviation of train only"""
    assert_returns(
        submission.standardize, TRAIN, VAL, expected=(TRAIN_STD, np.array([[4 / S, -10.0], [0.0, 0.0]]))
    )
    # the validation data changes nothing in the standardized training data
    val_std = np.array([[6997 / S, -10.0], [2997 / S, 9990.0]])
    assert_returns(submission.standardize, TRAIN, VAL * 1000.0, expected=(TRAIN_STD, val_std))


def test_standardize_training_data_alone(submission):
    """standardize(train) alone returns a tuple of one array"""
    result = assert_returns(submission.standardize, TRAIN, expected=(TRAIN_STD,))
    assert_type(result, tuple, call="standardize(train)")
