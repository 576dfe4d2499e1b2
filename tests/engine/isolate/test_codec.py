"""seqlab.isolate.codec: the plain-data straw between grader and worker (no pickle, ever)."""

from __future__ import annotations

import collections
import io
import json
import math
import pickle
import struct
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqlab.errors import CodecError
from seqlab.isolate import codec
from seqlab.isolate.codec import IteratorHandle

# -- helpers -----------------------------------------------------------------------------------------------

ARRAY_DTYPES = [
    np.dtype(t)
    for t in ("int8", "int64", "uint16", "float16", "float32", "float64", "complex128", "bool", "<U4")
]


def send(value: Any) -> Any:
    """Encode ``value``, frame it, read the frame back and decode it: the whole trip through a pipe."""
    blobs: list[bytes] = []
    header = {"value": codec.encode(value, blobs)}
    stream = io.BytesIO()
    codec.write_message(stream, header, blobs)
    stream.seek(0)
    header, blobs = codec.read_message(stream)
    assert stream.read() == b"", "read_message must consume exactly one frame"
    return codec.decode(header["value"], blobs)


def assert_same(got: Any, want: Any, path: str = "value") -> None:
    """Exact equality of type and value, recursively (NaN equals NaN, -0.0 differs from 0.0)."""
    assert type(got) is type(want), f"{path}: {type(got).__name__} instead of {type(want).__name__}"
    if isinstance(want, np.ndarray):
        assert got.dtype == want.dtype and got.shape == want.shape, path
        assert got.tobytes() == np.ascontiguousarray(want).tobytes(), path
    elif isinstance(want, np.generic):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes(), path
    elif isinstance(want, float):
        assert struct.pack(">d", got) == struct.pack(">d", want) or (math.isnan(got) and math.isnan(want)), (
            path
        )
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{path}[{i}]")
    elif isinstance(want, dict):
        assert len(got) == len(want), path
        for (gk, gv), (wk, wv) in zip(got.items(), want.items(), strict=True):
            assert_same(gk, wk, f"{path} key")
            assert_same(gv, wv, f"{path}[{wk!r}]")
    else:
        assert got == want, path


def arrays() -> st.SearchStrategy[np.ndarray]:
    return st.sampled_from(ARRAY_DTYPES).flatmap(
        lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    )


def numpy_scalars() -> st.SearchStrategy[np.generic]:
    return st.sampled_from(ARRAY_DTYPES).flatmap(lambda dtype: hnp.arrays(dtype, ())).map(lambda a: a[()])


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
)
keys = st.text(max_size=4) | st.integers() | st.tuples(st.integers(-3, 3), st.text(max_size=2))
plain_data = st.recursive(
    scalars | arrays() | numpy_scalars(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=12,
)


def nested_list(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def frame(payload: bytes, n_blobs: int = 0) -> bytes:
    return struct.pack(">II", len(payload), n_blobs) + payload


def npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    """The array as a ``.npy`` file (a format the codec never reads: such bytes must be refused)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def node(dtype: str, shape: list[int], blob: int = 0, tag: str = "ndarray") -> dict[str, Any]:
    """An array's node in a header, as a forger would write it."""
    return {"$": tag, "blob": blob, "dtype": dtype, "shape": shape}


def is_plain(value: Any) -> bool:
    """Whether ``value`` is built only of the types the codec documents (and carries no behaviour)."""
    if value is None or type(value) in (bool, int, float, str, IteratorHandle):
        return True
    if type(value) in (list, tuple):
        return all(is_plain(v) for v in value)
    if type(value) is dict:
        return all(is_plain(k) and is_plain(v) for k, v in value.items())
    if type(value) is np.ndarray:
        return not value.dtype.hasobject
    if isinstance(value, np.generic):
        return type(value).__module__ == "numpy" and not value.dtype.hasobject
    return False


# -- round trips -------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=plain_data)
def test_plain_data_round_trips_with_types_and_values(value):
    assert_same(send(value), value)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        -0.0,
        2**70,
        "",
        "ünï©ødé ✓",
        (),
        [],
        {},
        ((1, (2.5,)), [()]),
        {"a": 1, 2: "b", (3, "c"): None},
        np.array(3.5),
        np.array(True),
        np.array("héllo"),
        np.array(["a", "bcd", ""]),
        np.array([[True, False]]),
        np.zeros((0, 3), dtype=np.float32),
        np.float32(1.5),
        np.int8(-3),
        np.bool_(True),
        np.str_("xy"),
        np.complex64(1 - 2j),
        np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2],
        np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    ],
    ids=repr,
)
def test_edge_values_round_trip(value):
    assert_same(send(value), value)


def test_dict_order_and_tuple_keys_survive():
    value = {(1, "a"): [1], "z": (2,), 0: {"inner": np.arange(2)}}
    got = send(value)
    assert list(got) == [(1, "a"), "z", 0]
    assert_same(got, value)


def encoded_form(value: Any) -> Any:
    blobs: list[bytes] = []
    return codec.encode(value, blobs), blobs


def test_a_large_token_index_travels_as_two_blobs_and_arrives_whole_and_in_order():
    index = {f"w{i}": (i * 7919) % 500_000 - 3 for i in range(50_000)}
    index["caf\u00e9 \U0001f600"] = -(2**63)
    index[""] = 2**63 - 1
    data, blobs = encoded_form(index)
    assert data == {"$": "index", "keys": 0, "values": 1} and len(blobs) == 2
    assert len(json.dumps(data)) < 50  # the header stays small whatever the index's size
    got = send(index)
    assert list(got) == list(index)
    assert_same(got, index)


@pytest.mark.parametrize(
    "odd",
    [
        {"x": True},  # a bool is not an int: it must arrive as a bool
        {"x": np.int64(3)},
        {"x\0y": 1},  # a key with a NUL cannot be joined by NUL
        {"\ud800": 1},  # a lone surrogate has no UTF-8
        {"x": 2**63},  # outside int64
        {"x": 1.5},
    ],
    ids=repr,
)
def test_an_index_with_one_odd_item_falls_back_to_a_form_that_keeps_it_exactly(odd):
    index = {f"w{i}": i for i in range(codec.INDEX_MIN_ITEMS)} | odd
    data, _ = encoded_form(index)
    assert data["$"] != "index"
    assert_same(send(index), index)


def test_small_dicts_stay_json():
    small = {f"w{i}": i for i in range(codec.INDEX_MIN_ITEMS - 1)}
    assert encoded_form(small)[0]["$"] == "sdict"
    assert encoded_form(small | {"one more": 0})[0]["$"] == "index"


def test_iterator_handles_travel_as_handles():
    assert send(IteratorHandle(7)) == IteratorHandle(7)
    assert send([IteratorHandle(1)])[0] == IteratorHandle(1)


def test_many_arrays_in_one_message_keep_their_order():
    value = [np.full(3, i, dtype=np.int16) for i in range(20)]
    got = send(value)
    assert [int(a[0]) for a in got] == list(range(20))


def test_array_subclass_arrives_as_a_plain_array_without_its_behaviour():
    class LyingArray(np.ndarray):
        def __eq__(self, other):  # noqa: D105 - the lie the codec must strip
            return True

    got = send(np.arange(3).view(LyingArray))
    assert type(got) is np.ndarray
    assert not np.array_equal(got, np.zeros(3))


# -- refusals ----------------------------------------------------------------------------------------------


class Custom:
    pass


Point = collections.namedtuple("Point", "x y")


class LyingInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize(
    "value",
    [
        np.array([1, "a", None], dtype=object),
        np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]),
        Custom(),
        {1, 2},
        frozenset({1}),
        b"bytes",
        bytearray(b"x"),
        len,
        lambda x: x,
        (i for i in range(2)),
        range(3),
        1j,
        [1, [2, {3}]],
        {"ok": 1, "bad": Custom()},
        {Custom(): 1},
        (np.arange(2), np.array([None], dtype=object)),
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_that_are_not_plain_data_are_refused(value):
    with pytest.raises(CodecError):
        codec.encode(value, [])


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__

    def __str__(self):
        return "lie"


class LyingList(list):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        (LyingInt(3), 3),
        (LyingStr("abc"), "abc"),
        (LyingList([1, 2]), [1, 2]),
        (collections.Counter("aab"), {"a": 2, "b": 1}),
        (collections.OrderedDict(x=1), {"x": 1}),
        (collections.defaultdict(list, {"k": [1]}), {"k": [1]}),
        (Point(1, 2), (1, 2)),
    ],
    ids=lambda v: type(v).__name__,
)
def test_subclasses_of_plain_types_travel_as_their_plain_base_type(value, plain):
    decoded = send(value)
    assert type(decoded) is type(plain)
    assert decoded == plain and type(decoded) is not type(value)
    if isinstance(plain, (list, tuple, dict)):
        assert all(
            type(item) in (int, list, str) for item in (plain.values() if isinstance(plain, dict) else plain)
        )


def test_depth_limit_is_enforced_both_ways():
    assert_same(send(nested_list(codec.MAX_DEPTH)), nested_list(codec.MAX_DEPTH))
    with pytest.raises(CodecError, match="nested"):
        codec.encode(nested_list(codec.MAX_DEPTH + 1), [])
    with pytest.raises(CodecError, match="nested"):
        codec.decode(nested_list(codec.MAX_DEPTH + 1), [])


def test_self_referencing_list_is_refused_not_a_recursion_error():
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(CodecError):
        codec.encode(loop, [])


# -- hostile input on decode -------------------------------------------------------------------------------


@pytest.fixture
def no_unpickling(monkeypatch):
    """Make every way into pickle raise; returns the list of attempted uses."""
    attempts: list[str] = []

    def refuse(name):
        def fail(*args, **kwargs):
            attempts.append(name)
            raise AssertionError(f"pickle.{name} was used")

        return fail

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse(name))
    return attempts


@pytest.mark.parametrize("dtype", ["|O", "|O8", "<O", "|V8", "|V16", "O", "object"])
def test_an_array_of_objects_is_refused_on_decode_never_unpickled(no_unpickling, dtype):
    blob = pickle.dumps([{"evil": 1}, None])
    stream = io.BytesIO()
    codec.write_message(stream, {"value": node(dtype, [1])}, [blob])
    stream.seek(0)
    header, blobs = codec.read_message(stream)
    for tag in ("ndarray", "npscalar"):
        with pytest.raises(CodecError, match="malformed array"):
            codec.decode({**header["value"], "$": tag}, blobs)
    assert no_unpickling == []


def test_npy_bytes_holding_a_pickle_are_only_bytes_of_the_wrong_size(no_unpickling):
    blob = npy(np.array([{"evil": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(CodecError, match="malformed array"):
        codec.decode(node("<f8", [2]), [blob])
    assert no_unpickling == []


def test_decoded_arrays_are_writable_copies_even_of_one_shared_blob():
    blob = np.arange(4, dtype=np.int32).tobytes()
    first, second = codec.decode([node("<i4", [4]), node("<i4", [2, 2])], [blob])
    first[0] = 99
    assert first.flags.writeable and first.flags.owndata and second.flags.owndata
    assert second.tolist() == [[0, 1], [2, 3]], "two arrays decoded from one blob must not share memory"


@pytest.mark.parametrize(
    "array",
    [np.zeros((0, 3)), np.array("", dtype="<U0"), np.zeros((2, 0), dtype="|S0"), np.array(7, dtype=">i2")],
    ids=["no-rows", "empty-str", "empty-bytes", "big-endian-scalar"],
)
def test_empty_and_foreign_byte_order_arrays_round_trip(array):
    assert_same(send(array), array)


@pytest.mark.parametrize(
    "data, blobs",
    [
        (node("<i8", [2], blob=1), [np.arange(2).tobytes()]),
        (node("<i8", [2], blob=-1), [np.arange(2).tobytes()]),
        ({**node("<i8", [2]), "blob": "0"}, [np.arange(2).tobytes()]),
        ({**node("<i8", [2]), "blob": True}, [np.arange(2).tobytes()]),
        ({"$": "ndarray", "blob": 0}, [np.arange(2).tobytes()]),
        (node("<i8", [3]), [np.arange(2).tobytes()]),
        (node("<i8", [1]), [np.arange(2).tobytes()]),
        (node("<i8", [-2]), [np.arange(2).tobytes()]),
        (node("<i8", [True, 2]), [np.arange(2).tobytes()]),
        ({**node("<i8", []), "shape": "2"}, [np.arange(2).tobytes()]),
        (node("<i8", [1] * 65), [np.arange(1).tobytes()]),
        (node("i8", [2]), [np.arange(2).tobytes()]),
        (node("=i8", [2]), [np.arange(2).tobytes()]),
        (node("<i3", [2]), [b"\0" * 6]),
        (node("|b2", [2]), [b"\0" * 4]),
        (node("<M8[parsec]", [1]), [b"\0" * 8]),
        (node("<f8", [2]), [npy(np.arange(2.0))]),
        ({"$": "pickle", "data": "gASVAAAAAAAAAACMAS4="}, []),
        ({"$": "tuple"}, []),
        ({"$": "tuple", "items": "abc"}, []),
        ({"$": "dict", "items": [[1]]}, []),
        ({"$": "dict", "items": [[[1, 2], 3]]}, []),
        ({"$": "dict", "items": [[node("<i8", [2]), 3]]}, [np.arange(2).tobytes()]),
        ({"$": "iterator", "id": "1"}, []),
        ({"$": "sdict", "keys": ["a"], "values": []}, []),
        ({"$": "sdict", "keys": "ab", "values": "cd"}, []),
        ({"$": "sdict", "keys": [1], "values": [2]}, []),
        ({"$": "sdict", "keys": ["a"], "values": [[1]]}, []),
        ({"$": "sdict", "keys": ["a"], "values": [node("<i8", [2])]}, [np.arange(2).tobytes()]),
        ({"$": "index", "keys": 0, "values": 2}, [b"a", b"\0" * 8]),
        ({"$": "index", "keys": "0", "values": 1}, [b"a", b"\0" * 8]),
        ({"$": "index", "keys": 0, "values": True}, [b"a", b"\0" * 8]),
        ({"$": "index", "keys": 0, "values": 1}, [b"a\0b", b"\0" * 8]),
        ({"$": "index", "keys": 0, "values": 1}, [b"\xff", b"\0" * 8]),
        ({"$": "index", "keys": 0}, [b"a"]),
        ({"no": "tag"}, []),
    ],
    ids=lambda v: json.dumps(v)[:40] if isinstance(v, dict) else "",
)
def test_malformed_data_raises_codec_error(data, blobs):
    with pytest.raises(CodecError):
        codec.decode(data, blobs)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats()
    | st.sampled_from(["ndarray", "npscalar", "tuple", "dict", "sdict", "iterator", "$", "items", "blob"])
    | st.sampled_from(["<f8", "|i1", "<U2", "|O", "|V8", "<M8[D]", "|b1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["$", "items", "blob", "id", "keys", "values", "dtype", "shape", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=15,
)
blob_pool = st.sampled_from(
    [
        np.arange(3.0).tobytes(),
        np.array(2, dtype=np.int8).tobytes(),
        np.array(["ab"]).tobytes(),
        pickle.dumps([None]),
        npy(np.arange(3.0)),
        b"",
        b"\x93NUMPY\x01\x00",
        b"random bytes",
    ]
)


@settings(max_examples=200, deadline=None)
@given(data=json_values, blobs=st.lists(blob_pool, max_size=3))
def test_decode_only_ever_yields_plain_types(data, blobs):
    try:
        value = codec.decode(data, blobs)
    except CodecError:
        return
    assert is_plain(value), repr(value)


# -- framing -----------------------------------------------------------------------------------------------


def test_frame_round_trip_keeps_header_and_blobs():
    stream = io.BytesIO()
    codec.write_message(stream, {"op": "call", "n": [1, 2.5, None]}, [b"abc", b"", b"\x00" * 10])
    codec.write_message(stream, {"second": True})
    stream.seek(0)
    assert codec.read_message(stream) == ({"op": "call", "n": [1, 2.5, None]}, [b"abc", b"", b"\x00" * 10])
    assert codec.read_message(stream) == ({"second": True}, [])
    with pytest.raises(EOFError):
        codec.read_message(stream)


def test_every_truncation_of_a_frame_is_an_eof_error():
    stream = io.BytesIO()
    codec.write_message(stream, {"value": [1, 2]}, [npy(np.arange(3))])
    whole = stream.getvalue()
    for cut in range(len(whole)):
        with pytest.raises(EOFError):
            codec.read_message(io.BytesIO(whole[:cut]))


@pytest.mark.parametrize(
    "raw",
    [
        frame(b"not json"),
        frame(b"\xff\xfe\x00garbage"),
        frame(b"[1, 2, 3]"),
        frame(b'"a string"'),
        frame(b"null"),
        struct.pack(">II", codec.MAX_MESSAGE_BYTES + 1, 0),
        struct.pack(">II", 2, 2_000_000) + b"{}",
        frame(b"{}", 1) + struct.pack(">Q", codec.MAX_MESSAGE_BYTES + 1),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "list-header",
        "string-header",
        "null-header",
        "huge-header",
        "too-many-blobs",
        "huge-blob",
    ],
)
def test_garbage_frames_raise_codec_error(raw):
    with pytest.raises(CodecError):
        codec.read_message(io.BytesIO(raw))


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=64))
def test_random_bytes_never_raise_anything_but_codec_or_eof_errors(raw):
    try:
        header, blobs = codec.read_message(io.BytesIO(raw))
    except (CodecError, EOFError):
        return
    assert type(header) is dict and all(type(b) is bytes for b in blobs)


def test_deeply_nested_header_is_a_codec_error():
    payload = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(CodecError):
        codec.read_message(io.BytesIO(frame(payload)))
