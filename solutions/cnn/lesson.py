# %% [markdown]
# # Convolutional networks by arithmetic
#
# A convolutional network is easy to draw and easy to get wrong: every layer changes the height, the width
# and the number of channels of its input, and every design question -- does this stack fit the image,
# how many parameters does it have, how much of the image does one unit see -- is a small calculation.
# In this assignment you do those calculations, and the computations behind them, in numpy:
#
# 1. cross-correlation (what CNN layers compute) and true convolution (what textbooks call convolution),
#    on the lecture's edge detector;
# 2. the **output size** of a convolution with padding, stride and dilation, and the "same" padding;
# 3. a convolution **layer** on a batch of multi-channel images (NCHW, exactly as PyTorch), RGB included;
# 4. the **parameter counts** of convolution and dense layers (the lecture's "5 filters of 3 x 3 x 3");
# 5. **pooling**: output sizes (with PyTorch's `ceil_mode`), max pooling and average pooling;
# 6. the lecture's **activation-shape table**, recomputed -- and corrected;
# 7. **receptive fields**: why two 3 x 3 convolutions are worth one 5 x 5 (VGG's argument).
#
# Every function has a docstring that states its formula, its shapes and the errors it raises.
#
# ## How to check and submit your work
#
# * Each function has a **check cell** below it, for example `check("cross_correlate2d")`. Run it after
#   you write the function. It runs the function's public tests -- cases you can verify by hand, mostly
#   the lecture's own examples -- on the code you last ran in this notebook, in a separate process, and
#   shows ✅ when they pass -- or, for each failed check, the call, what your function returned and what
#   was expected, and a 💡 hint when your output matches a well-known mistake (listed in `MISTAKES.md`,
#   next to this notebook). A failed check does not stop "Run All".
# * The same checks from a terminal, in the assignment folder: `seqlab check` (or `pytest`).
# * Before you submit, save the notebook (Ctrl+S); the **Validate** button (or
#   `nbgrader validate cnn.ipynb`) lists every function whose checks still fail.
# * Passing the checks does not guarantee full marks: the hidden tests compare your functions with PyTorch
#   (`torch.nn.functional.conv2d`, `max_pool2d`, `avg_pool2d`, the shapes of `nn.Conv2d` and
#   `nn.MaxPool2d` outputs) on many random sizes and values.
# * To submit, save, then submit `cnn.ipynb` the way your course says (nbgrader's Assignments tab,
#   "Submit"; or upload it to Gradescope). Only the functions in the exercise cells are graded; demo cells
#   never run during grading.
#
# When a hidden test fails and your output is exactly what a well-known mistake produces, the feedback
# names the mistake in a line starting with `Hint:`; `MISTAKES.md`, next to this notebook, lists those
# mistakes, what is right instead and where this notebook explains it.
#
# ## 0. Conventions
#
# **Sizes** are Python `int`s. Where a docstring says so, a size may also be a pair `(height, width)`; the
# given helper `_pair` turns `3` into `(3, 3)` and leaves `(3, 5)` alone.
#
# **Arrays are NCHW**, as in PyTorch: a batch of images is `(N, C, H, W)` -- batch, channels, height,
# width -- and the weights of a convolution layer are `(F, C, fh, fw)`: `F` filters, each spanning all
# `C` input channels. The lecture (and Keras) write an image **channels last**, `(H, W, C)`, e.g. the
# `(32, 32, 3)` of its table. `shape_table` keeps the lecture's channels-last shapes, because it
# reproduces the lecture's table; every array function is NCHW. `x.transpose(0, 3, 1, 2)` turns a
# channels-last batch into NCHW.
#
# **Output sizes follow PyTorch** (`torch.nn.Conv2d`, `MaxPool2d`, `AvgPool2d`): where the lecture and
# PyTorch disagree, PyTorch wins, and so does arithmetic where the lecture miscalculates. The notebook
# names each erratum where it comes up.
#
# **Errors.** Hyper-parameters that make no sense (a size below 1, a negative padding, a filter larger
# than the padded input) raise `ValueError` with a sentence saying what is wrong, where PyTorch refuses
# them too. The checks test a few of these.

# %% [imports]
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# %% [markdown]
# ## 1. Convolution is (mostly) cross-correlation
#
# A CNN layer slides a small **filter** (or kernel) over the image and, at every position, takes the dot
# product of the filter with the patch of the image under it. For a 2-D image and a `kh x kw` kernel,
# with no padding ("valid"),
#
# $$\mathrm{out}[i, j] = \sum_{u=0}^{k_h-1} \sum_{v=0}^{k_w-1} \mathrm{image}[i + u,\, j + v]\;
#   \mathrm{kernel}[u, v], \qquad \mathrm{out}: (H - k_h + 1) \times (W - k_w + 1).$$
#
# As the lecture notes, this sliding dot product is mathematically a **cross-correlation**; the name
# "convolution" is a convention (section 1.2 shows the difference).
#
# ### 1.1 The lecture's vertical-edge detector
#
# The lecture's 6 x 6 image is bright (10) on the left half and dark (0) on the right; its filter
#
# $$\begin{bmatrix} 1 & 0 & -1 \\ 1 & 0 & -1 \\ 1 & 0 & -1 \end{bmatrix}$$
#
# compares the column on the left of each 3 x 3 patch with the column on its right. A patch entirely in
# the bright half gives $3 \cdot 10 - 3 \cdot 10 = 0$, one entirely in the dark half $0$, and a patch that
# straddles the edge gives $3 \cdot 10 - 3 \cdot 0 = 30$. The output is 4 x 4, with the edge as a bright
# stripe of 30s in the middle:
#
# $$\begin{bmatrix} 0 & 30 & 30 & 0 \\ 0 & 30 & 30 & 0 \\ 0 & 30 & 30 & 0 \\ 0 & 30 & 30 & 0 \end{bmatrix}$$
#
# The lecture's second example mirrors the image (dark on the left, bright on the right): the same filter
# now gives $-30$s. The sign says which way the brightness changes; a network that only cares about
# "there is an edge" can take the absolute value, or learn both filters. The lecture's *horizontal*-edge
# detector is the transposed filter, rows $(1, 1, 1)$, $(0, 0, 0)$, $(-1, -1, -1)$: it compares the row
# above with the row below, and gives zeros on this image (the demo after the check shows it).
#
# Write `cross_correlate2d(image, kernel)` for 2-D arrays. Two loops over the output positions are fine;
# a loop-free version uses `np.lib.stride_tricks.sliding_window_view(image, kernel.shape)` (an array of
# all the patches, `(H', W', kh, kw)`, without copying) and `np.einsum`. Raise a `ValueError` if either
# argument is not 2-D or the kernel is larger than the image.

# %% [solution] cross_correlate2d

# %% [check] cross_correlate2d

# %%
# The horizontal-edge detector finds nothing in this image, and the brightness edge of a transposed one.
bright_left = np.array([[10.0, 10, 10, 0, 0, 0]] * 6)  # the lecture's 6 x 6 image
vertical = np.array([[1.0, 0, -1]] * 3)  # the vertical-edge detector
horizontal = vertical.T  # rows (1, 1, 1), (0, 0, 0), (-1, -1, -1)
if ready("cross_correlate2d"):
    print("horizontal detector, bright-left image:\n", cross_correlate2d(bright_left, horizontal))
    print("horizontal detector, bright-top image:\n", cross_correlate2d(bright_left.T, horizontal))

# %% [markdown]
# ### 1.2 True convolution flips the kernel
#
# The convolution of mathematics and signal processing (`scipy.signal.convolve2d`) runs the kernel
# *backwards*: it is the cross-correlation with the kernel **flipped in both directions** -- rotated by
# 180 degrees, `kernel[::-1, ::-1]`:
#
# $$(\mathrm{image} * \mathrm{kernel})[i, j] = \sum_{u, v} \mathrm{image}[i + u,\, j + v]\;
#   \mathrm{kernel}[k_h - 1 - u,\, k_w - 1 - v].$$
#
# The flip is what makes convolution commutative and associative (a blur followed by a sharpen is one
# filter), which matters in signal processing. It does not matter in a CNN: the filters are *learned*, so
# a network trained with true convolution simply learns the flipped filters. That is why PyTorch's
# `Conv2d`, Keras' `Conv2D` and this assignment's `conv2d_forward` compute cross-correlations and call
# them convolutions.
#
# The edge detector shows the difference: flipped, $(1, 0, -1)$ becomes $(-1, 0, 1)$, so the true
# convolution of the bright-left image gives **$-30$s** where the cross-correlation gave $30$s -- the same
# as cross-correlating the mirrored image. For a kernel that is symmetric under the rotation (a box blur,
# a Gaussian) both operations agree.
#
# A clean way to *see* the flip: put a single 1 (an "impulse") in the middle of a 5 x 5 image of zeros.
# Its true convolution with a 3 x 3 kernel is the kernel itself; its cross-correlation is the kernel
# rotated by 180 degrees. The check below does this with the lecture's kernel.
#
# **Erratum ("Note: Cross-correlation vs Convolution").** The slide takes the kernel
#
# $$K = \begin{bmatrix} 3 & 4 & 5 \\ 1 & 0 & 2 \\ -1 & 9 & 7 \end{bmatrix}
#   \quad\text{and prints its flip as}\quad
#   \begin{bmatrix} 7 & 2 & 5 \\ 9 & 0 & 4 \\ -1 & 1 & 3 \end{bmatrix}.$$
#
# That matrix is $K$ reflected across its *anti-diagonal* (the transpose of the rotation), not $K$
# flipped vertically and horizontally. Flipping both ways (rotating by 180 degrees) gives
#
# $$K_{\text{flipped}} = \begin{bmatrix} 7 & 9 & -1 \\ 2 & 0 & 1 \\ 5 & 4 & 3 \end{bmatrix}$$
#
# (the last row reversed becomes the first). The demo after the check shows that
# `convolve2d(image, K)` equals the cross-correlation with $K_{\text{flipped}}$, and not with the slide's
# matrix, on the slide's 6 x 6 image.
#
# Write `convolve2d(image, kernel)`: your `cross_correlate2d` with `kernel[::-1, ::-1]`. Check that the
# kernel is 2-D first (raise a `ValueError` otherwise): `[::-1, ::-1]` on a 1-D array raises an
# `IndexError`, and on a 3-D one it flips the wrong axes.

# %% [solution] convolve2d

# %% [check] convolve2d

# %%
# The erratum on the slide's own 6 x 6 image: the true flip agrees with convolve2d, the slide's does not.
K = np.array([[3.0, 4, 5], [1, 0, 2], [-1, 9, 7]])  # the lecture's kernel (again: this cell stands alone)
slide_image = np.array(
    [
        [2.0, 3, 7, 4, 6, 2],
        [6, 6, 9, 8, 7, 4],
        [3, 4, 8, 3, 8, 9],
        [7, 8, 3, 6, 6, 3],
        [4, 2, 1, 8, 3, 4],
        [3, 2, 4, 1, 9, 8],
    ]
)
slide_flip = np.array([[7.0, 2, 5], [9, 0, 4], [-1, 1, 3]])
if ready("convolve2d", "cross_correlate2d"):
    print("convolve2d(image, K):\n", convolve2d(slide_image, K))
    print(
        "equals the cross-correlation with K[::-1, ::-1]:",
        np.array_equal(convolve2d(slide_image, K), cross_correlate2d(slide_image, K[::-1, ::-1])),
    )
    print(
        "equals the cross-correlation with the slide's flip:",
        np.array_equal(convolve2d(slide_image, K), cross_correlate2d(slide_image, slide_flip)),
    )
    print(
        "the slide's flip is the anti-diagonal reflection K[::-1, ::-1].T:",
        np.array_equal(slide_flip, K[::-1, ::-1].T),
    )

# %% [markdown]
# ## 2. How big is the output? Padding, stride, dilation
#
# ### 2.1 The lecture's stride example
#
# The lecture slides its 3 x 3 filter over a 7 x 7 image with **stride 2**: the filter jumps two pixels at
# a time, right and then down. The image and the filter are
#
# $$\mathrm{image} = \begin{bmatrix}
#   2 & 3 & 7 & 4 & 6 & 2 & 9 \\ 6 & 6 & 9 & 8 & 7 & 4 & 3 \\ 3 & 4 & 8 & 3 & 8 & 9 & 7 \\
#   7 & 8 & 3 & 6 & 6 & 3 & 4 \\ 4 & 2 & 1 & 8 & 3 & 4 & 6 \\ 3 & 2 & 4 & 1 & 9 & 8 & 3 \\
#   0 & 1 & 3 & 9 & 2 & 1 & 4 \end{bmatrix}, \qquad
#   \mathrm{filter} = \begin{bmatrix} 3 & 4 & 4 \\ 1 & 0 & 2 \\ -1 & 0 & 3 \end{bmatrix}.$$
#
# The windows start at columns (and rows) 0, 2 and 4 -- the next one, at 6, would stick out of the image --
# so the output is 3 x 3. Its top-left entry is the dot product of the filter with the top-left 3 x 3
# patch, row by row:
#
# $$(2 \cdot 3 + 3 \cdot 4 + 7 \cdot 4) + (6 \cdot 1 + 6 \cdot 0 + 9 \cdot 2) + (3 \cdot (-1) + 4 \cdot 0 +
#   8 \cdot 3) = 46 + 24 + 21 = 91.$$
#
# **Erratum ("Stride Convolution").** The lecture prints the result as
#
# $$\begin{bmatrix} 91 & 100 & \mathbf{83} \\ 69 & 91 & \mathbf{127} \\ 44 & \mathbf{71} & 74 \end{bmatrix}
#   \quad\text{but it is}\quad
#   \begin{bmatrix} 91 & 100 & \mathbf{88} \\ 69 & 91 & \mathbf{117} \\ 44 & \mathbf{72} & 74 \end{bmatrix}.$$
#
# Three entries are wrong. The top-right one uses the patch at rows 0-2, columns 4-6:
#
# $$(6 \cdot 3 + 2 \cdot 4 + 9 \cdot 4) + (7 \cdot 1 + 4 \cdot 0 + 3 \cdot 2) + (8 \cdot (-1) + 9 \cdot 0 +
#   7 \cdot 3) = 62 + 13 + 13 = 88, \text{ not } 83.$$
#
# Likewise the middle-right entry (rows 2-4, columns 4-6) is $88 + 14 + 15 = 117$, not 127, and the
# bottom-middle one (rows 4-6, columns 2-4) is $47 + 22 + 3 = 72$, not 71. Your `conv2d_forward` will
# reproduce the corrected matrix in section 3; the next demo gets it from your `cross_correlate2d`: a
# stride-2 output is the stride-1 output with every other row and column dropped.

# %%
stride_image = np.array(
    [
        [2.0, 3, 7, 4, 6, 2, 9],
        [6, 6, 9, 8, 7, 4, 3],
        [3, 4, 8, 3, 8, 9, 7],
        [7, 8, 3, 6, 6, 3, 4],
        [4, 2, 1, 8, 3, 4, 6],
        [3, 2, 4, 1, 9, 8, 3],
        [0, 1, 3, 9, 2, 1, 4],
    ]
)
stride_filter = np.array([[3.0, 4, 4], [1, 0, 2], [-1, 0, 3]])
if ready("cross_correlate2d"):
    full = cross_correlate2d(stride_image, stride_filter)  # stride 1: 5 x 5
    print("stride 1:\n", full)
    print("stride 2 = every other row and column of stride 1:\n", full[::2, ::2])
    print("the top-right patch times the filter:\n", stride_image[0:3, 4:7] * stride_filter)

# %% [markdown]
# ### 2.2 The formula
#
# Along one axis, an input of size $n$ padded with $p$ zeros **on each side** has $n + 2p$ entries. A
# window of size $f$ fits at the starts $0, s, 2s, \dots$ as long as the start is at most $n + 2p - f$, so
# there are
#
# $$n_{\text{out}} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1$$
#
# of them. The floor matters whenever $s$ does not divide $n + 2p - f$: a 6-wide input, $f = 3$, $s = 2$
# has windows at 0 and 2 only (one at 4 would need column 6), so $\lfloor 3/2 \rfloor + 1 = 2$; the
# leftover column is simply never covered. With $s = 1$ and $p = 0$ this is the "valid" size
# $n - f + 1$ of section 1. The lecture's 7 x 7 example: $\lfloor (7 - 3)/2 \rfloor + 1 = 3$.
#
# **Dilation** spreads the filter's taps $d$ pixels apart (a "dilated" or "atrous" convolution): a 3-tap
# filter with $d = 2$ reads pixels 0, 2 and 4, so it spans $d(f - 1) + 1 = 5$ pixels with only 3 weights.
# Replace $f$ by that effective size and you have PyTorch's formula (`torch.nn.Conv2d`):
#
# $$n_{\text{out}} = \left\lfloor \frac{n + 2p - d\,(f - 1) - 1}{s} \right\rfloor + 1.$$
#
# Return an `int` (use `//`, not `/` and `math.floor`), and raise a `ValueError` for $n$, $f$, $s$ or $d$
# below 1, a negative padding, or a (dilated) filter larger than the padded input (PyTorch refuses that:
# the output would be empty).
#
# **Errata (the two size formulas).** The stride slide writes $\frac{n_x - f_x + 2p}{s} + 1$ without a
# floor: for the 6-wide example above it gives 2.5 outputs. Read it with the floor. The "Summary of
# Convolution" slide writes the floor around everything, $\lfloor \frac{n + 2p - f}{s} + 1 \rfloor$; that
# is the same number, since adding the integer 1 commutes with rounding down -- harmless, but the usual
# form (and PyTorch's) is the floor first, then $+1$. The pooling slide's $\frac{n_x - f_x}{s} + 1$ needs the
# floor too (section 5).

# %% [solution] conv_output_size

# %% [check] conv_output_size

# %% [markdown]
# ### 2.3 "Same" padding
#
# Without padding every convolution shrinks the image ($n - f + 1$), and after a few layers there is
# nothing left -- the lecture's "at some time filtering not possible". Padding also lets the filter see
# the border pixels as often as the others. The padding that keeps the size at stride 1 solves
# $n + 2p - d(f - 1) - 1 + 1 = n$:
#
# $$p = \frac{d\,(f - 1)}{2},$$
#
# so $p = 1$ for a 3 x 3 filter, $p = 2$ for a 5 x 5, $p = 2$ for a 3 x 3 with dilation 2. It is an integer
# only when the effective filter size $d(f - 1) + 1$ is **odd** -- one reason filters are almost always
# odd-sized (they also have a centre pixel). For an even size there is no symmetric padding: PyTorch's
# `padding="same"` then pads one more zero on the right/bottom than on the left/top, which one number
# cannot say, so `same_padding` raises a `ValueError`. ("Valid" is the other Keras name: $p = 0$.)
#
# VGG-16 (in the lecture's list of architectures) uses only 3 x 3 convolutions with stride 1 and
# **same padding**, so its convolutions never change the height and width; only its 2 x 2 max-pools
# halve them, 224 -> 112 -> 56 -> 28 -> 14 -> 7.

# %% [solution] same_padding

# %% [check] same_padding

# %% [markdown]
# ## 3. A convolution layer: many channels, many filters, a batch
#
# A real layer works on **multi-channel** images. An RGB image is three stacked 2-D images, so a filter is
# three stacked 2-D kernels -- a 3 x 3 x 3 filter for a 3 x 3 layer on RGB input -- and the dot product runs
# over all of them: the filter's red kernel meets the red channel, its green kernel the green channel,
# and the three sums are **added** into one number (plus the filter's bias). So:
#
# * **one filter gives one output channel**, however many input channels there are: an RGB input
#   `(1, 3, 6, 6)` and one 3-channel filter `(1, 3, 3, 3)` give `(1, 1, 4, 4)`;
# * $F$ filters give $F$ output channels, stacked: the lecture's 5 filters of 3 x 3 x 3 turn a 6 x 6 RGB
#   image into a `(1, 5, 4, 4)` output;
# * the next layer's filters must then have $F$ channels.
#
# In NCHW with a batch, what `torch.nn.functional.conv2d` computes is
#
# $$\mathrm{out}[n, k, i, j] = b[k] + \sum_{c=0}^{C-1} \sum_{u=0}^{f_h-1} \sum_{v=0}^{f_w-1}
#   x_p[n, c,\; i s_h + u,\; j s_w + v]\; w[k, c, u, v],$$
#
# for `x` `(N, C, H, W)`, weights `w` `(F, C, fh, fw)`, bias `b` `(F,)`, where $x_p$ is `x` with
# `padding` zeros on every side of both spatial axes (`np.pad`) and the output is `(N, F, H', W')` with
# `H' = conv_output_size(H, fh, ph, sh)` and likewise `W'`. `stride` and `padding` are ints or
# `(height, width)` pairs: use the given `_pair` (shown above `conv2d_forward`). Raise a `ValueError`
# when `x` and `w` have different numbers of channels; `conv_output_size` raises for sizes that do not
# fit. No flipping: this is a cross-correlation, like PyTorch's.
#
# Loops over the output positions `(i, j)`, with a vectorised dot product over `(n, c, u, v)` inside, are
# fine; a loop-free version takes all patches with `sliding_window_view(xp, (fh, fw), axis=(2, 3))`,
# keeps every `s`-th one, and contracts with `np.einsum`.
#
# **What padding does at the border.** Padding the lecture's bright-left image with one ring of zeros
# and applying the edge detector gives a 6 x 6 output. Inside it you find the $30$s of the real edge, and
# in the first column a **$-30$**: at the left border the bright image now meets the dark padding, and
# the detector sees a (fake) dark-to-bright edge. In the first and last rows only two of the three filter rows
# are on the image, so the values there are $\pm 20$. The check below tests this.

# %% [solution] _pair conv2d_forward

# %% [check] conv2d_forward

# %%
# Optional: compare with PyTorch on random data (the hidden tests do this on many shapes).
try:
    import torch
except ImportError:
    torch = None
    print("torch is not installed -- skipping the comparison")
if ready("conv2d_forward") and torch is not None:
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(5, 3, 3, 2)), rng.normal(size=5)
    ours = conv2d_forward(x, w, b, stride=(2, 1), padding=(1, 0))
    theirs = torch.nn.functional.conv2d(
        torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=(2, 1), padding=(1, 0)
    ).numpy()
    print("shapes", ours.shape, theirs.shape, "- largest difference", np.abs(ours - theirs).max())

# %% [markdown]
# ## 4. Counting parameters
#
# A filter of size $f_h \times f_w$ on $C_{\text{in}}$ input channels has $f_h f_w C_{\text{in}}$ weights
# and one bias, and a layer with $C_{\text{out}}$ filters has
#
# $$C_{\text{out}}\,(f_h f_w C_{\text{in}} + 1) \text{ parameters.}$$
#
# The lecture's example, 5 filters of 3 x 3 x 3: $5 \times (3 \cdot 3 \cdot 3 + 1) = 140$. In PyTorch,
# `nn.Conv2d(3, 5, 3)` has `weight` `(5, 3, 3, 3)` and `bias` `(5,)`: 135 + 5. The count does **not**
# depend on the image size -- the same filter is used at every position (**parameter sharing**) -- which
# is the point of a CNN. Compare the lecture's fully connected layer on a 200 x 200 x 3 image: **each**
# neuron of the first hidden layer has $200 \cdot 200 \cdot 3 = 120{,}000$ weights (the notes' "120,000
# weights for the first hidden layer" is per neuron: a hidden layer of 1,000 neurons would have 120 million
# weights and 1,000 biases), while the lecture's whole convolution layer has 140 parameters.
#
# A fully connected (dense, `nn.Linear`) layer from $n_{\text{in}}$ to $n_{\text{out}}$ units has a weight
# for every pair and a bias for every output unit:
#
# $$n_{\text{in}}\, n_{\text{out}} + n_{\text{out}}.$$
#
# **Erratum ("Extracting Features").** The notes say that all neurons of a feature map share the same
# weights "but **not the biases**". In PyTorch (`Conv2d.bias` is `(out_channels,)`), in Keras, and in the
# lecture's own count (the $+1$ in $5 \times (27 + 1)$), the bias is shared too: one bias per filter,
# added at every position. A layer with a separate bias per position ("untied" biases) would have
# $5 \times 27 + 5 \times 4 \times 4 = 215$ parameters on a 6 x 6 image instead of 140 -- and a count that
# depends on the image size.
#
# Both functions take `bias=True`; with `bias=False` leave the biases out (PyTorch's `bias=False`, used
# before batch normalisation). `conv_param_count` accepts an int or an `(fh, fw)` pair for `f` (use
# `_pair`). Raise a `ValueError` for any size below 1.

# %% [solution] conv_param_count

# %% [check] conv_param_count

# %% [solution] dense_param_count

# %% [check] dense_param_count

# %%
# PyTorch agrees (if it is installed): sum(p.numel() for p in layer.parameters()).
if ready("conv_param_count", "dense_param_count") and torch is not None:
    for layer, ours in (
        (torch.nn.Conv2d(3, 5, 3), conv_param_count(3, 3, 5)),
        (torch.nn.Conv2d(8, 16, (5, 3), bias=False), conv_param_count((5, 3), 8, 16, bias=False)),
        (torch.nn.Linear(400, 120), dense_param_count(400, 120)),
    ):
        print(f"{layer!s:70s} torch {sum(p.numel() for p in layer.parameters()):6d}   yours {ours:6d}")

# %% [markdown]
# ## 5. Pooling
#
# A pooling layer **subsamples** a feature map: it slides a window over each channel separately and keeps
# one number per window -- the maximum (**max pooling**) or the mean (**average pooling**). It has
# hyper-parameters, the window size $f$ and the stride $s$ (the lecture's $f = 2$, $s = 2$: "a 2 x 2 kernel
# with a stride of 2", which keeps one number of every four and so drops 75% of the data, as the notes
# say), but **no parameters**: there is nothing to learn. It keeps the number of channels.
#
# **Output size.** The same counting as for a convolution, with the stride **defaulting to the window
# size** (as in PyTorch's `MaxPool2d` and Keras' `MaxPooling2D`):
#
# $$n_{\text{out}} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1.$$
#
# The lecture's pooling slide writes $\frac{n_x - f_x}{s} + 1$ without the floor (the erratum of section 2.2)
# and without padding. PyTorch allows an implicit padding of at most $f/2$ (`padding <= f // 2`; it
# pads max pooling with $-\infty$, so padding never wins a max).
#
# **`ceil_mode`.** By default (`ceil_mode=False`) a window that would stick out of the input is dropped:
# a 5-wide map with $f = s = 2$ gives $\lfloor 3/2 \rfloor + 1 = 2$ outputs, and the last column is never
# pooled. With `ceil_mode=True` PyTorch rounds **up** instead, $\lceil 3/2 \rceil + 1 = 3$: the last window
# covers only the last column. One exception keeps that from going too far: a window must **start** inside
# the input or its left padding, so when the last window would start in the right padding
# ($(n_{\text{out}} - 1)\,s \ge n + p$) it is dropped. Example: $n = 5$, $f = s = 2$, $p = 1$ -- the padded
# input has 7 entries, the ceiling gives $\lceil 5/2 \rceil + 1 = 4$ windows, but the fourth would start at
# padded position 6, the right padding, so there are 3. (In integer arithmetic, $\lceil a/s \rceil$ is
# `-(-a // s)`.)
#
# Raise a `ValueError` for sizes or a stride below 1, a negative padding, a padding above `f // 2`, and
# when no window fits at all.

# %% [solution] pool_output_size

# %% [check] pool_output_size

# %%
# PyTorch agrees (if it is installed): the output width of MaxPool2d on a 1 x 1 x n x n input.
if ready("pool_output_size") and torch is not None:
    for n, f, s, ceil, p in ((5, 2, 2, False, 0), (5, 2, 2, True, 0), (6, 3, 2, True, 0), (5, 2, 2, True, 1)):
        pool = torch.nn.MaxPool2d(f, s, padding=p, ceil_mode=ceil)
        width = pool(torch.zeros(1, 1, n, n)).shape[-1]
        yours = pool_output_size(n, f, s, ceil, p)
        print(f"n={n} f={f} s={s} p={p} ceil_mode={ceil!s:5}: torch {width}, yours {yours}")

# %% [markdown]
# ### Max and average pooling
#
# On NCHW arrays, each channel of each image pooled on its own, without padding and in floor mode (as
# `torch.nn.functional.max_pool2d(x, f, stride)` and `avg_pool2d`):
#
# $$\mathrm{out}[n, c, i, j] = \max_{u < f_h,\, v < f_w} x[n, c,\; i s_h + u,\; j s_w + v]
#   \qquad\text{(or the mean over the window)}.$$
#
# `f` and `stride` are ints or `(height, width)` pairs, the stride defaulting to the window. The solution
# cell starts with a private helper, `_pool_windows(x, f, stride)`, that both pools can share: it returns
# the windows as an array `(N, C, H', W', fh, fw)` (for instance from `sliding_window_view`, keeping every
# `s`-th window), so that a pool is one reduction over the last two axes. Write it -- or ignore it and
# write the two pools your own way: nothing else uses it, and no test calls it.
#
# The lecture's example is the 4 x 4 feature map
#
# $$\begin{bmatrix} 6 & 4 & 8 & 5 \\ 5 & 4 & 5 & 8 \\ 3 & 6 & 7 & 7 \\ 7 & 9 & 7 & 2 \end{bmatrix}
#   \xrightarrow{\;2 \times 2 \text{ max pool, stride } 2\;}
#   \begin{bmatrix} 6 & 8 \\ 9 & 7 \end{bmatrix}, \qquad
#   \text{average: } \begin{bmatrix} 4.75 & 6.5 \\ 6.25 & 5.75 \end{bmatrix}$$
#
# (top-left window: $\max(6, 4, 5, 4) = 6$ and $(6 + 4 + 5 + 4)/4 = 4.75$).
#
# **Erratum ("Max Pooling").** Next to this map the slide prints a 3 x 3 result, rows $(6, 5, 8)$,
# $(9, 7, 8)$, $(7, 9, 7)$. A 4 x 4 map with 2 x 2 windows and stride 2 has a 2 x 2 result
# ($\lfloor 2/2 \rfloor + 1 = 2$), and the 3 x 3 grid is not the stride-1 result either, which is rows
# $(6, 8, 8)$, $(6, 7, 8)$, $(9, 9, 7)$ (check: the top-middle window holds 4, 8, 4, 5, and its max is 8, not
# 5). Part of the slide's picture was lost when it was turned into text; trust the formula and the
# checks.
#
# **Erratum ("Importance of Subsampling Layer").** "The weight sharing is also applied in pooling layers
# resulting reducing the number of parameters": a pooling layer has no weights to share. What pooling
# does reduce is the number of parameters of the layers **after** it, because their input is smaller: in
# the table of section 6, FC3 sees POOL2's 400 values -- without POOL2 it would see CONV2's 1,600, and have
# $1600 \cdot 120 + 120 = 192{,}120$ parameters instead of 48,120.

# %% [solution] _pool_windows maxpool2d_forward

# %% [check] maxpool2d_forward

# %% [solution] avgpool2d_forward

# %% [check] avgpool2d_forward

# %% [markdown]
# ## 6. The lecture's activation-shape table
#
# The lecture's exercise stacks CONV -> POOL -> CONV -> POOL -> FC -> FC -> Softmax on a 32 x 32 RGB
# image (a LeNet-5-like network) and asks for the shape, the size and the number of parameters after every
# layer:
#
# | layer | hyper-parameters |
# |---|---|
# | input | (32, 32, 3) |
# | CONV1 | f = 5, s = 1, 8 filters |
# | POOL1 | f = 2, s = 2 (max) |
# | CONV2 | f = 5, s = 1, 16 filters |
# | POOL2 | f = 2, s = 2 (max) |
# | FC3 | 120 units |
# | FC4 | 84 units |
# | Softmax | 10 units |
#
# `shape_table(input_shape, layers)` computes it. The input shape and the shapes in the table are
# **channels last**, `(H, W, C)`, like the lecture's; after a dense layer the shape is `(units,)` (the
# lecture writes `(120, 1)`, a column vector: the same 120 numbers). Each layer is a dict with a `"type"`
# -- `"conv"` (keys `filters`, `f`, optional `stride=1`, `padding=0`), `"maxpool"` or `"avgpool"` (`f`,
# optional `stride`, default `f`), `"dense"` (`units`) -- and an optional `"name"`. A dense layer after an
# image flattens it first: it sees $H \cdot W \cdot C$ inputs. The "Softmax" row is a dense layer of 10 units
# followed by a softmax, which has no parameters of its own.
#
# Return one dict per row, the input first: `{"layer": name, "shape": tuple, "size": int, "params": int}`,
# `size` being the product of the shape (the number of activations). Names default to `"input"` and to
# the type followed by the layer's position, counting all layers from 1 (`"conv1"`, `"maxpool2"`, ...).
# Use your size and count functions; raise a `ValueError` for an unknown type, a missing key (catch the
# `KeyError`) or sizes that do not fit.
#
# The first solution cell also defines the type name `Layer` (a mapping from strings to values) used in
# the signatures of `shape_table` and `receptive_field`.

# %% [solution] Layer shape_table

# %% [check] shape_table

# %% [markdown]
# The next cell prints your table next to the lecture's and marks every value that differs.

# %%
lecture_table = [  # as printed in the notes: shape, activation size, number of parameters
    ("Input", "(32,32,3)", 3072, 0),
    ("CONV1", "(28,28,8)", 6272, 208),
    ("POOL1", "(14,14,8)", 1568, 0),
    ("CONV2", "(10,10,16)", 1600, 416),
    ("POOL2", "(5,5,16)", 400, 0),
    ("FC3", "(120,1)", 120, 48001),
    ("FC4", "(84,1)", 84, 10081),
    ("Softmax", "(10,1)", 10, 841),
]
lecture_layers = [  # the lecture's network, named as in its table
    {"type": "conv", "filters": 8, "f": 5, "stride": 1, "name": "CONV1"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL1"},
    {"type": "conv", "filters": 16, "f": 5, "stride": 1, "name": "CONV2"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL2"},
    {"type": "dense", "units": 120, "name": "FC3"},
    {"type": "dense", "units": 84, "name": "FC4"},
    {"type": "dense", "units": 10, "name": "Softmax"},
]
if ready("shape_table"):
    rows = shape_table((32, 32, 3), lecture_layers)
    header = f"{'shape':>12s} {'size':>6s} {'params':>7s}"
    print(f"{'layer':8s} {header}   | lecture {header}")
    for row, (_, shape, size, params) in zip(rows, lecture_table, strict=True):
        wrong = " <-- erratum" if (size, params) != (row["size"], row["params"]) else ""
        print(
            f"{row['layer']:8s} {str(tuple(row['shape'])):>12s} {row['size']:6,d} {row['params']:7,d}   "
            f"| lecture {shape:>12s} {size:6,d} {params:7,d}{wrong}"
        )
    total = sum(row["params"] for row in rows)
    lecture_total = sum(t[3] for t in lecture_table)
    print(f"total parameters: {total:,d} (the lecture's column adds up to {lecture_total:,d})")

# %% [markdown]
# **Erratum (the lecture's table, "# parameters" column).** The shapes and the activation sizes are
# right; all five non-zero parameter counts are wrong:
#
# * **CONV1: 208 -> 608.** $208 = 8 \times (5 \cdot 5 + 1)$: the filters were counted as 5 x 5, forgetting
#   the **3 input channels**. Each filter is 5 x 5 x 3: $8 \times (75 + 1) = 608$.
# * **CONV2: 416 -> 3,216.** $416 = 16 \times (5 \cdot 5 + 1)$: the same mistake. CONV2's input has **8
#   channels** (CONV1's 8 filters), so each filter is 5 x 5 x 8: $16 \times (200 + 1) = 3{,}216$.
# * **FC3: 48,001 -> 48,120.** $48{,}001 = 400 \times 120 + 1$: **one bias** for the whole layer. Each of
#   the 120 units has its own bias: $48{,}000 + 120 = 48{,}120$.
# * **FC4: 10,081 -> 10,164.** $10{,}081 = 120 \times 84 + 1$, the same mistake: $10{,}080 + 84$.
# * **Softmax: 841 -> 850.** $841 = 84 \times 10 + 1$, the same again: $840 + 10$. (These are the
#   parameters of the dense layer under the softmax; the softmax itself has none.)
#
# In total the network has 62,958 parameters, not the 59,547 of the lecture's column. The lecture's
# point survives the correction: the activation size mostly falls with depth (6,272 after CONV1, 10 at the
# end), the convolutions have few parameters, and most parameters sit in the first fully connected layer
# (48,120 of 62,958, about 76%).
#
# Two more tables from the notes, to try your function on (the demo prints them): the lecture's LeNet
# diagram (32 x 32 grey input, 6 feature maps of 14 x 14, 50 of 5 x 5, FC 100, FC 10 -- its sizes agree
# with 5 x 5 convolutions and 2 x 2 pooling), and the first block of VGG-16 (two 3 x 3 convolutions of 64
# filters with same padding, then a 2 x 2 max-pool, on a 224 x 224 RGB image: 1,792 and 36,928
# parameters, the numbers a Keras `model.summary()` shows).

# %%
lenet = [
    {"type": "conv", "filters": 6, "f": 5},
    {"type": "maxpool", "f": 2},
    {"type": "conv", "filters": 50, "f": 5},
    {"type": "maxpool", "f": 2},
    {"type": "dense", "units": 100},
    {"type": "dense", "units": 10},
]
if ready("same_padding", "shape_table"):
    vgg_block = [{"type": "conv", "filters": 64, "f": 3, "padding": same_padding(3)}] * 2 + [
        {"type": "maxpool", "f": 2}
    ]
    for title, shape, layers in (
        ("the notes' LeNet", (32, 32, 1), lenet),
        ("VGG-16, block 1", (224, 224, 3), vgg_block),
    ):
        print(title)
        for row in shape_table(shape, layers):
            print(
                f"  {row['layer']:9s} {str(tuple(row['shape'])):>15s} {row['size']:10,d} {row['params']:9,d}"
            )

# %%
# PyTorch agrees (if it is installed): the lecture's network as nn.Sequential, shapes and parameters.
if torch is not None:
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 5),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 5),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120),
        torch.nn.Linear(120, 84),
        torch.nn.Linear(84, 10),
    )
    activation = torch.zeros(1, 3, 32, 32)  # NCHW
    for module in net:
        activation = module(activation)
        count = sum(p.numel() for p in module.parameters())
        print(f"{type(module).__name__:10s} {tuple(activation.shape)!s:18s} {count:6,d}")

# %% [markdown]
# ## 7. Receptive fields
#
# The **receptive field** of a unit is the part of the input it depends on. The lecture puts it relative to
# the previous layer: a dense unit sees all of it, a convolution unit only an $f \times f$ patch. Relative to
# the **input image**, the field grows with depth: a unit of a second 3 x 3 layer sees 3 x 3 units of the
# first, and those see together 5 x 5 pixels.
#
# Along one axis, go up the stack keeping two numbers: the field $r$ of a unit so far, and the **jump**
# $j$, the distance in input pixels between two neighbouring units of the current layer. A layer with
# filter $f$, stride $s$ and dilation $d$ spans $d(f - 1)$ steps of its input, each worth $j$ pixels, and
# its own units are $s$ input units apart:
#
# $$r_0 = 1,\; j_0 = 1; \qquad r \leftarrow r + d\,(f - 1)\, j, \qquad j \leftarrow j \cdot s.$$
#
# Pooling layers count like convolutions. Examples: one 3 x 3 convolution, $r = 3$; two, $r = 5$; three,
# $r = 7$. A 3 x 3 convolution, a 2 x 2 pool with stride 2, and another 3 x 3 convolution: $r = 3$, then
# $3 + 1 \cdot 1 = 4$ (and $j = 2$), then $4 + 2 \cdot 2 = 8$ -- after a stride-2 layer, each further
# layer widens the field twice as fast. Dilations 1, 2, 4 on three 3 x 3 layers: $3 + 4 + 8 = 15$, a large
# field from few weights (WaveNet's trick, along time).
#
# **VGG's argument.** Two stacked 3 x 3 convolutions see 5 x 5 pixels, like one 5 x 5 convolution, and
# three see 7 x 7. With $C$ channels in and out, the stack of three has $3 \cdot 9 C^2 = 27 C^2$ weights
# against $49 C^2$ for one 7 x 7 layer (two 3 x 3: $18 C^2$ against $25 C^2$), and it puts a ReLU after each
# layer -- three non-linearities instead of one. Same field, fewer parameters, more expressive: that is why
# VGG-16 uses 3 x 3 filters only.
#
# Write `receptive_field(layers)`: each layer a dict with `"f"` and optional `"stride"` (1) and
# `"dilation"` (1); with no layers the field is 1 pixel. Raise a `ValueError` for a value below 1.

# %% [solution] receptive_field

# %% [check] receptive_field

# %%
# VGG's argument in numbers: same receptive field, fewer weights (C channels in and out, no biases).
C = 64
if ready("conv_param_count", "receptive_field"):
    for k in (2, 3):
        small = k * conv_param_count(3, C, C, bias=False)
        big_f = receptive_field([{"f": 3}] * k)
        big = conv_param_count(big_f, C, C, bias=False)
        print(f"{k} x (3 x 3): field {big_f}, {small:,d} weights   one {big_f} x {big_f}: {big:,d} weights")

# %% [markdown]
# ## 8. Convolutions over sequences
#
# The lecture ends its CNN part with **CNNs for text**: a filter of width 2 sliding over the words of a
# sentence computes one vector per **bigram**, a filter of width 3 one per trigram. For "this takes too
# long" (4 words) that is $4 - 2 + 1 = 3$ bigrams ("this takes", "takes too", "too long"), 2 trigrams and
# 1 four-gram: the six n-grams the notes list. With stride 2 the width-2 filter reads only "this takes"
# and "too long". These are your output-size formulas along the time axis.
#
# In NCHW terms a sentence of $T$ word vectors of size $D$ is an "image" of height 1 and width $T$ with $D$
# channels, `(1, D, 1, T)`, and a 1-D convolution is a `(1, fw)` filter -- exactly what `conv2d_forward`
# computes. (PyTorch has `nn.Conv1d` for `(N, D, T)`.) The last demo runs one bigram filter over a
# 4-word sentence with 2-dimensional word vectors.

# %%
words = ["this", "takes", "too", "long"]
if ready("conv_output_size"):
    for width in (2, 3, 4):
        count = conv_output_size(len(words), width)
        print(f"width {width}: {count} windows:", [" ".join(words[t : t + width]) for t in range(count)])
    print("width 2, stride 2:", conv_output_size(len(words), 2, stride=2), "windows")

embeddings = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [3.0, 0.0]])  # (T, D): one row per word
x = embeddings.T.reshape(1, 2, 1, 4)  # (N, C=D, H=1, W=T)
w = np.array([[1.0, 1.0], [0.0, 1.0]]).reshape(1, 2, 1, 2)  # one bigram filter (F, D, 1, 2)
# feature of words t, t+1 = (first coordinates of both) + (second coordinate of word t+1): 3, 2, 4
if ready("conv2d_forward"):
    features = conv2d_forward(x, w, np.zeros(1))[0, 0, 0]  # one number per bigram
    print(dict(zip(["this takes", "takes too", "too long"], features.tolist(), strict=True)))
