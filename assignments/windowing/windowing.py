"""Time-series windowing: from one long series to (samples, time steps, features) training batches.

Notation used in every docstring:

* ``n``       number of time steps in the series (axis 0 of ``data``)
* ``F...``    the trailing dimensions of one time step (nothing for a 1-D series, ``(features,)`` for 2-D)
* ``T``       time steps per window (per sample)
* ``N``       number of windows (samples)

Two conventions are taught:

1. Keras' ``TimeseriesGenerator`` (``make_windows``): the window that ends just before row ``i`` reads
   ``data[i - length : i : sampling_rate]`` and predicts ``targets[i]``.
2. The Jena climate generator of Chollet's *Deep Learning with Python* (``lookback_generator``): the
   sample for row ``r`` reads ``data[r - lookback : r : step]`` and predicts ``data[r + delay, target_col]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# ---------------------------------------------------------------------------------------------------------
# Keras TimeseriesGenerator semantics
# ---------------------------------------------------------------------------------------------------------


def make_windows(
    data: np.ndarray,
    length: int,
    targets: np.ndarray | None = None,
    sampling_rate: int = 1,
    stride: int = 1,
    start_index: int = 0,
    end_index: int | None = None,
    *,
    reverse: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into all (window, target) pairs, exactly like Keras' ``TimeseriesGenerator``.

    The target rows are

        i = start_index + length,  start_index + length + stride,  ...   (every i <= end_index)

    and for each of them, in that order,

        X[k] = data[i - length : i : sampling_rate]        (rows i-length, i-length+sampling_rate, ... < i)
        y[k] = targets[i]

    so a window never contains its own target row. With ``reverse=True`` each window is returned in
    reverse time order (``X[k][::-1]``); the targets do not change.

    Example (the lecture's ``time_series_generator``): ``data = [1, 2, ..., 10]``, ``length=3`` gives the
    7 windows ``[1,2,3]->4, [2,3,4]->5, ..., [7,8,9]->10``.

    Args:
        data: array-like of shape ``(n, F...)``: a 1-D series ``(n,)`` or a multivariate one
            ``(n, features)``; axis 0 is time.
        length: window length in time steps *before* sampling, ``length >= 1``.
        targets: array-like of shape ``(n, G...)`` aligned with ``data``; ``None`` means ``targets = data``
            (predict the next value of the series itself).
        sampling_rate: keep every ``sampling_rate``-th row inside a window, ``>= 1``.
        stride: distance between the target rows of consecutive windows, ``>= 1``.
        start_index: rows before ``start_index`` are never read; the first target row is
            ``start_index + length``.
        end_index: last row that may be a target (inclusive); ``None`` means ``n - 1``.
        reverse: return each window in reverse time order.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(N, T, F...)`` and ``y`` of shape ``(N, G...)`` where

            T = ceil(length / sampling_rate) = len(range(0, length, sampling_rate))
            N = floor((end_index - start_index - length) / stride) + 1

        ``X`` keeps the dtype of ``data`` and ``y`` the dtype of ``targets`` (integers stay integers).
        The inputs are not changed, and ``X`` and ``y`` are new arrays, not views of ``data`` or
        ``targets`` (changing a window must not change the series).

    Raises:
        ValueError: if ``data`` is 0-dimensional, ``len(targets) != len(data)``, ``length``,
            ``sampling_rate`` or ``stride`` is smaller than 1, ``start_index < 0``,
            ``end_index > n - 1``, or ``start_index + length > end_index`` (no window fits; Keras raises
            the same error).
    """
    raise NotImplementedError("make_windows is not implemented yet")


def batch_windows(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split ``N`` (window, target) pairs into mini-batches of ``batch_size``.

    The sample order is

        order = np.arange(N)                                  if not shuffle
        order = np.random.default_rng(seed).permutation(N)    if shuffle   (a fresh generator per call)

    and batch ``b`` holds the samples ``order[b * batch_size : (b + 1) * batch_size]``:

        batches[b] = (X[order[b*B:(b+1)*B]], y[order[b*B:(b+1)*B]])

    There are ``ceil(N / batch_size)`` batches; the last one is smaller when ``batch_size`` does not divide
    ``N`` (it is kept, not dropped). Every sample appears exactly once per call, unlike Keras'
    ``TimeseriesGenerator(shuffle=True)``, which draws rows *with* replacement. ``seed`` is ignored when
    ``shuffle`` is false.

    Args:
        X: windows, shape ``(N, T, F...)`` (any shape whose axis 0 counts samples).
        y: targets, shape ``(N, G...)``.
        batch_size: samples per batch, ``>= 1``.
        shuffle: shuffle the order of the samples first.
        seed: seed of ``np.random.default_rng`` used for the shuffle.

    Returns:
        A list of ``(Xb, yb)`` tuples with shapes ``(B_b, T, F...)`` and ``(B_b, G...)``,
        ``B_b = batch_size`` except possibly for the last; ``[]`` when ``N == 0``. Dtypes are kept. The
        inputs are not changed, and every batch holds new arrays, not views of ``X`` or ``y`` (a slice
        ``X[k : k + batch_size]`` is a view: copy it, or index with ``order``).

    Raises:
        ValueError: if ``batch_size < 1`` or ``len(X) != len(y)``.
    """
    raise NotImplementedError("batch_windows is not implemented yet")


# ---------------------------------------------------------------------------------------------------------
# The Jena climate generator (Chollet, Deep Learning with Python, section 6.3)
# ---------------------------------------------------------------------------------------------------------


def lookback_generator(
    data: np.ndarray,
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
    """Yield ``(samples, targets)`` batches forever, like the Jena climate generator of the lecture.

    A batch is a list of *current rows* ``rows`` (``min_index + lookback <= r < max_index``). For each one

        samples[j] = data[rows[j] - lookback : rows[j] : step]       (rows rows[j]-lookback, ... , < rows[j])
        targets[j] = data[rows[j] + delay, target_col]

    Sequential mode (``shuffle=False``) walks through the rows in order. With ``i = min_index + lookback``
    at the start, every batch does

        if i + batch_size >= max_index:      # the next batch would reach max_index: wrap around
            i = min_index + lookback
        rows = np.arange(i, min(i + batch_size, max_index))
        i = i + len(rows)

    (so the first batch has ``rows = [min_index + lookback, ..., min_index + lookback + batch_size - 1]``,
    the generator starts again from the beginning instead of yielding a short last batch, and only when the
    whole range is smaller than one batch is every batch the same short one).

    Shuffle mode draws the rows of every batch with replacement from one generator created once per call:

        rng = np.random.default_rng(seed)                                   # once
        rows = rng.integers(min_index + lookback, max_index, size=batch_size)  # every batch

    Lecture example (lookback=1440, step=6, delay=144, min_index=0, batch_size=128): sample ``j`` of the
    first batch reads rows ``range(j, j + 1440, 6)`` (240 time steps) and its target is row ``1584 + j``.

    Args:
        data: 2-D array ``(n, features)``; axis 0 is time.
        lookback: how many rows back a sample reaches, ``>= 1``.
        delay: how many rows after the current row the target lies, ``>= 0``.
        min_index: first row the generator may read.
        max_index: current rows are ``< max_index``; ``None`` means ``len(data) - delay - 1`` (Chollet).
        shuffle: draw random rows instead of walking in order.
        batch_size: rows per batch, ``>= 1``.
        step: keep every ``step``-th row of the lookback window, ``>= 1``.
        target_col: the column of ``data`` that is predicted (1 = temperature in the Jena data).
        seed: seed of ``np.random.default_rng`` for shuffle mode (ignored when ``shuffle`` is false).

    Returns:
        An iterator (never exhausted) of tuples ``(samples, targets)``, both float64, with shapes

            samples: (B, T, features),   T = ceil(lookback / step)   (1440 // 6 = 240 in the lecture)
            targets: (B,)

        where ``B = batch_size`` (sequential mode: ``min(batch_size, max_index - min_index - lookback)``).
        ``data`` is not changed, and every batch holds new arrays.

    Raises:
        ValueError (when called, before the first batch): ``data`` not 2-D, ``lookback``, ``step`` or
            ``batch_size`` smaller than 1, ``delay < 0``, ``min_index < 0``, ``target_col`` not a column,
            no current row (``min_index + lookback >= max_index``), or a target past the end
            (``max_index + delay > len(data)``).
    """
    raise NotImplementedError("lookback_generator is not implemented yet")


def standardize(train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Standardize every array with the mean and standard deviation of the *training* data only.

    Per feature (over axis 0, the time/sample axis of ``train``):

        mu    = train.mean(axis=0)                        shape F...
        sigma = train.std(axis=0)                         population std (ddof=0), shape F...
        sigma = where(sigma == 0, 1, sigma)               a constant feature is only centred
        out   = (a - mu) / sigma                          for a in (train, *others)

    Validation and test arrays never contribute to ``mu`` or ``sigma``: using their statistics would leak
    information about data the model must not have seen (Chollet uses the first 200 000 rows only).

    Args:
        train: array ``(n, F...)`` with ``n >= 1``.
        *others: any number of arrays ``(m, F...)`` with the same trailing shape (``m`` may be 0).

    Returns:
        A tuple ``(train_std, *others_std)`` of float64 arrays with the input shapes (a 1-tuple when no other
        arrays are given), float64 whatever the inputs' dtype (float32 or integer data too). The inputs
        are not changed: the results are new arrays (never standardize ``train`` in place).

    Raises:
        ValueError: if ``train`` is 0-dimensional or empty, or an other array's trailing shape differs.
    """
    raise NotImplementedError("standardize is not implemented yet")


# ---------------------------------------------------------------------------------------------------------
# The lecture's questions, as small functions
# ---------------------------------------------------------------------------------------------------------


def num_windows(
    n: int, length: int, stride: int = 1, start_index: int = 0, end_index: int | None = None
) -> int:
    """How many windows ``make_windows`` cuts from ``n`` rows (``sampling_rate`` does not change it).

        N = floor((end_index - start_index - length) / stride) + 1     (end_index = n - 1 when None)

    and ``N = 0`` when ``start_index + length > end_index`` (where ``make_windows`` raises).
    Example: ``num_windows(10, 3) == 7``.
    """
    raise NotImplementedError("num_windows is not implemented yet")


def batch_shape(batch_size: int, lookback: int, step: int, num_features: int) -> tuple[int, int, int]:
    """Shape of one ``samples`` batch of ``lookback_generator``: ``(batch_size, T, num_features)``.

        T = ceil(lookback / step) = len(range(0, lookback, step))

    Example (Jena, 14 features): ``batch_shape(128, 1440, 6, 14) == (128, 240, 14)``.

    Returns:
        A tuple of three ints.
    """
    raise NotImplementedError("batch_shape is not implemented yet")


def first_batch_sample(
    j: int, lookback: int, delay: int, min_index: int = 0, step: int = 6
) -> tuple[list[int], int]:
    """Rows read and target row of sample ``j`` (0-based) of the first sequential batch.

    The current row is ``r = min_index + lookback + j``, so

        rows   = list(range(r - lookback, r, step))
               = list(range(min_index + j, min_index + j + lookback, step))
        target = r + delay

    Example (lecture: lookback=1440, delay=144): ``j=0`` reads ``range(0, 1440, 6)`` and targets row 1584;
    ``j=127`` (the 128th sample) reads ``range(127, 1567, 6)`` and targets row 1711.

    Returns:
        ``(rows, target)``: a list of ``ceil(lookback / step)`` ints and an int.
    """
    raise NotImplementedError("first_batch_sample is not implemented yet")


def batches_per_pass(min_index: int, max_index: int, lookback: int, batch_size: int) -> int:
    """How many different batches sequential ``lookback_generator`` yields before it starts over.

    With ``s = min_index + lookback`` the generator yields the batches starting at ``s, s + B, s + 2B, ...``
    as long as ``start + B < max_index`` (``B = batch_size``), then wraps. Hence

        count = floor((max_index - s - 1) / B)     if that is >= 1
        count = 1                                  if s < max_index <= s + B  (one short batch, repeated)
        count = 0                                  if s >= max_index          (no row at all)

    Example (lecture training range): ``batches_per_pass(0, 200000, 1440, 128) == 1551``.
    """
    raise NotImplementedError("batches_per_pass is not implemented yet")
