# mutant-of: make_windows
# mistake: sliding_window_view and a slice of targets: X and y are views of data (changing a window
# changes the series)
import numpy as np


def make_windows(data, length, targets=None, sampling_rate=1, stride=1, start_index=0, end_index=None, *,
                 reverse=False):  # fmt: skip
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError("data must have a time axis")
    targets = data if targets is None else np.asarray(targets)
    n = len(data)
    if targets.ndim == 0 or len(targets) != n or min(length, sampling_rate, stride) < 1 or start_index < 0:
        raise ValueError("bad arguments")
    end_index = n - 1 if end_index is None else end_index
    if end_index > n - 1 or start_index + length > end_index:
        raise ValueError("no window fits")
    windows = np.moveaxis(np.lib.stride_tricks.sliding_window_view(data, length, axis=0), -1, 1)
    X = windows[start_index : end_index - length + 1 : stride, ::sampling_rate]
    if reverse:
        X = X[:, ::-1]
    return X, targets[start_index + length : end_index + 1 : stride]
