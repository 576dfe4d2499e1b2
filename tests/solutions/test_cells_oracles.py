"""Oracle tests for the ``cells`` reference solution.

The reference is never its own oracle: expectations come from ``torch.nn`` (``RNNCell``, ``LSTMCell``,
``GRUCell``, ``RNN``/``LSTM``/``GRU`` with ``bidirectional=True`` or ``num_layers=2``) with weights mapped
from the parameter dicts, from an independent torch formulation of the lecture's GRU written below (one
weight matrix per gate acting on the concatenation ``[h, x]``), and from ``sum(p.numel())`` of torch modules
for the parameter counts. All comparisons are in float64 with a 1e-10 tolerance.

The lecture's GRU is tied to ``torch.nn.GRUCell`` exactly where the two must agree: with the reset gate
saturated at 1 (``r * (h Un) == (r * h) Un``) and the update gate's weights negated
(``sigma(-a) = 1 - sigma(a)`` swaps the roles of ``z`` and ``1 - z``).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.course.layout import load_reference

ref = load_reference("cells")

ORACLE_SETTINGS = settings(max_examples=25, deadline=None)
TOL = 1e-10
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
CELLS = ["rnn", "lstm", "gru"]

size = st.integers(1, 4)
seed = st.integers(0, 2**32 - 1)
cells = st.sampled_from(CELLS)


# --------------------------------------------------------------------------------------------------
# Helpers: random parameter dicts, and the mapping dict -> torch.nn weights
# --------------------------------------------------------------------------------------------------


def make_params(rng: np.random.Generator, cell: str, d: int, h: int, scale: float = 0.7) -> dict:
    k = GATES[cell]
    return {
        "Wx": rng.normal(0.0, scale, (d, k * h)),
        "Wh": rng.normal(0.0, scale, (h, k * h)),
        "b": rng.normal(0.0, scale, (k * h,)),
    }


def t64(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def load_into(module: torch.nn.Module, p: dict, suffix: str = "", bias_hh: np.ndarray | None = None) -> None:
    """Copy a parameter dict into a torch module's ``weight_ih{suffix}`` etc. (transposed, one bias)."""
    with torch.no_grad():
        getattr(module, f"weight_ih{suffix}").copy_(t64(p["Wx"].T))
        getattr(module, f"weight_hh{suffix}").copy_(t64(p["Wh"].T))
        getattr(module, f"bias_ih{suffix}").copy_(t64(p["b"]))
        hh = np.zeros_like(p["b"]) if bias_hh is None else bias_hh
        getattr(module, f"bias_hh{suffix}").copy_(t64(hh))


def saturate_reset(p: dict, h: int) -> dict:
    """Lecture-GRU params whose reset gate is exactly 1 (zero r weights, bias 1e3: sigma(1e3) == 1.0)."""
    q = {key: value.copy() for key, value in p.items()}
    q["Wx"][:, :h] = 0.0
    q["Wh"][:, :h] = 0.0
    q["b"][:h] = 1e3
    return q


def as_pytorch_gru(p: dict, h: int) -> dict:
    """The PyTorch-GRU parameters equal to a lecture GRU with saturated reset: negate the z block."""
    q = {key: value.copy() for key, value in p.items()}
    q["Wx"][:, h : 2 * h] *= -1.0
    q["Wh"][:, h : 2 * h] *= -1.0
    q["b"][h : 2 * h] *= -1.0
    return q


def lecture_gru_oracle(x: torch.Tensor, h0: torch.Tensor, p: dict) -> torch.Tensor:
    """The lecture's GRU written independently: per gate one matrix on [h, x], explicit 1/(1+exp(-a))."""
    hidden = h0.shape[1]
    wx, wh, b = t64(p["Wx"]), t64(p["Wh"]), t64(p["b"])
    gate = {}
    for j, name in enumerate(("r", "z", "n")):
        cols = slice(j * hidden, (j + 1) * hidden)
        gate[name] = (torch.cat([wh[:, cols], wx[:, cols]], dim=0), b[cols])
    h = h0
    out = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        hx = torch.cat([h, xt], dim=1)
        w_r, b_r = gate["r"]
        w_z, b_z = gate["z"]
        w_n, b_n = gate["n"]
        r = 1.0 / (1.0 + torch.exp(-(hx @ w_r + b_r)))
        z = 1.0 / (1.0 + torch.exp(-(hx @ w_z + b_z)))
        n = torch.tanh(torch.cat([r * h, xt], dim=1) @ w_n + b_n)
        h = h + z * (n - h)
        out.append(h)
    return torch.stack(out, dim=1)


def torch_cell_sequence(
    cell_module: torch.nn.Module, x: np.ndarray, h0: np.ndarray, lstm: bool
) -> np.ndarray:
    """Run a torch.nn.*Cell step by step (the cell does one step; the loop over time is the oracle's)."""
    xs, h = t64(x), t64(h0)
    c = torch.zeros_like(h)
    out = []
    with torch.no_grad():
        for t in range(xs.shape[1]):
            if lstm:
                h, c = cell_module(xs[:, t], (h, c))
            else:
                h = cell_module(xs[:, t], h)
            out.append(h)
    return torch.stack(out, dim=1).numpy()


def close(a, b) -> None:
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=TOL, atol=TOL)


# --------------------------------------------------------------------------------------------------
# Cells against torch.nn.*Cell
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_rnn_cell_matches_torch_rnncell(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, "rnn", d, h)
    x, h_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h))
    module = torch.nn.RNNCell(d, h, nonlinearity="tanh").double()
    load_into(module, p)
    out, cache = ref.rnn_cell_forward(x, h_prev, p)
    with torch.no_grad():
        expected = module(t64(x), t64(h_prev)).numpy()
    assert out.shape == (n, h)
    close(out, expected)
    assert cache["x"] is x and cache["h_prev"] is h_prev and cache["p"] is p
    close(cache["h"], expected)


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_lstm_cell_matches_torch_lstmcell(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, "lstm", d, h)
    x, h_prev, c_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    module = torch.nn.LSTMCell(d, h).double()
    load_into(module, p)
    out_h, out_c, cache = ref.lstm_cell_forward(x, h_prev, c_prev, p)
    with torch.no_grad():
        exp_h, exp_c = module(t64(x), (t64(h_prev), t64(c_prev)))
    close(out_h, exp_h.numpy())
    close(out_c, exp_c.numpy())
    # The cache's gates, recomputed by torch from the stacked pre-activations (order i, f, g, o).
    a = t64(x) @ t64(p["Wx"]) + t64(h_prev) @ t64(p["Wh"]) + t64(p["b"])
    ai, af, ag, ao = a.chunk(4, dim=1)
    for key, value in (("i", ai.sigmoid()), ("f", af.sigmoid()), ("g", ag.tanh()), ("o", ao.sigmoid())):
        close(cache[key], value.numpy())
    close(cache["tanh_c"], np.tanh(exp_c.numpy()))
    assert set(cache) == {"x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h", "p"}


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_gru_cell_matches_independent_lecture_gru(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, "gru", d, h)
    x, h_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h))
    out, cache = ref.gru_cell_forward(x, h_prev, p)
    expected = lecture_gru_oracle(t64(x[:, None]), t64(h_prev), p)[:, 0].numpy()
    close(out, expected)
    assert set(cache) == {"x", "h_prev", "r", "z", "n", "h", "p"}
    close(cache["h"], (1 - cache["z"]) * h_prev + cache["z"] * cache["n"])


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_gru_cell_equals_torch_grucell_with_saturated_reset_and_negated_z(n, d, h, s):
    rng = np.random.default_rng(s)
    p = saturate_reset(make_params(rng, "gru", d, h), h)
    x, h_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h))
    module = torch.nn.GRUCell(d, h).double()
    load_into(module, as_pytorch_gru(p, h))
    out, _ = ref.gru_cell_forward(x, h_prev, p)
    with torch.no_grad():
        expected = module(t64(x), t64(h_prev)).numpy()
    close(out, expected)


def test_lecture_gru_differs_from_pytorch_grucell():
    rng = np.random.default_rng(3)
    n, d, h = 4, 3, 5
    p = make_params(rng, "gru", d, h, scale=1.0)
    x, h_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h))
    out, _ = ref.gru_cell_forward(x, h_prev, p)
    module = torch.nn.GRUCell(d, h).double()
    for params in (p, as_pytorch_gru(p, h)):  # same layout, and with the z/1-z swap undone
        load_into(module, params)
        with torch.no_grad():
            pytorch = module(t64(x), t64(h_prev)).numpy()
        assert np.max(np.abs(out - pytorch)) > 1e-3


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_peephole_lstm_cell(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, "lstm", d, h)
    x, h_prev, c_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    # Zero peepholes: exactly torch.nn.LSTMCell.
    zero = dict(p, Pi=np.zeros(h), Pf=np.zeros(h), Po=np.zeros(h))
    module = torch.nn.LSTMCell(d, h).double()
    load_into(module, p)
    with torch.no_grad():
        exp_h, exp_c = module(t64(x), (t64(h_prev), t64(c_prev)))
    out_h, out_c, _ = ref.peephole_lstm_cell_forward(x, h_prev, c_prev, zero)
    close(out_h, exp_h.numpy())
    close(out_c, exp_c.numpy())
    # Non-zero peepholes against Gers & Schmidhuber's equations written in torch.
    pp = dict(p, Pi=rng.normal(size=h), Pf=rng.normal(size=h), Po=rng.normal(size=h))
    a = t64(x) @ t64(p["Wx"]) + t64(h_prev) @ t64(p["Wh"]) + t64(p["b"])
    ai, af, ag, ao = a.chunk(4, dim=1)
    cp = t64(c_prev)
    c = torch.sigmoid(af + t64(pp["Pf"]) * cp) * cp + torch.sigmoid(ai + t64(pp["Pi"]) * cp) * torch.tanh(ag)
    hh = torch.sigmoid(ao + t64(pp["Po"]) * c) * torch.tanh(c)
    out_h, out_c, cache = ref.peephole_lstm_cell_forward(x, h_prev, c_prev, pp)
    close(out_h, hh.numpy())
    close(out_c, c.numpy())
    assert cache["p"] is pp


# --------------------------------------------------------------------------------------------------
# Sequence forwards and their caches
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_sequence_forward_matches_torch(n, t, d, h, s, cell):
    rng = np.random.default_rng(s)
    p = make_params(rng, cell, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    if cell == "rnn":
        module = torch.nn.RNNCell(d, h).double()
        load_into(module, p)
        expected = torch_cell_sequence(module, x, h0, lstm=False)
        out, cache = ref.rnn_forward(x, h0, p)
    elif cell == "lstm":
        module = torch.nn.LSTMCell(d, h).double()
        load_into(module, p)
        expected = torch_cell_sequence(module, x, h0, lstm=True)
        out, cache = ref.lstm_forward(x, h0, p)
    else:
        expected = lecture_gru_oracle(t64(x), t64(h0), p).numpy()
        out, cache = ref.gru_forward(x, h0, p)
    assert out.shape == (n, t, h) and out.dtype == np.float64
    close(out, expected)
    # The sequence cache is the cell caches stacked along axis 1.
    close(cache["h"], expected)
    close(cache["h_prev"][:, 0], h0)
    close(cache["h_prev"][:, 1:], expected[:, :-1])
    close(cache["x"], x)
    assert cache["p"] is p
    for key, value in cache.items():
        if key not in ("x", "p"):
            assert value.shape == (n, t, h), key


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_sequence_cache_steps_are_cell_caches(n, t, d, h, s, cell):
    """Step t of a sequence cache equals the cell cache torch's states imply (via the cell oracle)."""
    rng = np.random.default_rng(s)
    p = make_params(rng, cell, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    if cell == "lstm":
        module = torch.nn.LSTMCell(d, h).double()
        load_into(module, p)
        _, cache = ref.lstm_forward(x, h0, p)
        close(cache["c_prev"][:, 0], np.zeros((n, h)))
        with torch.no_grad():
            for step in range(t):
                exp_h, exp_c = module(
                    t64(x[:, step]), (t64(cache["h_prev"][:, step]), t64(cache["c_prev"][:, step]))
                )
                close(cache["c"][:, step], exp_c.numpy())
                close(cache["h"][:, step], exp_h.numpy())
                close(cache["tanh_c"][:, step], np.tanh(exp_c.numpy()))
                if step + 1 < t:
                    close(cache["c_prev"][:, step + 1], exp_c.numpy())
    elif cell == "gru":
        _, cache = ref.gru_forward(x, h0, p)
        for step in range(t):
            hp = t64(cache["h_prev"][:, step])
            a = t64(x[:, step]) @ t64(p["Wx"]) + t64(p["b"])
            hu = hp @ t64(p["Wh"])
            r = torch.sigmoid(a[:, :h] + hu[:, :h])
            z = torch.sigmoid(a[:, h : 2 * h] + hu[:, h : 2 * h])
            close(cache["r"][:, step], r.numpy())
            close(cache["z"][:, step], z.numpy())
            close(
                cache["n"][:, step], torch.tanh(a[:, 2 * h :] + (r * hp) @ t64(p["Wh"])[:, 2 * h :]).numpy()
            )
    else:
        _, cache = ref.rnn_forward(x, h0, p)
        assert set(cache) == {"x", "h_prev", "h", "p"}


# --------------------------------------------------------------------------------------------------
# Bidirectional and stacked layers against torch.nn.RNN / LSTM / GRU
# --------------------------------------------------------------------------------------------------


def _nn_module(cell: str, d: int, h: int, **kwargs) -> torch.nn.Module:
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    return cls(d, h, batch_first=True, **kwargs).double()


def _to_torch_layout(cell: str, p: dict, h: int) -> dict:
    return as_pytorch_gru(p, h) if cell == "gru" else p


def _run_nn(module: torch.nn.Module, cell: str, x: np.ndarray, h0: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        hx = t64(h0)
        if cell == "lstm":
            out, _ = module(t64(x), (hx, torch.zeros_like(hx)))
        else:
            out, _ = module(t64(x), hx)
    return out.numpy()


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_bidirectional_matches_torch(n, t, d, h, s, cell):
    rng = np.random.default_rng(s)
    p_f, p_b = make_params(rng, cell, d, h), make_params(rng, cell, d, h)
    if cell == "gru":  # the lecture GRU equals torch's GRU only with a saturated reset gate
        p_f, p_b = saturate_reset(p_f, h), saturate_reset(p_b, h)
    x, h0_f, h0_b = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    module = _nn_module(cell, d, h, bidirectional=True)
    load_into(module, _to_torch_layout(cell, p_f, h), "_l0")
    load_into(module, _to_torch_layout(cell, p_b, h), "_l0_reverse")
    expected = _run_nn(module, cell, x, np.stack([h0_f, h0_b]))
    out = ref.bidirectional_forward(x, h0_f, h0_b, p_f, p_b, cell)
    assert out.shape == (n, t, 2 * h)
    close(out, expected)


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed)
def test_bidirectional_gru_general_params_against_independent_oracle(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p_f, p_b = make_params(rng, "gru", d, h), make_params(rng, "gru", d, h)
    x, h0_f, h0_b = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    fwd = lecture_gru_oracle(t64(x), t64(h0_f), p_f)
    bwd = lecture_gru_oracle(t64(x).flip(1), t64(h0_b), p_b).flip(1)
    close(ref.bidirectional_forward(x, h0_f, h0_b, p_f, p_b, "gru"), torch.cat([fwd, bwd], dim=2).numpy())


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_stacked_two_layers_matches_torch(n, t, d, h, s, cell):
    rng = np.random.default_rng(s)
    ps = [make_params(rng, cell, d, h), make_params(rng, cell, h, h)]
    if cell == "gru":
        ps = [saturate_reset(q, h) for q in ps]
    h0s = [rng.normal(size=(n, h)), rng.normal(size=(n, h))]
    x = rng.normal(size=(n, t, d))
    module = _nn_module(cell, d, h, num_layers=2)
    for layer, q in enumerate(ps):
        load_into(module, _to_torch_layout(cell, q, h), f"_l{layer}")
    expected = _run_nn(module, cell, x, np.stack(h0s))
    out = ref.stacked_forward(x, h0s, ps, cell)
    assert out.shape == (n, t, h)
    close(out, expected)


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h1=size, h2=size, s=seed)
def test_stacked_gru_mixed_sizes_against_independent_oracle(n, t, d, h1, h2, s):
    rng = np.random.default_rng(s)
    ps = [make_params(rng, "gru", d, h1), make_params(rng, "gru", h1, h2)]
    h0s = [rng.normal(size=(n, h1)), rng.normal(size=(n, h2))]
    x = rng.normal(size=(n, t, d))
    first = lecture_gru_oracle(t64(x), t64(h0s[0]), ps[0])
    expected = lecture_gru_oracle(first, t64(h0s[1]), ps[1]).numpy()
    close(ref.stacked_forward(x, h0s, ps, "gru"), expected)


def test_composite_layers_reject_unknown_cell():
    x, h0 = np.zeros((1, 2, 1)), np.zeros((1, 1))
    p = make_params(np.random.default_rng(0), "rnn", 1, 1)
    with pytest.raises(ValueError):
        ref.bidirectional_forward(x, h0, h0, p, p, "elman")
    with pytest.raises(ValueError):
        ref.stacked_forward(x, [h0], [p], "elman")


# --------------------------------------------------------------------------------------------------
# Parameter counts against torch modules
# --------------------------------------------------------------------------------------------------


def _numel(module: torch.nn.Module) -> int:
    return sum(param.numel() for param in module.parameters())


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 64), h=st.integers(1, 64), cell=cells)
def test_count_parameters_matches_torch(d, h, cell):
    cell_cls = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell]
    layer_cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    for cls in (cell_cls, layer_cls):
        with_bias, without_bias = cls(d, h, bias=True), cls(d, h, bias=False)
        assert ref.count_parameters(cell, d, h, biases=2) == _numel(with_bias)
        assert ref.count_parameters(cell, d, h, biases=0) == _numel(without_bias)
        one_bias = _numel(with_bias) - with_bias.bias_hh.numel() if cls is cell_cls else None
        if one_bias is not None:
            assert ref.count_parameters(cell, d, h) == one_bias
    # One bias per gate = exactly the size of this assignment's parameter dict.
    p = make_params(np.random.default_rng(0), cell, d, h)
    assert ref.count_parameters(cell, d, h, biases=1) == sum(v.size for v in p.values())


def test_count_parameters_lecture_values_and_errors():
    assert ref.count_parameters("lstm", 3, 5) == 4 * (3 * 5 + 5 * 5 + 5)
    assert ref.count_parameters("gru", 3, 5) == 3 * (3 * 5 + 5 * 5 + 5)
    assert type(ref.count_parameters("rnn", 3, 5)) is int
    for args in (("elman", 3, 5), ("rnn", -1, 5), ("rnn", 3, -1)):
        with pytest.raises(ValueError):
            ref.count_parameters(*args)
    with pytest.raises(ValueError):
        ref.count_parameters("rnn", 3, 5, biases=3)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 64), h=st.integers(1, 64), cell=cells)
def test_count_bidirectional_parameters_matches_torch(d, h, cell):
    """Both directions of nn.RNN/LSTM/GRU(bidirectional=True); one bias = without the *_hh biases."""
    layer_cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    with_bias = layer_cls(d, h, bias=True, bidirectional=True)
    without_hh = sum(p.numel() for name, p in with_bias.named_parameters() if not name.startswith("bias_hh"))
    assert ref.count_bidirectional_parameters(cell, d, h, biases=2) == _numel(with_bias)
    assert ref.count_bidirectional_parameters(cell, d, h, biases=1) == without_hh
    assert ref.count_bidirectional_parameters(cell, d, h, biases=0) == _numel(
        layer_cls(d, h, bias=False, bidirectional=True)
    )


def test_count_bidirectional_parameters_lecture_example_and_errors():
    """The notes' "complexity 190 -> 380" (an RNN with D = 8, H = 10: 80 + 100 + 10 = 190 per direction)."""
    assert ref.count_bidirectional_parameters("rnn", 8, 10) == 380
    for args in (("elman", 3, 5), ("rnn", -1, 5), ("lstm", 3, -1)):
        with pytest.raises(ValueError):
            ref.count_bidirectional_parameters(*args)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 32), h=st.integers(1, 32))
def test_concat_weight_shape_is_a_linear_layer_on_the_concatenation(d, h):
    """nn.Linear(H + D, H) on cat([h, x]) is one gate's product; it stores its weight as (H, H + D)."""
    gate = torch.nn.Linear(h + d, h)
    assert ref.concat_weight_shape(d, h) == tuple(gate.weight.T.shape)
    assert all(type(n) is int for n in ref.concat_weight_shape(d, h))
    hx = torch.cat([torch.zeros(2, h), torch.zeros(2, d)], dim=1)
    assert gate(hx).shape == (2, h)


def test_concat_weight_shape_lecture_example_and_errors():
    """The notes' GRU example: h has 4 values and W_C is 7 x 4, so the input has 3."""
    assert ref.concat_weight_shape(3, 4) == (7, 4)
    for args in ((-1, 4), (3, -4)):
        with pytest.raises(ValueError):
            ref.concat_weight_shape(*args)


# --------------------------------------------------------------------------------------------------
# The torch versions: against the numpy reference and against torch.nn, batched, on the input's device
# --------------------------------------------------------------------------------------------------

TORCH_FORWARDS = {
    "rnn": ("rnn_forward_torch", "rnn_forward"),
    "lstm": ("lstm_forward_torch", "lstm_forward"),
    "gru": ("gru_forward_torch", "gru_forward"),
}


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_torch_forwards_match_numpy_and_torch_nn(n, t, d, h, s, cell):
    torch.manual_seed(s)
    rng = np.random.default_rng(s)
    p = make_params(rng, cell, d, h)
    if cell == "gru":
        p = saturate_reset(p, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    torch_name, numpy_name = TORCH_FORWARDS[cell]
    out = getattr(ref, torch_name)(t64(x), t64(h0), {key: t64(value) for key, value in p.items()})
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64 and out.shape == (n, t, h)
    assert out.device == torch.device("cpu")
    numpy_out, _ = getattr(ref, numpy_name)(x, h0, p)
    close(out.detach().numpy(), numpy_out)
    module = _nn_module(cell, d, h)
    load_into(module, _to_torch_layout(cell, p, h), "_l0")
    close(out.detach().numpy(), _run_nn(module, cell, x, h0[None]))


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed)
def test_gru_forward_torch_general_params_against_independent_oracle(n, t, d, h, s):
    torch.manual_seed(s)
    x, h0 = torch.randn(n, t, d, dtype=torch.float64), torch.randn(n, h, dtype=torch.float64)
    p = {
        "Wx": torch.randn(d, 3 * h, dtype=torch.float64),
        "Wh": torch.randn(h, 3 * h, dtype=torch.float64),
        "b": torch.randn(3 * h, dtype=torch.float64),
    }
    out = ref.gru_forward_torch(x, h0, p)
    close(out.numpy(), lecture_gru_oracle(x, h0, {key: value.numpy() for key, value in p.items()}).numpy())


@pytest.mark.parametrize("cell", CELLS)
def test_torch_forwards_keep_float32_and_autograd(cell):
    torch.manual_seed(0)
    d, h = 3, 4
    x = torch.randn(2, 5, d)
    h0 = torch.randn(2, h)
    k = GATES[cell]
    p = {
        "Wx": torch.randn(d, k * h, requires_grad=True),
        "Wh": torch.randn(h, k * h),
        "b": torch.randn(k * h),
    }
    out = getattr(ref, TORCH_FORWARDS[cell][0])(x, h0, p)
    assert out.dtype == torch.float32 and out.shape == (2, 5, h)
    out.sum().backward()
    assert p["Wx"].grad is not None and torch.isfinite(p["Wx"].grad).all()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
@pytest.mark.parametrize("cell", CELLS)
def test_torch_forwards_run_on_cuda(cell):
    torch.manual_seed(0)
    d, h, k = 3, 4, GATES[cell]
    cpu = {"Wx": torch.randn(d, k * h), "Wh": torch.randn(h, k * h), "b": torch.randn(k * h)}
    x, h0 = torch.randn(8, 6, d), torch.randn(8, h)
    fn = getattr(ref, TORCH_FORWARDS[cell][0])
    out = fn(x.cuda(), h0.cuda(), {key: value.cuda() for key, value in cpu.items()})
    assert out.is_cuda and out.dtype == torch.float32
    torch.testing.assert_close(out.cpu(), fn(x, h0, cpu), rtol=1e-2, atol=1e-2)  # TF32-aware


# --------------------------------------------------------------------------------------------------
# Saturating inputs: no NaN, no overflow warning
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=size, t=size, d=size, h=size, s=seed, cell=cells)
def test_saturating_inputs_give_finite_outputs(n, t, d, h, s, cell):
    rng = np.random.default_rng(s)
    p = make_params(rng, cell, d, h)
    x, h0 = rng.normal(size=(n, t, d)) * 1e3, rng.normal(size=(n, h))
    with np.errstate(all="raise"):
        outputs = [
            ref.rnn_forward(x, h0, p)[0] if cell == "rnn" else None,
            ref.lstm_forward(x, h0, p)[0] if cell == "lstm" else None,
            ref.gru_forward(x, h0, p)[0] if cell == "gru" else None,
            ref.bidirectional_forward(x, h0, h0, p, p, cell),
            ref.stacked_forward(x, [h0], [p], cell),
        ]
        if cell == "lstm":
            pp = dict(p, Pi=np.ones(h) * 1e3, Pf=np.ones(h), Po=np.ones(h))
            outputs.extend(ref.peephole_lstm_cell_forward(x[:, 0], h0, h0 * 1e3, pp)[:2])
    for value in outputs:
        if value is not None:
            assert np.isfinite(value).all()
    out = getattr(ref, TORCH_FORWARDS[cell][0])(
        t64(x), t64(h0), {key: t64(value) for key, value in p.items()}
    )
    assert torch.isfinite(out).all()
    if cell != "gru":  # the lecture GRU has no torch.nn counterpart outside the saturated-reset case
        module = _nn_module(cell, d, h)
        load_into(module, p, "_l0")
        close(out.numpy(), _run_nn(module, cell, x, h0[None]))


# --------------------------------------------------------------------------------------------------
# The docstrings' other promises: tuples, float32 kept, no argument changed, autograd to every input
# --------------------------------------------------------------------------------------------------


def _float32_arguments(function: str, rng: np.random.Generator) -> tuple:
    """Arguments of ``function`` in float32 (two layers for the stack, an LSTM for the bidirectional)."""
    n, t, d, h = 2, 3, 3, 4

    def p32(cell: str, inputs: int = d, hidden: int = h) -> dict:
        return {k: v.astype(np.float32) for k, v in make_params(rng, cell, inputs, hidden).items()}

    def a32(*shape: int) -> np.ndarray:
        return rng.normal(size=shape).astype(np.float32)

    cell = function.split("_")[0]
    if function == "peephole_lstm_cell_forward":
        p = {**p32("lstm"), **{k: a32(h) for k in ("Pi", "Pf", "Po")}}
        return a32(n, d), a32(n, h), a32(n, h), p
    if function.endswith("_cell_forward"):
        return (a32(n, d), a32(n, h), *([a32(n, h)] if cell == "lstm" else []), p32(cell))
    if function == "bidirectional_forward":
        return a32(n, t, d), a32(n, h), a32(n, h), p32("lstm"), p32("lstm"), "lstm"
    if function == "stacked_forward":
        return a32(n, t, d), [a32(n, h), a32(n, 2)], [p32("gru"), p32("gru", h, 2)], "gru"
    return a32(n, t, d), a32(n, h), p32(cell)


NUMPY_FORWARDS = [
    "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward", "gru_cell_forward",
    "gru_forward", "peephole_lstm_cell_forward", "bidirectional_forward", "stacked_forward",
]  # fmt: skip


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    return value


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


@pytest.mark.parametrize("function", NUMPY_FORWARDS)
def test_numpy_forwards_keep_float32_return_tuples_and_change_no_argument(function):
    args = _float32_arguments(function, np.random.default_rng(8))
    before = [_snapshot(a) for a in args]
    result = getattr(ref, function)(*args)
    assert all(_same(b, a) for b, a in zip(before, args, strict=True)), f"{function} changed an argument"
    if function in ("bidirectional_forward", "stacked_forward"):
        states = [result]
    else:
        assert type(result) is tuple and isinstance(result[-1], dict)
        states = list(result[:-1])
    assert all(type(s) is np.ndarray and s.dtype == np.float32 for s in states), [s.dtype for s in states]


@pytest.mark.parametrize("cell", CELLS)
def test_torch_forwards_reach_every_input_through_autograd(cell):
    torch.manual_seed(1)
    d, h, k = 3, 4, GATES[cell]
    x, h0 = torch.randn(2, 4, d, requires_grad=True), torch.randn(2, h, requires_grad=True)
    p = {name: torch.randn(*shape, requires_grad=True) for name, shape in
         (("Wx", (d, k * h)), ("Wh", (h, k * h)), ("b", (k * h,)))}  # fmt: skip
    out = getattr(ref, TORCH_FORWARDS[cell][0])(x, h0, p)
    grads = torch.autograd.grad(out.sum(), [x, h0, *p.values()])
    assert all(g is not None and g.abs().sum() > 0 for g in grads)


def test_counts_are_python_ints_and_the_shape_a_tuple_of_them():
    counts = [ref.count_parameters("lstm", 3, 5), ref.count_parameters("gru", 8, 10, biases=2)]
    counts.append(ref.count_bidirectional_parameters("rnn", 8, 10))
    assert [type(c) for c in counts] == [int, int, int]
    shape = ref.concat_weight_shape(3, 4)
    assert type(shape) is tuple and [type(v) for v in shape] == [int, int]
