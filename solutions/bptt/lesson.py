# %% [markdown]
# # Backpropagation through time: the gradients of RNNs and LSTMs, by hand
#
# In the **cells** assignment you wrote the forward passes of recurrent cells; PyTorch's autograd
# differentiated them for free. In this assignment you write the backward passes yourself, in numpy, and
# use them to see *why* recurrent networks are hard to train. You will write
#
# 1. the backward pass of one RNN step and of a whole RNN layer (**backpropagation through time**, BPTT);
# 2. the backward pass of one LSTM step and of a whole LSTM layer;
# 3. the loss and all the gradients of the lecture's **many-to-one** RNN (sentiment analysis: read a
#    sentence, classify it once at the end);
# 4. the norms $\lVert \partial h_T / \partial h_t \rVert$ that show **vanishing and exploding gradients**;
# 5. **gradient clipping**, by global norm (exactly as `torch.nn.utils.clip_grad_norm_`) and by value;
# 6. **truncated** BPTT.
#
# Every function has a docstring with its equations and shapes. You will also check your own gradients
# numerically (section 2) -- the single most useful habit when you write a backward pass.
#
# ## How to check and submit your work
#
# * Each function has a **check cell** below it, for example `check("rnn_cell_backward")`. Run it after
#   you write the function. It runs the function's public tests -- cases small enough to verify by hand
#   (scalar cells, zero upstream gradients, saturated gates, a 3-4-5 triangle) -- on the code you last ran
#   in this notebook, in a separate process, and shows ✅ when they pass -- or, for each failed check, the
#   call, what your function returned and what was expected, and a 💡 hint when your output matches a
#   well-known mistake (listed in `MISTAKES.md`, next to this notebook). A failed check does not stop
#   "Run All".
# * The same checks from a terminal, in the assignment folder: `seqlab check` (or `pytest`).
# * Before you submit, save the notebook (Ctrl+S); the **Validate** button (or
#   `nbgrader validate bptt.ipynb`) lists every function whose checks still fail.
# * Passing the checks does not guarantee full marks: the hidden tests compare your gradients with
#   numerical derivatives and with PyTorch's autograd on many random shapes and values.
# * To submit, save, then submit `bptt.ipynb` the way your course says (nbgrader's Assignments tab,
#   "Submit"; or upload it to Gradescope). Only the functions in the exercise cells are graded; demo and
#   plot cells never run during grading.
#
# When a hidden test fails and your output is exactly what a well-known mistake produces, the feedback
# names the mistake in a line starting with `Hint:`; `MISTAKES.md`, next to this notebook, lists those
# mistakes, what is right instead and where this notebook explains it.
#
# ## 0. Conventions
#
# **Forward passes are given.** The next cells contain the `cells` assignment's forward passes
# (`rnn_cell_forward`, `rnn_forward`, `lstm_cell_forward`, `lstm_forward`, with `sigmoid`,
# `stack_step_caches` and `step_cache`), each shown right above the backward pass that consumes its
# cache. Do not change them: the hidden tests feed your backward passes with the caches these functions
# produce.
#
# **Shapes and rows.** As before: `N` batch, `T` time steps, `D` input size, `H` hidden size; batch first
# (`x` is `(N, T, D)`, a state `(N, H)`); **row vectors**, a layer computes `x @ Wx + h_prev @ Wh + b`.
# Parameter dicts hold `Wx` `(D, kH)`, `Wh` `(H, kH)`, `b` `(kH,)`, the LSTM's four gate blocks in
# PyTorch's order **i, f, g, o**.
#
# **Caches.** A cell cache holds the step's inputs, its gate activations and states and the parameters,
# `{"x", "h_prev", "h", "p"}` for the RNN and `{"x", "h_prev", "c_prev", "i", "f", "g", "o", "c",
# "tanh_c", "h", "p"}` for the LSTM; a sequence cache holds the same keys stacked along time (axis 1) and
# `"p"` once. The given `step_cache(cache, t)` takes step `t`'s cell cache out of a sequence cache.
#
# **Gradients.** For a scalar loss $L$, the gradient of an array has **the shape of that array**, and its
# name is the array's name with a `d`: `dx` is $\partial L / \partial x$, `(N, D)` like `x`; `dWh` is
# $\partial L / \partial W_h$, `(H, kH)` like `Wh`. Every backward function returns a `dict` of them. An
# **upstream** gradient is what the rest of the network sends back to a function: `dh` is
# $\partial L / \partial h$ for the step's output; `dhs` `(N, T, H)` holds $\partial L / \partial h_t$ coming
# *from above* each step (from a loss on that step's output, or zeros where there is none) -- **not**
# what flows back from later steps, which your backward pass adds itself.
#
# The rule that makes matrix gradients easy: if `y = x @ W` and the upstream gradient is `dy` (the shape
# of `y`), then
#
# $$\texttt{dx = dy @ W.T} \qquad \texttt{dW = x.T @ dy},$$
#
# and the shapes leave you no other choice: `dx` must be `(N, D)` like `x`, and the only product of `dy`
# `(N, H)` and `W` `(D, H)` with that shape is `dy @ W.T`. Likewise a bias broadcast over the rows gets
# the **sum** of the rows, `db = dy.sum(axis=0)`, because each row used it once. An element-wise function
# `y = f(a)` multiplies element-wise: `da = dy * f'(a)`.
#
# **Numbering time.** In formulas we count like the lecture: the initial state is $h_0$ (`h0`), and $h_t$
# is the state after reading input $x_t$, $t = 1, \dots, T$. In code, arrays start at 0, so $h_t$ is
# `h[:, t - 1]` and $x_t$ is `x[:, t - 1]`.

# %% [imports]
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# %% [markdown]
# ## 1. The chain rule through time: the lecture's many-to-one RNN
#
# The lecture derives the gradient of a **many-to-one** RNN (sentiment analysis: the whole text goes in,
# one label comes out). In the notes' notation the hidden states are $o_t = f(x_t w_{inp} + o_{t-1} w_h)$,
# the prediction $\hat y$ is computed from the last state only, and the result (boxed in the notes) is
#
# $$\frac{\partial L}{\partial w_h} = \sum_{j=1}^{n} \frac{\partial L}{\partial \hat y}\,
#   \frac{\partial \hat y}{\partial o_j}\, \frac{\partial o_j}{\partial w_h}, \qquad n = \text{number of
#   time steps}.$$
#
# Why a **sum**? The same $w_h$ is used at *every* step, so nudging it changes $o_1$, $o_2$, ..., $o_n$ at
# once, and the loss feels all of these changes: one term per time step. Two of the symbols need care:
#
# * $\frac{\partial o_j}{\partial w_h}$ is the **immediate** derivative: how $o_j$ changes with $w_h$ when
#   the previous state $o_{j-1}$ is held fixed (only the use of $w_h$ *at step* $j$);
# * $\frac{\partial \hat y}{\partial o_j}$ is the **total** derivative through all later steps. $\hat y$
#   reads only $o_n$, so it is a product of step Jacobians:
#   $\frac{\partial \hat y}{\partial o_j} = \frac{\partial \hat y}{\partial o_n}
#   \frac{\partial o_n}{\partial o_{n-1}} \cdots \frac{\partial o_{j+1}}{\partial o_j}$.
#
# For $n = 3$ and scalars (one hidden unit, $f = \tanh$, so $f' = 1 - o^2$ and
# $\frac{\partial o_t}{\partial o_{t-1}} = (1 - o_t^2)\, w_h$):
#
# $$\frac{\partial L}{\partial w_h} = \frac{\partial L}{\partial o_3}\Big[
#   \underbrace{(1 - o_3^2)\, o_2}_{j = 3} +
#   \underbrace{(1 - o_3^2)\, w_h\, (1 - o_2^2)\, o_1}_{j = 2} +
#   \underbrace{(1 - o_3^2)\, w_h\, (1 - o_2^2)\, w_h\, (1 - o_1^2)\, o_0}_{j = 1}\Big].$$
#
# The term of step $j$ carries $n - j$ factors $w_h (1 - o^2)$: the further back the step, the longer the
# product. That product is the whole story of vanishing and exploding gradients (section 7).
#
# **The same in our row-vector form.** For one sample (a row), with $a_t = x_t W_x + h_{t-1} W_h + b$,
# $h_t = \tanh(a_t)$, scores $z = h_T W_y + b_y$ and $L$ the softmax cross-entropy, write
# $\delta_t = \partial L / \partial h_t$ (a row, like $h_t$). Then
#
# $$\delta_T = \frac{\partial L}{\partial z}\, W_y^\top, \qquad
#   \delta_{t-1} = \delta_t\, J_t, \qquad
#   J_t = \frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(1 - h_t^2)\, W_h^\top
#   \quad (H \times H,\ [J_t]_{ij} = \partial h_t[i] / \partial h_{t-1}[j]),$$
#
# so $\delta_t = \delta_T\, J_T J_{T-1} \cdots J_{t+1}$ (the **later** Jacobian on the **left**), and
#
# $$\frac{\partial L}{\partial W_h} = \sum_{t=1}^{T} h_{t-1}^\top \big(\delta_t \odot (1 - h_t^2)\big) =
#   \sum_{t=1}^{T} h_{t-1}^\top \Big(\big(\delta_T\, J_T \cdots J_{t+1}\big) \odot (1 - h_t^2)\Big).$$
#
# Term by term this is the lecture's formula: $\delta_T$ is $\frac{\partial L}{\partial \hat y}
# \frac{\partial \hat y}{\partial o_n}$, the product $J_T \cdots J_{t+1}$ is
# $\frac{\partial o_n}{\partial o_t}$, and $h_{t-1}^\top(\cdot \odot (1 - h_t^2))$ is the immediate
# $\frac{\partial o_t}{\partial w_h}$. Nobody computes it as written, though: the sum of products is
# evaluated backwards, one step at a time, reusing $\delta_t$ to get $\delta_{t-1}$ -- that is
# backpropagation through time, and it is what your functions do.
#
# **Erratum ("Backpropagation in RNN" notes, 01 December 2022).** Several lines of the derivation are
# wrong:
#
# * two lines read "$\frac{\partial L}{\partial \hat y} = \frac{\partial L}{\partial y}
#   \frac{\partial y}{\partial o_3} \frac{\partial o_3}{\partial o_2} \frac{\partial o_2}{\partial w_h} +
#   \dots$" and "$\frac{\partial L}{\partial \hat y} = \frac{\partial L}{\partial \hat y}
#   \frac{\partial \hat y}{\partial o_3} \frac{\partial o_3}{\partial o_2} \frac{\partial o_2}{\partial o_1}
#   \frac{\partial o_1}{\partial w_h}$". The left side must be $\frac{\partial L}{\partial w_h}$ (the
#   right sides are its $j = 2$ and $j = 1$ terms); $\frac{\partial L}{\partial \hat y}$ is the first
#   factor of every term, and the second line would say it equals itself times something else;
# * "for $j = 3$: $\frac{\partial L}{\partial \hat y}\frac{\partial \hat y}{\partial o_3}
#   \frac{\partial o_3}{\partial w_h} \to \frac{\partial L}{\partial \hat y}
#   \frac{\partial \hat y}{\partial o_3} \frac{\partial o_3}{\partial o_1}
#   \frac{\partial o_1}{\partial w_h}$": the term that goes through $\frac{\partial o_3}{\partial o_1}$ is
#   the **$j = 1$** term; the $j = 3$ term has no step Jacobian at all;
# * "$\frac{\partial o_t}{\partial o_{t-1}} = \frac{\partial o_2}{\partial o_1}
#   \frac{\partial o_3}{\partial o_2}$": a product of two step Jacobians is a two-step Jacobian,
#   $\frac{\partial o_3}{\partial o_1}$, not $\frac{\partial o_t}{\partial o_{t-1}}$; and for vectors the
#   order matters: $\frac{\partial o_3}{\partial o_1} = \frac{\partial o_3}{\partial o_2}
#   \frac{\partial o_2}{\partial o_1}$ (later step on the left; the scalars of the notes commute, matrices
#   do not);
# * "$\frac{\partial o_t}{\partial o_{t-1}} = \frac{\partial o_t}{\partial f'(x_{it} w_{inp} + o_{t-1}
#   w_h)\, w_h}$" is not a derivative of anything. The step Jacobian is a **product**:
#   $\frac{\partial o_t}{\partial o_{t-1}} = f'(x_t w_{inp} + o_{t-1} w_h)\, w_h$ (for vectors, in our
#   layout, $\operatorname{diag}(1 - h_t^2)\, W_h^\top$). The notes' annotation "[0-1]" for $f'$ holds for
#   tanh ($0 < \tanh' \le 1$, with 1 only at 0); for the sigmoid, $\sigma' \le 1/4$.
# %% [markdown]
# ## 2. One RNN step backwards
#
# The RNN step is $a = x W_x + h_{prev} W_h + b$, $h = \tanh(a)$. Given the upstream gradient
# `dh` $= \partial L / \partial h$ `(N, H)`, the chain rule goes back through the tanh, then through the
# affine map with the rule of section 0:
#
# $$\begin{aligned}
# da &= dh \odot (1 - h^2) && \tanh'(a) = 1 - \tanh^2(a) = 1 - h^2 \text{ (from the cache, no need for } a)\\
# dx &= da\, W_x^\top \ (N, D), \qquad dh_{prev} = da\, W_h^\top \ (N, H)\\
# dW_x &= x^\top da \ (D, H), \qquad dW_h = h_{prev}^\top\, da \ (H, H)\\
# db &= \textstyle\sum_n da_n \ (H,) && \text{the sum of the rows of } da
# \end{aligned}$$
#
# The weight gradients **sum over the batch** (`x.T @ da` is the sum of the per-sample outer products): the
# loss is a sum or mean over the batch, and every sample used the same weights.
#
# The first solution cell also defines the type names of the signatures (`Params`, `Cache`, `Grads`) and
# the given `rnn_cell_forward`.
# %% [solution] Params Cache Grads rnn_cell_forward rnn_cell_backward
# %% [check] rnn_cell_backward
# %% [markdown]
# ### Checking a gradient numerically
#
# A backward pass can be wrong in ways no shape check catches (a missing transpose of a square matrix, a
# `1 - h` instead of `1 - h**2`). The cure is to compare it with a **numerical** derivative: nudge one
# entry of an input by $\pm\varepsilon$ and watch the loss,
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + \varepsilon) - L(w - \varepsilon)}{2\varepsilon},
#   \qquad \varepsilon = 10^{-5},$$
#
# with an error of order $\varepsilon^2$. `seqlab.gradcheck` has the helpers (imported above):
#
# * `numerical_gradient_array(f, x, upstream)` is the gradient of $L = \sum f() \odot$ `upstream` with
#   respect to the array `x`: exactly what a backward pass should return when it receives `upstream`.
#   `f` takes no arguments and must read `x` itself (it is nudged in place and restored);
# * `relative_error(a, b)` is the largest $|a - b| / (|a| + |b|)$. In float64 a correct gradient gives
#   about $10^{-8}$ or less; $10^{-3}$ or more means a bug.
#
# (`numerical_gradient(f, x)` does the same for a function `f` that already returns a scalar loss.) Run the
# next cell once your `rnn_cell_backward` passes its check: every error should be tiny.
# %%
from seqlab.gradcheck import numerical_gradient_array, relative_error

rng = np.random.default_rng(0)
N, D, H = 3, 4, 5
x, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
p = {"Wx": rng.normal(size=(D, H)), "Wh": rng.normal(size=(H, H)), "b": rng.normal(size=H)}
dh = rng.normal(size=(N, H))  # a random upstream gradient
h, cache = rnn_cell_forward(x, h_prev, p)
if ready("rnn_cell_backward"):
    grads = rnn_cell_backward(dh, cache)
    inputs = {"dx": x, "dh_prev": h_prev, "dWx": p["Wx"], "dWh": p["Wh"], "db": p["b"]}
    for name, array in inputs.items():
        numeric = numerical_gradient_array(lambda: rnn_cell_forward(x, h_prev, p)[0], array, dh)
        print(f"{name:8s} relative error {relative_error(grads[name], numeric):.1e}")

# %% [markdown]
# ## 3. Backpropagation through time: a whole RNN layer
#
# Unrolled over time, an RNN layer is a deep network whose layers share their weights. The state $h_t$ is
# used twice: it goes **up** (to an output and its loss, `dhs[:, t - 1]`) and **right** (into step
# $t + 1$). So the gradient that reaches $h_t$ is the **sum** of the two:
#
# $$\frac{\partial L}{\partial h_t} = \underbrace{\texttt{dhs[:, t-1]}}_{\text{from above}} +
#   \underbrace{\frac{\partial L}{\partial h_{t+1}} \frac{\partial h_{t+1}}{\partial h_t}}_{\text{from
#   step } t+1 \text{: its } dh_{prev}}.$$
#
# Going backwards in time, keep the second part in a variable `dh_next` (zero after the last step, where
# there is no next step). In code, with 0-based `t`: add it to `dhs[:, t]` before calling
# `rnn_cell_backward` on step `t`'s cache, and keep the step's `dh_prev` as the next `dh_next`:
#
# ```
# dh_next = 0
# for t = T-1, ..., 0:                                          (code indices)
#     step = rnn_cell_backward(dhs[:, t] + dh_next, step_cache(cache, t))
#     dx[:, t] = step["dx"];   dh_next = step["dh_prev"]
#     dWx += step["dWx"];  dWh += step["dWh"];  db += step["db"]
# dh0 = dh_next
# ```
#
# The weight gradients **accumulate** (`+=`) over the steps: the same $W_x$, $W_h$, $b$ are used at every
# step, so -- as in section 1 -- their gradient is the sum of one term per step. (The notes: "the errors
# are calculated and accumulated for each timestep".) `dx` gets one slice per step, because each $x_t$ is
# used once, and the gradient of the initial state `dh0` is what flows out of the first step.
#
# The same function serves every topology: a **many-to-many** model has a loss on every output and
# `dhs` is nonzero everywhere; a **many-to-one** model (section 6) has `dhs` zero except at the last step,
# and then only `dh_next` carries the gradient back.
#
# The check below is the lecture's exercise of the cells assignment (inputs 1, weights 0.5, tanh, no
# bias, $h_0 = 0$, so $h_1 \approx 0.4621$, $h_2 \approx 0.6237$, $h_3 \approx 0.6706$) with a gradient
# of 1 on the last state: the scalar formula of section 1, with its three terms.

# %% [solution] stack_step_caches step_cache rnn_forward rnn_backward

# %% [check] rnn_backward

# %% [markdown]
# A numerical check of the whole layer (and of `dh0`): the loss is $\sum_t$ `dhs[:, t]` $\cdot$
# `h[:, t]`, a random many-to-many loss.

# %%
from seqlab.gradcheck import numerical_gradient_array, relative_error

rng = np.random.default_rng(1)
N, T, D, H = 2, 5, 3, 4
x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
p = {"Wx": rng.normal(size=(D, H)), "Wh": rng.normal(size=(H, H)), "b": rng.normal(size=H)}
dhs = rng.normal(size=(N, T, H))
hs, cache = rnn_forward(x, h0, p)
if ready("rnn_backward"):
    grads = rnn_backward(dhs, cache)
    inputs = {"dx": x, "dh0": h0, "dWx": p["Wx"], "dWh": p["Wh"], "db": p["b"]}
    for name, array in inputs.items():
        numeric = numerical_gradient_array(lambda: rnn_forward(x, h0, p)[0], array, dhs)
        print(f"{name:4s} relative error {relative_error(grads[name], numeric):.1e}")

# %% [markdown]
# ## 4. The LSTM backwards
#
# The LSTM step (gates i, f, g, o; $\sigma$ the sigmoid, $\odot$ element-wise):
#
# $$a = x W_x + h_{prev} W_h + b = [\,a_i \mid a_f \mid a_g \mid a_o\,], \quad
#   i = \sigma(a_i),\ f = \sigma(a_f),\ g = \tanh(a_g),\ o = \sigma(a_o), \quad
#   c = f \odot c_{prev} + i \odot g, \quad h = o \odot \tanh(c).$$
#
# An LSTM step has **two** outputs, $h$ and $c$, so it receives two upstream gradients: `dh`
# ($\partial L / \partial h$, from above and from the next step's `dh_prev`) and `dc`
# ($\partial L / \partial c$ from the next step's cell state; zero after the last step). The cell state
# $c$ reaches the loss along **two paths** -- directly into the next step, and through
# $h = o \odot \tanh(c)$ -- so its total gradient is the sum:
#
# $$dc_{total} = dc + dh \odot o \odot (1 - \tanh^2 c).$$
#
# The rest is one element-wise product per factor (the cache has $\tanh c$ as `tanh_c`):
#
# $$\begin{aligned}
# do &= dh \odot \tanh c, & di &= dc_{total} \odot g, & df &= dc_{total} \odot c_{prev}, &
#   dg &= dc_{total} \odot i, & dc_{prev} &= dc_{total} \odot f,\\
# da_o &= do \odot o(1 - o), & da_i &= di \odot i(1 - i), & da_f &= df \odot f(1 - f), &
#   da_g &= dg \odot (1 - g^2), &&
# \end{aligned}$$
#
# using $\sigma'(a) = \sigma(a)(1 - \sigma(a))$. Put the four blocks side by side **in the gate order
# i, f, g, o**, $da = [\,da_i \mid da_f \mid da_g \mid da_o\,]$ `(N, 4H)`, and finish exactly like the
# RNN step: `dx = da @ Wx.T`, `dh_prev = da @ Wh.T`, `dWx = x.T @ da`, `dWh = h_prev.T @ da`,
# `db = da.sum(0)`.
#
# Note `dc_prev` $= dc_{total} \odot f$: from one cell state to the previous one, the direct path
# multiplies the gradient by the forget gate only -- no weight matrix, no tanh'. Section 7 shows what that
# does over many steps.
#
# The check uses zero weights ($i = f = o = \tfrac12$, $g = 0$) and one unit, where every number is a
# fraction you can write down: with $c_{prev} = 0$, $c = 0$ and $\tanh c = 0$; with `dh = 1`, `dc = 0`,
# $dc_{total} = 1 \cdot \tfrac12 \cdot 1 = \tfrac12$, $da_g = \tfrac12 \cdot \tfrac12 \cdot 1 = \tfrac14$,
# `dc_prev` $= \tfrac14$, and the other three blocks vanish.

# %% [solution] sigmoid lstm_cell_forward lstm_cell_backward

# %% [check] lstm_cell_backward

# %% [markdown]
# ## 5. An LSTM layer backwards
#
# As `rnn_backward`, with two states flowing back in time: `dh_next` is added to `dhs[:, t]` and
# `dc_next` enters the step as `dc`; both start at zero after the last step, and after each step they
# become its `dh_prev` and `dc_prev`. The initial cell state is a constant zero in `lstm_forward`, so it
# gets no gradient: return `dx`, `dh0`, `dWx`, `dWh`, `db`.
#
# The check is the cells assignment's **accumulator**: saturated gates $i = f = o = 1$ (biases of 50),
# $g_t = \tanh(x_t)$, no recurrent weights, so $c_t = c_{t-1} + \tanh(x_t)$ and $h_t = \tanh(c_t)$. A
# gradient on the last state, $\partial L / \partial h_3 = 1$, enters the cell state as
# $1 - h_3^2$ and then travels back along the direct path, multiplied by $f = 1$ at every step: **it
# reaches the first step undiminished**. That is the LSTM's "constant error carousel". Since $W_h = 0$
# there is no path through $h$, so `dh0` is zero.

# %% [solution] lstm_forward lstm_backward

# %% [check] lstm_backward

# %% [markdown]
# A numerical check of your LSTM layer on a random problem:

# %%
from seqlab.gradcheck import numerical_gradient_array, relative_error

rng = np.random.default_rng(2)
N, T, D, H = 2, 4, 3, 3
x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
p = {"Wx": rng.normal(size=(D, 4 * H)), "Wh": rng.normal(size=(H, 4 * H)), "b": rng.normal(size=4 * H)}
dhs = rng.normal(size=(N, T, H))
hs, cache = lstm_forward(x, h0, p)
if ready("lstm_backward"):
    grads = lstm_backward(dhs, cache)
    inputs = {"dx": x, "dh0": h0, "dWx": p["Wx"], "dWh": p["Wh"], "db": p["b"]}
    for name, array in inputs.items():
        numeric = numerical_gradient_array(lambda: lstm_forward(x, h0, p)[0], array, dhs)
        print(f"{name:4s} relative error {relative_error(grads[name], numeric):.1e}")

# %% [markdown]
# ## 6. The many-to-one loss
#
# Now the whole model of section 1: the RNN reads the sequence, the last state is classified into $C$
# classes, and the loss is the softmax cross-entropy averaged over the batch:
#
# $$z = h_T W_y + b_y \ (N, C), \qquad p = \operatorname{softmax}(z), \qquad
#   L = \frac{1}{N}\sum_{n} -\log p_{n, y_n}.$$
#
# The gradient of softmax + cross-entropy with respect to the scores is famously simple,
# $\partial L / \partial z_n = (p_n - \mathrm{onehot}(y_n)) / N$ (the $1/N$ from the mean); from there,
#
# $$dW_y = h_T^\top dz, \qquad db_y = \textstyle\sum_n dz_n, \qquad dh_T = dz\, W_y^\top,$$
#
# and `dh_T` goes into `rnn_backward` as the upstream gradient of the **last** step, with zeros at every
# other step. Return the loss as a Python `float` and all seven gradients.
#
# Compute the softmax stably: subtract each row's maximum from the scores before `np.exp` (it cancels in
# the ratio) and take $\log p = z - \log\sum e^z$ rather than `np.log` of a probability that may round to 0.
#
# The check uses $W_y = 0$: every class then gets probability $1/C$, the loss is $\log C$ whatever the
# input, and no gradient reaches the RNN. Then one state, $T = 1$, and $W_y = [1, -1]$: with
# $a = \tanh(0.5)$ the scores are $[a, -a]$ and the loss for class 0 is $\log(1 + e^{-2a})$.

# %% [solution] many_to_one_loss

# %% [check] many_to_one_loss

# %% [markdown]
# PyTorch agrees. The next cell writes the same model with torch tensors, lets autograd compute the
# gradients (`F.cross_entropy` averages over the batch, like ours) and compares them with yours.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("torch is not installed -- skipping the comparison")
if ready("many_to_one_loss") and torch is not None:
    from seqlab.gradcheck import relative_error

    rng = np.random.default_rng(3)
    N, T, D, H, C = 4, 6, 3, 5, 3
    x, h0, y = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.integers(0, C, size=N)
    p = {"Wx": rng.normal(size=(D, H)), "Wh": rng.normal(size=(H, H)), "b": rng.normal(size=H)}
    Wy, by = rng.normal(size=(H, C)), rng.normal(size=C)
    loss, grads = many_to_one_loss(x, y, h0, p, Wy, by)

    leaves = {"x": x, "h0": h0, **p, "Wy": Wy, "by": by}
    t = {name: torch.tensor(value, requires_grad=True) for name, value in leaves.items()}
    h = t["h0"]
    for step in range(T):
        h = torch.tanh(t["x"][:, step] @ t["Wx"] + h @ t["Wh"] + t["b"])
    torch_loss = torch.nn.functional.cross_entropy(h @ t["Wy"] + t["by"], torch.from_numpy(y))
    torch_loss.backward()
    print(f"loss: yours {loss:.6f}, torch {torch_loss.item():.6f}")
    for name, tensor in t.items():
        print(f"d{name:3s} relative error {relative_error(grads['d' + name], tensor.grad.numpy()):.1e}")

# %% [markdown]
# ## 7. Vanishing and exploding gradients
#
# Section 1 showed that the gradient reaching step $t$ from the last state carries the product of Jacobians
#
# $$\frac{\partial h_T}{\partial h_t} = J_T J_{T-1} \cdots J_{t+1}, \qquad
#   J_k = \frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(1 - h_k^2)\, W_h^\top.$$
#
# Its size decides how much step $t$ can learn from the loss at step $T$. Since $0 < 1 - h_k^2 \le 1$,
#
# $$\left\lVert \frac{\partial h_T}{\partial h_t} \right\rVert \le \prod_{k = t+1}^{T} \lVert J_k \rVert \le
#   \lVert W_h \rVert^{T - t},$$
#
# so when the largest singular value of $W_h$ is below 1 the gradient from $T - t$ steps back shrinks
# **geometrically** -- the vanishing gradient: long-range dependencies ("I went to Germany ... I learnt to
# speak ...") get no learning signal. When $W_h$ is large the product can instead grow geometrically --
# the exploding gradient: one huge update throws the weights far away, and the loss becomes NaN.
# (The tanh keeps the *states* in $(-1, 1)$ -- the notes' "not letting input vectors explode" -- but not
# the gradients: with large weights and small states, $1 - h^2 \approx 1$ and nothing stops the product.)
#
# `hidden_jacobian_norms(x, h0, p)` computes $\lVert \partial h_T / \partial h_t \rVert_2$ (the spectral
# norm: `np.linalg.norm(J, ord=2)` of a matrix, or `np.linalg.norm(J, ord=2, axis=(1, 2))` for a stack)
# for every $t = 0, \dots, T$ and every sample: an `(N, T + 1)` array, with 1 at $t = T$ (the identity).
# Run `rnn_forward` once, then build the product backwards, from $t = T$ down to $t = 0$, multiplying
# the running product **on the right** by the next Jacobian $J_t$ (`(N, H, H)` stacks: `A @ B` multiplies
# matrix by matrix for every sample). Remember that $h_t$ is `hs[:, t - 1]`.
#
# By hand: with zero inputs, zero bias and $h_0 = 0$, every state stays 0, so $1 - h^2 = 1$ and
# $J_k = W_h^\top$. With $W_h = w I$ the norms are exactly $|w|^{T - t}$.
#
# **Erratum ("Problem with RNN" notes, 19 December 2022).** The chain rule there reads
# "$\frac{\partial L}{\partial h_t} = \prod_{t=2}^{100} \left(\frac{\partial h_t}{\partial h_{t-1}}\right)
# \frac{\partial h_1}{\partial w_{in}}$". The product runs over the same letter $t$ that names the left
# side, the factor $\frac{\partial L}{\partial h_{T}}$ ($T = 100$) is missing, and the expression is one
# *term* of $\frac{\partial L}{\partial w_{in}}$ (the one of step 1), not $\frac{\partial L}{\partial h_t}$.
# Correctly: $\frac{\partial L}{\partial h_1} = \frac{\partial L}{\partial h_T}
# \frac{\partial h_T}{\partial h_{T-1}} \cdots \frac{\partial h_2}{\partial h_1}$, and
# $\frac{\partial L}{\partial w_{in}} = \sum_{t=1}^{T} \frac{\partial L}{\partial h_t}
# \frac{\partial^+ h_t}{\partial w_{in}}$ (the immediate derivative, as in section 1). The same page
# writes the update as "$w_h = w_h - \eta \frac{\partial L}{\partial h_t}$": gradient descent moves a weight
# against the gradient **of the loss with respect to that weight**, $w_h \leftarrow w_h - \eta
# \frac{\partial L}{\partial w_h}$ (a sum over all steps); $\frac{\partial L}{\partial h_t}$ has the shape
# of a state, not of $w_h$.

# %% [solution] hidden_jacobian_norms

# %% [check] hidden_jacobian_norms

# %% [markdown]
# The picture: one random input sequence of $T = 40$ steps, an RNN with $H = 16$ units and $W_h = s\,Q$,
# a random orthogonal matrix $Q$ scaled by $s$ (so all singular values equal $s$). The vertical axis is
# logarithmic: a straight line is geometric decay or growth.

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("matplotlib is not installed (pip install matplotlib) -- printing instead of plotting")
rng = np.random.default_rng(0)
T, D, H = 40, 4, 16
Q, _ = np.linalg.qr(rng.normal(size=(H, H)))  # orthogonal: every singular value is 1
x = rng.normal(scale=0.5, size=(1, T, D))
Wx = rng.normal(scale=0.3, size=(D, H))
if ready("hidden_jacobian_norms"):
    curves = {}
    for scale in (0.5, 1.0, 3.0):
        p = {"Wx": Wx, "Wh": scale * Q, "b": np.zeros(H)}
        curves[f"W_h = {scale} Q"] = hidden_jacobian_norms(x, np.zeros((1, H)), p)[0]
    for label, norms in curves.items():
        print(
            f"{label:12s} ||dh_T/dh_t|| at t = 0, 10, 20, 30, 40:", " ".join(f"{v:.1e}" for v in norms[::10])
        )
    if plt is not None:
        fig, ax = plt.subplots(figsize=(7, 4))
        for label, norms in curves.items():
            ax.semilogy(np.arange(T + 1), norms, label=label)
        ax.set_xlabel("t")
        ax.set_ylabel(r"$\|\partial h_T / \partial h_t\|_2$")
        ax.set_title("vanilla RNN, T = 40: vanishing (small W_h) and exploding (large W_h) gradients")
        ax.legend()
        plt.show()

# %% [markdown]
# With $s = 0.5$ the gradient from 40 steps back is about $10^{-13}$ of the one from the last step:
# nothing the first words of a sentence did can be learnt from a loss at its end. With $s = 3$ it is about
# $10^{6}$ times larger (less than $3^{40}$: saturated units, $1 - h^2 \approx 0$, tame it a little). Even
# $s = 1$, an orthogonal $W_h$ that preserves lengths exactly, decays, because every $1 - h_k^2 < 1$.
#
# **Erratum (12.3.6-12.3.7 "Vanishing Gradient -- Solution: Activation Function - ReLU", and "Sol: Diff
# activation -> relu / leaky relu" in the "Problem with RNN" notes).** ReLU does not solve the vanishing
# gradient problem of an RNN. It removes the factor $\tanh' < 1$ (the ReLU's derivative is 1 where a unit
# is active, 0 where it is not), but each step's Jacobian $J_k = \operatorname{diag}(\mathrm{relu}'(a_k))\,
# W_h^\top$ still contains $W_h$, so $\partial h_T / \partial h_t$ is a product of $T - t$ copies of
# $W_h$ with the inactive units zeroed: the bound
# $\lVert W_h \rVert^{T - t}$ above holds unchanged, so the gradient still vanishes with small recurrent
# weights -- and with large ones both the **states** and the gradients explode, since nothing bounds a
# ReLU. The next cell repeats the experiment with $h_t = \mathrm{relu}(x_t W_x + h_{t-1} W_h)$. (What made
# ReLU RNNs trainable in practice was the initialisation, $W_h$ = identity (Le et al., 2015, "IRNN"), and
# clipping -- not the activation alone. Gated cells, the notes' other answer, do help: see below.)


# %%
def relu_rnn_jacobian_norms(x, Wx, Wh):
    """||dh_T/dh_t||_2 for t = 0..T of one sequence x (T, D) through h_t = relu(x_t Wx + h_{t-1} Wh)."""
    h, masks = np.zeros(Wh.shape[0]), []
    for x_t in x:
        a = x_t @ Wx + h @ Wh
        masks.append(a > 0)  # relu'(a): 1 where the unit is active
        h = np.maximum(a, 0.0)
    jacobian, norms = np.eye(len(h)), [1.0]
    for mask in reversed(masks):  # J_k = diag(relu'(a_k)) @ Wh.T, later Jacobians on the left
        jacobian = jacobian @ (mask[:, None] * Wh.T)
        norms.append(np.linalg.norm(jacobian, ord=2))
    return np.array(norms[::-1]), np.abs(h).max()


for scale in (0.5, 1.0, 3.0):
    norms, largest_state = relu_rnn_jacobian_norms(x[0], Wx, scale * Q)
    print(
        f"ReLU RNN, W_h = {scale} Q: ||dh_T/dh_t|| at t = 0, 10, 20, 30, 40:",
        " ".join(f"{v:.1e}" for v in norms[::10]),
        f"  largest |h_T| = {largest_state:.2g}",
    )

# %% [markdown]
# ### The LSTM's cell state
#
# In an LSTM the state is the pair $(h_t, c_t)$, and along the direct path from one cell state to the
# previous one the gradient is only multiplied by the forget gate (section 4):
# $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$ on that path. Over $T - t$ steps that is
# $\prod_k f_k$: no weight matrix and no $\tanh'$. If the forget gates stay close to 1 the gradient
# survives many steps; if they are around $\tfrac12$ it still vanishes, like $2^{-(T - t)}$.
#
# **Erratum (12.3.11 LSTM Variants, under "Peephole Convolutional LSTM": "Backpropagation from $C_t$ to
# $C_{t-1}$ requires only elementwise multiplication. No matrix multiplication $\to$ avoid vanishing
# gradient problem").** The element-wise product is by the
# forget gate, and a product of many numbers below 1 vanishes just as well. The LSTM *mitigates* the
# problem when its forget gates are open (which is why the forget-gate bias is usually initialised to 1,
# Keras' `unit_forget_bias=True`, or higher), it does not avoid it. Nor does it prevent *exploding*
# gradients in general (the paths through $h$ still multiply by $W_h$): LSTMs are routinely trained with
# gradient clipping too, although the "Problem with RNN" notes list the LSTM as a cure for both.
#
# The next cell measures $\lVert \partial h_T / \partial (h_t, c_t) \rVert_2$ for an LSTM: the Jacobian of
# the last hidden state with respect to the whole state $t$ steps earlier (an $H \times 2H$ matrix). Rather
# than derive it, it lets torch's autograd compute it, `torch.autograd.functional.jacobian`, on an LSTM
# step written with tensor operations (the same equations as `lstm_cell_forward`), for a forget-gate bias
# of 0 ($f \approx \tfrac12$) and of 1 and 3. The vanilla RNN of the same size is drawn for comparison.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("torch is not installed -- skipping the LSTM Jacobians")


def lstm_step_torch(x_t, h, c, p):
    """One LSTM step on torch tensors (gates i, f, g, o), as lstm_cell_forward."""
    a_i, a_f, a_g, a_o = (x_t @ p["Wx"] + h @ p["Wh"] + p["b"]).chunk(4, dim=1)
    c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    return torch.sigmoid(a_o) * torch.tanh(c), c


def lstm_jacobian_norms(x, p):
    """||dh_T / d(h_t, c_t)||_2 for t = 0..T of one sequence x (1, T, D), from zero states."""
    x = torch.from_numpy(x)
    p = {key: torch.from_numpy(value) for key, value in p.items()}
    T, H = x.shape[1], p["Wh"].shape[0]
    h = c = torch.zeros(1, H, dtype=x.dtype)
    states = [(h, c)]
    for t in range(T):
        h, c = lstm_step_torch(x[:, t], h, c, p)
        states.append((h, c))
    norms = []
    for t in range(T + 1):

        def last_state(h, c, t=t):  # h_T as a function of the state after step t
            for k in range(t, T):
                h, c = lstm_step_torch(x[:, k], h, c, p)
            return h

        dh, dc = torch.autograd.functional.jacobian(last_state, states[t])
        jacobian = torch.cat([dh.reshape(H, H), dc.reshape(H, H)], dim=1)  # (H, 2H)
        norms.append(torch.linalg.matrix_norm(jacobian, ord=2).item())
    return np.array(norms)


if ready("hidden_jacobian_norms") and torch is not None:
    rng = np.random.default_rng(0)  # the same input sequence as in the RNN plot above
    T, D, H = 40, 4, 16
    Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    x = rng.normal(scale=0.5, size=(1, T, D))
    Wx = rng.normal(scale=0.3, size=(D, H))
    rng = np.random.default_rng(4)
    curves = {}
    p = {"Wx": Wx, "Wh": rng.normal(scale=1 / np.sqrt(H), size=(H, H)), "b": np.zeros(H)}
    curves["RNN"] = hidden_jacobian_norms(x, np.zeros((1, H)), p)[0]
    Wx4, Wh4 = rng.normal(scale=0.3, size=(D, 4 * H)), rng.normal(scale=1 / np.sqrt(H), size=(H, 4 * H))
    for forget_bias in (0.0, 1.0, 3.0):
        b = np.zeros(4 * H)
        b[H : 2 * H] = forget_bias  # the f block
        curves[f"LSTM, forget bias {forget_bias:g}"] = lstm_jacobian_norms(x, {"Wx": Wx4, "Wh": Wh4, "b": b})
    for label, norms in curves.items():
        print(f"{label:22s} at t = 0, 10, 20, 30, 40:", " ".join(f"{v:.1e}" for v in norms[::10]))
    if plt is not None:
        fig, ax = plt.subplots(figsize=(7, 4))
        for label, norms in curves.items():
            ax.semilogy(np.arange(T + 1), norms, label=label)
        ax.set_xlabel("t")
        ax.set_ylabel("Jacobian norm of h_T w.r.t. the state at t")
        ax.set_title("RNN vs LSTM, T = 40")
        ax.legend()
        plt.show()

# %% [markdown]
# What the curves say: with a forget-gate bias of 0 ($f \approx \tfrac12$) the LSTM's gradient vanishes
# *faster* than the vanilla RNN's -- gates alone are no cure. With a bias of 1 the forget gates stay mostly
# open and the state 40 steps back still has a sizeable influence on $h_T$. With a bias of 3 the influence
# even **grows** with the distance: an LSTM can have exploding gradients too, which is one reason to clip.

# %% [markdown]
# ## 8. Gradient clipping
#
# Exploding gradients have a blunt but effective cure (the notes: "gradient clipping to scale big
# gradient"): before each update, if the gradient is too long, shorten it. PyTorch's
# `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` treats **all** gradients of the model as one long
# vector $g$ (every entry of `dWx`, `dWh`, `db`, ...) and computes
#
# $$\text{total} = \lVert g \rVert_p, \qquad \text{coef} = \frac{\mathrm{max\_norm}}{\text{total} + 10^{-6}},
#   \qquad g \leftarrow \min(\text{coef}, 1)\; g.$$
#
# Details that matter, and that the hidden tests compare with PyTorch:
#
# * the norm is **global**, over all gradients together: every gradient is scaled by the *same* factor, so
#   the update keeps its direction. (Clipping each array by its own norm would change the direction.);
# * clipping **only shrinks**: when the gradient is already short (coef $\ge 1$) it is left as it is;
# * the $10^{-6}$ avoids dividing by zero, and means that a gradient whose norm is *exactly* `max_norm`
#   is still multiplied by $\mathrm{max\_norm} / (\mathrm{max\_norm} + 10^{-6})$, a hair below 1;
# * `norm_type` is $p$: $\lVert g \rVert_p = (\sum |g_i|^p)^{1/p}$, 2 by default; `float("inf")` means
#   the largest $|g_i|$;
# * the function returns the clipped gradients as **new** arrays (do not change the inputs) and the total
#   norm *before* clipping, as a Python `float` (PyTorch returns it too; it is worth logging during
#   training).
#
# The 3-4-5 triangle: gradients $3$ and $4$ have global norm $5$; clipped to norm 1 they become $0.6$ and
# $0.8$.

# %% [solution] clip_grad_norm

# %% [check] clip_grad_norm

# %% [markdown]
# PyTorch does the same (where torch is installed):

# %%
try:
    import torch
except ImportError:
    torch = None
    print("torch is not installed -- skipping the comparison")
if ready("clip_grad_norm") and torch is not None:
    rng = np.random.default_rng(5)
    grads = {"dWx": rng.normal(size=(3, 4)), "dWh": rng.normal(size=(4, 4)), "db": rng.normal(size=4)}
    parameters = []
    for value in grads.values():
        parameter = torch.nn.Parameter(torch.zeros(value.shape, dtype=torch.float64))
        parameter.grad = torch.tensor(value)
        parameters.append(parameter)
    torch_total = torch.nn.utils.clip_grad_norm_(parameters, max_norm=1.0)
    clipped, total = clip_grad_norm(grads, 1.0)
    print(f"total norm: yours {total:.6f}, torch {torch_total.item():.6f}")
    for (name, value), parameter in zip(clipped.items(), parameters, strict=True):
        print(f"{name:4s} largest difference {np.abs(value - parameter.grad.numpy()).max():.1e}")

# %% [markdown]
# ### Clipping by value
#
# The cruder alternative, `torch.nn.utils.clip_grad_value_(parameters, clip_value)`, clips every entry
# separately into $[-\mathrm{clip\_value}, \mathrm{clip\_value}]$ (`np.clip`). It is cheaper -- no norm to
# compute -- but it changes the **direction** of the gradient: $(3, 4)$ clipped at 1 becomes $(1, 1)$, which
# points elsewhere, while the norm clipping gives $(0.6, 0.8)$. Return new arrays under the same names.

# %% [solution] clip_grad_value

# %% [check] clip_grad_value

# %% [markdown]
# ## 9. Truncated backpropagation through time
#
# Full BPTT over a long sequence (a book, a year of sensor readings) costs memory proportional to $T$ -- the
# caches of every step -- and its far-back terms are mostly vanishing anyway. **Truncated** BPTT cuts the
# sequence into chunks of $k$ steps, $[0, k), [k, 2k), \dots$ (code indices). The forward pass runs over
# the whole sequence, and each chunk starts from the state the previous chunk ended in (the state is
# *carried*), but that state is treated as a **constant**: no gradient flows from one chunk into the
# previous one. In PyTorch this is `h = h.detach()` at every chunk boundary:
#
# ```
# h = h0
# for t in range(T):
#     if t > 0 and t % k == 0:
#         h = h.detach()                 # keep the value, forget how it was computed
#     h = torch.tanh(x[:, t] @ Wx + h @ Wh + b)
# ```
#
# In your backward loop, that means setting `dh_next` to zero whenever it would cross from a chunk's first
# step `t` (`t > 0` and `t % k == 0`) into step `t - 1`; everything else is `rnn_backward`. Within a chunk
# the terms of section 1 are kept; the terms that would reach across a boundary are dropped. So:
#
# * `k >= T` is one chunk: full BPTT, exactly `rnn_backward`;
# * `k = 1` keeps only each step's **own** term (the immediate derivatives, no step Jacobian at all);
# * `dh0` is nonzero only through the first chunk (the later chunks' gradients stop at their boundary);
# * `k < 1` is meaningless: raise a `ValueError`.
#
# This is the common $k_1 = k_2 = k$ form (PyTorch language-model training loops: forward $k$ steps,
# backward, detach, continue). The notes' description -- "the sequence is processed one timestep at a
# time; update is performed for a fixed number of time steps" -- is Williams and Peng's more general
# TBPTT($k_1$, $k_2$): every $k_1$ steps, backpropagate $k_2$ steps.
#
# `truncated_bptt_grads(x, h0, p, dhs, k)` runs the forward pass itself (with the given `rnn_forward`),
# then backwards with the truncation. In the check, the lecture's exercise again ($T = 3$, weights 0.5):
# with `k = 2` the chunks are steps {1, 2} and {3} (lecture numbering), so the gradient of $h_3$ stops at
# the boundary and never reaches steps 1 and 2.

# %% [solution] truncated_bptt_grads

# %% [check] truncated_bptt_grads

# %% [markdown]
# PyTorch agrees: the next cell runs the loop above with `detach` and compares autograd's weight gradients
# with yours for several chunk lengths.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("torch is not installed -- skipping the comparison")
if ready("truncated_bptt_grads") and torch is not None:
    from seqlab.gradcheck import relative_error

    rng = np.random.default_rng(6)
    N, T, D, H = 2, 7, 3, 4
    x, h0, dhs = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, T, H))
    p = {"Wx": rng.normal(size=(D, H)), "Wh": rng.normal(size=(H, H)), "b": rng.normal(size=H)}
    for k in (1, 2, 3, 7):
        t = {name: torch.tensor(value, requires_grad=True) for name, value in p.items()}
        h, states = torch.tensor(h0), []
        for step in range(T):
            if step > 0 and step % k == 0:
                h = h.detach()
            h = torch.tanh(torch.from_numpy(x[:, step]) @ t["Wx"] + h @ t["Wh"] + t["b"])
            states.append(h)
        (torch.stack(states, dim=1) * torch.from_numpy(dhs)).sum().backward()
        grads = truncated_bptt_grads(x, h0, p, dhs, k)
        errors = [relative_error(grads["d" + name], t[name].grad.numpy()) for name in p]
        print(f"k = {k}: relative errors of dWx, dWh, db:", ", ".join(f"{error:.1e}" for error in errors))

# %% [markdown]
# ## Summary
#
# * Backpropagation through time is ordinary backpropagation on the unrolled network. Because the weights
#   are shared, their gradients are **sums over time steps**; because each state feeds the next step and
#   an output, the gradient reaching a state is the **sum** of what comes from above and from the right.
# * The gradient from $T - t$ steps back carries a product of $T - t$ step Jacobians
#   $\operatorname{diag}(1 - h^2)\, W_h^\top$. Its norm shrinks or grows geometrically: vanishing and
#   exploding gradients. A different activation does not change that; gating (the LSTM's forget gate, when
#   it is open) and initialisation help against vanishing, clipping against exploding.
# * Clipping by the global norm shrinks all gradients by one factor and keeps the direction; clipping by
#   value changes it.
# * Truncated BPTT trades the far-back terms for memory and speed.
