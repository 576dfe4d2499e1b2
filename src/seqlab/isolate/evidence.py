"""Worker side: what a call did to its inputs, and whether torch outputs stay on the inputs' autograd graph.

Two questions a docstring's promises raise, answered where the call runs (the grader only sees copies):

* **Inputs unchanged, outputs not aliased** (:func:`watched_call`): every array, tensor, list and dict of
  the arguments is copied before the call and compared exactly (NaN equal to NaN) afterwards; every array or
  tensor of the returned value is checked for memory shared with an argument (``np.shares_memory``, a
  tensor's storage). Reported by where they sit, e.g. ``data`` or ``p['Wx']`` and ``[0]``.
* **Autograd graph kept** (:func:`graph_call`): the floating-point tensors among the arguments are made
  leaves that require gradients; after the call, the floating-point tensors of the value are summed and
  differentiated with :func:`torch.autograd.grad`; the report lists the arguments the value depends on
  through autograd. A function that computes in numpy and wraps the result depends on none.

Like every report of the worker, this is evidence from the untrusted process, for feedback and points.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

MAX_SHOWN = 8


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "untyped_storage")


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """``(path, leaf)`` for every array, tensor and scalar inside lists, tuples and dicts."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _named_arguments(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list:
    """``[(name, value)]`` for the arguments of the call, named by the function's signature if it binds."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    named: list[tuple[str, Any]] = []
    for name, value in bound.arguments.items():
        kind = inspect.signature(function).parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            named += [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        elif kind is inspect.Parameter.VAR_KEYWORD:
            named += list(value.items())
        else:
            named.append((name, value))
    return named


def _same(before: Any, after: Any) -> bool:
    if _is_tensor(before):
        import torch

        return (
            _is_tensor(after)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and bool(torch.equal(before.nan_to_num(), after.nan_to_num()))
        )
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(_same(before[k], after[k]) for k in before)
        )
    if isinstance(before, list | tuple):
        return (
            type(before) is type(after)
            and len(before) == len(after)
            and all(_same(b, a) for b, a in zip(before, after, strict=True))
        )
    try:
        return bool(before == after) or (before != before and after != after)  # NaN stays NaN
    except Exception:  # noqa: BLE001 - an argument we cannot compare is not reported
        return True


def _shares(output: Any, argument: Any) -> bool:
    if isinstance(output, np.ndarray) and isinstance(argument, np.ndarray):
        return output.size > 0 and bool(np.shares_memory(output, argument))
    if _is_tensor(output) and _is_tensor(argument):
        return (
            output.numel() > 0
            and output.untyped_storage().data_ptr() == argument.untyped_storage().data_ptr()
        )
    return False


def watched_call(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, list[str]]]:
    """Call the function; return its value and ``{"changed": [...], "aliased": [...]}``."""
    named = _named_arguments(function, args, kwargs)
    before = [(name, copy.deepcopy(value)) for name, value in named]
    value = function(*args, **kwargs)
    changed = [name for (name, copied), (_, now) in zip(before, named, strict=True) if not _same(copied, now)]
    inputs = [(f"{name}{path}", leaf) for name, value_in in named for path, leaf in _leaves(value_in, "")]
    aliased = []
    for path, leaf in _leaves(value, "output"):
        for name, argument in inputs:
            if _shares(leaf, argument):
                aliased.append(f"{path} shares memory with {name}")
                break
    return value, {"changed": changed[:MAX_SHOWN], "aliased": aliased[:MAX_SHOWN]}


def graph_call(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Call the function with its floating tensors requiring gradients; return its value and
    ``{"inputs": [...], "connected": [...], "outputs": n}`` (tensor arguments, those the value depends on
    through autograd, and how many floating tensors the value holds)."""
    import torch

    named = _named_arguments(function, args, kwargs)
    inputs = [
        (f"{name}{path}", leaf)
        for name, value in named
        for path, leaf in _leaves(value, "")
        if isinstance(leaf, torch.Tensor) and leaf.is_floating_point()
    ]
    for _, tensor in inputs:
        tensor.requires_grad_(True)
    value = function(*args, **kwargs)
    outputs = [
        leaf for _, leaf in _leaves(value, "") if isinstance(leaf, torch.Tensor) and leaf.is_floating_point()
    ]
    connected: list[str] = []
    on_graph = [t for t in outputs if t.requires_grad]
    if on_graph and inputs:
        total = sum(t.sum() for t in on_graph)
        gradients = torch.autograd.grad(total, [t for _, t in inputs], allow_unused=True)
        connected = [name for (name, _), g in zip(inputs, gradients, strict=True) if g is not None]
    return value, {"inputs": [name for name, _ in inputs], "connected": connected, "outputs": len(outputs)}
