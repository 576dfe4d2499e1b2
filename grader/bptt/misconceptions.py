"""Known misconceptions of the bptt assignment, each implemented as the mistake (see seqlab.misconceptions).

A mistake receives ``ref``, the reference in which the mistaken function replaces the correct one, so the
functions built on it are recognised too: a mistaken ``rnn_cell_backward`` in ``rnn_backward``,
``many_to_one_loss`` and ``truncated_bptt_grads``, a mistaken ``rnn_backward`` in ``many_to_one_loss``, a
mistaken ``lstm_cell_backward`` in ``lstm_backward``. Only the gradients the hidden tests grade are compared
(``observe`` drops any extra entries of a returned dict).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from seqlab.misconceptions import Catalogue, Observe

#: The gradients graded for each function returning a dict of them (for many_to_one_loss, its second item).
GRADED = {
    "rnn_cell_backward": ("dx", "dh_prev", "dWx", "dWh", "db"),
    "lstm_cell_backward": ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
    "rnn_backward": ("dx", "dh0", "dWx", "dWh", "db"),
    "lstm_backward": ("dx", "dh0", "dWx", "dWh", "db"),
    "truncated_bptt_grads": ("dx", "dh0", "dWx", "dWh", "db"),
    "many_to_one_loss": ("dx", "dh0", "dWx", "dWh", "db", "dWy", "dby"),
}


catalogue = Catalogue("bptt", observe=Observe(keys=GRADED))


def _affine_backward(da: np.ndarray, cache: dict[str, Any]) -> dict[str, np.ndarray]:
    """The gradients of ``a = x @ Wx + h_prev @ Wh + b`` from ``da``."""
    p = cache["p"]
    return {
        "dx": da @ p["Wx"].T,
        "dh_prev": da @ p["Wh"].T,
        "dWx": cache["x"].T @ da,
        "dWh": cache["h_prev"].T @ da,
        "db": da.sum(axis=0),
    }


def _through_time(
    ref: Any, cell: str, dhs: np.ndarray, cache: dict[str, Any], *, h: bool = True, c: bool = True,
    weights: str = "all",
) -> dict[str, np.ndarray]:  # fmt: skip
    """BPTT with the classic mistakes as switches: ``h=False`` / ``c=False`` does not pass ``dh_prev`` /
    ``dc_prev`` back to the previous step, ``weights="last"`` keeps only step T - 1's weight gradients (the
    first one computed, kept with ``if t == T - 1``), ``weights="first"`` only step 0's (assigned, ``dWx =
    step["dWx"]``, instead of added: the last one computed wins)."""
    dx = np.zeros_like(cache["x"], dtype=np.result_type(cache["x"], dhs))
    dh_next = dc_next = np.zeros_like(dhs[:, 0])
    total: dict[str, np.ndarray] = {}
    for t in reversed(range(dhs.shape[1])):
        step_cache = ref.step_cache(cache, t)
        if cell == "rnn":
            step = ref.rnn_cell_backward(dhs[:, t] + (dh_next if h else 0.0), step_cache)
        else:
            dc = dc_next if c else np.zeros_like(dc_next)
            step = ref.lstm_cell_backward(dhs[:, t] + (dh_next if h else 0.0), dc, step_cache)
            dc_next = step["dc_prev"]
        dx[:, t] = step["dx"]
        dh_next = step["dh_prev"]
        kept = {"all": True, "last": t == dhs.shape[1] - 1, "first": t == 0}[weights]
        if kept:
            for name in ("dWx", "dWh", "db"):
                total[name] = total.get(name, 0.0) + step[name]
    return {"dx": dx, "dh0": dh_next, **total}


# --- one RNN step, an RNN layer -------------------------------------------------------------------------
@catalogue.mistake(
    "rnn-tanh-derivative-one-minus-h",
    "rnn_cell_backward",
    title="an RNN step backwards with the tanh derivative written as 1 − h",
    explanation="The derivative of tanh is tanh'(a) = 1 − tanh²(a), so da = dh ⊙ (1 − h²) with h from the "
    "cache, not dh ⊙ (1 − h).",
    where="the bptt notebook, section 2 (One RNN step backwards)",
)
def _(ref: Any, dh: np.ndarray, cache: dict[str, Any]) -> Any:
    return _affine_backward(dh * (1.0 - cache["h"]), cache)


@catalogue.mistake(
    "rnn-backward-dh-prev-not-carried",
    "rnn_backward",
    title="BPTT in which each step only receives its own upstream gradient (dh_prev is not passed back)",
    explanation="The state h_t goes up to the loss and right into step t + 1, so the gradient reaching it "
    "is dhs[:, t] + dh_next, where dh_next is the dh_prev of step t + 1 (zero after the last step).",
    where="the bptt notebook, section 3 (Backpropagation through time: a whole RNN layer)",
)
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "rnn", dhs, cache, h=False)


@catalogue.mistake(
    "rnn-backward-weights-last-step-only",
    "rnn_backward",
    title="BPTT whose weight gradients are one time step's only (the last or the first), not accumulated "
    "over the steps",
    explanation="The same Wx, Wh and b are used at every step, so dWx, dWh and db are sums with one term "
    "per step: start them at zero and add (+=) every step's contribution.",
    where="the bptt notebook, section 3 (Backpropagation through time: a whole RNN layer)",
)
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "rnn", dhs, cache, weights="last")


@catalogue.form("rnn-backward-weights-last-step-only")
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "rnn", dhs, cache, weights="first")


# --- one LSTM step, an LSTM layer -----------------------------------------------------------------------
@catalogue.mistake(
    "lstm-cell-state-misses-the-tanh-path",
    "lstm_cell_backward",
    title="an LSTM step backwards whose cell-state gradient misses the path through h = o ⊙ tanh(c)",
    explanation="The cell state reaches the loss along two paths, directly into the next step and through "
    "h = o ⊙ tanh(c), so its total gradient is dc + dh ⊙ o ⊙ (1 − tanh²c), not dc alone.",
    where="the bptt notebook, section 4 (The LSTM backwards)",
)
def _(ref: Any, dh: np.ndarray, dc: np.ndarray, cache: dict[str, Any]) -> Any:
    i, f, g, o, tanh_c = (cache[key] for key in ("i", "f", "g", "o", "tanh_c"))
    gates = [dc * g * i * (1 - i), dc * cache["c_prev"] * f * (1 - f), dc * i * (1 - g**2)]
    da = np.concatenate([*gates, dh * tanh_c * o * (1 - o)], axis=1)
    return {**_affine_backward(da, cache), "dc_prev": dc * f}


@catalogue.mistake(
    "lstm-backward-dh-prev-not-carried",
    "lstm_backward",
    title="LSTM BPTT in which each step only receives its own upstream dh (dh_prev is not passed back)",
    explanation="The gradient reaching h_t is dhs[:, t] + dh_next, where dh_next is the dh_prev of step "
    "t + 1 (zero after the last step), as in rnn_backward; dc_next enters the step as its dc.",
    where="the bptt notebook, section 5 (An LSTM layer backwards)",
)
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "lstm", dhs, cache, h=False)


@catalogue.mistake(
    "lstm-backward-dc-prev-not-carried",
    "lstm_backward",
    title="LSTM BPTT in which the cell-state gradient is not passed back (dc = 0 at every step)",
    explanation="Two states flow back in time: dh_next is added to dhs[:, t], and dc_next, the dc_prev of "
    "step t + 1 (zero only after the last step), enters step t as its dc.",
    where="the bptt notebook, section 5 (An LSTM layer backwards)",
)
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "lstm", dhs, cache, c=False)


@catalogue.mistake(
    "lstm-backward-weights-last-step-only",
    "lstm_backward",
    title="LSTM BPTT whose weight gradients are one time step's only (the last or the first), not "
    "accumulated over the steps",
    explanation="The same Wx, Wh and b are used at every step, so dWx, dWh and db are sums with one term "
    "per step: start them at zero and add (+=) every step's contribution.",
    where="the bptt notebook, section 5 (An LSTM layer backwards)",
)
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "lstm", dhs, cache, weights="last")


@catalogue.form("lstm-backward-weights-last-step-only")
def _(ref: Any, dhs: np.ndarray, cache: dict[str, Any]) -> Any:
    return _through_time(ref, "lstm", dhs, cache, weights="first")


# --- the many-to-one loss -------------------------------------------------------------------------------
def _naive_softmax_loss(
    ref: Any, x: np.ndarray, y: np.ndarray, h0: np.ndarray, p: Any, Wy: np.ndarray, by: np.ndarray,
    log_probs: Any,
) -> Any:  # fmt: skip
    """The many-to-one loss and gradients with the scores' log-softmax computed by ``log_probs(scores)``."""
    hs, cache = ref.rnn_forward(x, h0, p)
    n, labels = x.shape[0], np.asarray(y, dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        logs = log_probs(hs[:, -1] @ Wy + by)
        loss = -float(np.mean(logs[np.arange(n), labels]))
        dscores = np.exp(logs)
        dscores[np.arange(n), labels] -= 1.0
        dscores /= n
        dhs = np.zeros_like(hs)
        dhs[:, -1] = dscores @ Wy.T
        grads = ref.rnn_backward(dhs, cache)
        grads.update(dWy=hs[:, -1].T @ dscores, dby=dscores.sum(axis=0))
    return loss, grads


@catalogue.mistake(
    "many-to-one-softmax-not-stabilised",
    "many_to_one_loss",
    title="a softmax computed without subtracting each row's largest score, which overflows",
    explanation="np.exp of a score above ~709 is inf, and inf / inf is nan. Subtract each row's maximum from "
    "the scores before np.exp (it cancels in the ratio) and take log p = z − log Σ e^z.",
    where="the bptt notebook, section 6 (The many-to-one loss)",
)
def _(ref: Any, x: np.ndarray, y: np.ndarray, h0: np.ndarray, p: Any, Wy: np.ndarray, by: np.ndarray) -> Any:
    def log_softmax(scores: np.ndarray) -> np.ndarray:  # probabilities first: inf / inf = nan
        e = np.exp(scores)
        return np.log(e / e.sum(axis=1, keepdims=True))

    return _naive_softmax_loss(ref, x, y, h0, p, Wy, by, log_softmax)


@catalogue.form("many-to-one-softmax-not-stabilised")
def _(ref: Any, x: np.ndarray, y: np.ndarray, h0: np.ndarray, p: Any, Wy: np.ndarray, by: np.ndarray) -> Any:
    def log_softmax(scores: np.ndarray) -> np.ndarray:  # log-sum-exp without the shift: z - inf = -inf
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    return _naive_softmax_loss(ref, x, y, h0, p, Wy, by, log_softmax)


# --- vanishing gradients, clipping, truncation ----------------------------------------------------------
@catalogue.mistake(
    "jacobian-norms-frobenius",
    "hidden_jacobian_norms",
    title="the Frobenius norm of the Jacobian products instead of their spectral norm",
    explanation="||dh_T/dh_t||_2 is the spectral norm, the largest singular value: np.linalg.norm(J, ord=2, "
    "axis=(1, 2)) for a stack; without ord=2 np.linalg.norm returns the Frobenius norm (the identity's is "
    "√H, not 1).",
    where="the bptt notebook, section 7 (Vanishing and exploding gradients)",
)
def _(ref: Any, x: np.ndarray, h0: np.ndarray, p: Any) -> Any:
    hs, _ = ref.rnn_forward(x, h0, p)
    n, t_steps, hidden = hs.shape
    jacobian = np.broadcast_to(np.eye(hidden), (n, hidden, hidden))
    norms = [np.linalg.norm(jacobian, axis=(1, 2))]
    for t in range(t_steps, 0, -1):
        jacobian = jacobian @ ((1.0 - hs[:, t - 1] ** 2)[:, :, None] * p["Wh"].T[None])
        norms.append(np.linalg.norm(jacobian, axis=(1, 2)))
    return np.stack(norms[::-1], axis=1)


@catalogue.mistake(
    "clip-grad-norm-each-gradient-alone",
    "clip_grad_norm",
    title="gradients clipped each by its own norm instead of the global norm",
    explanation="clip_grad_norm treats all gradients as one long vector: total = ||g||_p over every entry of "
    "every gradient, and all of them are scaled by the same factor min(max_norm / (total + 1e-6), 1), so "
    "the direction is kept.",
    where="the bptt notebook, section 8 (Gradient clipping)",
)
def _(ref: Any, grads: Mapping[str, np.ndarray], max_norm: float, norm_type: float = 2.0) -> Any:
    clip = ref.correct.clip_grad_norm
    clipped = {name: clip({name: g}, max_norm, norm_type)[0][name] for name, g in grads.items()}
    return clipped, clip(grads, max_norm, norm_type)[1]


@catalogue.form("clip-grad-norm-each-gradient-alone")
def _(ref: Any, grads: Mapping[str, np.ndarray], max_norm: float, norm_type: float = 2.0) -> Any:
    """The same loop over the gradients, with the total taken as the sum of their own norms."""
    clip = ref.correct.clip_grad_norm
    each = {name: clip({name: g}, max_norm, norm_type) for name, g in grads.items()}
    return {name: clipped[name] for name, (clipped, _) in each.items()}, sum(own for _, own in each.values())


@catalogue.mistake(
    "truncated-bptt-cuts-one-step-late",
    "truncated_bptt_grads",
    title="truncated BPTT whose chunk boundaries are one step late (a first chunk of k + 1 steps)",
    explanation="The chunks are [0, k), [k, 2k), ... in code indices: going backwards, dh_next is set to "
    "zero when it would cross from a chunk's first step t (t > 0 and t % k == 0) into step t − 1, not "
    "after steps k + 1, 2k + 1, ...",
    where="the bptt notebook, section 9 (Truncated backpropagation through time)",
)
def _(ref: Any, x: np.ndarray, h0: np.ndarray, p: Any, dhs: np.ndarray, k: int) -> Any:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    _, cache = ref.rnn_forward(x, h0, p)
    dx = np.zeros_like(x, dtype=np.result_type(x, dhs))
    dh_next = np.zeros_like(dhs[:, 0])
    total: dict[str, np.ndarray] = {}
    for t in reversed(range(x.shape[1])):
        step = ref.rnn_cell_backward(dhs[:, t] + dh_next, ref.step_cache(cache, t))
        dx[:, t] = step["dx"]
        for name in ("dWx", "dWh", "db"):
            total[name] = total.get(name, 0.0) + step[name]
        dh_next = 0.0 * step["dh_prev"] if t > 1 and (t - 1) % k == 0 else step["dh_prev"]
    return {"dx": dx, "dh0": dh_next, **total}


# --- probes: typical inputs on which every mistake above differs from the reference and from the others ---
def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _forward_cache(cell: str, x: np.ndarray, h0: np.ndarray, p: dict[str, np.ndarray]) -> dict[str, Any]:
    """The sequence cache of the given ``rnn_forward`` / ``lstm_forward`` (the cells assignment's layout)."""
    h, c, steps = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        a = x[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"]
        step: dict[str, np.ndarray] = {"x": x[:, t], "h_prev": h}
        if cell == "rnn":
            h = np.tanh(a)
        else:
            a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
            i, f, g, o = _sigmoid(a_i), _sigmoid(a_f), np.tanh(a_g), _sigmoid(a_o)
            step.update(c_prev=c, i=i, f=f, g=g, o=o)
            c = f * c + i * g
            h = o * np.tanh(c)
            step.update(c=c, tanh_c=np.tanh(c))
        steps.append({**step, "h": h})
    cache: dict[str, Any] = {key: np.stack([s[key] for s in steps], axis=1) for key in steps[0]}
    cache["p"] = p
    return cache


def _probe_inputs() -> None:
    """Register the probes (a batch of 3, 5 time steps, 3 inputs, 4 hidden units, distinct random values)."""
    rng = np.random.default_rng(20240517)
    n, t, d, h = 3, 5, 3, 4

    def params(k: int) -> dict[str, np.ndarray]:
        scale = 1.5 / np.sqrt(h)
        return {
            "Wx": rng.uniform(-scale, scale, (d, k * h)),
            "Wh": rng.uniform(-scale, scale, (h, k * h)),
            "b": rng.uniform(-1.0, 1.0, k * h),
        }

    x, h0, dhs = (
        rng.uniform(-1.0, 1.0, (n, t, d)),
        rng.uniform(-1.0, 1.0, (n, h)),
        rng.standard_normal((n, t, h)),
    )
    p_rnn, p_lstm = params(1), params(4)
    rnn, lstm = _forward_cache("rnn", x, h0, p_rnn), _forward_cache("lstm", x, h0, p_lstm)
    step = {key: value if key == "p" else value[:, 2] for key, value in rnn.items()}
    catalogue.probe("rnn_cell_backward", dhs[:, 2], step)
    catalogue.probe("rnn_backward", dhs, rnn)
    step = {key: value if key == "p" else value[:, 2] for key, value in lstm.items()}
    catalogue.probe("lstm_cell_backward", dhs[:, 2], rng.standard_normal((n, h)), step)
    catalogue.probe("lstm_backward", dhs, lstm)
    catalogue.probe("truncated_bptt_grads", x, h0, p_rnn, dhs, 2)
    catalogue.probe("hidden_jacobian_norms", x, h0, p_rnn)
    # scores of a few hundred to a few thousand: exp overflows unless the row maximum is subtracted first
    y, wy, by = np.array([0, 2, 1]), 1000.0 * rng.standard_normal((h, 3)), rng.standard_normal(3)
    catalogue.probe("many_to_one_loss", x, y, h0, p_rnn, wy, by)
    grads = {
        "dWx": 3.0 * rng.standard_normal((d, h)),
        "dWh": rng.standard_normal((h, h)),
        "db": rng.standard_normal(h),
    }
    catalogue.probe("clip_grad_norm", grads, 1.5)
    catalogue.probe("clip_grad_norm", grads, 2.0, norm_type=float("inf"))


_probe_inputs()
