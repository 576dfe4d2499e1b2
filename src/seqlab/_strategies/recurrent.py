"""Strategies for recurrent-cell problems: inputs, states and parameter dicts of the ``cells`` contract.

Hypothesis draws a *spec*, a small dict of sizes, a dtype name, a regime and a seed (what a student sees
in a counterexample: ``spec={'n': 1, 't': 2, 'd': 1, 'h': 1, 'dtype': 'float32', 'regime': 'zero', ...}``);
``*_problem(cell, spec)`` turns it into a *problem*, a dict whose keys are the argument names of the
function it feeds (``x``, ``h_prev``, ``c_prev``, ``h0``, ``p``; ``h0_f``, ``h0_b``, ``p_f``, ``p_b``;
``h0s``, ``ps``). Arrays come from a generator seeded by the spec, so values stay well scaled, examples are
cheap and plain data (recordable, see :mod:`seqlab.suite.replay`). Three *regimes* cover what suites must try:

``normal``      inputs ~ U(-1, 1), weights ~ U(-1, 1) / sqrt(H): gates in their sensitive range;
``zero``        zero inputs and states (the output is then a function of the biases alone);
``saturating``  inputs ~ U(-1000, 1000) and large weights: every gate saturates, which must give 0, 1 or
                +-1, never NaN (a sigmoid written as ``exp(a) / (1 + exp(a))`` overflows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from seqlab._strategies.arrays import sizes

__all__ = [
    "GATES",
    "REGIMES",
    "cell_params",
    "recurrent_specs",
    "step_problem",
    "sequence_problem",
    "bidirectional_problem",
    "stacked_problem",
    "upstream_gradient",
]

#: Gate blocks per cell, in PyTorch's order (LSTM i, f, g, o; GRU r, z, n).
GATES = {"rnn": 1, "lstm": 4, "gru": 3, "peephole": 4}
#: The regimes of :func:`recurrent_specs`: ``normal`` (gates in their sensitive range), ``zero`` (zero inputs
#: and states: the biases alone) and ``saturating`` (every gate saturates: 0, 1 or +-1, never NaN).
REGIMES = ("normal", "zero", "saturating")
_INPUT_SCALE = {"normal": 1.0, "zero": 0.0, "saturating": 1000.0}
_WEIGHT_SCALE = {"normal": 1.0, "zero": 1.0, "saturating": 30.0}


def cell_params(
    rng: np.random.Generator, cell: str, d: int, h: int, dtype: np.dtype, regime: str = "normal"
) -> dict[str, np.ndarray]:
    """A parameter dict ``{"Wx": (D, kH), "Wh": (H, kH), "b": (kH,)}`` (plus peepholes ``Pi, Pf, Po``)."""
    k, scale = GATES[cell], _WEIGHT_SCALE[regime] / np.sqrt(h)
    p = {
        "Wx": rng.uniform(-scale, scale, (d, k * h)),
        "Wh": rng.uniform(-scale, scale, (h, k * h)),
        "b": rng.uniform(-1.0, 1.0, (k * h,)),
    }
    if cell == "peephole":
        p.update({name: rng.uniform(-scale, scale, (h,)) for name in ("Pi", "Pf", "Po")})
    return {key: value.astype(dtype) for key, value in p.items()}


def _state(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype, regime: str) -> np.ndarray:
    scale = min(_INPUT_SCALE[regime], 1.0)  # states of a tanh network live in [-1, 1]
    return rng.uniform(-scale, scale, shape).astype(dtype)


def _inputs(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype, regime: str) -> np.ndarray:
    scale = _INPUT_SCALE[regime]
    return rng.uniform(-scale, scale, shape).astype(dtype)


def recurrent_specs(
    *,
    regimes: tuple[str, ...] = ("normal",),
    dtypes: tuple[str, ...] = ("float64",),
    max_batch: int = 4,
    max_time: int = 5,
    max_size: int = 5,
    max_layers: int = 1,
) -> st.SearchStrategy[dict[str, Any]]:
    """Specs ``{"n", "t", "d", "h", "layers", "dtype", "regime", "seed"}``; every size is at least 1.

    ``layers`` lists the hidden size of each layer (``[h]`` unless ``max_layers > 1``).
    """
    return st.fixed_dictionaries(
        {
            "n": sizes(max_value=max_batch),
            "t": sizes(max_value=max_time),
            "d": sizes(max_value=max_size),
            "h": sizes(max_value=max_size),
            "layers": st.lists(sizes(max_value=max_size), min_size=max_layers > 1, max_size=max_layers - 1),
            "dtype": st.sampled_from(dtypes),
            "regime": st.sampled_from(regimes),
            "seed": st.integers(min_value=0, max_value=2**32 - 1),
        }
    )


def _setting(spec: dict[str, Any]) -> tuple[np.random.Generator, np.dtype, str]:
    return np.random.default_rng(spec["seed"]), np.dtype(spec["dtype"]), spec["regime"]


def step_problem(cell: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Arguments of one cell step: ``x`` (N, D), ``h_prev`` (N, H), ``c_prev`` (LSTMs) and ``p``."""
    rng, dtype, regime = _setting(spec)
    n, d, h = spec["n"], spec["d"], spec["h"]
    problem: dict[str, Any] = {
        "x": _inputs(rng, (n, d), dtype, regime),
        "h_prev": _state(rng, (n, h), dtype, regime),
    }
    if cell in ("lstm", "peephole"):
        problem["c_prev"] = _inputs(rng, (n, h), dtype, regime) * 2.0  # cell states are not bounded by 1
    problem["p"] = cell_params(rng, cell, d, h, dtype, regime)
    return problem


def sequence_problem(cell: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Arguments of a sequence forward: ``x`` (N, T, D), ``h0`` (N, H) and ``p``."""
    rng, dtype, regime = _setting(spec)
    n, t, d, h = spec["n"], spec["t"], spec["d"], spec["h"]
    return {
        "x": _inputs(rng, (n, t, d), dtype, regime),
        "h0": _state(rng, (n, h), dtype, regime),
        "p": cell_params(rng, cell, d, h, dtype, regime),
    }


def bidirectional_problem(cell: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Arguments of ``bidirectional_forward`` (two directions with their own states and parameters)."""
    rng, dtype, regime = _setting(spec)
    n, t, d, h = spec["n"], spec["t"], spec["d"], spec["h"]
    return {
        "x": _inputs(rng, (n, t, d), dtype, regime),
        "h0_f": _state(rng, (n, h), dtype, regime),
        "h0_b": _state(rng, (n, h), dtype, regime),
        "p_f": cell_params(rng, cell, d, h, dtype, regime),
        "p_b": cell_params(rng, cell, d, h, dtype, regime),
        "cell": cell,
    }


def stacked_problem(cell: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Arguments of ``stacked_forward``: layer sizes ``[h, *spec["layers"]]``, bottom first."""
    rng, dtype, regime = _setting(spec)
    n, t, d = spec["n"], spec["t"], spec["d"]
    hidden = [spec["h"], *spec["layers"]]
    inputs = [d, *hidden[:-1]]
    return {
        "x": _inputs(rng, (n, t, d), dtype, regime),
        "h0s": [_state(rng, (n, h), dtype, regime) for h in hidden],
        "ps": [cell_params(rng, cell, i, h, dtype, regime) for i, h in zip(inputs, hidden, strict=True)],
        "cell": cell,
    }


def upstream_gradient(spec: dict[str, Any], shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """A random upstream gradient of ``shape`` in the spec's dtype, seeded by the spec (not by its arrays)."""
    rng = np.random.default_rng([spec["seed"], 1])
    return (scale * rng.standard_normal(shape)).astype(spec["dtype"])
