# mutant-of: make_windows
# mistake: off-by-one at the start: the first target row is start_index + length + stride, so data 1..10
# with length 3 gives 6 windows, from [2, 3, 4] -> 5
# misconception: windows-last-target-missed
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
    X, y = [], []
    i = start_index + length
    while i + stride <= end_index:
        i += stride  # moves on before the first window is cut
        X.append(data[i - length : i : sampling_rate][:: -1 if reverse else 1])
        y.append(targets[i])
    return np.array(X), np.array(y)
