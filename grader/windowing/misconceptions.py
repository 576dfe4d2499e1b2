"""Known misconceptions of the windowing assignment, each implemented as the mistake (see
seqlab.misconceptions).

``observe`` reads every empty array of a ``make_windows`` result as the same empty array: a window count one
too small leaves no window at all on a short series, and a loop that builds ``np.array([...])`` from no
windows has shape ``(0,)`` where the vectorised ``data[rows[:, None] + offsets]`` has ``(0, T, F...)``. The
reference always returns at least one window, so this never hides a wrong output.

Every function with a mistake has probes (see :meth:`Catalogue.probe`): typical inputs (several windows,
distinct values, sampling_rate and stride above 1, several features on different scales) on which each
mistake's output is wrong and unlike every other mistake's. The probes of ``lookback_generator`` cannot
confirm anything yet: the grader does not compare the batches of an iterator it asks for.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from seqlab.misconceptions import Catalogue, Observe

catalogue = Catalogue("windowing", observe=Observe(empty_alike=("make_windows",)))

WINDOWS = "the windowing notebook, section 1 (Windows with Keras' `TimeseriesGenerator` semantics)"
BATCHES = "the windowing notebook, section 2 (Mini-batches)"
JENA = "the windowing notebook, section 3 (The Jena climate generator)"
STANDARDIZE = "the windowing notebook, section 4 (Standardization with training statistics only)"


# ---------------------------------------------------------------------------------------------------------
# make_windows, batch_windows
# ---------------------------------------------------------------------------------------------------------


def _make_windows(
    *,
    last_row: int = 0,
    first_row: int = 0,
    counted: bool = False,
    target_shift: int = 0,
    sampled: bool = True,
    strided: bool = True,
) -> Any:
    """make_windows with the target rows ending at ``end_index + last_row`` and starting ``first_row`` strides
    late (or, when ``counted``, ``floor((end_index - start_index - length) / stride)`` of them, without the
    + 1), the targets read ``target_shift`` rows off, and ``sampling_rate`` (``stride``) ignored unless
    ``sampled`` (``strided``)."""

    def mistake(
        ref: Any,
        data: Any,
        length: int,
        targets: Any = None,
        sampling_rate: int = 1,
        stride: int = 1,
        start_index: int = 0,
        end_index: int | None = None,
        *,
        reverse: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        data = np.asarray(data)
        targets = data if targets is None else np.asarray(targets)
        if len(targets) != len(data) or min(length, sampling_rate, stride) < 1 or start_index < 0:
            raise ValueError("bad arguments")
        end_index = len(data) - 1 if end_index is None else end_index
        if start_index + length > end_index:
            raise ValueError("no window fits")
        step = stride if strided else 1
        rows = np.arange(start_index + length + first_row * step, end_index + 1 + last_row, step)
        if counted:
            rows = start_index + length + step * np.arange((end_index - start_index - length) // step)
        offsets = np.arange(-length, 0, sampling_rate if sampled else 1)
        return data[rows[:, None] + offsets[:: -1 if reverse else 1]], targets[rows + target_shift]

    return mistake


catalogue.mistake(
    "windows-last-target-missed",
    "make_windows",
    title="one window too few (an off-by-one in the target rows: the last one, end_index, or the first one "
    "is never used)",
    explanation="The target rows run from start_index + length up to and including end_index: "
    "range(start_index + length, end_index + 1, stride), N = floor((end_index - start_index - length) / "
    "stride) + 1 of them. Data 1..10 with length 3 gives 7 windows, from [1, 2, 3] -> 4 to [7, 8, 9] -> 10.",
    where=WINDOWS,
)(_make_windows(last_row=-1))

# the same off-by-one, written as a window count without its + 1, or as a first target one stride late
catalogue.form("windows-last-target-missed")(_make_windows(counted=True))
catalogue.form("windows-last-target-missed")(_make_windows(first_row=1))

catalogue.mistake(
    "windows-sampling-rate-ignored",
    "make_windows",
    title="windows that ignore sampling_rate (every row of data[i - length : i])",
    explanation="sampling_rate keeps every r-th row of the window, data[i - length : i : sampling_rate], "
    "so a window has T = ceil(length / sampling_rate) time steps.",
    where=WINDOWS,
)(_make_windows(sampled=False))

catalogue.mistake(
    "windows-stride-ignored",
    "make_windows",
    title="windows that ignore stride (a window ends at every row)",
    explanation="stride is the distance between the target rows of consecutive windows: i = start_index + "
    "length, start_index + length + stride, ... (sampling_rate thins the rows inside a window, stride the "
    "windows).",
    where=WINDOWS,
)(_make_windows(strided=False))

catalogue.mistake(
    "windows-target-inside-window",
    "make_windows",
    title="targets taken from the last row of each window (targets[i - 1])",
    explanation="The window data[i - length : i] stops before row i, and its target is the next row, "
    "targets[i]: [1, 2, 3] -> 4. A window never contains its own target.",
    where=WINDOWS,
)(_make_windows(target_shift=-1))

# the lecture's series; 2-D data with separate targets, sampling_rate 2 and a stride that does not divide
# the span (end_index - start_index - length = 7); and one whose span 8 the stride 2 divides
catalogue.probe("make_windows", np.arange(1, 11), 3)
catalogue.probe(
    "make_windows",
    np.arange(28.0).reshape(14, 2) * [1.0, 10.0],
    4,
    targets=np.arange(14.0) * 3.0 + 1.0,
    sampling_rate=2,
    stride=3,
    start_index=1,
    end_index=12,
)
catalogue.probe("make_windows", np.arange(1.0, 13.0) ** 2, 3, sampling_rate=2, stride=2)


@catalogue.mistake(
    "batches-drop-last",
    "batch_windows",
    title="batches without the smaller last batch (N // batch_size of them)",
    explanation="When batch_size does not divide N the last batch holds the remaining samples and is kept: "
    "ceil(N / batch_size) batches, every sample in one of them (range(0, N, batch_size)).",
    where=BATCHES,
)
def _(ref: Any, X: Any, y: Any, batch_size: int, shuffle: bool = False, seed: int | None = None) -> list[Any]:
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    full = len(X) - len(X) % batch_size
    return [(X[order[k : k + batch_size]], y[order[k : k + batch_size]]) for k in range(0, full, batch_size)]


catalogue.probe("batch_windows", np.arange(21.0).reshape(7, 3, 1), np.arange(4.0, 11.0), 3)
catalogue.probe("batch_windows", np.arange(40.0).reshape(10, 2, 2), np.arange(10.0), 4, shuffle=True, seed=7)


# ---------------------------------------------------------------------------------------------------------
# lookback_generator
# ---------------------------------------------------------------------------------------------------------


@catalogue.mistake(
    "lookback-target-one-early",
    "lookback_generator",
    title="targets one row too early (row r + delay - 1)",
    explanation="The sample of current row r reads rows r - lookback ... r - 1 and its target is "
    "data[r + delay, target_col]: in the lecture sample 0 reads rows 0 .. 1434 and targets row 1584.",
    where=JENA,
)
def _(
    ref: Any,
    data: Any,
    lookback: int,
    delay: int,
    min_index: int,
    max_index: int | None,
    shuffle: bool = False,
    batch_size: int = 128,
    step: int = 6,
    target_col: int = 1,
    seed: int | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    data = np.asarray(data, dtype=np.float64)
    max_index = len(data) - delay - 1 if max_index is None else max_index
    first = min_index + lookback
    offsets = np.arange(-lookback, 0, step)
    rng = np.random.default_rng(seed)
    i = first
    while True:
        if shuffle:
            rows = rng.integers(first, max_index, size=batch_size)
        else:
            i = first if i + batch_size >= max_index else i
            rows = np.arange(i, min(i + batch_size, max_index))
            i += len(rows)
        yield data[rows[:, None] + offsets], data[rows + delay - 1, target_col]


catalogue.probe(
    "lookback_generator",
    np.arange(40)[:, None] * 100.0 + np.arange(3)[None, :],
    10,
    2,
    0,
    30,
    batch_size=4,
    step=2,
)


# ---------------------------------------------------------------------------------------------------------
# standardize
# ---------------------------------------------------------------------------------------------------------


def _scaled(arrays: list[np.ndarray], mu: Any, sigma: Any) -> tuple[np.ndarray, ...]:
    sigma = np.where(sigma == 0, 1.0, sigma)
    return tuple((a - mu) / sigma for a in arrays)


def _as_float(train: Any, others: tuple[Any, ...]) -> list[np.ndarray]:
    return [np.asarray(a, dtype=np.float64) for a in (train, *others)]


@catalogue.mistake(
    "standardize-global-statistics",
    "standardize",
    title="one mean and one standard deviation over the whole training array (axis=None)",
    explanation="Each feature has its own scale (pressure in mbar, temperature in °C, ...), so it gets its "
    "own statistics: mu = train.mean(axis=0), sigma = train.std(axis=0), over the time axis only.",
    where=STANDARDIZE,
)
def _(ref: Any, train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    arrays = _as_float(train, others)
    return _scaled(arrays, arrays[0].mean(), arrays[0].std())


@catalogue.mistake(
    "standardize-all-data",
    "standardize",
    title="statistics of all the data (training and validation/test arrays together)",
    explanation="The validation and test data must not influence the preprocessing (that leaks information "
    "about them into training): mu and sigma come from train alone and are then applied to every array.",
    where=STANDARDIZE,
)
def _(ref: Any, train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    arrays = _as_float(train, others)
    everything = np.concatenate(arrays, axis=0)
    return _scaled(arrays, everything.mean(axis=0), everything.std(axis=0))


@catalogue.mistake(
    "standardize-own-statistics",
    "standardize",
    title="every array standardized with its own mean and standard deviation",
    explanation="Fit on the training data, then transform everything with the same mu and sigma: the "
    "validation and test arrays are transformed with the training statistics, not refitted.",
    where=STANDARDIZE,
)
def _(ref: Any, train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    arrays = _as_float(train, others)
    return tuple(_scaled([a], a.mean(axis=0), a.std(axis=0))[0] if len(a) else a for a in arrays)


@catalogue.mistake(
    "standardize-sample-std",
    "standardize",
    title="the sample standard deviation (ddof=1, as torch.std and pandas compute it)",
    explanation="sigma is the population standard deviation, train.std(axis=0) with numpy's default ddof=0 "
    "(divide by n, not n - 1), as in Chollet's data.std(axis=0).",
    where=STANDARDIZE,
)
def _(ref: Any, train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    arrays = _as_float(train, others)
    with (
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
    ):  # one training row: 0 / 0 is nan, as numpy says
        warnings.simplefilter("ignore", RuntimeWarning)
        return _scaled(arrays, arrays[0].mean(axis=0), arrays[0].std(axis=0, ddof=1))


# three features on different scales, a validation and a test set with other means and spreads (each mistake
# gives another answer here); and a 1-D series
catalogue.probe(
    "standardize",
    np.array([[990.0, -5.0, 0.0], [1000.0, 5.0, 180.0], [1010.0, 15.0, 360.0], [1000.0, 25.0, 90.0]]),
    np.array([[1005.0, 0.0, 45.0], [995.0, 30.0, 270.0], [1020.0, 40.0, 300.0]]),
    np.array([[980.0, 10.0, 10.0], [1001.0, -10.0, 200.0]]),
)
catalogue.probe("standardize", np.array([1.0, 2.0, 4.0, 8.0, 5.0]), np.array([10.0, 20.0, 15.0]))
