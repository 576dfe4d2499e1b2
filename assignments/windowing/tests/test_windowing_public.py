"""Public tests for the windowing assignment: the lecture's worked examples with fixed answers.

Run them with ``pytest`` (or ``seqlab check``). Passing them is necessary, not sufficient: the hidden tests
try many more cases (2-D series, strides, sampling rates, seeds, odd batch sizes, wrap-around).
"""

import itertools

import numpy as np

# fake Jena data: value 100 * row + column, so a value tells which row and column it was read from
FAKE_JENA = np.arange(2000)[:, None] * 100.0 + np.arange(3)[None, :]


# ---------------------------------------------------------------------------------------------------------
# make_windows
# ---------------------------------------------------------------------------------------------------------


def test_make_windows_lecture_example(submission):
    X, y = submission.make_windows(np.arange(1, 11), 3)
    assert np.shape(X) == (7, 3) and np.shape(y) == (7,)
    assert np.array_equal(X, [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]])
    assert np.array_equal(y, [4, 5, 6, 7, 8, 9, 10])


def test_make_windows_keras_sampling_rate(submission):
    column = np.arange(50).reshape(50, 1)
    X, y = submission.make_windows(column, 10, targets=column, sampling_rate=2)
    assert np.shape(X) == (40, 5, 1) and np.shape(y) == (40, 1)
    assert np.array_equal(X[:2, :, 0], [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]])
    assert np.array_equal(y[:2], [[10], [11]])


def test_make_windows_keras_stride(submission):
    column = np.arange(50).reshape(50, 1)
    X, y = submission.make_windows(column, 10, targets=column, sampling_rate=2, stride=2)
    assert np.shape(X) == (20, 5, 1)
    assert np.array_equal(X[2:4, :, 0], [[4, 6, 8, 10, 12], [6, 8, 10, 12, 14]])
    assert np.array_equal(y[2:4], [[14], [16]])


def test_make_windows_keras_start_and_end_index(submission):
    column = np.arange(50).reshape(50, 1)
    X, y = submission.make_windows(column, 10, targets=column, sampling_rate=2, start_index=10, end_index=30)
    assert np.shape(X) == (11, 5, 1)
    assert np.array_equal(X[0, :, 0], [10, 12, 14, 16, 18])
    assert np.array_equal(y[[0, -1]], [[20], [30]])


def test_make_windows_reverse(submission):
    X, y = submission.make_windows(np.arange(1, 6), 3, reverse=True)
    assert np.array_equal(X, [[3, 2, 1], [4, 3, 2]])
    assert np.array_equal(y, [4, 5])


def test_make_windows_separate_targets_and_2d_data(submission):
    data = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, -2.0], [3.0, -3.0]])
    X, y = submission.make_windows(data, 2, targets=np.array([10.0, 11.0, 12.0, 13.0]))
    assert np.shape(X) == (2, 2, 2)
    assert np.array_equal(X, [[[0, 0], [1, -1]], [[1, -1], [2, -2]]])
    assert np.array_equal(y, [12.0, 13.0])


def test_num_windows_lecture(submission):
    assert submission.num_windows(10, 3) == 7
    assert submission.num_windows(50, 10, stride=2) == 20
    assert submission.num_windows(10, 10) == 0


# ---------------------------------------------------------------------------------------------------------
# batch_windows
# ---------------------------------------------------------------------------------------------------------


def test_batch_windows_lecture_batch_size_one(submission):
    X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]])
    y = np.array([4, 5, 6, 7, 8, 9, 10])
    batches = submission.batch_windows(X, y, 1)
    assert len(batches) == 7
    assert np.array_equal(batches[0][0], [[1, 2, 3]]) and np.array_equal(batches[0][1], [4])
    assert np.array_equal(batches[6][0], [[7, 8, 9]]) and np.array_equal(batches[6][1], [10])


def test_batch_windows_smaller_last_batch_and_seeded_shuffle(submission):
    X = np.arange(14.0).reshape(7, 2)
    y = np.arange(7.0)
    batches = submission.batch_windows(X, y, 3)
    assert [len(yb) for _, yb in batches] == [3, 3, 1]
    order = np.random.default_rng(5).permutation(7)
    shuffled = submission.batch_windows(X, y, 3, shuffle=True, seed=5)
    assert np.array_equal(np.concatenate([yb for _, yb in shuffled]), order)
    assert np.array_equal(shuffled[0][0], X[order[:3]])


# ---------------------------------------------------------------------------------------------------------
# lookback_generator and the lecture's questions
# ---------------------------------------------------------------------------------------------------------


def test_generator_lecture_first_batch(submission):
    gen = submission.lookback_generator(FAKE_JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    samples, targets = next(gen)
    assert np.shape(samples) == (128, 240, 3) and np.shape(targets) == (128,)
    assert np.array_equal(samples[0, :10, 0], [100.0 * r for r in [0, 6, 12, 18, 24, 30, 36, 42, 48, 54]])
    assert np.array_equal(samples[1, :10, 0], [100.0 * r for r in [1, 7, 13, 19, 25, 31, 37, 43, 49, 55]])
    assert np.array_equal(samples[127, :, 0], [100.0 * r for r in range(127, 1567, 6)])
    assert targets[0] == 158401.0 and targets[1] == 158501.0 and targets[127] == 171101.0


def test_generator_wraps_around(submission):
    gen = submission.lookback_generator(FAKE_JENA, lookback=1440, delay=144, min_index=0, max_index=None)
    batches = list(itertools.islice(gen, 4))
    # max_index = 2000 - 144 - 1 = 1855: batches start at rows 1440, 1568, 1696, then start over at 1440
    assert [b[1][0] for b in batches] == [158401.0, 171201.0, 184001.0, 158401.0]


def test_batch_shape_lecture(submission):
    assert tuple(submission.batch_shape(128, 1440, 6, 14)) == (128, 240, 14)


def test_first_batch_sample_lecture(submission):
    rows, target = submission.first_batch_sample(127, 1440, 144)
    assert list(rows) == list(range(127, 1567, 6)) and target == 1711
    rows, target = submission.first_batch_sample(0, 1440, 144)
    assert list(rows)[:10] == [0, 6, 12, 18, 24, 30, 36, 42, 48, 54] and target == 1584


def test_batches_per_pass_lecture(submission):
    assert submission.batches_per_pass(0, 200000, 1440, 128) == 1551


# ---------------------------------------------------------------------------------------------------------
# standardize
# ---------------------------------------------------------------------------------------------------------


def test_standardize_uses_training_statistics_only(submission):
    train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    val = np.array([[7.0, 0.0], [3.0, 10.0]])
    train_std, val_std = submission.standardize(train, val)
    s = np.sqrt(8 / 3)
    assert np.allclose(train_std, [[-2 / s, 0.0], [0.0, 0.0], [2 / s, 0.0]])
    assert np.allclose(val_std, [[4 / s, -10.0], [0.0, 0.0]])
    train_again, _ = submission.standardize(train, val * 1000.0)
    assert np.allclose(train_again, train_std)
