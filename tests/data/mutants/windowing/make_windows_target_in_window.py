# mutant-of: make_windows
# mistake: the target is the last element of the window (targets[i - 1]) instead of the row after it
# misconception: windows-target-inside-window
import numpy as np


def make_windows(data, length, targets=None, sampling_rate=1, stride=1, start_index=0, end_index=None, *,
                 reverse=False):  # fmt: skip
    data = np.asarray(data)
    targets = data if targets is None else np.asarray(targets)
    if len(targets) != len(data) or length < 1 or sampling_rate < 1 or stride < 1 or start_index < 0:
        raise ValueError("bad arguments")
    if end_index is None:
        end_index = len(data) - 1
    if start_index + length > end_index:
        raise ValueError("no window fits")
    rows = range(start_index + length, end_index + 1, stride)
    X = np.array([data[i - length : i : sampling_rate][:: -1 if reverse else 1] for i in rows])
    y = np.array([targets[i - 1] for i in rows])
    return X, y
