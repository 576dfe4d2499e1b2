"""Worker side: run one call of a student's torch function under an operator trace.

The trace answers two questions the GPU checks ask, the same way on every device:

* **Is it batched?** ``ops`` counts the aten operators the call dispatched. A function that loops over
  time runs the same operators whatever the batch size; one that loops over the batch runs more of them
  for a larger batch. The grader compares the counts of two calls that differ only in batch size.
* **Is it built from tensor operations?** ``builtins`` lists the recurrent layers of torch the call used
  (``torch.nn.RNN``/``LSTM``/``GRU`` and their ``*Cell`` versions reach ``torch._VF.rnn_tanh``, ``lstm``,
  ``gru_cell``, ...), seen by a :class:`torch.overrides.TorchFunctionMode`.
* **Does it stay on the device?** ``transfers`` lists every operator that moved data *off* the device the
  inputs live on (``.cpu()``, ``.to("cpu")``, ``.numpy()`` after a copy, ``.tolist()``) and every read of a
  device value on the host (``.item()``, ``float(t)``, ``if t > 0``) — a host round trip on a GPU.

It uses :class:`torch.utils._python_dispatch.TorchDispatchMode`, which sees each operator after autograd and
before the kernel. Like everything the worker reports, the trace comes from the untrusted process: code that
removes the mode can hide operators. The grader treats it as evidence for feedback and points, not as proof.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_TRANSFERS_SHOWN = 8
#: The functions torch's own recurrent modules call (``torch._VF``): using them is not building the cell.
RECURRENT_BUILTINS = frozenset(
    {"rnn_tanh", "rnn_relu", "lstm", "gru", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"}
)


def _devices(tree: Any) -> set[str]:
    import torch
    from torch.utils._pytree import tree_leaves

    return {str(leaf.device) for leaf in tree_leaves(tree) if isinstance(leaf, torch.Tensor)}


def traced_call(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Call ``function(*args, **kwargs)``; return its value and ``{"ops", "transfers", "builtins"}``.

    Exceptions of the call propagate (the caller reports them as the student's errors).
    """
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode

    home = _devices((args, kwargs))
    counts = {"ops": 0}
    transfers: list[str] = []

    def note(text: str) -> None:
        if len(transfers) < MAX_TRANSFERS_SHOWN and text not in transfers:
            transfers.append(text)

    class Trace(TorchDispatchMode):
        @classmethod
        def _should_skip_dynamo(cls) -> bool:
            # torch wraps a mode's __torch_dispatch__ in torch._dynamo.disable by default, and the first
            # call of that wrapper imports torch._dynamo (and sympy): 1.5-2 s in every worker. Nothing
            # here is compiled, so the mode opts out, as torch's own docstring of this hook shows.
            return False

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            out = func(*args, **(kwargs or {}))
            counts["ops"] += 1
            name = str(getattr(func, "__name__", func)).split(".")[0]
            inputs = _devices((args, kwargs))
            if func is torch.ops.aten._local_scalar_dense.default and inputs - {"cpu"}:
                note(f"a value on {min(inputs - {'cpu'})} was read on the host (.item(), float(), if ...)")
            elif inputs and inputs <= home:
                for device in sorted(_devices(out) - inputs):
                    note(f"{name} moved data from {min(inputs)} to {device}")
            return out

    builtins: list[str] = []

    class Calls(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            name = getattr(func, "__name__", "")
            if name in RECURRENT_BUILTINS and name not in builtins:
                builtins.append(name)
            return func(*args, **(kwargs or {}))

    with Calls(), Trace():
        value = function(*args, **kwargs)
    return value, {"ops": counts["ops"], "transfers": transfers, "builtins": builtins}
