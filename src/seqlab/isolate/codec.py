"""The serialization straw between the grader and the worker: plain data only, never pickle.

A message is a JSON header plus binary blobs, one per numpy array: its raw C-ordered bytes, described
in the header by its dtype (``numpy.dtype.str``, from a fixed set of kinds: no objects, no structures)
and its shape. Values are encoded as:

==================  =========================================================
Python value        JSON form
==================  =========================================================
None/bool/int/float the JSON scalar (NaN and infinities as JSON extensions)
str                 the JSON string
list                a JSON array of encoded items
tuple               ``{"$": "tuple", "items": [...]}``
dict                ``{"$": "index", "keys": i, "values": j}`` when it has at least
                    :data:`INDEX_MIN_ITEMS` items, every key is a str without NUL and every value an int
                    (a token index): the keys' UTF-8 joined by NUL in blob ``i``, the values a ``<i8``
                    array in blob ``j``; else ``{"$": "sdict", "keys": [...], "values": [...]}`` when
                    every key is a str and every value a JSON scalar, else
                    ``{"$": "dict", "items": [[key, value], ...]}``
numpy.ndarray       ``{"$": "ndarray", "blob": i, "dtype": "<f8", "shape": [2, 3]}``
numpy scalar        ``{"$": "npscalar", "blob": i, "dtype": "<i8", "shape": []}`` (a 0-d array)
torch.Tensor        ``{"$": "tensor", "values": {ndarray}, "dtype": "float32", "device": "cuda:0"}``: the
                    values as an array, the torch dtype and the device by name (both checked against
                    fixed tables on decoding); a tensor decodes to a new tensor on that device
remote iterator     ``{"$": "iterator", "id": n}`` (worker to grader only)
==================  =========================================================

Decoding yields only those types (an array is a copy of its blob's bytes, of exactly its dtype's size
times its shape; tensors are rebuilt from their values, dtype and device name; nothing is unpickled),
so nothing the worker sends can carry behaviour (a custom ``__eq__``, a patched method) into the
grader. Malformed input raises :class:`CodecError`.
"""

from __future__ import annotations

import json
import math
import re
import struct
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from seqlab.errors import CodecError

__all__ = ["IteratorHandle", "encode", "decode", "write_message", "read_message"]

MAX_DEPTH = 64
MAX_MESSAGE_BYTES = 1 << 30
#: Most lists and dicts one message's header may hold, and most arrays it may carry.
MAX_CONTAINERS = 200_000
MAX_BLOBS = 100_000
_JSON_SCALARS = (str, int, float, bool, type(None))
_HEADER = struct.Struct(">II")  # JSON length, number of blobs
_BLOB = struct.Struct(">Q")


#: torch dtypes that travel, by name; bfloat16 travels as float32 values (numpy has no bfloat16).
TENSOR_DTYPES = (
    "float64", "float32", "float16", "bfloat16", "complex64", "complex128",
    "int64", "int32", "int16", "int8", "uint8", "bool",
)  # fmt: skip
_DEVICE = re.compile(r"cpu|cuda(:[0-9]{1,3})?|mps(:0)?")


@dataclass(frozen=True)
class IteratorHandle:
    """Reference to an iterator that lives in the worker (returned by a generator function)."""

    id: int


#: The dtypes an array may have, as ``numpy.dtype.str``: booleans, numbers, strings, dates and durations.
_ARRAY_DTYPE = re.compile(
    r"[<>|][biufc][1-9][0-9]?|\|b1|[<>|][US][0-9]{1,9}|[<>][mM]8(\[[0-9]{0,4}[a-zA-Z]{1,2}\])?"
)
MAX_DIMENSIONS = 64
#: Fewest items of a dict that travels as an ``index`` node (two blobs); smaller ones stay JSON.
INDEX_MIN_ITEMS = 1000
_INT64 = np.dtype("<i8")


def _encode_array(array: np.ndarray, blobs: list[bytes], tag: str = "ndarray") -> dict[str, Any]:
    """An array's node (``tag``, its blob's index, dtype and shape), appending its C-ordered bytes."""
    if array.dtype.hasobject:
        raise CodecError(f"an array of Python objects (dtype={array.dtype}) is not plain data")
    if array.dtype.names is not None or not _ARRAY_DTYPE.fullmatch(array.dtype.str):
        raise CodecError(f"an array of dtype {array.dtype} is not supported")
    blobs.append(array.tobytes(order="C"))
    return {"$": tag, "blob": len(blobs) - 1, "dtype": array.dtype.str, "shape": list(array.shape)}


def _decode_array(data: dict[str, Any], blobs: list[bytes]) -> np.ndarray:
    """The array an array node describes: a new, writable copy of its blob's bytes."""
    index, dtype, shape = data.get("blob"), data.get("dtype"), data.get("shape")
    if type(index) is not int or not 0 <= index < len(blobs):
        raise CodecError("array reference out of range")
    if type(dtype) is not str or not _ARRAY_DTYPE.fullmatch(dtype):
        raise CodecError(f"malformed array: dtype {str(dtype)[:40]!r} is not plain data")
    if (
        type(shape) is not list
        or len(shape) > MAX_DIMENSIONS
        or not all(type(n) is int and n >= 0 for n in shape)
    ):
        raise CodecError("malformed array: its shape is not a list of sizes")
    try:
        kind = np.dtype(dtype)
    except TypeError as exc:
        raise CodecError(f"malformed array: {exc}") from None
    blob = blobs[index]
    if kind.str != dtype or len(blob) != math.prod(shape) * kind.itemsize:
        raise CodecError(f"malformed array: {len(blob)} bytes are not a {dtype} array of shape {shape}")
    if kind.itemsize == 0:
        return np.zeros(shape, dtype=kind)
    return np.frombuffer(blob, dtype=kind).reshape(shape).copy()


def encode(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """Encode ``value`` into JSON-ready data, appending array bytes to ``blobs``."""
    if depth > MAX_DEPTH:
        raise CodecError(f"data nested deeper than {MAX_DEPTH} levels")
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value
    if isinstance(value, IteratorHandle):
        return {"$": "iterator", "id": value.id}
    if isinstance(value, (int, float, str, list, tuple, dict)) and not isinstance(value, np.generic):
        value = _as_base_type(value)  # a subclass (Counter, namedtuple, IntEnum) travels as its base type
        if type(value) in _JSON_SCALARS:
            return value
    if isinstance(value, np.ndarray):
        return _encode_array(np.asarray(value), blobs)
    tensor_type = _loaded_tensor_type()
    if tensor_type is not None and isinstance(value, tensor_type):
        return _encode_tensor(value, tensor_type, blobs)
    if isinstance(value, np.generic):
        return _encode_array(np.asarray(value), blobs, "npscalar")
    if type(value) is list:
        return [encode(item, blobs, depth + 1) for item in value]
    if type(value) is tuple:
        return {"$": "tuple", "items": [encode(item, blobs, depth + 1) for item in value]}
    if type(value) is dict:
        if all(type(k) is str for k in value):
            values = list(value.values())
            index = _encode_index(value, values, blobs) if len(values) >= INDEX_MIN_ITEMS else None
            if index is not None:
                return index
            if all(type(v) in _JSON_SCALARS for v in values):
                return {"$": "sdict", "keys": list(value), "values": values}
        return {
            "$": "dict",
            "items": [[encode(k, blobs, depth + 1), encode(v, blobs, depth + 1)] for k, v in value.items()],
        }
    raise CodecError(f"a value of type {type(value).__name__} is not plain data")


def _encode_index(value: dict[str, Any], values: list[Any], blobs: list[bytes]) -> dict[str, Any] | None:
    """A large ``str -> int`` dict (a token index) as two blobs, its NUL-joined UTF-8 keys and its values as
    an int64 array (a 500,000-word index: 0.04 s instead of 0.5 s of JSON each way); None when it is not
    one: a value that is not an int (a bool is not), a key with a NUL or a lone surrogate, or an int
    outside int64."""
    if not all(type(v) is int for v in values):
        return None
    joined = "\x00".join(value)
    if joined.count("\x00") != len(values) - 1:
        return None
    try:
        keys = joined.encode("utf-8")
        numbers = np.array(values, dtype=_INT64)
    except (UnicodeEncodeError, OverflowError):
        return None
    blobs += [keys, numbers.tobytes()]
    return {"$": "index", "keys": len(blobs) - 2, "values": len(blobs) - 1}


def _decode_index(data: dict[str, Any], blobs: list[bytes]) -> dict[str, int]:
    keys_blob, values_blob = data.get("keys"), data.get("values")
    if not all(type(i) is int and 0 <= i < len(blobs) for i in (keys_blob, values_blob)):
        raise CodecError("malformed index: blob reference out of range")
    try:
        keys = blobs[keys_blob].decode("utf-8").split("\x00")
    except UnicodeDecodeError:
        raise CodecError("malformed index: its keys are not UTF-8") from None
    raw = blobs[values_blob]
    if len(raw) != len(keys) * _INT64.itemsize:
        raise CodecError(f"malformed index: {len(keys)} keys and {len(raw)} bytes of int64 values")
    return dict(zip(keys, np.frombuffer(raw, dtype=_INT64).tolist()))  # noqa: B905 - lengths checked


def _loaded_tensor_type() -> type | None:
    """``torch.Tensor`` if torch is already imported (encoding never imports torch itself)."""
    torch = sys.modules.get("torch")
    tensor = getattr(torch, "Tensor", None)
    return tensor if isinstance(tensor, type) else None


def _encode_tensor(value: Any, tensor_type: type, blobs: list[bytes]) -> dict[str, Any]:
    dtype = str(tensor_type.dtype.__get__(value)).removeprefix("torch.")  # type: ignore[attr-defined]
    if dtype not in TENSOR_DTYPES:
        raise CodecError(f"a tensor of dtype torch.{dtype} cannot be sent")
    device = str(tensor_type.device.__get__(value))  # type: ignore[attr-defined]
    if not _DEVICE.fullmatch(device):
        raise CodecError(f"a tensor on device {device!r} cannot be sent (its values are not readable)")
    try:
        values = tensor_type.detach(value)  # type: ignore[attr-defined]
        if dtype == "bfloat16":
            values = tensor_type.float(values)  # type: ignore[attr-defined]
        array = tensor_type.numpy(tensor_type.resolve_neg(tensor_type.resolve_conj(tensor_type.cpu(values))))  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - a tensor whose values cannot be read is not plain data
        raise CodecError(f"the tensor's values cannot be read: {type(exc).__name__}: {exc}") from None
    return {
        "$": "tensor",
        "values": _encode_array(np.asarray(array), blobs),
        "dtype": dtype,
        "device": device,
    }


def _decode_tensor(data: dict[str, Any], blobs: list[bytes]) -> Any:
    dtype, device, values = data.get("dtype"), data.get("device"), data.get("values")
    if dtype not in TENSOR_DTYPES or type(device) is not str or not _DEVICE.fullmatch(device):
        raise CodecError("malformed tensor")
    if type(values) is not dict or values.get("$") != "ndarray":
        raise CodecError("malformed tensor")
    array = _decode_array(values, blobs)
    try:
        import torch
    except ImportError:
        raise CodecError("a tensor was sent, but torch is not installed here") from None
    try:
        return torch.from_numpy(array).to(dtype=getattr(torch, dtype), device=device)
    except (RuntimeError, AssertionError, TypeError, ValueError) as exc:
        raise CodecError(f"cannot rebuild a tensor on {device}: {exc}") from None


def _as_base_type(value: Any) -> Any:
    """Copy a value of a subclass of a plain type into the plain type, calling no method it overrides."""
    for base, convert in (
        (bool, bool.__bool__),
        (int, int.__int__),
        (float, float.__float__),
        (str, str.__str__),
        (list, lambda v: list(list.__iter__(v))),
        (tuple, lambda v: tuple(tuple.__iter__(v))),
        (dict, lambda v: dict(dict.items(v))),
    ):
        if isinstance(value, base):
            return value if type(value) is base else convert(value)
    return value


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise CodecError("a dictionary key is not hashable") from None
    return key


def decode(data: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """Inverse of :func:`encode`; yields only plain Python and numpy values."""
    if depth > MAX_DEPTH:
        raise CodecError(f"data nested deeper than {MAX_DEPTH} levels")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(item, blobs, depth + 1) for item in data]
    if type(data) is not dict:
        raise CodecError(f"unexpected JSON value of type {type(data).__name__}")
    tag = data.get("$")
    if tag in ("ndarray", "npscalar"):
        array = _decode_array(data, blobs)
        return array if tag == "ndarray" else array[()]
    if tag == "tensor":
        return _decode_tensor(data, blobs)
    if tag == "tuple" and type(data.get("items")) is list:
        return tuple(decode(item, blobs, depth + 1) for item in data["items"])
    if tag == "dict" and type(data.get("items")) is list:
        result = {}
        for pair in data["items"]:
            if type(pair) is not list or len(pair) != 2:
                raise CodecError("malformed dictionary item")
            key = _hashable(decode(pair[0], blobs, depth + 1))
            result[key] = decode(pair[1], blobs, depth + 1)
        return result
    if tag == "sdict":
        keys, values = data.get("keys"), data.get("values")
        if type(keys) is not list or type(values) is not list or len(keys) != len(values):
            raise CodecError("malformed dictionary")
        if not all(type(k) is str for k in keys) or not all(type(v) in _JSON_SCALARS for v in values):
            raise CodecError("malformed dictionary")
        return dict(zip(keys, values, strict=True))
    if tag == "index":
        return _decode_index(data, blobs)
    if tag == "iterator" and type(data.get("id")) is int:
        return IteratorHandle(data["id"])
    raise CodecError(f"unknown tag {tag!r}")


def frame(header: dict[str, Any], blobs: list[bytes] | None = None) -> bytes:
    """One framed message as bytes: the header's JSON length and blob count, the JSON, then each blob
    after its length (what :func:`read_message` reads)."""
    blobs = blobs or []
    payload = json.dumps(header, separators=(",", ":")).encode()
    parts = [_HEADER.pack(len(payload), len(blobs)), payload]
    for blob in blobs:
        parts.append(_BLOB.pack(len(blob)))
        parts.append(blob)
    return b"".join(parts)


def write_message(stream: BinaryIO, header: dict[str, Any], blobs: list[bytes] | None = None) -> None:
    """Write one framed message (:func:`frame`), all of it: an unbuffered stream over a socket may take
    part of a write."""
    data = memoryview(frame(header, blobs))
    while data:
        written = stream.write(data)
        data = data[written or 0 :]
    stream.flush()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(
    stream: BinaryIO, max_bytes: int = MAX_MESSAGE_BYTES, max_containers: int = MAX_CONTAINERS
) -> tuple[dict[str, Any], list[bytes]]:
    """Read one framed message; raises EOFError on a closed channel and CodecError on garbage.

    ``max_bytes`` bounds the whole message (header and blobs) and ``max_containers`` the lists and objects
    its header may decode to (counted, as an upper bound, by the ``[`` and ``{`` bytes before any parsing),
    so a small message cannot decode to millions of objects in the reader's memory.
    """
    header_len, n_blobs = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    if header_len > max_bytes or n_blobs > MAX_BLOBS:
        raise CodecError(f"message too large (more than {max_bytes} bytes or {MAX_BLOBS} arrays)")
    raw = _read_exact(stream, header_len)
    if raw.count(b"[") + raw.count(b"{") > max_containers:
        raise CodecError(f"message too large (more than {max_containers} lists and dicts)")
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise CodecError(f"malformed message header: {type(exc).__name__}") from None
    if type(header) is not dict:
        raise CodecError("malformed message header")
    blobs = []
    total = header_len
    for _ in range(n_blobs):
        (size,) = _BLOB.unpack(_read_exact(stream, _BLOB.size))
        total += size
        if total > max_bytes:
            raise CodecError(f"message too large (more than {max_bytes} bytes)")
        blobs.append(_read_exact(stream, size))
    return header, blobs
