# mutant-of: lookback_generator
# mistake: the target is one row too early (row + delay - 1): sample 0 of the lecture targets row 1583
# misconception: lookback-target-one-early
import numpy as np


def lookback_generator(data, lookback, delay, min_index, max_index, shuffle=False, batch_size=128, step=6,
                       target_col=1, seed=None):  # fmt: skip
    data = np.asarray(data, dtype=np.float64)
    if max_index is None:
        max_index = len(data) - delay - 1
    rng = np.random.default_rng(seed)

    def gen():
        i = min_index + lookback
        while True:
            if shuffle:
                rows = rng.integers(min_index + lookback, max_index, size=batch_size)
            else:
                if i + batch_size >= max_index:
                    i = min_index + lookback
                rows = np.arange(i, min(i + batch_size, max_index))
                i += len(rows)
            samples = np.array([data[range(r - lookback, r, step)] for r in rows])
            targets = np.array([data[r + delay - 1][target_col] for r in rows])
            yield samples, targets

    return gen()
