"""Same call, same answer: a graded function must answer from its arguments alone.

:class:`AnswerBook` remembers, for the current test's process, a digest of every value a call returned,
keyed by the call (its function and its arguments bound to the reference's signature), and turns a second,
different answer to the same call into an :data:`~seqlab.isolate.protocol.Status.INCONSISTENT` failure: a
function that remembers what it was sent cannot pass a test by answering otherwise the second time.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Mapping
from typing import Any

from seqlab.errors import CodecError
from seqlab.isolate import codec
from seqlab.isolate.protocol import Status
from seqlab.isolate.results import CallResult

__all__ = ["AnswerBook", "value_digest"]

INCONSISTENT_MESSAGE = (
    "it returned another value for the same arguments than it did earlier (in this test or an earlier test "
    "of it): a graded function must answer from its arguments alone, not from what it remembers of earlier "
    "calls"
)


def value_digest(encoded: Any, blobs: list[bytes]) -> tuple[bytes, bytes]:
    """A digest of an encoded value (:func:`seqlab.isolate.codec.encode`) and its blobs, and the value's
    JSON text."""
    text = json.dumps(encoded, sort_keys=True, allow_nan=True).encode()
    digest = hashlib.blake2b(text, digest_size=16)
    for blob in blobs:
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.digest(), text


def _encoded_keywords(encoded: Any) -> dict[str, Any] | None:
    """The keyword arguments of an encoded request (a dict of strings to encoded values), or None."""
    if not isinstance(encoded, dict):
        return None
    if encoded.get("$") == "sdict":
        return dict(zip(encoded["keys"], encoded["values"], strict=True))
    if encoded.get("$") == "dict" and all(type(key) is str for key, _ in encoded["items"]):
        return {key: value for key, value in encoded["items"]}
    return None


class AnswerBook:
    """The answers of the current test's process (:meth:`forget` when a new one starts). ``signatures``
    are the reference's, by function name (the plugin sets them): a call is its arguments bound to them, so
    ``f(x)`` and ``f(x, level="word")`` are one call."""

    def __init__(self) -> None:
        self.signatures: Mapping[str, inspect.Signature] = {}
        self._answers: dict[bytes, bytes] = {}

    def forget(self) -> None:
        self._answers.clear()

    def check(self, request: dict[str, Any], blobs: list[bytes], result: CallResult) -> CallResult:
        """``result``, or an INCONSISTENT failure when the same call (whatever its kind: traced, watched or
        plain) was answered with another value earlier. Values that hold an iterator, and calls on a CUDA
        device (whose kernels need not be bitwise reproducible), are not compared."""
        if not result.ok or not result.digest:
            return result
        key, text = value_digest(self._call_key(request), blobs)
        if b'"cuda' in text:
            return result
        earlier = self._answers.setdefault(key, result.digest)
        if earlier == result.digest:
            return result
        return CallResult(Status.INCONSISTENT, message=INCONSISTENT_MESSAGE, duration=result.duration)

    def _call_key(self, request: dict[str, Any]) -> dict[str, Any]:
        """What identifies a call: its function and arguments (encoded, the blobs they refer to being the
        request's), bound to the reference's signature where it is known and they fit it, with the
        defaults of those not given; else the arguments as sent."""
        plain = {k: request[k] for k in ("op", "name", "args", "kwargs")}
        signature = self.signatures.get(request["name"])
        named = _encoded_keywords(request["kwargs"])
        if signature is None or named is None:
            return plain
        try:
            bound = signature.bind(*request["args"]["items"], **named)
        except TypeError:
            return plain
        arguments = []
        for name, parameter in signature.parameters.items():
            if name in bound.arguments:
                arguments.append([name, bound.arguments[name]])
            elif parameter.default is not inspect.Parameter.empty:
                default_blobs: list[bytes] = []
                try:
                    default = codec.encode(parameter.default, default_blobs)
                except CodecError:
                    return plain
                if default_blobs:
                    return plain
                arguments.append([name, default])
        return {"op": request["op"], "name": request["name"], "arguments": arguments}
