"""What a call into the worker returns: its status and value, and the evidence the worker gathered (the
torch operators it dispatched, what it did to its inputs, the autograd graph of its outputs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seqlab.isolate.protocol import Status

__all__ = ["CallResult", "CallTrace", "GraphEvidence", "InputEvidence"]


@dataclass(frozen=True)
class CallTrace:
    """What a traced call did (see :mod:`seqlab.isolate.trace`), as reported by the worker.

    Attributes:
        ops: torch operators the call dispatched.
        transfers: descriptions of operators that moved data off the inputs' device or read a device value
            on the host (at most a few).
        builtins: torch's own recurrent functions the call used (``lstm``, ``gru_cell``, ...).
    """

    ops: int
    transfers: tuple[str, ...] = ()
    builtins: tuple[str, ...] = ()

    @classmethod
    def from_reply(cls, data: Any) -> CallTrace | None:
        if type(data) is not dict or type(data.get("ops")) is not int:
            return None
        if type(data.get("transfers")) is not list:
            return None
        builtins = data.get("builtins") if type(data.get("builtins")) is list else []
        return cls(
            data["ops"],
            tuple(str(t)[:200] for t in data["transfers"][:8]),
            tuple(str(b)[:40] for b in builtins[:8]),
        )


def _texts(data: Any, limit: int = 8) -> tuple[str, ...]:
    return tuple(str(item)[:200] for item in data[:limit]) if type(data) is list else ()


@dataclass(frozen=True)
class InputEvidence:
    """What a watched call did to its arguments (see :mod:`seqlab.isolate.evidence`), as the worker reports.

    Attributes:
        changed: the arguments the call changed in place (``data``, ``p['Wx']``, ...).
        aliased: parts of the returned value that share memory with an argument.
    """

    changed: tuple[str, ...] = ()
    aliased: tuple[str, ...] = ()

    @classmethod
    def from_reply(cls, data: Any) -> InputEvidence | None:
        if type(data) is not dict:
            return None
        return cls(_texts(data.get("changed")), _texts(data.get("aliased")))


@dataclass(frozen=True)
class GraphEvidence:
    """Whether a torch call's value stays on its inputs' autograd graph, as the worker reports.

    Attributes:
        inputs: the floating-point tensor arguments (made to require gradients for the call).
        connected: those the value's floating tensors depend on through autograd.
        outputs: how many floating-point tensors the value holds.
    """

    inputs: tuple[str, ...] = ()
    connected: tuple[str, ...] = ()
    outputs: int = 0

    @classmethod
    def from_reply(cls, data: Any) -> GraphEvidence | None:
        if type(data) is not dict or type(data.get("outputs")) is not int:
            return None
        return cls(_texts(data.get("inputs"), 64), _texts(data.get("connected"), 64), data["outputs"])


@dataclass(frozen=True)
class CallResult:
    """What happened to one request sent to the worker."""

    status: Status
    value: Any = None
    error_type: str = ""
    error_mro: tuple[str, ...] = ()
    message: str = ""
    traceback: str = ""
    duration: float = 0.0
    trace: CallTrace | None = None
    inputs: InputEvidence | None = None
    graph: GraphEvidence | None = None
    digest: bytes = field(default=b"", repr=False, compare=False)  # of the value as sent, see _digest
    size: int = 0  # bytes of the value as sent

    @property
    def ok(self) -> bool:
        return self.status == Status.OK
