"""Known misconceptions of the cells assignment, each implemented as the mistake (see seqlab.misconceptions).

A mistake receives ``ref``, the reference in which the mistaken function replaces the correct one, so the
layers built on a mistaken cell (``rnn_forward``, ``bidirectional_forward``, ``stacked_forward``, ...) are
recognised too. Caches are not compared (``observe`` drops them), so a mistaken cell returns only what the
layers read from its cache (``h``, and ``p``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.misconceptions import EVERY_FUNCTION, Catalogue, Observe

catalogue = Catalogue("cells", observe=Observe(without_cache=(EVERY_FUNCTION,)))


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _blocks(x: np.ndarray, h: np.ndarray, p: dict[str, np.ndarray], k: int) -> list[np.ndarray]:
    return np.split(x @ p["Wx"] + h @ p["Wh"] + p["b"], k, axis=1)


@catalogue.mistake(
    "rnn-sigmoid-activation",
    "rnn_cell_forward",
    title="an RNN cell with a sigmoid activation instead of tanh",
    explanation="The vanilla RNN squashes with tanh, h_t = tanh(x_t Wx + h_{t-1} Wh + b), so a hidden state "
    "lies in (-1, 1) and can be negative; a sigmoid keeps it in (0, 1).",
    where="the cells notebook, section 1 (The vanilla RNN)",
)
def _(ref: Any, x: np.ndarray, h_prev: np.ndarray, p: dict[str, np.ndarray]) -> Any:
    h = _sigmoid(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])
    return h, {"h": h, "p": p}


def _lstm_step(gate: Any, candidate: Any, forget: bool) -> Any:
    def step(ref: Any, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: dict[str, Any]) -> Any:
        a_i, a_f, a_g, a_o = _blocks(x, h_prev, p, 4)
        c = (gate(a_f) * c_prev if forget else c_prev) + gate(a_i) * candidate(a_g)
        h = gate(a_o) * np.tanh(c)
        return h, c, {"h": h, "c": c, "p": p}

    return step


catalogue.mistake(
    "lstm-candidate-sigmoid",
    "lstm_cell_forward",
    title="an LSTM whose candidate g uses a sigmoid instead of tanh",
    explanation="The gates i, f, o are sigmoids (how much, between 0 and 1), but the candidate is "
    "g = tanh(a_g), a value between -1 and 1: with a sigmoid the cell state can only grow.",
    where="the cells notebook, section 2 (The LSTM)",
)(_lstm_step(_sigmoid, _sigmoid, forget=True))

catalogue.mistake(
    "lstm-gates-tanh",
    "lstm_cell_forward",
    title="an LSTM whose gates i, f, o use tanh instead of a sigmoid",
    explanation="A gate says how much passes, so it is a sigmoid between 0 and 1: i = σ(a_i), f = σ(a_f), "
    "o = σ(a_o); only the candidate g and the output squashing use tanh.",
    where="the cells notebook, section 2 (The LSTM)",
)(_lstm_step(np.tanh, np.tanh, forget=True))

catalogue.mistake(
    "lstm-forget-gate-ignored",
    "lstm_cell_forward",
    title="an LSTM whose forget gate is ignored",
    explanation="The forget gate scales the old cell state: c_t should be f_t ⊙ c_{t−1} + i_t ⊙ g_t, "
    "not c_{t−1} + i_t ⊙ g_t.",
    where="the cells notebook, section 2 (The LSTM)",
)(_lstm_step(_sigmoid, np.tanh, forget=False))


@catalogue.mistake(
    "peephole-output-gate-old-cell",
    "peephole_lstm_cell_forward",
    title="a peephole LSTM whose output gate looks at the previous cell state",
    explanation="The input and forget gates peek at c_{t−1}, but the output gate is computed after the "
    "cell update and peeks at the new state: o_t = σ(a_o + P_o ⊙ c_t).",
    where="the cells notebook, section 3 (The peephole LSTM)",
)
def _(ref: Any, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: dict[str, Any]) -> Any:
    a_i, a_f, a_g, a_o = _blocks(x, h_prev, p, 4)
    c = _sigmoid(a_f + p["Pf"] * c_prev) * c_prev + _sigmoid(a_i + p["Pi"] * c_prev) * np.tanh(a_g)
    h = _sigmoid(a_o + p["Po"] * c_prev) * np.tanh(c)
    return h, c, {"h": h, "c": c, "p": p}


def _gru_parts(x: np.ndarray, h_prev: np.ndarray, p: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """The gates r, z and the two halves of the candidate's pre-activation: x Wn + bn, and Un."""
    hidden = h_prev.shape[1]
    a_r, a_z, _ = _blocks(x, h_prev, p, 3)
    return (
        _sigmoid(a_r),
        _sigmoid(a_z),
        x @ p["Wx"][:, 2 * hidden :] + p["b"][2 * hidden :],
        p["Wh"][:, 2 * hidden :],
    )


@catalogue.mistake(
    "gru-update-gate-swapped",
    "gru_cell_forward",
    title="a GRU with z and 1 − z swapped",
    explanation="In the lecture's GRU the update gate weighs the new candidate: h_t = (1 − z_t) ⊙ h_{t−1} + "
    "z_t ⊙ h̃_t. PyTorch's GRU writes it the other way round (z keeps the old state); this assignment "
    "follows the lecture.",
    where="the cells notebook, sections 4 (The GRU) and 5 (PyTorch's GRU is not the lecture's GRU)",
)
def _(ref: Any, x: np.ndarray, h_prev: np.ndarray, p: dict[str, np.ndarray]) -> Any:
    r, z, a_n, u_n = _gru_parts(x, h_prev, p)
    h = z * h_prev + (1.0 - z) * np.tanh(a_n + (r * h_prev) @ u_n)
    return h, {"h": h, "p": p}


@catalogue.mistake(
    "gru-reset-after-product",
    "gru_cell_forward",
    title="a GRU that applies the reset gate after the hidden product, as torch.nn.GRU does",
    explanation="The lecture's GRU resets the state before multiplying: h̃_t = tanh(x_t W_n + (r_t ⊙ "
    "h_{t−1}) U_n + b_n); r_t ⊙ (h_{t−1} U_n) is PyTorch's variant, a different function.",
    where="the cells notebook, sections 4 (The GRU) and 5 (PyTorch's GRU is not the lecture's GRU)",
)
def _(ref: Any, x: np.ndarray, h_prev: np.ndarray, p: dict[str, np.ndarray]) -> Any:
    r, z, a_n, u_n = _gru_parts(x, h_prev, p)
    h = (1.0 - z) * h_prev + z * np.tanh(a_n + r * (h_prev @ u_n))
    return h, {"h": h, "p": p}


def _directions(ref: Any, x: np.ndarray, h0_f: Any, h0_b: Any, p_f: Any, p_b: Any, cell: str) -> Any:
    run = {"rnn": ref.rnn_forward, "lstm": ref.lstm_forward, "gru": ref.gru_forward}[cell]
    return run(x, h0_f, p_f)[0], run(x[:, ::-1], h0_b, p_b)[0]


@catalogue.mistake(
    "bidirectional-backward-first",
    "bidirectional_forward",
    title="a bidirectional layer that puts the backward states first",
    explanation="out[:, t] concatenates the forward state first and the backward state second, "
    "[h→_t, h←_t], as torch.nn.RNN(bidirectional=True) does.",
    where="the cells notebook, section 7 (Bidirectional layers)",
)
def _(ref: Any, x: np.ndarray, h0_f: Any, h0_b: Any, p_f: Any, p_b: Any, cell: str) -> Any:
    forward, backward = _directions(ref, x, h0_f, h0_b, p_f, p_b, cell)
    return np.concatenate([backward[:, ::-1], forward], axis=-1)


@catalogue.mistake(
    "bidirectional-backward-not-realigned",
    "bidirectional_forward",
    title="a bidirectional layer whose backward states stay in reading order",
    explanation="The backward cell reads x_{T−1}, ..., x_0; its state after reading x_t belongs at step t, "
    "so reverse its outputs back before concatenating (out[:, t, H:] has read x_t ... x_{T−1}).",
    where="the cells notebook, section 7 (Bidirectional layers)",
)
def _(ref: Any, x: np.ndarray, h0_f: Any, h0_b: Any, p_f: Any, p_b: Any, cell: str) -> Any:
    forward, backward = _directions(ref, x, h0_f, h0_b, p_f, p_b, cell)
    return np.concatenate([forward, backward], axis=-1)


@catalogue.mistake(
    "stacked-layers-read-input",
    "stacked_forward",
    title="a stacked RNN in which every layer reads the input x",
    explanation="Layer l reads the hidden-state sequence of layer l − 1 (s^l = layer_l(s^{l−1}), s^0 = x); "
    "only the first layer sees x.",
    where="the cells notebook, section 8 (Stacked (deep) RNNs)",
)
def _(ref: Any, x: np.ndarray, h0s: Any, ps: Any, cell: str) -> Any:
    run = {"rnn": ref.rnn_forward, "lstm": ref.lstm_forward, "gru": ref.gru_forward}[cell]
    out = x
    for h0, p in zip(h0s, ps, strict=True):
        out = run(x, h0, p)[0]
    return out


@catalogue.mistake(
    "count-parameters-one-bias-always",
    "count_parameters",
    title="a parameter count with one bias vector per gate whatever `biases` says",
    explanation="Each gate has biases × H bias parameters: 1 in this assignment's (and Keras') layout, 2 in "
    "PyTorch's (bias_ih and bias_hh), 0 without bias; count = k (D·H + H·H + biases·H).",
    where="the cells notebook, section 9 (Counting parameters)",
)
def _(ref: Any, cell: str, input_size: int, hidden_size: int, biases: int = 1) -> int:
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    return gates * (input_size * hidden_size + hidden_size * hidden_size + hidden_size)


@catalogue.mistake(
    "concat-weight-column-layout",
    "concat_weight_shape",
    title="the column-vector layout (H, H + D) of the concatenated weight",
    explanation="The lecture writes W · [h_{t−1}, x_t] with column vectors; in this assignment's row-vector "
    "layout the same product is [h_prev, x] @ W, so W is (H + D, H), the transpose.",
    where="the cells notebook, section 0 (Conventions)",
)
def _(ref: Any, input_size: int, hidden_size: int) -> tuple[int, int]:
    return hidden_size, hidden_size + input_size


@catalogue.mistake(
    "torch-gru-pytorch-formulation",
    "gru_forward_torch",
    title="PyTorch's GRU (reset after the hidden product, z and 1 − z swapped) instead of the lecture's",
    explanation="gru_forward_torch computes the same lecture GRU as gru_forward: h̃_t = tanh(x_t W_n + "
    "(r_t ⊙ h_{t−1}) U_n + b_n) and h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t.",
    where="the cells notebook, sections 5 (PyTorch's GRU is not the lecture's GRU) and 10 (The same layers "
    "in torch, on any device)",
)
def _(ref: Any, x: Any, h0: Any, p: dict[str, Any]) -> Any:
    """What torch.nn.GRU computes with these weights (PyTorch's gate order is r, z, n too; bias_hh = 0)."""
    import torch

    hidden = h0.shape[1]
    gru = torch.nn.GRU(x.shape[2], hidden, batch_first=True, device=x.device, dtype=x.dtype)
    with torch.no_grad():
        gru.weight_ih_l0.copy_(p["Wx"].T)
        gru.weight_hh_l0.copy_(p["Wh"].T)
        gru.bias_ih_l0.copy_(p["b"])
        gru.bias_hh_l0.zero_()
        return gru(x, h0.unsqueeze(0).contiguous())[0]


# --- probes: typical inputs on which every mistake above differs from the reference and from the others ---
def _probe_inputs() -> None:
    """Register the probes (a batch of 3, 4 time steps, 3 inputs, 4 hidden units, distinct random values)."""
    rng = np.random.default_rng(20240516)
    n, t, d, h = 3, 4, 3, 4

    def uniform(*shape: int, scale: float = 1.0) -> np.ndarray:
        return rng.uniform(-scale, scale, shape)

    def params(k: int, inputs: int = d, hidden: int = h) -> dict[str, np.ndarray]:
        scale = 1.5 / np.sqrt(hidden)
        return {
            "Wx": uniform(inputs, k * hidden, scale=scale),
            "Wh": uniform(hidden, k * hidden, scale=scale),
            "b": uniform(k * hidden),
        }

    x_step, h_prev, c_prev = uniform(n, d), uniform(n, h), uniform(n, h, scale=2.0)
    catalogue.probe("rnn_cell_forward", x_step, h_prev, params(1))
    catalogue.probe("lstm_cell_forward", x_step, h_prev, c_prev, params(4))
    peephole = {**params(4), "Pi": uniform(h), "Pf": uniform(h), "Po": uniform(h)}
    catalogue.probe("peephole_lstm_cell_forward", x_step, h_prev, c_prev, peephole)
    catalogue.probe("gru_cell_forward", x_step, h_prev, params(3))

    x = uniform(n, t, d)
    catalogue.probe("bidirectional_forward", x, uniform(n, h), uniform(n, h), params(1), params(1), "rnn")
    catalogue.probe("bidirectional_forward", x, uniform(n, h), uniform(n, h), params(3), params(3), "gru")
    # two layers of sizes 3 and 4: the second reads 3 features, so a layer that reads x (D = 3) still runs
    layers = [params(1, d, 3), params(1, 3, h)]
    catalogue.probe("stacked_forward", x, [uniform(n, 3), uniform(n, h)], layers, "rnn")
    catalogue.probe("count_parameters", "lstm", 3, 5, biases=2)
    catalogue.probe("count_parameters", "gru", 4, 6, biases=0)
    catalogue.probe("concat_weight_shape", 3, 4)
    try:
        import torch
    except ImportError:  # a grader without torch grades no torch function
        return
    p_gru = {name: torch.from_numpy(value) for name, value in params(3).items()}
    catalogue.probe("gru_forward_torch", torch.from_numpy(x), torch.from_numpy(uniform(n, h)), p_gru)


_probe_inputs()
