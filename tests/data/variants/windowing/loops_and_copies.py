# variant-of: make_windows, batch_windows, lookback_generator, standardize
# correct: Python loops over the target rows (np.array of the windows keeps the dtype), batches sliced and
# copied, Chollet's generator with zero-filled float64 buffers behind eager checks, and standardize working in
# place on its own float64 copies
import numpy as np


def make_windows(data, length, targets=None, sampling_rate=1, stride=1, start_index=0, end_index=None, *,
                 reverse=False):  # fmt: skip
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError("data must have a time axis")
    targets = data if targets is None else np.asarray(targets)
    if targets.ndim == 0 or len(targets) != len(data):
        raise ValueError("data and targets must have the same length")
    if length < 1 or sampling_rate < 1 or stride < 1 or start_index < 0:
        raise ValueError("length, sampling_rate and stride must be >= 1, start_index >= 0")
    last = len(data) - 1 if end_index is None else end_index
    if last > len(data) - 1 or start_index + length > last:
        raise ValueError("no window fits")
    windows, ys = [], []
    for i in range(start_index + length, last + 1, stride):
        window = data[i - length : i : sampling_rate]
        windows.append(window[::-1] if reverse else window)
        ys.append(targets[i])
    return np.array(windows), np.array(ys)


def batch_windows(X, y, batch_size, shuffle=False, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError("X and y must hold the same number of samples")
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
        X, y = X[order], y[order]
    return [
        (X[k : k + batch_size].copy(), y[k : k + batch_size].copy()) for k in range(0, len(X), batch_size)
    ]


def lookback_generator(data, lookback, delay, min_index, max_index, shuffle=False, batch_size=128, step=6,
                       target_col=1, seed=None):  # fmt: skip
    data = np.asarray(data)
    if data.ndim != 2:
        raise ValueError("data must be 2-D")
    if lookback < 1 or step < 1 or batch_size < 1 or delay < 0 or min_index < 0:
        raise ValueError("bad lookback, step, batch_size, delay or min_index")
    if not 0 <= target_col < data.shape[1]:
        raise ValueError("target_col is not a column")
    if max_index is None:
        max_index = len(data) - delay - 1
    if min_index + lookback >= max_index or max_index + delay > len(data):
        raise ValueError("no rows to use")
    return _chollet(data, lookback, delay, min_index, max_index, shuffle, batch_size, step, target_col, seed)


def _chollet(data, lookback, delay, min_index, max_index, shuffle, batch_size, step, target_col, seed):
    rng = np.random.default_rng(seed)
    i = min_index + lookback
    while True:
        if shuffle:
            rows = rng.integers(min_index + lookback, max_index, size=batch_size)
        else:
            if i + batch_size >= max_index:
                i = min_index + lookback
            rows = np.arange(i, min(i + batch_size, max_index))
            i += len(rows)
        samples = np.zeros((len(rows), len(range(0, lookback, step)), data.shape[-1]))
        targets = np.zeros((len(rows),))
        for j, row in enumerate(rows):
            indices = range(rows[j] - lookback, rows[j], step)
            samples[j] = data[indices]
            targets[j] = data[row + delay][target_col]
        yield samples, targets


def standardize(train, *others):
    train = np.array(train, dtype=np.float64)  # a copy, whatever the input
    if train.ndim == 0 or len(train) == 0:
        raise ValueError("train must hold at least one row")
    arrays = [np.array(a, dtype=np.float64) for a in others]
    if any(a.ndim != train.ndim or a.shape[1:] != train.shape[1:] for a in arrays):
        raise ValueError("trailing shapes differ")
    mu = train.mean(axis=0)
    sigma = train.std(axis=0)
    sigma = np.where(sigma == 0, 1.0, sigma)
    for a in [train, *arrays]:
        a -= mu
        a /= sigma
    return (train, *arrays)
