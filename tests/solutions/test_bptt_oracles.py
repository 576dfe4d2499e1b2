"""Oracle tests for the ``bptt`` reference solution.

The reference is never its own oracle. Expectations come from

* ``torch.autograd`` on torch formulations of the same networks written below (tensor ops in float64, explicit
  ``1 / (1 + exp(-a))`` gates), with the loss ``sum(outputs * upstream)`` so that the autograd gradients are
  exactly what a backward pass receiving ``upstream`` must return;
* centred numerical differences (``seqlab.gradcheck``) on a few small cases, a second, torch-free oracle;
* ``torch.nn.functional.cross_entropy``, ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_``, a torch
  loop that detaches the hidden state every ``k`` steps, and ``torch.autograd.functional.jacobian`` with
  ``torch.linalg.matrix_norm(ord=2)``;
* the ``cells`` assignment's reference for the given forward passes (the two assignments share one cache).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.course.layout import load_reference
from seqlab.gradcheck import numerical_gradient, numerical_gradient_array

ref = load_reference("bptt")
cells = load_reference("cells")

ORACLE_SETTINGS = settings(max_examples=25, deadline=None)
TOL = 1e-10
NUM_RTOL, NUM_ATOL = 1e-6, 1e-8  # centred differences in float64 with h = 1e-5

size = st.integers(1, 4)
steps = st.integers(1, 6)
seed = st.integers(0, 2**32 - 1)

RNN_GRADS = {"dx", "dh0", "dWx", "dWh", "db"}


# --------------------------------------------------------------------------------------------------
# Helpers: random parameters and the torch formulations of the networks
# --------------------------------------------------------------------------------------------------


def make_params(rng: np.random.Generator, gates: int, d: int, h: int, scale: float = 0.7) -> dict:
    return {
        "Wx": rng.normal(0.0, scale, (d, gates * h)),
        "Wh": rng.normal(0.0, scale, (h, gates * h)),
        "b": rng.normal(0.0, scale, (gates * h,)),
    }


def t64(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def leaves(**arrays: np.ndarray) -> dict[str, torch.Tensor]:
    """float64 leaf tensors that record gradients, one per named array."""
    return {name: t64(value, grad=True) for name, value in arrays.items()}


def torch_sigmoid(a: torch.Tensor) -> torch.Tensor:
    return 1.0 / (1.0 + torch.exp(-a))


def torch_rnn_step(x, h, wx, wh, b):
    return torch.tanh(x @ wx + h @ wh + b)


def torch_lstm_step(x, h, c, wx, wh, b):
    a_i, a_f, a_g, a_o = (x @ wx + h @ wh + b).chunk(4, dim=1)
    c = torch_sigmoid(a_f) * c + torch_sigmoid(a_i) * torch.tanh(a_g)
    return torch_sigmoid(a_o) * torch.tanh(c), c


def torch_rnn(x, h0, wx, wh, b, detach_every: int | None = None) -> torch.Tensor:
    """(N, T, H) states; with ``detach_every = k`` the state entering steps k, 2k, ... is detached."""
    h, out = h0, []
    for t in range(x.shape[1]):
        if detach_every is not None and t > 0 and t % detach_every == 0:
            h = h.detach()
        h = torch_rnn_step(x[:, t], h, wx, wh, b)
        out.append(h)
    return torch.stack(out, dim=1)


def torch_lstm(x, h0, wx, wh, b) -> torch.Tensor:
    h, c, out = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        h, c = torch_lstm_step(x[:, t], h, c, wx, wh, b)
        out.append(h)
    return torch.stack(out, dim=1)


def autograd(loss: torch.Tensor, tensors: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """``d loss / d tensor`` for every named leaf, as ``{"d" + name: array}`` (zeros where unused)."""
    grads = torch.autograd.grad(loss, list(tensors.values()), allow_unused=True, retain_graph=True)
    return {
        f"d{name}": (torch.zeros_like(tensor) if g is None else g).detach().numpy()
        for (name, tensor), g in zip(tensors.items(), grads, strict=True)
    }


def close(a, b, rtol: float = TOL, atol: float = TOL) -> None:
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def assert_grads(got: dict, expected: dict, rtol: float = TOL, atol: float = TOL) -> None:
    assert set(got) == set(expected)
    for name, value in expected.items():
        assert np.shape(got[name]) == np.shape(value), name
        np.testing.assert_allclose(got[name], value, rtol=rtol, atol=atol, err_msg=name)


def rename(grads: dict, **names: str) -> dict:
    """Rename keys of an autograd result (``dh_prev`` for ``dh0``, ``dWx`` for ``dwx`` ...)."""
    return {names.get(key, key): value for key, value in grads.items()}


# --------------------------------------------------------------------------------------------------
# Backward passes against autograd
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_rnn_cell_backward_matches_autograd(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h_prev, dh = rng.normal(size=(n, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    _, cache = ref.rnn_cell_forward(x, h_prev, p)
    tt = leaves(x=x, h_prev=h_prev, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out = torch_rnn_step(tt["x"], tt["h_prev"], tt["Wx"], tt["Wh"], tt["b"])
    expected = autograd((out * t64(dh)).sum(), tt)
    got = ref.rnn_cell_backward(dh, cache)
    assert_grads(got, expected)


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed)
def test_rnn_backward_matches_autograd(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    _, cache = ref.rnn_forward(x, h0, p)
    tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out = torch_rnn(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"])
    expected = autograd((out * t64(dhs)).sum(), tt)
    got = ref.rnn_backward(dhs, cache)
    assert_grads(got, expected)
    assert set(got) == RNN_GRADS


@ORACLE_SETTINGS
@given(n=size, d=size, h=size, s=seed)
def test_lstm_cell_backward_matches_autograd(n, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 4, d, h)
    x, h_prev, c_prev = rng.normal(size=(n, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    dh, dc = rng.normal(size=(n, h)), rng.normal(size=(n, h))
    _, _, cache = ref.lstm_cell_forward(x, h_prev, c_prev, p)
    tt = leaves(x=x, h_prev=h_prev, c_prev=c_prev, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out_h, out_c = torch_lstm_step(tt["x"], tt["h_prev"], tt["c_prev"], tt["Wx"], tt["Wh"], tt["b"])
    expected = autograd((out_h * t64(dh)).sum() + (out_c * t64(dc)).sum(), tt)
    assert_grads(ref.lstm_cell_backward(dh, dc, cache), expected)
    # dc really is dL/dc: with dh = 0 only the direct path through the cell state remains.
    zero = np.zeros_like(dh)
    only_c = autograd((out_c * t64(dc)).sum(), tt)
    assert_grads(ref.lstm_cell_backward(zero, dc, cache), only_c)
    close(ref.lstm_cell_backward(zero, dc, cache)["dc_prev"], dc * cache["f"])


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed)
def test_lstm_backward_matches_autograd(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 4, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    _, cache = ref.lstm_forward(x, h0, p)
    tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out = torch_lstm(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"])
    expected = autograd((out * t64(dhs)).sum(), tt)
    got = ref.lstm_backward(dhs, cache)
    assert_grads(got, expected)
    assert set(got) == RNN_GRADS


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed, last=st.integers(0, 5))
def test_rnn_backward_loss_on_one_step_only(n, t, d, h, s, last):
    """Upstream only at one step (zeros elsewhere): the sum over later steps must still be formed."""
    rng = np.random.default_rng(s)
    step = last % t
    p = make_params(rng, 1, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    dhs = np.zeros((n, t, h))
    dhs[:, step] = rng.normal(size=(n, h))
    _, cache = ref.rnn_forward(x, h0, p)
    tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out = torch_rnn(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"])
    got = ref.rnn_backward(dhs, cache)
    assert_grads(got, autograd((out[:, step] * t64(dhs[:, step])).sum(), tt))
    assert np.all(got["dx"][:, step + 1 :] == 0.0)


# --------------------------------------------------------------------------------------------------
# Backward passes against centred numerical differences (torch-free)
# --------------------------------------------------------------------------------------------------

SMALL_CASES = [(1, 1, 1, 1, 0), (2, 3, 2, 3, 1), (3, 4, 3, 2, 2)]  # (N, T, D, H, seed)


@pytest.mark.parametrize(("n", "t", "d", "h", "s"), SMALL_CASES)
def test_rnn_backward_passes_match_numerical_gradients(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    # The cell.
    x1, dh = x[:, 0].copy(), dhs[:, 0]
    _, cache = ref.rnn_cell_forward(x1, h0, p)
    got = ref.rnn_cell_backward(dh, cache)

    def cell():
        return ref.rnn_cell_forward(x1, h0, p)[0]

    for name, array in (("dx", x1), ("dh_prev", h0), ("dWx", p["Wx"]), ("dWh", p["Wh"]), ("db", p["b"])):
        close(got[name], numerical_gradient_array(cell, array, dh), NUM_RTOL, NUM_ATOL)
    # The sequence.
    _, cache = ref.rnn_forward(x, h0, p)
    got = ref.rnn_backward(dhs, cache)

    def sequence():
        return ref.rnn_forward(x, h0, p)[0]

    for name, array in (("dx", x), ("dh0", h0), ("dWx", p["Wx"]), ("dWh", p["Wh"]), ("db", p["b"])):
        close(got[name], numerical_gradient_array(sequence, array, dhs), NUM_RTOL, NUM_ATOL)


@pytest.mark.parametrize(("n", "t", "d", "h", "s"), SMALL_CASES)
def test_lstm_backward_passes_match_numerical_gradients(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 4, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    c_prev, dc = rng.normal(size=(n, h)), rng.normal(size=(n, h))
    # The cell, with both outputs: L = sum(h * dh) + sum(c * dc).
    x1, dh = x[:, 0].copy(), dhs[:, 0]
    _, _, cache = ref.lstm_cell_forward(x1, h0, c_prev, p)
    got = ref.lstm_cell_backward(dh, dc, cache)

    def cell():
        out_h, out_c, _ = ref.lstm_cell_forward(x1, h0, c_prev, p)
        return np.concatenate([out_h, out_c], axis=1)

    upstream = np.concatenate([dh, dc], axis=1)
    arrays = {"dx": x1, "dh_prev": h0, "dc_prev": c_prev, "dWx": p["Wx"], "dWh": p["Wh"], "db": p["b"]}
    for name, array in arrays.items():
        close(got[name], numerical_gradient_array(cell, array, upstream), NUM_RTOL, NUM_ATOL)
    # The sequence.
    _, cache = ref.lstm_forward(x, h0, p)
    got = ref.lstm_backward(dhs, cache)

    def sequence():
        return ref.lstm_forward(x, h0, p)[0]

    for name, array in (("dx", x), ("dh0", h0), ("dWx", p["Wx"]), ("dWh", p["Wh"]), ("db", p["b"])):
        close(got[name], numerical_gradient_array(sequence, array, dhs), NUM_RTOL, NUM_ATOL)


@pytest.mark.parametrize(("n", "t", "d", "h", "s"), SMALL_CASES)
def test_many_to_one_loss_matches_numerical_gradients(n, t, d, h, s):
    rng = np.random.default_rng(s)
    classes = 3
    p = make_params(rng, 1, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    wy, by = rng.normal(size=(h, classes)), rng.normal(size=classes)
    y = rng.integers(0, classes, size=n)
    _, got = ref.many_to_one_loss(x, y, h0, p, wy, by)

    def loss():
        return ref.many_to_one_loss(x, y, h0, p, wy, by)[0]

    arrays = {"dx": x, "dh0": h0, "dWx": p["Wx"], "dWh": p["Wh"], "db": p["b"], "dWy": wy, "dby": by}
    for name, array in arrays.items():
        close(got[name], numerical_gradient(loss, array), NUM_RTOL, NUM_ATOL)


# --------------------------------------------------------------------------------------------------
# The given forward passes are the cells assignment's (outputs and caches)
# --------------------------------------------------------------------------------------------------


def assert_same_cache(got: dict, expected: dict, p: dict) -> None:
    assert set(got) == set(expected)
    assert got["p"] is p and expected["p"] is p
    for key, value in expected.items():
        if key != "p":
            assert got[key].shape == value.shape, key
            np.testing.assert_array_equal(got[key], value, err_msg=key)


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed)
def test_given_forwards_equal_the_cells_reference(n, t, d, h, s):
    rng = np.random.default_rng(s)
    x, h0, c_prev = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    # RNN: cell and sequence.
    p = make_params(rng, 1, d, h)
    out, cache = ref.rnn_cell_forward(x[:, 0], h0, p)
    exp_out, exp_cache = cells.rnn_cell_forward(x[:, 0], h0, p)
    np.testing.assert_array_equal(out, exp_out)
    assert_same_cache(cache, exp_cache, p)
    out, cache = ref.rnn_forward(x, h0, p)
    exp_out, exp_cache = cells.rnn_forward(x, h0, p)
    np.testing.assert_array_equal(out, exp_out)
    assert_same_cache(cache, exp_cache, p)
    for step in range(t):  # step_cache takes a cell cache back out of the sequence cache
        assert_same_cache(
            ref.step_cache(cache, step), cells.rnn_cell_forward(x[:, step], cache["h_prev"][:, step], p)[1], p
        )
    # LSTM: cell and sequence.
    p = make_params(rng, 4, d, h)
    out_h, out_c, cache = ref.lstm_cell_forward(x[:, 0], h0, c_prev, p)
    exp_h, exp_c, exp_cache = cells.lstm_cell_forward(x[:, 0], h0, c_prev, p)
    np.testing.assert_array_equal(out_h, exp_h)
    np.testing.assert_array_equal(out_c, exp_c)
    assert_same_cache(cache, exp_cache, p)
    out, cache = ref.lstm_forward(x, h0, p)
    exp_out, exp_cache = cells.lstm_forward(x, h0, p)
    np.testing.assert_array_equal(out, exp_out)
    assert_same_cache(cache, exp_cache, p)
    for step in range(t):
        _, _, expected = cells.lstm_cell_forward(
            x[:, step], cache["h_prev"][:, step], cache["c_prev"][:, step], p
        )
        assert_same_cache(ref.step_cache(cache, step), expected, p)
    # And both equal the torch formulation used as the gradient oracle above.
    with torch.no_grad():
        close(out, torch_lstm(t64(x), t64(h0), t64(p["Wx"]), t64(p["Wh"]), t64(p["b"])).numpy())


# --------------------------------------------------------------------------------------------------
# many_to_one_loss against cross_entropy + autograd
# --------------------------------------------------------------------------------------------------


def check_many_to_one(x, y, h0, p, wy, by) -> None:
    tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"], Wy=wy, by=by)
    states = torch_rnn(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"])
    scores = states[:, -1] @ tt["Wy"] + tt["by"]
    loss_t = F.cross_entropy(scores, torch.as_tensor(y, dtype=torch.int64), reduction="mean")
    expected = autograd(loss_t, tt)
    loss, grads = ref.many_to_one_loss(x, y, h0, p, wy, by)
    assert type(loss) is float
    assert loss == pytest.approx(loss_t.item(), rel=TOL, abs=TOL)
    assert_grads(grads, expected)
    assert set(grads) == RNN_GRADS | {"dWy", "dby"}


@ORACLE_SETTINGS
@given(n=st.integers(1, 5), t=steps, d=size, h=size, c=st.integers(1, 5), s=seed)
def test_many_to_one_loss_matches_cross_entropy(n, t, d, h, c, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    wy, by = rng.normal(size=(h, c)), rng.normal(size=c)
    y = rng.integers(0, c, size=n)
    check_many_to_one(x, y, h0, p, wy, by)


@ORACLE_SETTINGS
@given(n=st.integers(1, 5), d=size, h=size, c=st.integers(1, 5), s=seed)
def test_many_to_one_loss_single_step(n, d, h, c, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h0 = rng.normal(size=(n, 1, d)), rng.normal(size=(n, h))
    wy, by = rng.normal(size=(h, c)), rng.normal(size=c)
    check_many_to_one(x, rng.integers(0, c, size=n), h0, p, wy, by)


@ORACLE_SETTINGS
@given(c=st.integers(2, 6), extra=st.integers(0, 4), t=steps, d=size, h=size, s=seed)
def test_many_to_one_loss_labels_cover_every_class(c, extra, t, d, h, s):
    rng = np.random.default_rng(s)
    n = c + extra
    y = rng.permutation(np.arange(n) % c)  # every class at least once, as int64
    assert set(y.tolist()) == set(range(c))
    p = make_params(rng, 1, d, h)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    wy, by = rng.normal(size=(h, c)), rng.normal(size=c)
    check_many_to_one(x, y, h0, p, wy, by)
    check_many_to_one(x, y.astype(np.int32), h0, p, wy, by)  # any integer dtype of labels


def test_many_to_one_loss_large_scores_stay_finite():
    rng = np.random.default_rng(7)
    p = make_params(rng, 1, 2, 3)
    x, h0 = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3))
    wy, by = 500.0 * rng.normal(size=(3, 4)), rng.normal(size=4)
    check_many_to_one(x, np.array([0, 1, 2, 3]), h0, p, wy, by)


# --------------------------------------------------------------------------------------------------
# Gradient clipping against torch.nn.utils
# --------------------------------------------------------------------------------------------------

NORM_TYPES = [2.0, 1.0, float("inf")]
grad_shapes = st.lists(st.lists(st.integers(1, 4), min_size=0, max_size=2), min_size=1, max_size=4)


def torch_clip_norm(grads: dict, max_norm: float, norm_type: float) -> tuple[dict, float]:
    params = []
    for value in grads.values():
        param = torch.nn.Parameter(torch.zeros(np.shape(value), dtype=torch.float64))
        param.grad = t64(value)
        params.append(param)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    return {name: param.grad.numpy() for name, param in zip(grads, params, strict=True)}, float(total)


def check_clip_norm(grads: dict, max_norm: float, norm_type: float) -> None:
    before = {name: value.copy() for name, value in grads.items()}
    expected, expected_total = torch_clip_norm(grads, max_norm, norm_type)
    clipped, total = ref.clip_grad_norm(grads, max_norm, norm_type=norm_type)
    assert type(total) is float
    assert total == pytest.approx(expected_total, rel=TOL, abs=TOL)
    assert_grads(clipped, expected)
    for name, value in grads.items():  # inputs untouched, outputs new arrays
        np.testing.assert_array_equal(value, before[name])
        assert not np.shares_memory(clipped[name], value)


@ORACLE_SETTINGS
@given(
    shapes=grad_shapes,
    norm_type=st.sampled_from(NORM_TYPES),
    factor=st.one_of(st.floats(0.01, 0.95), st.floats(1.05, 10.0)),
    scale=st.floats(0.01, 100.0),
    s=seed,
)
def test_clip_grad_norm_matches_torch(shapes, norm_type, factor, scale, s):
    rng = np.random.default_rng(s)
    grads = {f"d{j}": scale * rng.normal(size=tuple(shape)) for j, shape in enumerate(shapes)}
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total = (
        np.max(np.abs(flat)) if np.isinf(norm_type) else np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type)
    )
    max_norm = factor * total  # below or above the global norm
    check_clip_norm(grads, max_norm, norm_type)
    clipped, _ = ref.clip_grad_norm(grads, max_norm, norm_type=norm_type)
    if factor > 1:  # above: nothing changes
        for name, value in grads.items():
            np.testing.assert_array_equal(clipped[name], value)
    else:  # below: the global norm becomes max_norm, the direction is kept
        new_flat = np.concatenate([clipped[name].ravel() for name in grads])
        new_total = np.linalg.norm(new_flat, ord=norm_type)
        assert new_total <= max_norm
        assert new_total == pytest.approx(max_norm * total / (total + 1e-6), rel=1e-9)
        close(new_flat * total, flat * new_total, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("norm_type", NORM_TYPES)
def test_clip_grad_norm_edge_cases(norm_type):
    rng = np.random.default_rng(0)
    # All zero: total 0, nothing changes.
    zeros = {"dWx": np.zeros((2, 3)), "db": np.zeros(3)}
    check_clip_norm(zeros, 1.0, norm_type)
    assert ref.clip_grad_norm(zeros, 1.0, norm_type=norm_type)[1] == 0.0
    # A single gradient, below and above its norm.
    single = {"dWh": rng.normal(size=(3, 3))}
    norm = float(np.linalg.norm(single["dWh"].ravel(), ord=norm_type))
    for max_norm in (0.5 * norm, 2.0 * norm):
        check_clip_norm(single, max_norm, norm_type)
    # No gradients at all: total 0, an empty dict back (torch returns tensor(0.)).
    check_clip_norm({}, 1.0, norm_type)
    assert ref.clip_grad_norm({}, 1.0, norm_type=norm_type) == ({}, 0.0)
    # A global norm, not a per-gradient one: each gradient under max_norm, together over it (p = 1, 2).
    pair = {"a": np.full(4, 3.0), "b": np.full(4, -3.0)}
    check_clip_norm(pair, 7.0, norm_type)


@ORACLE_SETTINGS
@given(shapes=grad_shapes, clip=st.floats(0.01, 3.0), s=seed)
def test_clip_grad_value_matches_torch(shapes, clip, s):
    rng = np.random.default_rng(s)
    grads = {f"d{j}": 2.0 * rng.normal(size=tuple(shape)) for j, shape in enumerate(shapes)}
    before = {name: value.copy() for name, value in grads.items()}
    params = []
    for value in grads.values():
        param = torch.nn.Parameter(torch.zeros(value.shape, dtype=torch.float64))
        param.grad = t64(value)
        params.append(param)
    torch.nn.utils.clip_grad_value_(params, clip)
    expected = {name: param.grad.numpy() for name, param in zip(grads, params, strict=True)}
    got = ref.clip_grad_value(grads, clip)
    assert_grads(got, expected, rtol=0.0, atol=0.0)
    for name, value in grads.items():
        np.testing.assert_array_equal(value, before[name])
        assert not np.shares_memory(got[name], value)


# --------------------------------------------------------------------------------------------------
# Truncated BPTT against a torch loop that detaches the state every k steps
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed, data=st.data())
def test_truncated_bptt_matches_torch_detach(n, t, d, h, s, data):
    k = data.draw(st.integers(1, t + 2), label="k")
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    p_before = {key: value.copy() for key, value in p.items()}
    tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    out = torch_rnn(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"], detach_every=k)
    expected = autograd((out * t64(dhs)).sum(), tt)
    got = ref.truncated_bptt_grads(x, h0, p, dhs, k)
    assert_grads(got, expected)
    for key, value in p.items():
        np.testing.assert_array_equal(value, p_before[key])
    if k >= t:  # no truncation: full BPTT, torch without any detach
        tt = leaves(x=x, h0=h0, Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
        full = torch_rnn(tt["x"], tt["h0"], tt["Wx"], tt["Wh"], tt["b"])
        assert_grads(got, autograd((full * t64(dhs)).sum(), tt))


def test_truncated_bptt_k1_keeps_only_each_steps_own_term():
    rng = np.random.default_rng(11)
    n, t, d, h = 2, 5, 3, 4
    p = make_params(rng, 1, d, h)
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    got = ref.truncated_bptt_grads(x, h0, p, dhs, 1)
    # Each step on its own, from the (constant) state the forward pass reached.
    with torch.no_grad():
        states = torch_rnn(t64(x), t64(h0), t64(p["Wx"]), t64(p["Wh"]), t64(p["b"])).numpy()
    entering = np.concatenate([h0[:, None], states[:, :-1]], axis=1)
    total = {"dWx": 0.0, "dWh": 0.0, "db": 0.0}
    for step in range(t):
        tt = leaves(x=x[:, step], h=entering[:, step], Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
        out = torch_rnn_step(tt["x"], tt["h"], tt["Wx"], tt["Wh"], tt["b"])
        g = autograd((out * t64(dhs[:, step])).sum(), tt)
        close(got["dx"][:, step], g["dx"])
        if step == 0:
            close(got["dh0"], g["dh"])
        for name in total:
            total[name] = total[name] + g[name]
    for name, value in total.items():
        close(got[name], value)


@pytest.mark.parametrize("k", [0, -1, -5])
def test_truncated_bptt_rejects_k_below_one(k):
    rng = np.random.default_rng(0)
    p = make_params(rng, 1, 2, 2)
    with pytest.raises(ValueError):
        ref.truncated_bptt_grads(rng.normal(size=(1, 3, 2)), np.zeros((1, 2)), p, np.ones((1, 3, 2)), k)


# --------------------------------------------------------------------------------------------------
# hidden_jacobian_norms against torch.autograd.functional.jacobian
# --------------------------------------------------------------------------------------------------


def torch_jacobian_norms(x: np.ndarray, h0: np.ndarray, p: dict) -> np.ndarray:
    """``||dh_T/dh_t||_2`` per example for t = 0..T (h_0 = h0, h_t the state after the t-th input)."""
    xs, wx, wh, b = t64(x), t64(p["Wx"]), t64(p["Wh"]), t64(p["b"])
    n, t_steps = x.shape[:2]
    with torch.no_grad():
        states = [t64(h0)]
        for t in range(t_steps):
            states.append(torch_rnn_step(xs[:, t], states[-1], wx, wh, b))
    norms = np.empty((n, t_steps + 1))
    for t in range(t_steps + 1):

        def last_state(h_t, t=t):
            h = h_t
            for step in range(t, t_steps):  # inputs t+1 .. T (0-based t .. T-1)
                h = torch_rnn_step(xs[:, step], h, wx, wh, b)
            return h

        jac = torch.autograd.functional.jacobian(last_state, states[t])  # (N, H, N, H)
        per_example = torch.stack([jac[j, :, j, :] for j in range(n)])  # examples are independent
        norms[:, t] = torch.linalg.matrix_norm(per_example, ord=2).numpy()
    return norms


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed, scale=st.sampled_from([0.3, 0.7, 1.5]))
def test_hidden_jacobian_norms_match_torch_jacobian(n, t, d, h, s, scale):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h, scale=scale)
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    got = ref.hidden_jacobian_norms(x, h0, p)
    assert got.shape == (n, t + 1)
    close(got, torch_jacobian_norms(x, h0, p), rtol=1e-9, atol=1e-12)
    close(got[:, -1], np.ones(n))


@ORACLE_SETTINGS
@given(n=size, t=steps, d=size, h=size, s=seed)
def test_hidden_jacobian_norms_zero_recurrence(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    p["Wh"] = np.zeros((h, h))
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    got = ref.hidden_jacobian_norms(x, h0, p)
    assert got.shape == (n, t + 1)
    np.testing.assert_array_equal(got[:, :-1], 0.0)
    close(got[:, -1], np.ones(n))


@ORACLE_SETTINGS
@given(n=size, t=st.integers(2, 6), d=size, h=size, s=seed)
def test_hidden_jacobian_norms_vanish_with_small_recurrent_weights(n, t, d, h, s):
    rng = np.random.default_rng(s)
    p = make_params(rng, 1, d, h)
    wh = rng.normal(size=(h, h))
    p["Wh"] = 0.5 * wh / np.linalg.norm(wh, ord=2)  # spectral norm 0.5: every step shrinks by >= 2x
    x, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    got = ref.hidden_jacobian_norms(x, h0, p)
    close(got, torch_jacobian_norms(x, h0, p), rtol=1e-9, atol=1e-12)
    assert np.all(got[:, :-1] <= 0.5 * got[:, 1:] + 1e-15)  # going back in time: at least halved
    assert np.all(np.diff(got, axis=1) > 0)  # strictly decreasing backwards (norms are > 0)


# --------------------------------------------------------------------------------------------------
# The docstrings' other promises: no argument changed, new arrays, tuples and Python floats
# --------------------------------------------------------------------------------------------------


def _arrays(value) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _arrays(v)]
    if isinstance(value, list | tuple):
        return [a for v in value for a in _arrays(v)]
    return []


def _promise_cases() -> dict[str, tuple]:
    rng = np.random.default_rng(21)
    n, t, d, h = 2, 4, 3, 3
    x, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, t, h))
    p_rnn, p_lstm = make_params(rng, 1, d, h), make_params(rng, 4, d, h)
    _, rnn_cache = cells.rnn_forward(x, h0, p_rnn)
    _, lstm_cache = cells.lstm_forward(x, h0, p_lstm)
    rnn_step = {k: v if k == "p" else v[:, 1] for k, v in rnn_cache.items()}
    lstm_step = {k: v if k == "p" else v[:, 1] for k, v in lstm_cache.items()}
    grads = {"dW": 5.0 * rng.normal(size=(3, 4)), "db": rng.normal(size=4)}
    return {
        "rnn_cell_backward": (dhs[:, 1], rnn_step),
        "rnn_backward": (dhs, rnn_cache),
        "lstm_cell_backward": (dhs[:, 1], dhs[:, 2], lstm_step),
        "lstm_backward": (dhs, lstm_cache),
        "many_to_one_loss": (x, np.array([1, 0]), h0, p_rnn, rng.normal(size=(h, 2)), rng.normal(size=2)),
        "clip_grad_norm": (grads, 1.0),
        "clip_grad_value": (grads, 0.5),
        "truncated_bptt_grads": (x, h0, p_rnn, dhs, 2),
        "hidden_jacobian_norms": (x, h0, p_rnn),
    }


@pytest.mark.parametrize("function", list(_promise_cases()))
def test_no_function_changes_its_arguments_or_returns_their_memory(function):
    args = _promise_cases()[function]
    copies = [a.copy() for a in _arrays(list(args))]
    result = getattr(ref, function)(*args)
    assert all(np.array_equal(c, a) for c, a in zip(copies, _arrays(list(args)), strict=True))
    assert not any(np.shares_memory(r, a) for r in _arrays(result) for a in _arrays(list(args)))
    if function == "clip_grad_norm":  # also when nothing needs clipping
        small = {k: 1e-3 * g for k, g in args[0].items()}
        clipped, _ = ref.clip_grad_norm(small, 10.0)
        assert not any(np.shares_memory(c, g) for c in clipped.values() for g in small.values())


def test_loss_and_total_norm_are_python_floats_in_tuples():
    cases = _promise_cases()
    result = ref.many_to_one_loss(*cases["many_to_one_loss"])
    assert type(result) is tuple and type(result[0]) is float and isinstance(result[1], dict)
    for norm_type in (2.0, 1.0, float("inf")):
        result = ref.clip_grad_norm(*cases["clip_grad_norm"], norm_type)
        assert type(result) is tuple and type(result[1]) is float and isinstance(result[0], dict)
