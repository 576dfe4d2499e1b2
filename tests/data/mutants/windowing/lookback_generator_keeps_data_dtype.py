# mutant-of: lookback_generator
# mistake: the batches keep the dtype of data (integer or float32 batches) where float64 is promised
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
    first = min_index + lookback
    if first >= max_index or max_index + delay > len(data):
        raise ValueError("no rows to use")
    offsets = np.arange(-lookback, 0, step)

    def batches():
        rng = np.random.default_rng(seed)
        i = first
        while True:
            if shuffle:
                rows = rng.integers(first, max_index, size=batch_size)
            else:
                i = first if i + batch_size >= max_index else i
                rows = np.arange(i, min(i + batch_size, max_index))
                i += len(rows)
            yield data[rows[:, None] + offsets], data[rows + delay, target_col]

    return batches()
