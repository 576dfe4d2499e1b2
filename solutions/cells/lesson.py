# %% [markdown]
# # Recurrent cells from scratch: RNN, LSTM and GRU
#
# The lecture draws recurrent networks as boxes with arrows: a *cell* reads the input $x_t$ and the
# previous hidden state $h_{t-1}$ and produces the new state $h_t$; the same cell, with the same weights,
# is applied at every time step. In this assignment you open the boxes. You will write, in numpy,
#
# 1. the vanilla (Elman) RNN cell and a whole RNN layer;
# 2. the LSTM cell (forget, input and output gates, and the cell state) and an LSTM layer;
# 3. the peephole LSTM, whose gates also look at the cell state;
# 4. the GRU (reset and update gates) and a GRU layer -- and see how PyTorch's GRU differs from the
#    lecture's;
# 5. bidirectional and stacked (deep) layers built from your cells;
# 6. the lecture's parameter counts;
#
# and finally the three sequence forwards again in **torch**, so that they run on a GPU and autograd can
# differentiate them.
#
# Every function has a docstring that states its equations and shapes exactly, so read the docstrings
# carefully.
#
# ## How to check and submit your work
#
# * Each function has a **check cell** below it, for example `check("rnn_cell_forward")`. Run it after you
#   write the function. It runs the function's public tests -- small cases that you can verify by hand
#   (zero weights, saturated gates, scalar cells, the lecture's exercise) -- on the code you last ran in
#   this notebook, in a separate process, and shows ✅ when they pass -- or, for each failed check, the
#   call, what your function returned and what was expected, and a 💡 hint when your output matches a
#   well-known mistake (listed in `MISTAKES.md`, next to this notebook). A failed check does not stop
#   "Run All".
# * The same checks from a terminal, in the assignment folder: `seqlab check` (or `pytest`).
# * Before you submit, save the notebook (Ctrl+S); the **Validate** button (or
#   `nbgrader validate cells.ipynb`) lists every function whose checks still fail.
# * Passing the checks does not guarantee full marks: the hidden tests compare your functions with
#   PyTorch on many random shapes and values.
# * To submit, save, then submit `cells.ipynb` the way your course says (nbgrader's Assignments tab,
#   "Submit"; or upload it to Gradescope). Only the functions in the exercise cells are graded; demo and
#   plot cells never run during grading.
#
# When a hidden test fails and your output is exactly what a well-known mistake produces, the feedback
# names the mistake in a line starting with `Hint:`; `MISTAKES.md`, next to this notebook, lists those
# mistakes, what is right instead and where this notebook explains it.
#
# ## 0. Conventions
#
# **Shapes.** `N` is the batch size, `T` the number of time steps, `D` the input size and `H` the hidden
# size. Arrays are **batch first**: a sequence `x` is `(N, T, D)`, one time step `x[:, t]` is `(N, D)`, a
# hidden state is `(N, H)`. Sequences have $T \ge 1$ steps. The numpy functions compute in float64 when
# given float64.
#
# **Row vectors.** The lecture writes a cell with column vectors,
#
# $$h_t = g\left(W_{xh}\, x_t + W_{hh}\, h_{t-1} + b_h\right), \qquad
#   W_{xh}: H \times D,\; W_{hh}: H \times H,$$
#
# for *one* sample. We process a whole batch at once and store the samples as the **rows** of a matrix,
# so we transpose everything: with $W_x = W_{xh}^\top$ `(D, H)` and $W_h = W_{hh}^\top$ `(H, H)`,
#
# $$h_t = g\left(x_t W_x + h_{t-1} W_h + b\right) \qquad \texttt{h = g(x @ Wx + h\_prev @ Wh + b)},$$
#
# where `x` is `(N, D)` and `b` `(H,)` is broadcast over the `N` rows. Never write `W @ x` in this
# assignment.
#
# **The concatenated form.** The LSTM and GRU slides write a gate as $\sigma(W_f \cdot [h_{t-1}, x_t] +
# b_f)$: one matrix times the concatenation of the previous state and the input. That is the same thing
# split differently: in row form $[h_{t-1}, x_t]\, W = h_{t-1} W_h + x_t W_x$ when $W$ stacks $W_h$ on top
# of $W_x$. We keep $W_x$ and $W_h$ apart (as PyTorch and Keras store them).
#
# **Parameter dicts.** One layer's weights are a dict `p` with three arrays. A cell with `k` gate blocks
# (RNN `k = 1`, LSTM `k = 4`, GRU `k = 3`) stores the blocks **side by side**, in PyTorch's gate order:
#
# | key       | shape        | content                                                     |
# |-----------|--------------|-------------------------------------------------------------|
# | `p["Wx"]` | `(D, k*H)`   | input weights; gate `j` in columns `j*H : (j+1)*H`           |
# | `p["Wh"]` | `(H, k*H)`   | hidden weights, same column blocks                          |
# | `p["b"]`  | `(k*H,)`     | one bias per gate unit                                      |
#
# with the LSTM blocks in the order **i, f, g, o** (input gate, forget gate, candidate, output gate) and
# the GRU blocks in the order **r, z, n** (reset gate, update gate, candidate). So one matrix product
# `x @ Wx + h_prev @ Wh + b` computes the pre-activations of *all* gates at once, `(N, k*H)`, and you slice
# it into `k` blocks of `H` columns (the GRU's candidate is the one exception, see section 4). PyTorch's
# `torch.nn.RNN/LSTM/GRU` store the transposes: `weight_ih = Wx.T` `(k*H, D)`, `weight_hh = Wh.T`
# `(k*H, H)`, and two bias vectors whose sum is ours: `bias_ih + bias_hh = b` (section 5 shows the catch
# for the GRU).
#
# **Return values and the cache.** The numpy cell and sequence forwards return their output *and* a
# `cache`: `(h, cache)`, or `(h, c, cache)` for an LSTM cell. The cache is a dict of everything the
# backward pass will need (the step's inputs, its gate activations after the
# nonlinearity, its states, and the parameter dict under `"p"`). You do not use the cache here: the
# next assignment, **bptt**, computes the gradients of your forwards from it, one step at a time and
# backwards through time. The docstrings list the exact keys; a sequence forward returns the step caches
# stacked along a new time axis 1 (the given `stack_step_caches` does the stacking). The bidirectional and
# stacked layers return their output array alone, and the torch functions their hidden states alone.

# %% [imports]
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

# %% [markdown]
# ## 1. The vanilla RNN
#
# The simplest recurrent cell is one dense layer with a tanh that reads the input *and* its own previous
# output (the lecture's "RNN control flow": input + previous hidden state, then tanh):
#
# $$h_t = \tanh\left(x_t W_x + h_{t-1} W_h + b\right).$$
#
# tanh keeps every state in $(-1, 1)$, so repeated multiplication by $W_h$ cannot blow the state up ("not
# letting input vectors explode", as the slides put it).
#
# The first solution cell also defines the type names used in the signatures (`Params`, `Cache`) and the
# tuple `CELLS` of the cell names that `bidirectional_forward` and `stacked_forward` accept.
#
# **Erratum (RNN slide of the 14.10 lecture).** The slide that labels the vanilla RNN's diagram calls
# $C_{t-1}$ and $C_t$ "cell state" and $b_c$ a "bias matrix". A vanilla RNN has no cell state: the arrow
# that comes back is the **hidden state** $h_{t-1}$ (only the LSTM has a separate cell state $C_t$), and
# the bias is a vector of $H$ numbers.

# %% [solution] Params Cache CELLS rnn_cell_forward

# %% [check] rnn_cell_forward

# %% [markdown]
# ### A whole sequence
#
# A layer applies the *same* cell at every step, feeding each step's state into the next:
#
# $$h_{-1} = h_0, \qquad h_t = \tanh\left(x_t W_x + h_{t-1} W_h + b\right), \quad t = 0, \dots, T-1.$$
#
# (We count steps from 0 like Python; the initial state is called `h0` and plays the role of
# $h_{-1}$.) `rnn_forward` returns **every** hidden state, `(N, T, H)` with `h[:, t]` $= h_t$ -- what a
# many-to-many model uses and what Keras calls `return_sequences=True`; a many-to-one model (sentiment
# analysis in the lecture) keeps only `h[:, -1]`.
#
# Write it as a loop over time that calls your `rnn_cell_forward`, collect the step caches in a list, and
# turn them into the sequence cache with the given `stack_step_caches` (shown above `rnn_forward`). Do
# **not** loop over the batch: every step handles all `N` samples in one matrix product.
#
# **The lecture's exercise.** "Calculate the output state for timestamp $t = 1$ to 3, assuming inputs and
# weights are 1 and 0.5 for all timestamps." The figure is missing from the notes; with a tanh cell, no
# bias, $x_t = 1$, $w_{xh} = w_{hh} = 0.5$ and a zero initial state (the lecture numbers the steps 1, 2, 3;
# they are our steps 0, 1, 2):
#
# $$h_1 = \tanh(0.5) \approx 0.4621, \quad h_2 = \tanh(0.5 + 0.5 \cdot 0.4621) \approx 0.6237, \quad
#   h_3 = \tanh(0.5 + 0.5 \cdot 0.6237) \approx 0.6706.$$
#
# The states grow towards the fixed point $h = \tanh(0.5 + 0.5h)$ ($\approx 0.69$): the network "remembers"
# that it has seen several ones. The check below is this exercise.
#
# **Erratum (12.3.5 Loss Function).** The notes write $L = \sum_{t=1}^{T} L_t$, "$L$ is total number of
# layers". The sum runs over the $T$ **time steps** of the sequence (one loss per output $y_t$); an
# unrolled RNN has one layer applied $T$ times, not $T$ layers with different weights.

# %% [solution] stack_step_caches rnn_forward

# %% [check] rnn_forward

# %% [markdown]
# ## 2. The LSTM
#
# A vanilla RNN forgets quickly: the gradient that reaches step $t$ from step $T$ is a product of
# $T - t$ Jacobians, which vanishes or explodes (the next assignment measures it). The LSTM adds a second
# state, the **cell state** $C_t$, which is updated *additively* and protected by three **gates**: vectors
# of numbers between 0 (closed) and 1 (open), computed by a sigmoid. In the lecture's notation
# (column vectors):
#
# $$\begin{aligned}
# f_t &= \sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f) && \text{forget gate}\\
# i_t &= \sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i) && \text{input gate}\\
# g_t &= \tanh(W_{xg} x_t + W_{hg} h_{t-1} + b_g) && \text{candidate } \tilde C_t\\
# o_t &= \sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o) && \text{output gate}\\
# C_t &= f_t \odot C_{t-1} + i_t \odot g_t \\
# h_t &= o_t \odot \tanh(C_t)
# \end{aligned}$$
#
# where $\sigma(a) = 1 / (1 + e^{-a})$ and $\odot$ is the element-wise product. The forget gate decides how
# much of the old memory $C_{t-1}$ to keep, the input gate how much of the candidate $g_t \in (-1, 1)$ to add,
# and the output gate how much of the (squashed) memory to show as $h_t$. $h_t$ and $C_t$ have the same
# size $H$ (the notes' example: $h_t = [0.1, 0.45, 0.6]$ and $C_t = [0.55, 0.6, 0.0]$). In this
# assignment's layout, one product gives all four pre-activations,
#
# $$a = x W_x + h_{t-1} W_h + b \quad (N, 4H), \qquad a = [\,a_i \mid a_f \mid a_g \mid a_o\,],$$
#
# in PyTorch's order **i, f, g, o** -- not the order the slides *present* them (forget gate first). The
# order in which you compute the gates does not matter; the order of the column blocks does: the hidden
# tests load PyTorch's weights into `Wx`, `Wh` and `b`.
#
# The notes' pointwise example shows what a saturated forget gate does: with $C_{t-1} = [4, 5, 6]$,
# $f_t = [1, 1, 1]$ and $i_t \odot \tilde C_t = [0, 0, 0]$, the memory passes unchanged: $C_t = [4, 5, 6]$.
# The second part of the check below builds exactly this case with large biases
# ($\sigma(50) = 1$ in double precision and $\sigma(-50) \approx 2 \cdot 10^{-22}$).
#
# **The sigmoid.** $1 / (1 + e^{-a})$ overflows for very negative $a$ (`np.exp(1000)` is `inf`, with a
# warning). The given `sigmoid` (in the next cell) computes the same function as $(1 + \tanh(a/2)) / 2$,
# which never overflows. Use it.
#
# **Erratum ("Long Short Term Memory Network" slide of the sequence-modeling deck).** It writes the cell
# state as $C_t = f_t \star C_{t+1} + f_t \star \tilde C_t$. Two factors are wrong: the cell state is
# updated from the **previous** cell state $C_{t-1}$ (not the future one, $C_{t+1}$), and the candidate is
# scaled by the **input** gate: $C_t = f_t \odot C_{t-1} + i_t \odot \tilde C_t$, as on the other slides.

# %% [solution] sigmoid lstm_cell_forward

# %% [check] lstm_cell_forward

# %% [markdown]
# ### An LSTM layer
#
# `lstm_forward` runs your cell over the sequence. The initial hidden state `h0` is given; the initial
# cell state is **zero** (as in PyTorch and Keras when you pass no state). It returns every hidden state
# `(N, T, H)` and the stacked cache (whose `"c"` entry holds every cell state).
#
# A saturated LSTM is an **accumulator**: with $i = f = o = 1$ (large biases) and $g_t = \tanh(x_t)$, the
# cell state is a running sum, $C_t = C_{t-1} + \tanh(x_t)$, and $h_t = \tanh(C_t)$ -- information is kept
# for as long as the forget gate stays open. A vanilla RNN cannot do that, because its only memory goes
# through a tanh and a matrix product at every step. The check uses this case.
#
# (The notes add that "backpropagation from $C_t$ to $C_{t-1}$ requires only elementwise multiplication".
# That is the direct path through $f_t$; the gates themselves also depend on $C_{t-1}$ through $h_{t-1}$,
# which is a matrix product. The direct path is what keeps the gradient alive when $f_t \approx 1$.)

# %% [solution] lstm_forward

# %% [check] lstm_forward

# %%
# The cache of a sequence: every entry of the cell cache stacked along time (axis 1), and the parameters.
rng = np.random.default_rng(0)
N, T, D, H = 2, 5, 3, 4
p = {"Wx": rng.normal(size=(D, 4 * H)), "Wh": rng.normal(size=(H, 4 * H)), "b": np.zeros(4 * H)}
if ready("lstm_forward"):
    h, cache = lstm_forward(rng.normal(size=(N, T, D)), np.zeros((N, H)), p)
    for key, value in cache.items():
        print(f"{key:7s}", "the parameter dict" if key == "p" else value.shape)

# %% [markdown]
# ## 3. The peephole LSTM
#
# Gers and Schmidhuber (2000) let the gates look at the cell state through **peephole** connections: a
# diagonal weight (a vector, applied element-wise) from the cell to each gate. The input and forget
# gates see the *previous* cell state, the output gate the *new* one:
#
# $$\begin{aligned}
# i_t &= \sigma(a_i + P_i \odot C_{t-1}), \qquad f_t = \sigma(a_f + P_f \odot C_{t-1}), \qquad
#   g_t = \tanh(a_g),\\
# C_t &= f_t \odot C_{t-1} + i_t \odot g_t, \qquad o_t = \sigma(a_o + P_o \odot C_t), \qquad
#   h_t = o_t \odot \tanh(C_t),
# \end{aligned}$$
#
# with $a = x W_x + h_{t-1} W_h + b$ as before and `p["Pi"], p["Pf"], p["Po"]` of shape `(H,)`. Note the
# order: the output gate can only be computed after $C_t$. With zero peepholes it is your LSTM.
#
# **Erratum (12.3.11 LSTM Variants).** The slide titled "Peephole LSTM" shows the plain LSTM equations:
# no gate contains a cell-state term (and the candidate $\tilde C_t$ is never defined). The peephole
# terms are on the next slide, "Peephole Convolutional LSTM": $V_f \circ c_{t-1}$, $V_i \circ c_{t-1}$ and
# $V_o \circ c_t$ -- element-wise, like our $P$. (In that slide $*$ is a convolution, because the states
# are images; in ours they are vectors and the convolutions become the matrix products $x W_x$, $h W_h$.)

# %% [solution] peephole_lstm_cell_forward

# %% [check] peephole_lstm_cell_forward

# %% [markdown]
# ## 4. The GRU
#
# The gated recurrent unit (Cho et al., 2014) keeps the LSTM's idea -- gates decide what to keep -- with
# a single state and two gates:
#
# * the **reset gate** $r_t$ decides how much of the previous state the candidate may look at;
# * the **update gate** $z_t$ decides how much of the state is replaced by the candidate (it plays the
#   forget *and* the input gate at once: "forget gate + input gate", as the notes say).
#
# The lecture's GRU (12.3.14), with biases and in row form:
#
# $$\begin{aligned}
# r_t &= \sigma(x_t W_r + h_{t-1} U_r + b_r)\\
# z_t &= \sigma(x_t W_z + h_{t-1} U_z + b_z)\\
# \tilde h_t = n_t &= \tanh\big(x_t W_n + (r_t \odot h_{t-1})\, U_n + b_n\big)\\
# h_t &= (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t
# \end{aligned}$$
#
# The reset gate is applied **before** the product with $U_n$ (the slide's $W \cdot [R_t * h_{t-1}, x_t]$).
# The blocks are stacked in PyTorch's order **r, z, n**: `Wx = [Wr | Wz | Wn]` `(D, 3H)`,
# `Wh = [Ur | Uz | Un]` `(H, 3H)`, `b = [br | bz | bn]`. Because the reset gate multiplies $h_{t-1}$
# before $U_n$, you cannot compute `h_prev @ Wh` for all three blocks and slice it as in the LSTM: the
# $n$ block needs `(r * h_prev) @ Un`.
#
# With $z_t = 0$ the state is copied unchanged ($h_t = h_{t-1}$): the GRU's long-term memory. With
# $z_t = 1$ it is replaced by the candidate. With $r_t = 0$ the candidate ignores the past entirely.
#
# **Erratum (12.3.14 Gated Recurrent Unit).** The notes teach two different GRUs without saying so. The
# first slide is the one above. The later slides write "Final memory $h_t = z_t \circ h_{t-1} + (1 - z_t)
# \circ \tilde h_t$" -- the roles of $z$ and $1 - z$ swapped -- and "New memory $\tilde h_t = \tanh(r_t \circ
# U h_{t-1} + W x_t)$" -- the reset gate applied **after** the product with $U$. Both variants exist (the
# second is the one PyTorch, cuDNN and Keras' default use, see section 5), but they are different functions
# of the same weights. The sentence "if $z$ close to 1, then copy information in that unit through many
# steps" is true only for the second update rule; in the lecture's first form, and in this assignment,
# $z \approx 0$ copies. This assignment uses the first form throughout.
#
# **Erratum (GRU pages of the "calculating the reset gate" notes).** The page writes
# $\tilde h_t = r_t \otimes h_{t-1}$. That product is not the candidate state: it is the *reset* previous
# state that goes into the candidate, $\tilde h_t = \tanh(x_t W_n + (r_t \odot h_{t-1}) U_n + b_n)$.

# %% [solution] gru_cell_forward

# %% [check] gru_cell_forward

# %% [markdown]
# ### A GRU layer
#
# As for the RNN: loop over time with your cell, starting from `h0`, and stack the step caches. With
# zero weights every step halves the state, $h_t = h_{t-1} / 2$ -- an easy case to check by hand.

# %% [solution] gru_forward

# %% [check] gru_forward

# %% [markdown]
# ## 5. PyTorch's GRU is not the lecture's GRU
#
# `torch.nn.GRUCell` (and `nn.GRU`) compute, in our row notation with PyTorch's two biases,
#
# $$\begin{aligned}
# r &= \sigma(x W_r + b_{ir} + h U_r + b_{hr}), \qquad z = \sigma(x W_z + b_{iz} + h U_z + b_{hz})\\
# n &= \tanh\big(x W_n + b_{in} + r \odot (h U_n + b_{hn})\big)\\
# h' &= (1 - z) \odot n + z \odot h
# \end{aligned}$$
#
# Two differences from the lecture's GRU:
#
# 1. the reset gate multiplies $h U_n + b_{hn}$, **after** the hidden product (that is why PyTorch needs a
#    separate hidden bias $b_{hn}$: it is inside the reset);
# 2. $z$ weighs the **old** state and $1 - z$ the candidate: $z \approx 1$ copies.
#
# The parameters map one to one -- `weight_ih = Wx.T`, `weight_hh = Wh.T`, `bias_ih = b` and
# `bias_hh = 0` (or any split with `bias_ih + bias_hh = b`, which only matters for the $n$ block) -- but the
# functions differ, as the next cell shows.
#
# The second difference is cosmetic: $\sigma(-a) = 1 - \sigma(a)$, so negating the $z$ block of the weights
# and bias turns one update rule into the other. The first one is real: $(r \odot h) U_n \ne r \odot (h U_n)$
# in general, and no rearrangement of the weights turns one into the other. They coincide in special
# cases, for instance when the reset gate is fully open ($r = 1$). The second half of the demo forces
# $r = 1$ with a large reset bias and negates the $z$ block; then `nn.GRUCell` reproduces your cell.
#
# (Keras' `GRU` has both variants: `reset_after=False` is the lecture's reset placement,
# `reset_after=True` -- the default in TensorFlow 2 -- is PyTorch's; both use Keras' $z \odot h + (1 - z)
# \odot \tilde h$ update, like PyTorch.)

# %%
rng = np.random.default_rng(1)
N, D, H = 2, 3, 4
p = {"Wx": rng.normal(size=(D, 3 * H)), "Wh": rng.normal(size=(H, 3 * H)), "b": rng.normal(size=3 * H)}
x, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
if ready("gru_cell_forward"):
    lecture, _ = gru_cell_forward(x, h_prev, p)

    torch_cell = torch.nn.GRUCell(D, H).double()
    with torch.no_grad():
        torch_cell.weight_ih.copy_(torch.from_numpy(p["Wx"].T))  # (3H, D)
        torch_cell.weight_hh.copy_(torch.from_numpy(p["Wh"].T))  # (3H, H)
        torch_cell.bias_ih.copy_(torch.from_numpy(p["b"]))
        torch_cell.bias_hh.zero_()
        pytorch = torch_cell(torch.from_numpy(x), torch.from_numpy(h_prev)).numpy()
    print("lecture's GRU:\n", lecture.round(4))
    print("nn.GRUCell, same weights:\n", pytorch.round(4))
    print("largest difference:", np.abs(lecture - pytorch).max().round(4))

    # Force r = 1 (large reset bias) and negate the z block: now the two agree.
    q = {"Wx": p["Wx"], "Wh": p["Wh"], "b": np.concatenate([np.full(H, 50.0), p["b"][H:]])}  # r = 1
    minus_z = np.concatenate([np.ones(H), -np.ones(H), np.ones(H)])  # -1 on the z block's columns
    flipped = {key: value * minus_z for key, value in q.items()}
    lecture, _ = gru_cell_forward(x, h_prev, q)
    with torch.no_grad():
        torch_cell.weight_ih.copy_(torch.from_numpy(flipped["Wx"].T))
        torch_cell.weight_hh.copy_(torch.from_numpy(flipped["Wh"].T))
        torch_cell.bias_ih.copy_(torch.from_numpy(flipped["b"]))
        pytorch = torch_cell(torch.from_numpy(x), torch.from_numpy(h_prev)).numpy()
    print("with r = 1 and -z: largest difference", np.abs(lecture - pytorch).max())

# %% [markdown]
# ## 6. Hidden states over time
#
# The next cell feeds one sine wave to an RNN, an LSTM and a GRU with random weights ($H = 3$) and plots
# their hidden units. The RNN's units are little more than a squashed, rescaled copy of the current input;
# the gated cells' units lag behind and change shape, because their gates mix in the previous state (and,
# in the LSTM, the cell state's memory). (Run it after your three layers pass their checks.)

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("matplotlib is not installed (pip install matplotlib) -- skipping the plot")
if ready("rnn_forward", "lstm_forward", "gru_forward") and plt is not None:
    rng = np.random.default_rng(7)
    T, H = 60, 3
    steps = np.arange(T)
    wave = np.sin(2 * np.pi * steps / 20).reshape(1, T, 1)
    layers = {"RNN": (rnn_forward, 1), "LSTM": (lstm_forward, 4), "GRU": (gru_forward, 3)}
    fig, axes = plt.subplots(4, 1, figsize=(8, 8), sharex=True)
    axes[0].plot(steps, wave[0, :, 0], color="black")
    axes[0].set_ylabel("input")
    for ax, (name, (forward, k)) in zip(axes[1:], layers.items(), strict=True):
        p = {
            "Wx": rng.normal(size=(1, k * H)),
            "Wh": rng.normal(scale=0.5, size=(H, k * H)),
            "b": np.zeros(k * H),
        }
        states, _ = forward(wave, np.zeros((1, H)), p)
        ax.plot(steps, states[0])
        ax.set_ylabel(f"{name} h_t")
        ax.set_ylim(-1.05, 1.05)
    axes[-1].set_xlabel("time step t")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ## 7. Bidirectional layers
#
# Sometimes the output at step $t$ should depend on what comes *after* it too ("He said, 'Teddy bears are
# on sale!'" vs. "He said, 'Teddy Roosevelt was a great president!'": whether "Teddy" is a name depends on
# the next word). A **bidirectional** layer runs two independent cells over the same input, one forwards
# and one backwards, and concatenates their states (12.3.8):
#
# $$\overrightarrow{h}_t = \mathrm{cell}(x_t, \overrightarrow{h}_{t-1}; p_f), \qquad
#   \overleftarrow{h}_t = \mathrm{cell}(x_t, \overleftarrow{h}_{t+1}; p_b), \qquad
#   \mathrm{out}_t = [\overrightarrow{h}_t ; \overleftarrow{h}_t].$$
#
# The backward cell starts from `h0_b` at the **last** step and reads $x_{T-1}, \dots, x_0$. Store its states
# at the step they belong to: `out[:, t, H:]` has read $x_t, \dots, x_{T-1}$ (as
# `torch.nn.RNN(bidirectional=True)` does). Easiest: run your sequence forward on `x[:, ::-1]` and flip its
# output back. The result is `(N, T, 2H)`, forward states first. LSTM layers start with a zero cell
# state in both directions; raise a `ValueError` for an unknown `cell` name.
#
# **Erratum (12.3.8 Bidirectional RNN).** The notes describe a bidirectional RNN as "two RNNs stacked on top
# of each other". They are side by side: both read the *input* sequence, in opposite directions, and
# neither reads the other's output. Stacking -- a second layer reading the first layer's states -- is the
# *deep* RNN of the next section.

# %% [solution] bidirectional_forward

# %% [check] bidirectional_forward

# %% [markdown]
# ## 8. Stacked (deep) RNNs
#
# A deep RNN stacks layers: layer 1 reads the input sequence, layer $l$ reads the whole hidden-state
# sequence of layer $l - 1$, and the output is the top layer's states -- `torch.nn.RNN(num_layers=L)`
# without dropout. The notes' reasons to stack: a hierarchical representation (low layers close to the
# input, high layers more abstract) for complex tasks such as speech recognition or machine translation,
# at the price of more computation and more overfitting on small data sets.
#
# `stacked_forward(x, h0s, ps, cell)` takes one initial state and one parameter dict per layer (bottom
# first). The layers may have different hidden sizes: layer 1's `Wx` is `(D, k*H_1)`, layer $l$'s is
# `(H_{l-1}, k*H_l)`. With no layers it returns `x` itself. Raise a `ValueError` for an unknown `cell` or
# when `h0s` and `ps` differ in length.

# %% [solution] stacked_forward

# %% [check] stacked_forward

# %% [markdown]
# ## 9. Counting parameters
#
# One gate block has an input weight $W_x$ ($D \times H$), a hidden weight $W_h$ ($H \times H$) and a bias
# ($H$). A layer with $k$ blocks therefore has
#
# $$k \,(D H + H^2 + H) \quad \text{parameters:} \qquad \text{RNN } k = 1, \quad \text{LSTM } k = 4, \quad
#   \text{GRU } k = 3,$$
#
# the lecture's $4 \times ((d \times h) + (h \times h) + h)$ and $3 \times ((d \times h) + (h \times h) + h)$.
# The count does not depend on $T$: the same weights are used at every step.
#
# PyTorch stores **two** bias vectors per block (`bias_ih` and `bias_hh`), so `sum(p.numel() for p in
# nn.LSTM(D, H).parameters())` is $k(DH + H^2 + 2H)$: $kH$ more than the lecture's formula.
# `count_parameters(cell, D, H, biases=2)` gives PyTorch's count, `biases=1` the lecture's and `biases=0` a
# layer without bias.
#
# Worked numbers for the notes' GRU example (a 4-unit state $h_{t-1} = [0.6, 0.6, 0.7, 0.1]$ and a
# candidate weight $W_C$ of $7 \times 4$, so $D = 3$, $H = 4$; one block has $12 + 16 + 4 = 32$
# parameters):
#
# | cell | lecture / Keras (`biases=1`) | PyTorch (`biases=2`) |
# |------|------------------------------|----------------------|
# | RNN  | $1 \cdot 32 = 32$             | $1 \cdot 36 = 36$     |
# | GRU  | $3 \cdot 32 = 96$             | $3 \cdot 36 = 108$    |
# | LSTM | $4 \cdot 32 = 128$            | $4 \cdot 36 = 144$    |
#
# **Erratum (LSTM vs GRU, "3. Parameter Count").** The formulas are right for Keras' `LSTM` and for Keras'
# `GRU(reset_after=False)`, not for every framework: PyTorch's `nn.LSTM`/`nn.GRU` have $4(dh + h^2 + 2h)$
# and $3(dh + h^2 + 2h)$, and so does Keras' `GRU` with its TensorFlow 2 default `reset_after=True`. The
# notes also say the LSTM has more parameters "because of its additional gate and separate cell state".
# The cell state has no parameters; the whole difference is the fourth block: an LSTM has exactly
# $dh + h^2 + h$ more parameters than a GRU of the same sizes (32 in the example above).

# %% [solution] count_parameters

# %% [check] count_parameters

# %% [markdown]
# **Bidirectional layers** have two independent cells of the same sizes, so twice the parameters: the
# notes' "complexity 190 -> 380" for a bidirectional RNN. (The notes do not give the sizes behind 190;
# $D = 8$, $H = 10$ is one pair that gives it: $80 + 100 + 10 = 190$.) The output of a bidirectional
# layer has $2H$ features, so a layer stacked on top of it has input size $2H$.

# %% [solution] count_bidirectional_parameters

# %% [check] count_bidirectional_parameters

# %% [markdown]
# **The concatenated weight.** The slides' $W_f \cdot [h_{t-1}, x_t]$ uses one matrix per gate for the
# concatenated vector of $H + D$ numbers. In our row layout it is `[h_prev, x] @ W` with
# `W = np.vstack([Wh_gate, Wx_gate])`, of shape $(H + D) \times H$. The notes' GRU example writes the
# candidate weight as $W_C$ ($7 \times 4$): $H = 4$ state units plus $D = 3$ inputs.
#
# (Strictly, with the column-vector formula as written, $W \cdot [h, x]$, the matrix is $H \times (H + D)$,
# $4 \times 7$; $7 \times 4$ is its transpose, the layout Keras and this assignment store.)

# %% [solution] concat_weight_shape

# %% [check] concat_weight_shape

# %% [markdown]
# ## 10. The same layers in torch, on any device
#
# Finally, write `rnn_forward_torch`, `lstm_forward_torch` and `gru_forward_torch`: the same equations, on
# torch tensors. They return only the hidden states `(N, T, H)` -- no cache: autograd records what the
# backward pass needs, so `h.sum().backward()` gives you the gradients for free (compare with what you
# will write by hand in the bptt assignment). The rules:
#
# * **Tensor operations only**: `@`, `torch.tanh`, `torch.sigmoid`, slicing or `.chunk`/`.split`,
#   `torch.stack`. No `nn.RNN`, `nn.LSTM`, `nn.GRU` or their cells, and no numpy inside.
# * **Loop over time, never over the batch.** Each step handles all `N` samples with one matrix product.
#   (You may even compute `x @ Wx + b` for all steps at once before the loop: one big product instead of
#   `T` small ones.)
# * **Stay on the inputs' device and dtype.** Create new tensors from the inputs: `x.new_zeros((N, H))` or
#   `torch.zeros_like(h0)`, never `torch.zeros(N, H)`, which lands on the default device (the CPU) with
#   the default dtype (float32) whatever the inputs are. Do not call `.cpu()`, `.numpy()`, `.item()`,
#   `.tolist()` or `float(...)` on a tensor inside the function: on a GPU each of these copies data to the
#   host and waits for the device.
#
# The hidden tests grade these functions **on the CPU always, and also on a CUDA GPU where the grader has
# one**: the output must be on the inputs' device with their dtype and match the float64 reference
# (float32 on a GPU within TF32-aware tolerances, since matrix products may use TensorFloat-32 there).
# They also check that your functions are **batched**: they count the torch operators a call runs for
# batch sizes `N` and `2N`. A loop over time runs the same number for both; a loop over the batch runs
# twice as many, and loses the points. Data moved off the device is reported too.

# %% [solution] rnn_forward_torch

# %% [check] rnn_forward_torch

# %% [solution] lstm_forward_torch

# %% [check] lstm_forward_torch

# %% [solution] gru_forward_torch

# %% [check] gru_forward_torch

# %%
# autograd differentiates your torch layer: the gradients the bptt assignment derives by hand.
rng = np.random.default_rng(3)
N, T, D, H = 4, 6, 3, 5
p = {
    "Wx": torch.tensor(rng.normal(size=(D, H)), requires_grad=True),
    "Wh": torch.tensor(rng.normal(scale=0.5, size=(H, H)), requires_grad=True),
    "b": torch.zeros(H, dtype=torch.float64, requires_grad=True),
}
x = torch.tensor(rng.normal(size=(N, T, D)))
if ready("rnn_forward_torch", "rnn_forward"):
    h = rnn_forward_torch(x, x.new_zeros((N, H)), p)
    h[:, -1].sum().backward()  # a many-to-one loss: only the last state
    print({key: tuple(value.grad.shape) for key, value in p.items()})
    numpy_h, _ = rnn_forward(
        x.numpy(), np.zeros((N, H)), {key: value.detach().numpy() for key, value in p.items()}
    )
    print("torch and numpy agree:", np.allclose(h.detach().numpy(), numpy_h))
    if torch.cuda.is_available():  # the same call on the GPU: the result stays there
        h_gpu = rnn_forward_torch(
            x.cuda(), x.new_zeros((N, H)).cuda(), {key: value.detach().cuda() for key, value in p.items()}
        )
        print("on", h_gpu.device, "- largest difference from the CPU:", (h_gpu.cpu() - h).abs().max().item())
