r"""Recurrent cells from scratch: RNN, LSTM, GRU, bidirectional and stacked layers, in numpy and torch.

Conventions used by every function of this assignment
-----------------------------------------------------
* Shapes: ``N`` batch size, ``T`` time steps, ``D`` input size, ``H`` hidden size. Arrays are batch first:
  a sequence ``x`` is ``(N, T, D)``, one time step ``x_t`` is ``(N, D)``, a hidden state ``h`` is ``(N, H)``.
* Row-vector convention: a layer computes ``x @ Wx + h @ Wh + b`` (never ``W @ x``).
* Dtypes: float32 inputs keep float32, so every array a numpy function returns is then float32 (create new
  arrays with ``np.zeros_like(h0)`` or ``dtype=x.dtype``: ``np.zeros(shape)`` alone is float64). float64
  inputs are computed in float64; a float32 computation is accepted too, within float32's precision.
* No function changes its arguments: input arrays, states, parameter dicts and lists of them are only read
  (a cache refers to the inputs themselves, so changing one would change the cache too).
* ``sigma(a) = 1 / (1 + exp(-a))`` is the logistic sigmoid, ``*`` is the element-wise product.
* A *parameter dict* ``p`` holds one layer's weights, the ``k`` gates stacked side by side in PyTorch's
  gate order (``k = 1`` RNN, ``k = 4`` LSTM with order ``i, f, g, o``, ``k = 3`` GRU with order
  ``r, z, n``)::

      p["Wx"]  (D, k*H)   input-to-hidden weights, gate j in columns  j*H : (j+1)*H
      p["Wh"]  (H, k*H)   hidden-to-hidden weights, same column blocks
      p["b"]   (k*H,)     one bias per gate unit (PyTorch's layout has two: bias_ih + bias_hh)

  The peephole LSTM adds three diagonal peephole weight vectors ``p["Pi"], p["Pf"], p["Po"]``, each
  ``(H,)`` (see ``peephole_lstm_cell_forward``).
* Relation to ``torch.nn``: ``weight_ih = Wx.T`` (k*H, D), ``weight_hh = Wh.T`` (k*H, H),
  ``bias_ih + bias_hh = b``.

Return values and the cache (what the ``bptt`` assignment consumes)
-------------------------------------------------------------------
The numpy cell and sequence forwards return a CS231n-style tuple: the outputs first, then a ``cache``::

    rnn_cell_forward(x, h_prev, p)                    -> (h, cache)
    rnn_forward(x, h0, p)                             -> (h, cache)      h: (N, T, H), every hidden state
    lstm_cell_forward(x, h_prev, c_prev, p)           -> (h, c, cache)
    lstm_forward(x, h0, p)                            -> (h, cache)      h: (N, T, H)  (c0 = zeros)
    gru_cell_forward(x, h_prev, p)                    -> (h, cache)
    gru_forward(x, h0, p)                             -> (h, cache)      h: (N, T, H)
    peephole_lstm_cell_forward(x, h_prev, c_prev, p)  -> (h, c, cache)

so the contract's "``rnn_forward`` -> (N, T, H)" is the *first* element of the tuple. The composite
layers run the sequence forwards and return the output array alone (no backward pass consumes them)::

    bidirectional_forward(x, h0_f, h0_b, p_f, p_b, cell) -> (N, T, 2H)
    stacked_forward(x, h0s, ps, cell)                    -> (N, T, H_last)

The cache is a plain ``dict``. A *cell* cache holds the step's inputs, its gate activations (after the
nonlinearity) and its states, plus the parameter dict itself under ``"p"`` (the same object, not a copy)::

    RNN    {"x": (N, D), "h_prev": (N, H), "h": (N, H), "p": p}
    LSTM   {"x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h", "p"}
           x (N, D); all others (N, H); tanh_c = tanh(c)
    GRU    {"x", "h_prev", "r", "z", "n", "h", "p"}
           x (N, D); all others (N, H); n is the candidate state h~
    peephole LSTM: the LSTM keys (its "p" also holds Pi, Pf, Po)

Sequences have ``T >= 1`` steps. A sequence forward is its cell function in a loop over time, and the given
``stack_step_caches`` turns the step caches into the *sequence* cache. It has exactly the keys of the cell
cache, every array stacked along a new time axis 1
(``"x"`` is the input ``(N, T, D)``, ``"h_prev"`` is ``(N, T, H)`` with ``h_prev[:, 0] = h0`` and
``h_prev[:, t] = h[:, t-1]``, ``"h"`` is the returned ``(N, T, H)``, and so on), and ``"p"`` once. Step
``t``'s cell cache is therefore ``{k: v if k == "p" else v[:, t] for k, v in cache.items()}``.

The torch functions (``*_torch``) return the hidden states ``(N, T, H)`` only: autograd keeps what the
backward pass needs. They use tensor operations only (no ``nn.RNN``/``nn.LSTM``/``nn.GRU``), loop over
time but never over the batch, and return a tensor on the inputs' device with the inputs' dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # torch is only needed by the *_torch functions, which import it themselves
    import torch

Params = dict[str, Any]
Cache = dict[str, Any]
CELLS = ("rnn", "lstm", "gru")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``, written as ``(1 + tanh(a / 2)) / 2``.

    Both formulas are the same function, but this one never overflows: for ``a = -1000`` the first needs
    ``exp(1000)`` (infinite), the second gives exactly ``0.0``. Keeps the input's dtype. (Given.)
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def stack_step_caches(step_caches: Sequence[Cache]) -> Cache:
    """Turn the ``T >= 1`` cell caches of a sequence into one sequence cache. (Given.)

    Every array entry is stacked along a new time axis 1 (``(N, ...)`` per step -> ``(N, T, ...)``); the
    parameter dict ``"p"`` is kept once.
    """
    if not step_caches:
        raise ValueError("a sequence needs at least one time step (T >= 1)")
    keys = [key for key in step_caches[0] if key != "p"]
    cache: Cache = {key: np.stack([step[key] for step in step_caches], axis=1) for key in keys}
    cache["p"] = step_caches[0]["p"]
    return cache


def rnn_cell_forward(x: np.ndarray, h_prev: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """One step of a vanilla (Elman) RNN with tanh::

        h = tanh(x @ Wx + h_prev @ Wh + b)

    Args:
        x: ``(N, D)`` input at this step.
        h_prev: ``(N, H)`` previous hidden state.
        p: ``{"Wx": (D, H), "Wh": (H, H), "b": (H,)}``.

    Returns:
        A tuple ``(h, cache)``: ``h`` is ``(N, H)``; ``cache = {"x": x, "h_prev": h_prev, "h": h, "p": p}``.
        States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    h = np.tanh(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])
    return h, {"x": x, "h_prev": h_prev, "h": h, "p": p}
    ### END SOLUTION


def rnn_forward(x: np.ndarray, h0: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """Run a tanh RNN over a whole sequence::

        h_{-1} = h0,   h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)   for t = 0 .. T-1

    Args:
        x: ``(N, T, D)`` input sequence.
        h0: ``(N, H)`` initial hidden state.
        p: ``{"Wx": (D, H), "Wh": (H, H), "b": (H,)}``.

    Returns:
        ``(h, cache)``: ``h`` is ``(N, T, H)`` with ``h[:, t] = h_t``; ``cache`` holds ``"x"`` ``(N, T, D)``,
        ``"h_prev"`` ``(N, T, H)`` (the state entering each step), ``"h"`` ``(N, T, H)`` and ``"p"``.
        A tuple. States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    state, steps = h0, []
    for t in range(x.shape[1]):
        state, step = rnn_cell_forward(x[:, t], state, p)
        steps.append(step)
    cache = stack_step_caches(steps)
    return cache["h"], cache
    ### END SOLUTION


def lstm_cell_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: Params
) -> tuple[np.ndarray, np.ndarray, Cache]:
    """One step of an LSTM (gate order i, f, g, o as in PyTorch)::

        a = x @ Wx + h_prev @ Wh + b                   (N, 4H), split into blocks a_i, a_f, a_g, a_o
        i = sigma(a_i)   f = sigma(a_f)   g = tanh(a_g)   o = sigma(a_o)
        c = f * c_prev + i * g
        h = o * tanh(c)

    Args:
        x: ``(N, D)`` input at this step.
        h_prev: ``(N, H)`` previous hidden state.
        c_prev: ``(N, H)`` previous cell state.
        p: ``{"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}``.

    Returns:
        ``(h, c, cache)``: ``h`` and ``c`` are ``(N, H)``; ``cache`` has the keys ``"x", "h_prev", "c_prev",
        "i", "f", "g", "o", "c", "tanh_c", "h", "p"``.
        A tuple. States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    hidden = h_prev.shape[1]
    a = x @ p["Wx"] + h_prev @ p["Wh"] + p["b"]
    i = sigmoid(a[:, :hidden])
    f = sigmoid(a[:, hidden : 2 * hidden])
    g = np.tanh(a[:, 2 * hidden : 3 * hidden])
    o = sigmoid(a[:, 3 * hidden :])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
    ### END SOLUTION


def lstm_forward(x: np.ndarray, h0: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """Run an LSTM over a whole sequence, starting from ``h0`` and a zero cell state::

        h_{-1} = h0,  c_{-1} = 0,  (h_t, c_t) = lstm_cell(x_t, h_{t-1}, c_{t-1})   for t = 0 .. T-1

    (``lstm_cell`` as in ``lstm_cell_forward``.)

    Args:
        x: ``(N, T, D)`` input sequence.
        h0: ``(N, H)`` initial hidden state.
        p: ``{"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}``.

    Returns:
        ``(h, cache)``: ``h`` is ``(N, T, H)``; ``cache`` has the keys of the cell cache, every array stacked
        along axis 1 (``"x"`` ``(N, T, D)``, the others ``(N, T, H)``), and ``"p"``.
        A tuple. States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    h, c, steps = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        h, c, step = lstm_cell_forward(x[:, t], h, c, p)
        steps.append(step)
    cache = stack_step_caches(steps)
    return cache["h"], cache
    ### END SOLUTION


def gru_cell_forward(x: np.ndarray, h_prev: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """One step of the lecture's GRU (reset gate applied *before* the hidden product)::

        r  = sigma(x @ Wr + h_prev @ Ur + br)                     reset gate
        z  = sigma(x @ Wz + h_prev @ Uz + bz)                     update gate
        n  = tanh(x @ Wn + (r * h_prev) @ Un + bn)                candidate state h~
        h  = (1 - z) * h_prev + z * n

    The blocks are stacked in PyTorch's gate order r, z, n: ``Wx = [Wr | Wz | Wn]`` (D, 3H),
    ``Wh = [Ur | Uz | Un]`` (H, 3H), ``b = [br | bz | bn]`` (3H,).

    This is *not* ``torch.nn.GRUCell``, which computes ``n = tanh(x Wn + b_in + r * (h Un + b_hn))`` (reset
    after the hidden product) and ``h = (1 - z) * n + z * h_prev`` (the roles of z and 1 - z swapped).

    Args:
        x: ``(N, D)`` input at this step.
        h_prev: ``(N, H)`` previous hidden state.
        p: ``{"Wx": (D, 3H), "Wh": (H, 3H), "b": (3H,)}``.

    Returns:
        ``(h, cache)``: ``h`` is ``(N, H)``; ``cache`` has the keys
        ``"x", "h_prev", "r", "z", "n", "h", "p"``.
        A tuple. States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    hidden = h_prev.shape[1]
    wx, wh, b = p["Wx"], p["Wh"], p["b"]
    a_x = x @ wx + b
    r = sigmoid(a_x[:, :hidden] + h_prev @ wh[:, :hidden])
    z = sigmoid(a_x[:, hidden : 2 * hidden] + h_prev @ wh[:, hidden : 2 * hidden])
    n = np.tanh(a_x[:, 2 * hidden :] + (r * h_prev) @ wh[:, 2 * hidden :])
    h = (1.0 - z) * h_prev + z * n
    return h, {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "h": h, "p": p}
    ### END SOLUTION


def gru_forward(x: np.ndarray, h0: np.ndarray, p: Params) -> tuple[np.ndarray, Cache]:
    """Run the lecture's GRU (see ``gru_cell_forward``) over a whole sequence::

        h_{-1} = h0,   h_t = gru_cell(x_t, h_{t-1})   for t = 0 .. T-1

    Args:
        x: ``(N, T, D)`` input sequence.
        h0: ``(N, H)`` initial hidden state.
        p: ``{"Wx": (D, 3H), "Wh": (H, 3H), "b": (3H,)}`` (gate order r, z, n).

    Returns:
        ``(h, cache)``: ``h`` is ``(N, T, H)``; ``cache`` has the keys of the cell cache, every array stacked
        along axis 1 (``"x"`` ``(N, T, D)``, the others ``(N, T, H)``), and ``"p"``.
        A tuple. States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    state, steps = h0, []
    for t in range(x.shape[1]):
        state, step = gru_cell_forward(x[:, t], state, p)
        steps.append(step)
    cache = stack_step_caches(steps)
    return cache["h"], cache
    ### END SOLUTION


def bidirectional_forward(
    x: np.ndarray, h0_f: np.ndarray, h0_b: np.ndarray, p_f: Params, p_b: Params, cell: str
) -> np.ndarray:
    """A bidirectional layer: one cell reads the sequence forwards, a second one backwards.

    With ``step`` the cell's update (``"rnn"``, ``"lstm"`` with zero initial cell state, or the lecture's
    ``"gru"``; see the cell functions)::

        forward:   hf_{-1} = h0_f,  hf_t = step(x_t, hf_{t-1}; p_f)   for t = 0, 1, ..., T-1
        backward:  hb_T    = h0_b,  hb_t = step(x_t, hb_{t+1}; p_b)   for t = T-1, ..., 1, 0
        out[:, t] = concatenate([hf_t, hb_t], axis=-1)

    So ``out[:, t, :H]`` has read ``x_0 .. x_t`` and ``out[:, t, H:]`` has read ``x_t .. x_{T-1}``; the
    backward states are stored at the time step they belong to, as in ``torch.nn.RNN(bidirectional=True)``.

    Args:
        x: ``(N, T, D)`` input sequence.
        h0_f, h0_b: ``(N, H)`` initial hidden states of the forward and backward directions.
        p_f, p_b: the two directions' parameter dicts (shapes as for ``cell``).
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.

    Returns:
        ``(N, T, 2H)`` array: forward states first, backward states second (no cache).
        States keep the inputs' dtype (float32 stays float32); the arguments are not changed.

    Raises:
        ValueError: if ``cell`` is not one of the three names.
    """
    ### BEGIN SOLUTION
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    forward, _ = run(x, h0_f, p_f)
    backward, _ = run(x[:, ::-1], h0_b, p_b)  # read x_{T-1}, ..., x_0
    return np.concatenate([forward, backward[:, ::-1]], axis=-1)  # store hb_t at step t
    ### END SOLUTION


def stacked_forward(x: np.ndarray, h0s: Sequence[np.ndarray], ps: Sequence[Params], cell: str) -> np.ndarray:
    """A stack of ``L`` recurrent layers: each layer reads the hidden-state sequence of the one below::

        s^0 = x
        s^l = layer_l(s^{l-1}; h0s[l-1], ps[l-1])   for l = 1 .. L     (s^l is (N, T, H_l))
        output = s^L

    where ``layer_l`` runs ``cell`` over the whole sequence (as ``rnn_forward``, ``lstm_forward`` with zero
    initial cell state, or ``gru_forward``). Layer 1 has input size ``D``, layer ``l > 1`` has input size
    ``H_{l-1}`` (so ``ps[l]["Wx"]`` is ``(H_{l-1}, k*H_l)``). This is ``torch.nn.RNN(num_layers=L)`` without
    dropout.

    Args:
        x: ``(N, T, D)`` input sequence.
        h0s: ``L`` initial hidden states, ``h0s[l]`` is ``(N, H_{l+1})``.
        ps: ``L`` parameter dicts, one per layer (bottom first).
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.

    Returns:
        ``(N, T, H_L)``: the top layer's hidden states (no cache). With ``L = 0`` it is ``x`` itself.
        States keep the inputs' dtype (float32 stays float32); the arguments are not changed.

    Raises:
        ValueError: if ``cell`` is invalid or ``h0s`` and ``ps`` differ in length.
    """
    ### BEGIN SOLUTION
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    if len(h0s) != len(ps):
        raise ValueError(f"got {len(h0s)} initial states for {len(ps)} layers")
    run = {"rnn": rnn_forward, "lstm": lstm_forward, "gru": gru_forward}[cell]
    seq = x
    for h0, p in zip(h0s, ps, strict=True):
        seq, _ = run(seq, h0, p)
    return seq
    ### END SOLUTION


def peephole_lstm_cell_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: Params
) -> tuple[np.ndarray, np.ndarray, Cache]:
    """One step of a peephole LSTM (Gers & Schmidhuber, 2000): the gates also look at the cell state.

    The input and forget gates peek at the *previous* cell state, the output gate at the *new* one, each
    through a diagonal peephole weight (a vector, element-wise product)::

        a = x @ Wx + h_prev @ Wh + b                   (N, 4H), blocks a_i, a_f, a_g, a_o (order i, f, g, o)
        i = sigma(a_i + Pi * c_prev)
        f = sigma(a_f + Pf * c_prev)
        g = tanh(a_g)
        c = f * c_prev + i * g
        o = sigma(a_o + Po * c)
        h = o * tanh(c)

    With ``Pi = Pf = Po = 0`` it is exactly ``lstm_cell_forward``.

    Args:
        x: ``(N, D)`` input at this step.
        h_prev: ``(N, H)`` previous hidden state.
        c_prev: ``(N, H)`` previous cell state.
        p: ``{"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,), "Pi": (H,), "Pf": (H,), "Po": (H,)}``.

    Returns:
        ``(h, c, cache)`` as ``lstm_cell_forward`` (same cache keys; ``cache["p"]`` holds the peepholes).
        States keep the inputs' dtype (float32 stays float32); the arguments are not changed.
    """
    ### BEGIN SOLUTION
    hidden = h_prev.shape[1]
    a = x @ p["Wx"] + h_prev @ p["Wh"] + p["b"]
    i = sigmoid(a[:, :hidden] + p["Pi"] * c_prev)
    f = sigmoid(a[:, hidden : 2 * hidden] + p["Pf"] * c_prev)
    g = np.tanh(a[:, 2 * hidden : 3 * hidden])
    c = f * c_prev + i * g
    o = sigmoid(a[:, 3 * hidden :] + p["Po"] * c)
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cache.update({"c": c, "tanh_c": tanh_c, "h": h, "p": p})
    return h, c, cache
    ### END SOLUTION


def count_parameters(cell: str, input_size: int, hidden_size: int, biases: int = 1) -> int:
    """Number of trainable parameters of one recurrent layer with ``k`` gates (k = 1, 4, 3)::

        count = k * (D*H + H*H + biases*H)

    ``biases=1`` is this assignment's (and Keras') layout, one bias vector per gate; ``biases=2`` is
    PyTorch's (``bias_ih`` and ``bias_hh``); ``biases=0`` a layer without bias. Examples with D = 3, H = 5:
    RNN 1*(15 + 25 + 5) = 45, LSTM 4*(15 + 25 + 5) = 180, GRU 3*(15 + 25 + 5) = 135, PyTorch's LSTM 200.

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        input_size: D >= 0.
        hidden_size: H >= 0.
        biases: 0, 1 or 2 bias vectors per gate.

    Returns:
        The parameter count (a Python ``int``).

    Raises:
        ValueError: for an unknown ``cell``, a negative size, or ``biases`` not in {0, 1, 2}.
    """
    ### BEGIN SOLUTION
    gates = {"rnn": 1, "lstm": 4, "gru": 3}
    if cell not in gates:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    if input_size < 0 or hidden_size < 0:
        raise ValueError(f"sizes must be >= 0, got input_size={input_size}, hidden_size={hidden_size}")
    if biases not in (0, 1, 2):
        raise ValueError(f"biases must be 0, 1 or 2, got {biases!r}")
    d, h = int(input_size), int(hidden_size)
    return gates[cell] * (d * h + h * h + int(biases) * h)
    ### END SOLUTION


def count_bidirectional_parameters(cell: str, input_size: int, hidden_size: int, biases: int = 1) -> int:
    """Number of trainable parameters of one *bidirectional* recurrent layer with ``k`` gates (k = 1, 4, 3)::

        count = 2 * k * (D*H + H*H + biases*H)

    The forward and the backward direction are two independent cells of the same sizes, each with its own
    weights (``p_f`` and ``p_b`` in ``bidirectional_forward``), so the count doubles: the lecture's
    "complexity 190 -> 380" for a bidirectional layer. Example: a bidirectional RNN with D = 8, H = 10 has
    2 * (80 + 100 + 10) = 380 parameters; ``biases=2`` is PyTorch's ``nn.RNN(..., bidirectional=True)``.

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        input_size: D >= 0.
        hidden_size: H >= 0 (of each direction; the layer outputs 2H features).
        biases: 0, 1 or 2 bias vectors per gate (as in ``count_parameters``).

    Returns:
        The parameter count (a Python ``int``).

    Raises:
        ValueError: for an unknown ``cell``, a negative size, or ``biases`` not in {0, 1, 2}.
    """
    ### BEGIN SOLUTION
    return 2 * count_parameters(cell, input_size, hidden_size, biases)
    ### END SOLUTION


def concat_weight_shape(input_size: int, hidden_size: int) -> tuple[int, int]:
    """Shape of one gate's weight matrix in the lecture's concatenated notation, row-vector layout.

    The lecture writes a gate as ``sigma(W . [h_{t-1}, x_t] + b)``: one matrix ``W`` multiplies the
    concatenation of the previous hidden state (H values) and the input (D values). In this assignment's
    row-vector layout that is ``[h_prev, x] @ W`` with ``W = vstack([Wh_gate, Wx_gate])``::

        [h_prev, x] @ W  =  h_prev @ Wh_gate + x @ Wx_gate        W: (H + D, H)

    (the lecture's column-vector formula uses the transpose, ``(H, H + D)``). The lecture's GRU example
    has ``h_{t-1} = [0.6, 0.6, 0.7, 0.1]`` (H = 4) and a candidate weight ``W_C`` of 7 x 4, so D = 3.

    Args:
        input_size: D >= 0.
        hidden_size: H >= 0.

    Returns:
        ``(hidden_size + input_size, hidden_size)``, a tuple of two Python ``int``.

    Raises:
        ValueError: for a negative size.
    """
    ### BEGIN SOLUTION
    if input_size < 0 or hidden_size < 0:
        raise ValueError(f"sizes must be >= 0, got input_size={input_size}, hidden_size={hidden_size}")
    return int(hidden_size) + int(input_size), int(hidden_size)
    ### END SOLUTION


def rnn_forward_torch(x: torch.Tensor, h0: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """``rnn_forward`` in torch: ``h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)``, ``h_{-1} = h0``.

    Tensor operations only, a loop over time but none over the batch; runs on the inputs' device and dtype.

    Args:
        x: ``(N, T, D)`` tensor.
        h0: ``(N, H)`` tensor.
        p: ``{"Wx": (D, H), "Wh": (H, H), "b": (H,)}`` tensors (same device and dtype as ``x``).

    Returns:
        ``(N, T, H)`` tensor of hidden states (no cache: autograd records the graph, so the states must
        come from torch operations on the input tensors, never from numpy).
    """
    import torch

    ### BEGIN SOLUTION
    xw = x @ p["Wx"] + p["b"]  # every step's input term at once: (N, T, H)
    h = h0
    states = []
    for t in range(x.shape[1]):
        h = torch.tanh(xw[:, t] + h @ p["Wh"])
        states.append(h)
    if not states:
        return x.new_zeros((x.shape[0], 0, h0.shape[1]))
    return torch.stack(states, dim=1)
    ### END SOLUTION


def lstm_forward_torch(x: torch.Tensor, h0: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """``lstm_forward`` in torch (gate order i, f, g, o, ``c_{-1} = 0``)::

        i, f, g, o = sigma(a_i), sigma(a_f), tanh(a_g), sigma(a_o)  with  a = x_t @ Wx + h_{t-1} @ Wh + b
        c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)

    Tensor operations only, a loop over time but none over the batch; runs on the inputs' device and dtype.

    Args:
        x: ``(N, T, D)`` tensor.
        h0: ``(N, H)`` tensor.
        p: ``{"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}`` tensors.

    Returns:
        ``(N, T, H)`` tensor of hidden states, on the autograd graph of every input tensor.
    """
    import torch

    ### BEGIN SOLUTION
    xw = x @ p["Wx"] + p["b"]
    h = h0
    c = torch.zeros_like(h0)
    states = []
    for t in range(x.shape[1]):
        i, f, g, o = (xw[:, t] + h @ p["Wh"]).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        states.append(h)
    if not states:
        return x.new_zeros((x.shape[0], 0, h0.shape[1]))
    return torch.stack(states, dim=1)
    ### END SOLUTION


def gru_forward_torch(x: torch.Tensor, h0: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """``gru_forward`` in torch: the lecture's GRU (gate order r, z, n; see ``gru_cell_forward``)::

        r = sigma(x_t Wr + h Ur + br),  z = sigma(x_t Wz + h Uz + bz),  n = tanh(x_t Wn + (r * h) Un + bn)
        h_t = (1 - z) * h + z * n          (h = h_{t-1}, h_{-1} = h0)

    Tensor operations only, a loop over time but none over the batch; runs on the inputs' device and dtype.

    Args:
        x: ``(N, T, D)`` tensor.
        h0: ``(N, H)`` tensor.
        p: ``{"Wx": (D, 3H), "Wh": (H, 3H), "b": (3H,)}`` tensors.

    Returns:
        ``(N, T, H)`` tensor of hidden states, on the autograd graph of every input tensor.
    """
    import torch

    ### BEGIN SOLUTION
    hidden = h0.shape[1]
    xw = x @ p["Wx"] + p["b"]
    u_rz, u_n = p["Wh"][:, : 2 * hidden], p["Wh"][:, 2 * hidden :]
    h = h0
    states = []
    for t in range(x.shape[1]):
        a_r, a_z, a_n = xw[:, t].split(hidden, dim=1)
        h_r, h_z = (h @ u_rz).split(hidden, dim=1)
        r = torch.sigmoid(a_r + h_r)
        z = torch.sigmoid(a_z + h_z)
        n = torch.tanh(a_n + (r * h) @ u_n)
        h = (1 - z) * h + z * n
        states.append(h)
    if not states:
        return x.new_zeros((x.shape[0], 0, hidden))
    return torch.stack(states, dim=1)
    ### END SOLUTION
