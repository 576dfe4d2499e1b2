# %% [markdown]
# # Windowing time series for recurrent networks
#
# An RNN is trained on *samples*: a short sequence of inputs and the value it should predict. A time series
# is one long sequence, so before training we cut it into **windows**: "the last `length` steps" paired with
# "the next value" (or a value further ahead). The lecture shows two ways of doing this:
#
# 1. Keras' `TimeseriesGenerator` on the toy series `1, 2, ..., 10` (the `time_series_generator` slide);
# 2. the generator of Chollet's *Deep Learning with Python* on the Jena climate data set
#    (~420 551 time steps, one every 10 minutes, 14 features), with `lookback=1440`, `step=6`,
#    `delay=144` and `batch_size=128`.
#
# You will write both, batch the windows, standardize the data *without* peeking at the validation set,
# and answer the lecture's questions (how many windows? what does a batch look like? which rows does
# sample `j` read?) with small functions.
#
# All arrays are numpy arrays with **time on axis 0**. Every function has a docstring that states exactly
# what to return.
#
# ## How to check and submit your work
#
# * Each function has a **check cell** below it, for example `check("make_windows")`. Run it after you
#   write the function. It runs the function's public tests (the lecture's examples) on the code you last
#   ran in this notebook, in a separate process, and shows ✅ when they pass -- or, for each failed check,
#   the call, what your function returned and what was expected, and a 💡 hint when your output matches a
#   well-known mistake (listed in `MISTAKES.md`, next to this notebook). A failed check does not stop
#   "Run All".
# * The same checks from a terminal, in the assignment folder: `seqlab check` (or `pytest`).
# * Before you submit, save the notebook (Ctrl+S); the **Validate** button (or
#   `nbgrader validate windowing.ipynb`) lists every function whose checks still fail.
# * Passing the checks does not guarantee full marks: the hidden tests try many more cases (2-D series,
#   strides, sampling rates, odd batch sizes, wrap-around, seeds).
# * To submit, save, then submit `windowing.ipynb` the way your course says (nbgrader's Assignments tab,
#   "Submit"; or upload it to Gradescope). Only the functions in the exercise cells are graded; demo cells
#   never run during grading.
#
# When a hidden test fails and your output is exactly what a well-known mistake produces, the feedback
# names the mistake in a line starting with `Hint:`; `MISTAKES.md`, next to this notebook, lists those
# mistakes, what is right instead and where this notebook explains it.

# %% [imports]
import itertools
from collections.abc import Iterator

import numpy as np

# %% [markdown]
# ## 1. Windows with Keras' `TimeseriesGenerator` semantics
#
# The lecture's slide feeds `data = [1, 2, ..., 10]` with `length = 3` and `batch_size = 1` to
# `TimeseriesGenerator` and prints 7 groups ("Grup" is Turkish for group -- each group is one batch of
# one window):
#
# | group | input $x$   | target $y$ |
# |-------|-------------|------------|
# | 1     | `[1 2 3]`   | 4          |
# | 2     | `[2 3 4]`   | 5          |
# | ...   | ...         | ...        |
# | 7     | `[7 8 9]`   | 10         |
#
# Why 7? A window needs 3 values *before* its target, so the first possible target is the 4th value and
# the last is the 10th: $10 - 3 = 7$ targets. In general Keras uses every target row
#
# $$i = \text{start\_index} + \text{length},\; \text{start\_index} + \text{length} + \text{stride},\;
#   \dots \le \text{end\_index}$$
#
# and for each of them the window `data[i - length : i : sampling_rate]` -- the rows *strictly before* `i`,
# starting at `i - length`, keeping every `sampling_rate`-th one. The target row is never part of its
# own window.
#
# **Erratum (Keras documentation).** The `TimeseriesGenerator` docstring says that for rate $r$ the
# timesteps `data[i], data[i-r], ..., data[i - length]` are used. The code (and Keras' own tests) use
# `data[i - length : i : r]` instead: it starts at `i - length`, goes *forward*, and never includes
# `data[i]`. With `length=10, sampling_rate=2` the first window is rows `[0, 2, 4, 6, 8]` with target row
# 10. Our `make_windows` follows the code.
#
# Write `make_windows`. It returns *all* windows at once as `(X, y)`; batching comes next. With a 1-D
# series, `X` has shape `(N, T)`; with a `(n, features)` series, `(N, T, features)` -- the trailing
# dimensions of a time step are kept. Integer data stays integer (like Keras).

# %% [solution] make_windows

# %% [check] make_windows

# %%
if ready("make_windows"):
    X, y = make_windows(np.arange(1, 11), 3)
    for group, (window, target) in enumerate(zip(X, y, strict=True), start=1):
        print(f"group {group} - input (x): {window}, output (y): {target}")

# %% [markdown]
# **Question.** How many windows do you get from `n` rows? Count the target rows:
#
# $$N = \left\lfloor \frac{\text{end\_index} - \text{start\_index} - \text{length}}{\text{stride}}
#   \right\rfloor + 1 \qquad (\text{end\_index} = n - 1 \text{ by default}),$$
#
# or 0 when not even one window fits. The sampling rate changes how many steps a window *keeps*
# ($\lceil \text{length} / \text{sampling\_rate} \rceil$), not how many windows there are.

# %% [solution] num_windows

# %% [check] num_windows

# %% [markdown]
# ## 2. Mini-batches
#
# `TimeseriesGenerator` hands the windows out in batches. We do the same with the windows we already have:
# `batch_windows` cuts them into consecutive groups of `batch_size`, keeping a smaller last batch. With
# `shuffle=True` it first permutes the samples with `np.random.default_rng(seed).permutation(N)`, so the
# same seed always gives the same batches and every window is used exactly once per epoch. (Keras'
# `shuffle=True` instead draws random rows *with replacement* for each batch.)

# %% [solution] batch_windows

# %% [check] batch_windows

# %% [markdown]
# ## 3. The Jena climate generator
#
# The lecture trains on the Jena weather data: one row every **10 minutes**, 14 features per row. Its
# generator (from Chollet's book) produces, for a *current row* `r`,
#
# * a sample: the rows `range(r - lookback, r, step)` -- with `lookback=1440` and `step=6` that is one
#   row per hour over the previous 10 days, $1440 / 6 = 240$ time steps;
# * a target: column `target_col` (1, the temperature) of row `r + delay` -- with `delay=144`, 24 hours
#   after the current row.
#
# In sequential mode the current rows of the first batch are `min_index + lookback, ...,
# min_index + lookback + 127`, so with `min_index=0` the lecture's first batch is:
#
# | sample (j)  | rows read                                          | target row |
# |-------------|----------------------------------------------------|------------|
# | 1st (j=0)   | `range(0, 1440, 6)`: 0, 6, 12, ..., 1434           | 1584       |
# | 2nd (j=1)   | `range(1, 1441, 6)`: 1, 7, 13, ..., 1435           | 1585       |
# | 3rd (j=2)   | `range(2, 1442, 6)`: 2, 8, 14, ..., 1436           | 1586       |
# | 128th (j=127) | `range(127, 1567, 6)`: 127, 133, ..., 1561       | 1711       |
#
# i.e. sample `j` reads `range(j, j + 1440, 6)` and targets row $1440 + j + 144 = 1584 + j$, and a batch of
# samples has shape `(128, 240, 14)`.
#
# **Errata in the lecture notes.**
#
# * The second sample is labelled "Sample 1" again; it is sample 2 (`j = 1`).
# * "lookback=1440 (minutes) ... 24 (hours) * 60 (minutes) = 1440" mixes minutes and time steps. The rows
#   are 10 minutes apart, so `lookback = 1440` *time steps* reach back $1440 \times 10$ minutes = **10 days**.
#   The `delay = 144` time steps are indeed $144 \times 10$ minutes = 24 hours, as the notes say.
# * "The sequence length is 10" is not a property of the generator: each sample has **240** time steps.
#   The notes only print the first 10 of the 240 row indices of every sample.
#
# The arithmetic of the listed samples is right: $127 + 1440 = 1567$ and $1584 + 127 = 1711$.
#
# Two details of Chollet's generator that matter for your implementation:
#
# * it **wraps around**: before a batch, if `i + batch_size >= max_index` it restarts at
#   `min_index + lookback`, so it never yields a short last batch (only when the whole range is shorter
#   than one batch is every batch the same short one), and it never stops;
# * `max_index=None` means `len(data) - delay - 1`, so the target of every row exists.
#
# Shuffle mode draws `batch_size` random current rows per batch from **one**
# `np.random.default_rng(seed)` created when the generator is created:
# `rng.integers(min_index + lookback, max_index, size=batch_size)` (Chollet used `np.random.randint`).
#
# Write `lookback_generator` so that it checks its arguments *when called* and then returns a generator
# (a nested generator function is the easiest way). If `step` does not divide `lookback`, a sample has
# $\lceil \text{lookback} / \text{step} \rceil$ steps: exactly `len(range(r - lookback, r, step))`.

# %% [solution] lookback_generator

# %% [check] lookback_generator

# %%
fake = np.arange(2000)[:, None] * 100.0 + np.arange(3)  # fake[r, c] = 100 r + c: values tell the row
if ready("lookback_generator"):
    gen = lookback_generator(fake, lookback=1440, delay=144, min_index=0, max_index=None)
    for b, (samples, targets) in enumerate(itertools.islice(gen, 5)):
        first_row = int(samples[0, -1, 0] // 100) + 6
        print(f"batch {b}: samples {samples.shape}, current rows {first_row}..{first_row + len(targets) - 1}")

# %% [markdown]
# **Questions.** Answer them with code (the hidden tests use other numbers):
#
# 1. What is the shape of one batch of samples? `(batch_size, ceil(lookback / step), features)`:
#    `(128, 240, 14)` for the Jena data.
# 2. Which rows does sample `j` of the first sequential batch read, and which row is its target?
# 3. How many *different* batches does sequential mode yield before it starts over? For the lecture's
#    training range (`min_index=0`, `max_index=200000`) the batches start at
#    $1440, 1568, \dots$ while $\text{start} + 128 < 200000$: that is
#    $\lfloor (200000 - 1440 - 1) / 128 \rfloor = 1551$ batches, and the last 31 current rows are never used
#    in sequential mode.

# %% [solution] batch_shape

# %% [check] batch_shape

# %% [solution] first_batch_sample

# %% [check] first_batch_sample

# %% [solution] batches_per_pass

# %% [check] batches_per_pass

# %% [markdown]
# ## 4. Standardization with training statistics only
#
# The Jena features live on very different scales (pressure in mbar around 1000, temperatures around 10,
# wind directions up to 360), so Chollet standardizes every feature with the mean and standard deviation
# of the **first 200 000 rows** -- the training range -- only:
#
# ```python
# mean = float_data[:200000].mean(axis=0)
# std = float_data[:200000].std(axis=0)
# ```
#
# The validation and test rows are transformed with the *same* numbers. Computing the statistics on all
# the data (or on each split separately) leaks information about the validation set into training and
# makes the validation score look better than it is.
#
# Write `standardize(train, *others)`: statistics per feature over axis 0 of `train`, the population
# standard deviation (`ddof=0`, numpy's default), and a constant feature (std 0) is only centred (divide
# by 1), so no division by zero.

# %% [solution] standardize

# %% [check] standardize
