"""Hidden tests: the torch sequence forwards (18 points, 7.5 of them GPU checks; that the states keep the
autograd graph of the inputs, 3 points more, half of them GPU checks, is checked in test_promises.py).

Each of ``rnn_forward_torch``, ``lstm_forward_torch`` and ``gru_forward_torch`` is graded on the CPU always
and, where the grader sees a CUDA device, on the GPU too (the ``device`` parameter; see
:mod:`seqlab.suite.gpu` for what happens to GPU checks' points where there is none):

* values (float64 over all regimes on the CPU; float64 and float32 on each device, float32 on CUDA within a
  TF32-aware tolerance) against the numpy reference in float64;
* built from tensor operations (no ``nn.RNN``/``nn.LSTM``/``nn.GRU`` or their cells inside), and the output
  stays where the inputs are: same device, same dtype, and no data moved off the device (no ``.cpu()``,
  ``.numpy()``, ``.item()`` round trip through the host);
* batched: the number of torch operators a call dispatches must not grow with the batch size (a Python
  loop over the examples of the batch makes it grow).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given

from seqlab import strategies as sst
from seqlab.testing import assert_tensor_matches, graded, on_devices, traced

torch = pytest.importorskip("torch")

TORCH_FORWARDS = {"rnn_forward_torch": "rnn", "lstm_forward_torch": "lstm", "gru_forward_torch": "gru"}
SMALL_BATCH, LARGE_BATCH = 2, 16


def per_function(points: float, *, edge: bool = False) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        "function", [pytest.param(f, marks=graded(f, points, edge=edge), id=f) for f in TORCH_FORWARDS]
    )


def as_tensors(problem: dict[str, Any], device: str) -> list[Any]:
    """The problem's arrays as tensors on ``device`` (parameter dicts become dicts of tensors)."""

    def tensor(array: np.ndarray) -> Any:
        return torch.from_numpy(np.ascontiguousarray(array)).to(device)

    return [
        {k: tensor(a) for k, a in value.items()} if isinstance(value, dict) else tensor(value)
        for value in problem.values()
    ]


def expected_states(reference: Any, function: str, problem: dict[str, Any]) -> np.ndarray:
    """The numpy reference's hidden states, computed in float64."""
    cell = TORCH_FORWARDS[function]
    as64 = {
        key: {k: a.astype(np.float64) for k, a in value.items()}
        if isinstance(value, dict)
        else value.astype(float)
        for key, value in problem.items()
    }
    states, _ = getattr(reference, f"{cell}_forward")(*as64.values())
    return states


def describe(function: str, problem: dict[str, Any], device: str) -> str:
    x = problem["x"]
    return f"{function}(x {tuple(x.shape)} {x.dtype} on {device}, ...)"


def check_values(submission: Any, reference: Any, function: str, spec: dict[str, Any], device: str) -> None:
    problem = sst.sequence_problem(TORCH_FORWARDS[function], spec)
    actual = getattr(submission, function)(*as_tensors(problem, device))
    assert_tensor_matches(
        actual,
        expected_states(reference, function, problem),
        what=describe(function, problem, device),
        device=device,
        dtype=getattr(torch, spec["dtype"]),
    )


@per_function(1)
@given(spec=sst.recurrent_specs(regimes=sst.REGIMES))
def test_torch_values_on_cpu(submission, reference, function, spec):
    """the hidden states for random sizes, zero and saturating inputs (float64, CPU)"""
    check_values(submission, reference, function, spec, "cpu")


@on_devices()
@per_function(1)
@given(spec=sst.recurrent_specs(dtypes=("float64", "float32"), max_size=4))
def test_torch_values_on_device(submission, reference, function, device, spec):
    """the hidden states on the device of the inputs, in float64 and float32"""
    check_values(submission, reference, function, spec, device)


def fixed_spec(batch: int, dtype: str = "float32") -> dict[str, Any]:
    return {"n": batch, "t": 4, "d": 3, "h": 5, "layers": [], "dtype": dtype, "regime": "normal", "seed": 7}


@on_devices()
@per_function(0.5)
def test_torch_stays_on_device(submission, reference, function, device):
    """tensor operations only, on the inputs' device and dtype, and no data goes through the host"""
    for dtype in ("float32", "float64"):
        problem = sst.sequence_problem(TORCH_FORWARDS[function], fixed_spec(3, dtype))
        what = describe(function, problem, device)
        value, trace = traced(getattr(submission, function))(*as_tensors(problem, device))
        assert_tensor_matches(
            value,
            expected_states(reference, function, problem),
            what=what,
            device=device,
            dtype=getattr(torch, dtype),
        )
        if trace.builtins:
            raise AssertionError(
                f"{what} used torch's own recurrent layers ({', '.join(trace.builtins)}: nn.RNN, nn.LSTM, "
                "nn.GRU or their *Cell versions). Build the cell from tensor operations (@, torch.tanh, "
                "torch.sigmoid, ...): that is the exercise."
            )
        if trace.transfers:
            raise AssertionError(
                f"{what} moved data off the {device} device: {'; '.join(trace.transfers)}. Keep every "
                "computation on the inputs' device (no .cpu(), .numpy(), .item(), float(tensor) inside)."
            )


@on_devices()
@per_function(1, edge=True)  # how it computes, not what: a function returning None runs no operation
def test_torch_is_batched(submission, function, device):
    """a larger batch runs no more torch operations (no Python loop over the examples)"""
    counts = {}
    for batch in (SMALL_BATCH, LARGE_BATCH):
        problem = sst.sequence_problem(TORCH_FORWARDS[function], fixed_spec(batch))
        _, trace = traced(getattr(submission, function))(*as_tensors(problem, device))
        counts[batch] = trace.ops
    if counts[LARGE_BATCH] > counts[SMALL_BATCH]:
        raise AssertionError(
            f"{function} ran {counts[LARGE_BATCH]} torch operations for a batch of {LARGE_BATCH} but "
            f"{counts[SMALL_BATCH]} for a batch of {SMALL_BATCH} (same sequence length and sizes): it seems "
            "to loop over the examples of the batch. Process the whole batch at once: x[:, t] is (N, D), and "
            "x[:, t] @ Wx works on every example together."
        )
