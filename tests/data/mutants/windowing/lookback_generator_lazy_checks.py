# mutant-of: lookback_generator
# mistake: written as a generator function, its argument checks run at the first next(), not when it is
# called: lookback_generator(bad arguments) returns normally (a documented ValueError is missing)
import numpy as np


def lookback_generator(data, lookback, delay, min_index, max_index, shuffle=False, batch_size=128, step=6,
                       target_col=1, seed=None):  # fmt: skip
    data = np.asarray(data)
    if data.ndim != 2 or lookback < 1 or step < 1 or batch_size < 1 or delay < 0 or min_index < 0:
        raise ValueError("bad arguments")
    if not 0 <= target_col < data.shape[1]:
        raise ValueError("target_col is not a column")
    if max_index is None:
        max_index = len(data) - delay - 1
    if min_index + lookback >= max_index or max_index + delay > len(data):
        raise ValueError("no rows to use")
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
            samples[j] = data[range(row - lookback, row, step)]
            targets[j] = data[row + delay][target_col]
        yield samples, targets
