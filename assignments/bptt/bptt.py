r"""Backpropagation through time: the backward passes of the RNN and LSTM, clipping, truncation, Jacobians.

Conventions (the ``cells`` assignment's, unchanged)
---------------------------------------------------
* Shapes: ``N`` batch, ``T`` time steps (``T >= 1``), ``D`` input size, ``H`` hidden size; batch first:
  ``x`` is ``(N, T, D)``, a state ``(N, H)``. Row vectors: a layer computes ``x @ Wx + h @ Wh + b``.
* Parameter dicts ``p = {"Wx": (D, kH), "Wh": (H, kH), "b": (kH,)}`` with the gate blocks side by side
  (LSTM ``i, f, g, o``).
* No function changes its arguments: caches, parameter dicts, upstream gradients and gradient dicts are
  only read, and every array a function returns is new (it shares no memory with an argument).
* The forward passes below are *given*: they are the ``cells`` assignment's, and return ``(out, cache)``
  with the cache that assignment documents (a cell cache holds the step's inputs, its gate activations and
  states and ``"p"``; a sequence cache the same keys stacked along axis 1, ``"p"`` once).

Gradients
---------
A gradient has the shape of what it is the gradient of, and its name is that thing's name with a ``d``:
``dx``, ``dh_prev``, ``dWx``, ``dWh``, ``db``, ... Every backward function returns a ``dict`` of them. An
*upstream* gradient is what the rest of the network sends back: ``dh`` is ``dL/dh`` for the step's output,
``dhs`` (N, T, H) is ``dL/dh_t`` coming from *above* every step (a loss on each output, or zeros where
there is none) -- not including what flows back from later steps, which the backward pass adds itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Params = dict[str, Any]
Cache = dict[str, Any]
Grads = dict[str, np.ndarray]


# ---------------------------------------------------------------------------------------------------------
# Given: the forward passes of the `cells` assignment (caches included)
# ---------------------------------------------------------------------------------------------------------


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``, written as ``(1 + tanh(a / 2)) / 2`` (never overflows)."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def stack_step_caches(step_caches: Sequence[Cache]) -> Cache:
    """Stack ``T >= 1`` cell caches along a new time axis 1 (``"p"`` kept once): the sequence cache."""
    if not step_caches:
        raise ValueError("a sequence needs at least one time step (T >= 1)")
    keys = [key for key in step_caches[0] if key != "p"]
    cache: Cache = {key: np.stack([step[key] for step in step_caches], axis=1) for key in keys}
    cache["p"] = step_caches[0]["p"]
    return cache


def step_cache(cache: Cache, t: int) -> Cache:
    """Step ``t``'s cell cache, taken out of a sequence cache."""
    return {key: value if key == "p" else value[:, t] for key, value in cache.items()}


def rnn_cell_forward(x: np.ndarray, h_prev: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """``h = tanh(x @ Wx + h_prev @ Wh + b)``; cache ``{"x", "h_prev", "h", "p"}``."""
    h = np.tanh(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])
    return h, {"x": x, "h_prev": h_prev, "h": h, "p": p}


def rnn_forward(x: np.ndarray, h0: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """The RNN over ``x`` (N, T, D) from ``h0``: ``(h, cache)`` with ``h`` (N, T, H)."""
    h, steps = h0, []
    for t in range(x.shape[1]):
        h, step = rnn_cell_forward(x[:, t], h, p)
        steps.append(step)
    cache = stack_step_caches(steps)
    return cache["h"], cache


def lstm_cell_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: Params
) -> tuple[np.ndarray, np.ndarray, Cache]:
    """One LSTM step (gates i, f, g, o): ``c = f * c_prev + i * g``, ``h = o * tanh(c)``."""
    a_i, a_f, a_g, a_o = np.split(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"], 4, axis=1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache


def lstm_forward(x: np.ndarray, h0: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """The LSTM over ``x`` (N, T, D) from ``h0`` and ``c = 0``: ``(h, cache)`` with ``h`` (N, T, H)."""
    h, c, steps = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        h, c, step = lstm_cell_forward(x[:, t], h, c, p)
        steps.append(step)
    cache = stack_step_caches(steps)
    return cache["h"], cache


# ---------------------------------------------------------------------------------------------------------
# The backward passes
# ---------------------------------------------------------------------------------------------------------


def rnn_cell_backward(dh: np.ndarray, cache: Cache) -> Grads:
    r"""Backward pass of one RNN step ``h = tanh(a)``, ``a = x @ Wx + h_prev @ Wh + b``::

        da      = dh * (1 - h**2)          (tanh'(a) = 1 - tanh(a)**2 = 1 - h**2)
        dx      = da @ Wx.T                (N, D)
        dh_prev = da @ Wh.T                (N, H)
        dWx     = x.T @ da                 (D, H)
        dWh     = h_prev.T @ da            (H, H)
        db      = da.sum(axis=0)           (H,)

    Args:
        dh: ``(N, H)`` upstream gradient ``dL/dh``.
        cache: the cell cache of ``rnn_cell_forward`` (``"x", "h_prev", "h", "p"``).

    Returns:
        ``{"dx", "dh_prev", "dWx", "dWh", "db"}``, new arrays (``dh`` and the cache are not changed).
    """
    raise NotImplementedError("rnn_cell_backward is not implemented yet")


def rnn_backward(dhs: np.ndarray, cache: Cache) -> Grads:
    r"""Backpropagation through time for a whole RNN sequence.

    The state ``h_t`` feeds the loss (through ``dhs[:, t]``) *and* the next step, so going backwards in
    time the gradient reaching it is the sum of both::

        dh_next = 0
        for t = T-1, ..., 0:
            step grads = rnn_cell_backward(dhs[:, t] + dh_next, step t's cache)
            dx[:, t] = step dx;   dh_next = step dh_prev
            dWx, dWh, db += step dWx, dWh, db        (the same weights are used at every step)
        dh0 = dh_next

    Args:
        dhs: ``(N, T, H)`` upstream gradients ``dL/dh_t`` from above each step.
        cache: the sequence cache of ``rnn_forward``.

    Returns:
        ``{"dx": (N, T, D), "dh0": (N, H), "dWx": (D, H), "dWh": (H, H), "db": (H,)}`` (``dhs`` and the
        cache are not changed: add ``dh_next`` to a copy, ``dhs[:, t] + dh_next``, not into ``dhs``).
    """
    raise NotImplementedError("rnn_backward is not implemented yet")


def lstm_cell_backward(dh: np.ndarray, dc: np.ndarray, cache: Cache) -> Grads:
    r"""Backward pass of one LSTM step (``a = x @ Wx + h_prev @ Wh + b`` split into ``a_i, a_f, a_g, a_o``).

    The cell state is reached twice, directly (``dc``, from the next step) and through ``h = o * tanh(c)``::

        do      = dh * tanh_c
        dc_all  = dc + dh * o * (1 - tanh_c**2)
        di, df, dg, dc_prev = dc_all * g, dc_all * c_prev, dc_all * i, dc_all * f
        da      = [di * i(1-i) | df * f(1-f) | dg * (1-g**2) | do * o(1-o)]       (N, 4H)
        dx = da @ Wx.T,  dh_prev = da @ Wh.T,  dWx = x.T @ da,  dWh = h_prev.T @ da,  db = da.sum(0)

    Args:
        dh: ``(N, H)`` upstream ``dL/dh``.
        dc: ``(N, H)`` upstream ``dL/dc`` (from the next step's cell state; zeros at the last step).
        cache: the cell cache of ``lstm_cell_forward``.

    Returns:
        ``{"dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"}``, new arrays (``dh``, ``dc`` and the cache are not
        changed).
    """
    raise NotImplementedError("lstm_cell_backward is not implemented yet")


def lstm_backward(dhs: np.ndarray, cache: Cache) -> Grads:
    r"""Backpropagation through time for a whole LSTM sequence (``c`` starts at 0, so it has no gradient).

    As ``rnn_backward``, with two states flowing back: ``dh_next`` adds to ``dhs[:, t]`` and ``dc_next``
    enters the step as ``dc``; both start at zero after the last step.

    Args:
        dhs: ``(N, T, H)`` upstream gradients ``dL/dh_t`` from above each step.
        cache: the sequence cache of ``lstm_forward``.

    Returns:
        ``{"dx": (N, T, D), "dh0": (N, H), "dWx": (D, 4H), "dWh": (H, 4H), "db": (4H,)}`` (``dhs`` and the
        cache are not changed).
    """
    raise NotImplementedError("lstm_backward is not implemented yet")


def many_to_one_loss(
    x: np.ndarray, y: np.ndarray, h0: np.ndarray, p: Params, Wy: np.ndarray, by: np.ndarray
) -> tuple[float, Grads]:
    r"""Loss and gradients of the lecture's many-to-one RNN (e.g. sentiment of a sentence).

    The RNN reads the whole sequence; only its last state is classified::

        h = rnn_forward(x, h0, p);  h_T = h[:, -1]                       (N, H)
        z = h_T @ Wy + by                                                 (N, C) class scores
        L = mean_n( -log softmax(z_n)[y_n] )                              softmax cross-entropy
        dz = (softmax(z) - onehot(y)) / N;  dWy = h_T.T @ dz;  dby = dz.sum(0);  dh_T = dz @ Wy.T

    and ``dh_T`` flows back through time (``rnn_backward`` with ``dhs`` zero except the last step): the
    lecture's ``dL/dW_h = sum_j dL/dy dy/do_j do_j/dW_h``, one term per time step.

    Args:
        x: ``(N, T, D)`` inputs; y: ``(N,)`` integer class labels in ``[0, C)``.
        h0: ``(N, H)`` initial state; p: the RNN's parameter dict.
        Wy: ``(H, C)`` output weights; by: ``(C,)`` output bias.

    Returns:
        A tuple ``(loss, grads)``: ``loss`` a Python float; ``grads`` a dict with ``"dx", "dh0", "dWx",
        "dWh", "db", "dWy", "dby"``. The inputs are not changed.
    """
    raise NotImplementedError("many_to_one_loss is not implemented yet")


def clip_grad_norm(
    grads: Mapping[str, np.ndarray], max_norm: float, norm_type: float = 2.0
) -> tuple[Grads, float]:
    r"""Clip gradients by their *global* norm, as ``torch.nn.utils.clip_grad_norm_``.

    All gradients are seen as one long vector ``g``::

        total = ||g||_p   (p = norm_type; p = inf: the largest |entry|)
        coef  = max_norm / (total + 1e-6);   if coef < 1: every gradient *= coef

    so the direction is kept and only the length shrinks (never grows). Clipping each gradient by its own
    norm would change the direction.

    Args:
        grads: name -> gradient array.
        max_norm: the largest allowed global norm (> 0).
        norm_type: ``p`` of the norm (2.0 by default; ``float("inf")`` allowed).

    Returns:
        A tuple ``(clipped, total)``: a dict of new arrays under the same names (the inputs are not changed,
        not even when nothing needs clipping) and the global norm *before* clipping, as a Python float.
    """
    raise NotImplementedError("clip_grad_norm is not implemented yet")


def clip_grad_value(grads: Mapping[str, np.ndarray], clip_value: float) -> Grads:
    """Clip every entry of every gradient to ``[-clip_value, clip_value]``, as ``clip_grad_value_``.

    Returns:
        A dict of new arrays under the same names (the inputs are not changed).
    """
    raise NotImplementedError("clip_grad_value is not implemented yet")


def truncated_bptt_grads(x: np.ndarray, h0: np.ndarray, p: Params, dhs: np.ndarray, k: int) -> Grads:
    r"""RNN gradients when backpropagation through time is truncated to chunks of ``k`` steps.

    The sequence is processed in chunks ``[0, k), [k, 2k), ...``; the state entering a chunk is treated as a
    constant (``h.detach()`` in torch), so no gradient flows from one chunk into the previous one::

        h = h0
        for t in range(T):
            if t > 0 and t % k == 0: h = h.detach()
            h = tanh(x_t Wx + h Wh + b)

    Backwards, that is ``rnn_backward`` with ``dh_next`` set to zero whenever it would cross from step
    ``t`` (a chunk start, ``t > 0``) into step ``t - 1``. ``k >= T`` is full BPTT; ``k = 1`` keeps only each
    step's own term.

    Args:
        x: ``(N, T, D)``; h0: ``(N, H)``; p: the RNN's parameter dict.
        dhs: ``(N, T, H)`` upstream gradients from above each step.
        k: chunk length, ``k >= 1``.

    Returns:
        ``{"dx", "dh0", "dWx", "dWh", "db"}`` as ``rnn_backward`` (``dh0`` is nonzero only through the first
        chunk). The inputs are not changed.

    Raises:
        ValueError: if ``k < 1``.
    """
    raise NotImplementedError("truncated_bptt_grads is not implemented yet")


def hidden_jacobian_norms(x: np.ndarray, h0: np.ndarray, p: Params) -> np.ndarray:
    r"""How much the last state of an RNN depends on each earlier one: ``||dh_T / dh_t||_2`` for every t.

    With the lecture's numbering (``h_0 = h0`` the initial state, ``h_t`` the state after reading the t-th
    input, so ``h_t`` is ``rnn_forward(x, h0, p)[0][:, t - 1]``), one step's Jacobian is

        dh_t / dh_{t-1} = diag(1 - h_t**2) @ Wh.T            (H, H), entry [i, j] = d h_t[i] / d h_{t-1}[j]

    and the chain rule multiplies them: ``dh_T/dh_t = dh_T/dh_{T-1} @ ... @ dh_{t+1}/dh_t``. The spectral
    norm (largest singular value) of that product shrinks geometrically when the recurrent weights are
    small (vanishing gradients) and can grow when they are large (exploding ones).

    Args:
        x: ``(N, T, D)``; h0: ``(N, H)``; p: the RNN's parameter dict.

    Returns:
        ``(N, T + 1)``: ``norms[n, t] = ||dh_T / dh_t||_2`` for example ``n``, ``t = 0 .. T``
        (``norms[:, T] = 1``, the identity). The inputs are not changed.
    """
    raise NotImplementedError("hidden_jacobian_norms is not implemented yet")
