# mutant-of: make_windows
# mistake: np.asarray(data, dtype=float) first: integer windows and targets come back as floats
import numpy as np


def make_windows(data, length, targets=None, sampling_rate=1, stride=1, start_index=0, end_index=None, *,
                 reverse=False):  # fmt: skip
    data = np.asarray(data, dtype=float)
    if data.ndim == 0:
        raise ValueError("data must have a time axis")
    targets = data if targets is None else np.asarray(targets, dtype=float)
    n = len(data)
    if targets.ndim == 0 or len(targets) != n or min(length, sampling_rate, stride) < 1 or start_index < 0:
        raise ValueError("bad arguments")
    end_index = n - 1 if end_index is None else end_index
    if end_index > n - 1 or start_index + length > end_index:
        raise ValueError("no window fits")
    rows = np.arange(start_index + length, end_index + 1, stride)
    offsets = np.arange(-length, 0, sampling_rate)[:: -1 if reverse else 1]
    return data[rows[:, None] + offsets], targets[rows]
