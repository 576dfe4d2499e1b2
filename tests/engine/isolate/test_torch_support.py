"""Torch support: tensors through the codec and a real worker, traced calls, and the tensor assertions.

Every worker here is a real ``seqlab.isolate.worker_main`` process running a small torch submission; the CUDA
tests at the bottom are skipped where torch sees no CUDA device.
"""

from __future__ import annotations

import io
import math
import textwrap
import types
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from seqlab.errors import CodecError, SubmissionFailed
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate import codec
from seqlab.isolate import worker as w
from seqlab.isolate.codec import TENSOR_DTYPES
from seqlab.isolate.limits import Limits
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.results import CallTrace
from seqlab.model import PASSED, SKIPPED
from seqlab.options import GradeOptions
from seqlab.suite.runner import run_suite
from seqlab.testing import assert_tensor_matches, float_tolerance, traced

torch = pytest.importorskip("torch")

CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not CUDA, reason="no CUDA device")

#: The worker imports torch while loading; traced calls import the trace module on first use.
TORCH_LIMITS = Limits(call_timeout=10.0, startup_timeout=30.0)
#: CUDA initialisation in the worker (first tensor on the device) can take several seconds.
CUDA_LIMITS = Limits(call_timeout=60.0, startup_timeout=60.0)

# -- helpers -----------------------------------------------------------------------------------------------


def send(value: Any) -> Any:
    """Encode ``value``, frame it, read the frame back and decode it: the whole trip through a pipe."""
    blobs: list[bytes] = []
    header = {"value": codec.encode(value, blobs)}
    stream = io.BytesIO()
    codec.write_message(stream, header, blobs)
    stream.seek(0)
    header, blobs = codec.read_message(stream)
    return codec.decode(header["value"], blobs)


def values_node(array: np.ndarray, blob: Any = 0) -> dict[str, Any]:
    """The node of a tensor's values, as the codec writes it for ``array`` (its bytes are blob ``blob``)."""
    return {"$": "ndarray", "blob": blob, "dtype": array.dtype.str, "shape": list(array.shape)}


def sample(dtype_name: str, device: str = "cpu") -> Any:
    """A small 2x3 tensor of ``dtype_name`` with distinct values (complex ones with imaginary parts)."""
    dtype = getattr(torch, dtype_name)
    if dtype_name == "bool":
        return torch.tensor([[True, False, True], [False, False, True]], device=device)
    if dtype_name.startswith("complex"):
        real = torch.tensor([[0.5, -1.0, 2.0], [3.25, 0.0, -7.5]])
        return torch.complex(real, -2 * real + 1).to(dtype=dtype, device=device)
    if dtype_name == "uint8":
        return torch.tensor([[0, 1, 7], [200, 255, 42]], dtype=dtype, device=device)
    if dtype.is_floating_point:
        # exactly representable in every float dtype, bfloat16 included
        return torch.tensor([[0.5, -1.0, 2.0], [3.25, -0.0, -7.5]], dtype=dtype, device=device)
    return torch.tensor([[0, -1, 7], [-100, 127, 42]], dtype=dtype, device=device)


def assert_same_tensor(got: Any, want: Any) -> None:
    """A plain tensor with the same dtype, device, shape and values (NaN equals NaN, -0.0 keeps its sign)."""
    assert type(got) is torch.Tensor, f"{type(got).__name__} instead of torch.Tensor"
    assert got.dtype == want.dtype, f"dtype {got.dtype} instead of {want.dtype}"
    assert got.device == want.device, f"device {got.device} instead of {want.device}"
    assert got.shape == want.shape, f"shape {tuple(got.shape)} instead of {tuple(want.shape)}"
    want = want.detach().resolve_conj().resolve_neg()
    if want.is_floating_point():
        torch.testing.assert_close(got, want, rtol=0, atol=0, equal_nan=True)
        assert torch.equal(torch.signbit(got), torch.signbit(want)), "the sign of a zero was lost"
    else:
        assert torch.equal(got, want), f"{got} instead of {want}"


def tensor_frame(dtype: Any, device: Any, values: Any, blobs: list[bytes]) -> Any:
    return codec.decode({"$": "tensor", "values": values, "dtype": dtype, "device": device}, blobs)


ONES = np.ones(2, dtype=np.float32)


# -- codec: round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype_name", TENSOR_DTYPES)
def test_every_tensor_dtype_round_trips_with_values_dtype_and_device(dtype_name):
    tensor = sample(dtype_name)
    blobs: list[bytes] = []
    encoded = codec.encode(tensor, blobs)
    values = values_node(tensor.detach().float().numpy() if dtype_name == "bfloat16" else tensor.numpy())
    assert encoded == {"$": "tensor", "values": values, "dtype": dtype_name, "device": "cpu"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. torch's warning about a non-writable numpy buffer
        got = send(tensor)
    assert_same_tensor(got, tensor)
    got.add_(got)  # a decoded tensor owns writable memory


def test_bfloat16_survives_as_bfloat16_with_its_exact_values():
    tensor = torch.tensor([1.5, -0.0078125, 3.0e38, -(2.0**-120), 65280.0], dtype=torch.bfloat16)
    got = send(tensor)
    assert got.dtype == torch.bfloat16
    assert torch.equal(got.view(torch.int16), tensor.view(torch.int16)), "bfloat16 bits changed on the way"


def test_special_float_values_survive():
    tensor = torch.tensor([math.nan, math.inf, -math.inf, -0.0, 1e-45, 3.4e38], dtype=torch.float32)
    assert_same_tensor(send(tensor), tensor)


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.arange(24.0).reshape(4, 6).t()[::2, 1:],  # transposed and sliced
        lambda: torch.tensor([1.0, 2.0]).expand(3, 2),  # stride 0
        lambda: torch.arange(10).flip(0)[::3],
        lambda: torch.arange(12.0).reshape(3, 4)[:, 1],
        lambda: torch.complex(torch.ones(3), torch.arange(3.0)).conj(),  # a lazy conjugate view
    ],
    ids=["transposed-sliced", "expanded", "flipped-strided", "column", "conj-view"],
)
def test_non_contiguous_tensors_arrive_with_their_logical_values(make):
    tensor = make()
    got = send(tensor)
    assert_same_tensor(got, tensor)
    assert not got.is_conj()


@pytest.mark.parametrize("dtype_name", ["float32", "int64", "bool", "bfloat16", "complex64"])
def test_zero_dimensional_and_empty_tensors_round_trip(dtype_name):
    scalar = sample(dtype_name)[0, 0].clone()
    assert scalar.dim() == 0
    got = send(scalar)
    assert_same_tensor(got, scalar)
    assert got.dim() == 0
    empty = torch.empty(0, 3, dtype=getattr(torch, dtype_name))
    assert_same_tensor(send(empty), empty)


def test_tensors_that_require_grad_arrive_without_grad():
    leaf = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    computed = leaf * 3
    for tensor in (leaf, computed):
        got = send(tensor)
        assert got.requires_grad is False and got.grad_fn is None
        assert_same_tensor(got, tensor)


def test_a_parameter_arrives_as_a_plain_tensor():
    parameter = torch.nn.Parameter(torch.tensor([[0.25, -1.0]], dtype=torch.float64))
    got = send(parameter)
    assert type(got) is torch.Tensor
    assert not isinstance(got, torch.nn.Parameter)
    assert got.requires_grad is False
    assert_same_tensor(got, parameter)


def test_tensors_nested_in_tuples_dicts_and_lists():
    a = torch.arange(4, dtype=torch.int32)
    b = torch.ones(2, 2, dtype=torch.float16)
    c = torch.tensor(True)
    value = {"w": a, "pair": (b, [c, 1, "x"]), 3: [np.arange(2), a]}
    got = send(value)
    assert type(got) is dict and list(got) == ["w", "pair", 3]
    assert_same_tensor(got["w"], a)
    assert type(got["pair"]) is tuple and type(got["pair"][1]) is list
    assert_same_tensor(got["pair"][0], b)
    assert_same_tensor(got["pair"][1][0], c)
    assert got["pair"][1][1:] == [1, "x"]
    assert type(got[3][0]) is np.ndarray and np.array_equal(got[3][0], np.arange(2))
    assert_same_tensor(got[3][1], a)
    assert got["w"].data_ptr() != got[3][1].data_ptr(), "two decoded tensors share memory"


# -- codec: refusals ---------------------------------------------------------------------------------------


def test_a_meta_tensor_is_refused():
    with pytest.raises(CodecError, match="meta"):
        codec.encode(torch.ones(2, device="meta"), [])
    with pytest.raises(CodecError, match="meta"):
        codec.encode({"nested": [torch.ones(2, device="meta")]}, [])


@pytest.mark.parametrize(
    "make", [lambda: torch.ones(2, dtype=torch.uint16), lambda: torch.ones(2, dtype=torch.float8_e4m3fn)]
)
def test_a_tensor_of_an_unlisted_dtype_is_refused(make):
    tensor = make()
    assert str(tensor.dtype).removeprefix("torch.") not in TENSOR_DTYPES
    with pytest.raises(CodecError, match="dtype"):
        codec.encode(tensor, [])


def test_a_sparse_tensor_is_refused_with_a_codec_error():
    with pytest.raises(CodecError):
        codec.encode(torch.ones(3).to_sparse(), [])


@pytest.mark.parametrize(
    "dtype, device, blob",
    [
        ("object", "cpu", 0),
        ("float128", "cpu", 0),
        ("torch.float32", "cpu", 0),
        ("qint8", "cpu", 0),
        ("", "cpu", 0),
        (None, "cpu", 0),
        (5, "cpu", 0),
        (["float32"], "cpu", 0),
        ("float32", "cuda:0; rm", 0),
        ("float32", "meta", 0),
        ("float32", "cpu ", 0),
        ("float32", "cpu\n", 0),
        ("float32", "CPU", 0),
        ("float32", "cuda:1234", 0),
        ("float32", "xla", 0),
        ("float32", "", 0),
        ("float32", 0, 0),
        ("float32", None, 0),
        ("float32", ["cpu"], 0),
        ("float32", "cpu", 1),
        ("float32", "cpu", -1),
        ("float32", "cpu", True),
        ("float32", "cpu", "0"),
        ("float32", "cpu", None),
    ],
)
def test_malformed_tensor_frames_raise_codec_error(dtype, device, blob):
    with pytest.raises(CodecError):
        tensor_frame(dtype, device, values_node(ONES, blob), [ONES.tobytes()])


@pytest.mark.parametrize(
    "values",
    [
        None,
        0,
        [values_node(ONES)],
        {**values_node(ONES), "$": "npscalar"},
        {**values_node(ONES), "$": "tensor"},
    ],
    ids=["none", "int", "list", "npscalar", "tensor"],
)
def test_a_tensor_whose_values_are_not_an_array_node_is_a_codec_error(values):
    with pytest.raises(CodecError, match="malformed tensor"):
        tensor_frame("float32", "cpu", values, [ONES.tobytes()])


@pytest.mark.parametrize(
    "array, blob",
    [
        (np.ones(2, dtype=">f4"), None),  # non-native byte order
        (np.array(["a", "b"]), None),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), None),
        (ONES, b"\x93NUMPY garbage"),
        (np.arange(100), np.arange(100).tobytes()[:-8]),
    ],
    ids=["big-endian", "strings", "datetimes", "garbage", "truncated"],
)
def test_tensor_frames_with_bad_values_raise_codec_error(array, blob):
    with pytest.raises(CodecError):
        tensor_frame("float32", "cpu", values_node(array), [array.tobytes() if blob is None else blob])


@pytest.mark.skipif(CUDA, reason="checks a machine without CUDA")
def test_a_cuda_tensor_frame_without_cuda_is_a_codec_error():
    with pytest.raises(CodecError, match="cuda"):
        tensor_frame("float32", "cuda:0", values_node(ONES), [ONES.tobytes()])


# -- through a real worker ---------------------------------------------------------------------------------

TORCH_STUDENT = """
import torch

class Bad(ValueError):
    pass

def same(x):
    return x

def double(x):
    return x + x

def describe(x):
    return str(x.dtype), str(x.device), type(x).__name__, x.requires_grad

def batched(x):
    return torch.tanh(x @ x.T).sum(dim=1)

def looped(x):
    return torch.stack([torch.tanh(row @ x.T).sum() for row in x])

def peeks_on_meta(x):
    shadow = (x + 1).to("meta")
    return (x * 2).sum()

def returns_meta(x):
    return x.to("meta")

def boom(x):
    raise Bad(f"student boom on shape {tuple(x.shape)}")

def through_gru_cell(x):
    cell = torch.nn.GRUCell(x.shape[1], 2, dtype=x.dtype)
    return cell(x)

def stay_and_leave(x):
    y = x * 2
    back = y.cpu()
    total = y.sum().item()
    return y, back, total
"""


def torch_source(source: str) -> SubmissionSource:
    return SubmissionSource(
        "toy", Path("/nonexistent/toy.py"), "module", (("toy.py", textwrap.dedent(source)),)
    )


@pytest.fixture(scope="module")
def torch_worker():
    """One worker on the torch submission, shared by the tests that do not break it."""
    with w.Worker(torch_source(TORCH_STUDENT), TORCH_LIMITS) as worker:
        loaded = worker.start()
        assert loaded.ok, loaded
        yield worker


@pytest.fixture
def proxy(torch_worker):
    return SubmissionProxy(torch_worker)


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "float16", "bfloat16", "int64", "bool"])
def test_a_tensor_function_keeps_dtype_and_device(torch_worker, dtype_name):
    x = sample(dtype_name)
    for name in ("same", "double"):
        result = torch_worker.call(name, (x,))
        assert result.ok, result
        assert type(result.value) is torch.Tensor
        assert result.value.dtype == x.dtype and result.value.device == x.device
    assert_same_tensor(torch_worker.call("same", (x,)).value, x)
    seen = torch_worker.call("describe", (x,)).value
    assert seen == (str(x.dtype), "cpu", "Tensor", False)


def test_a_parameter_reaches_the_student_as_a_plain_tensor_without_grad(torch_worker):
    parameter = torch.nn.Parameter(torch.ones(2, 3))
    assert torch_worker.call("describe", (parameter,)).value == ("torch.float32", "cpu", "Tensor", False)


def test_tensors_in_keyword_arguments_and_nested_returns(torch_worker):
    x = torch.arange(6.0).reshape(2, 3)
    result = torch_worker.call("stay_and_leave", (), {"x": x})
    assert result.ok, result
    y, back, total = result.value
    assert_same_tensor(y, x * 2)
    assert_same_tensor(back, x * 2)
    assert total == 30.0


def test_a_plain_call_has_no_trace(torch_worker):
    result = torch_worker.call("batched", (torch.ones(2, 3),))
    assert result.ok and result.trace is None


def test_a_batched_function_dispatches_the_same_ops_for_any_batch(torch_worker):
    small = torch_worker.call("batched", (torch.randn(2, 5),), trace=True)
    large = torch_worker.call("batched", (torch.randn(16, 5),), trace=True)
    assert small.ok and large.ok
    assert isinstance(small.trace, CallTrace) and isinstance(large.trace, CallTrace)
    assert small.trace.ops > 0
    assert small.trace.ops == large.trace.ops
    assert small.trace.transfers == () and large.trace.transfers == ()
    assert small.value.shape == (2,) and large.value.shape == (16,)


def test_a_traced_call_does_not_import_torch_dynamo():
    """The trace's dispatch mode opts out of torch's dynamo wrapper, whose first call imports
    ``torch._dynamo`` and sympy (seconds in every torch worker); the trace still counts the operators."""
    import subprocess
    import sys

    code = textwrap.dedent(
        """
        import sys, torch
        from seqlab.isolate.trace import traced_call
        value, trace = traced_call(lambda t: (t + 1).sum(), (torch.zeros(2),), {})
        assert trace["ops"] >= 2, trace
        print(sorted(m for m in ("torch._dynamo", "sympy") if m in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_function_looping_over_the_batch_dispatches_more_ops_for_a_bigger_batch(torch_worker):
    x = torch.randn(16, 5)
    small = torch_worker.call("looped", (x[:2].clone(),), trace=True)
    large = torch_worker.call("looped", (x,), trace=True)
    assert small.ok and large.ok
    assert large.trace.ops > small.trace.ops > 0
    # same values as the batched version: the trace, not the result, tells them apart
    torch.testing.assert_close(large.value, torch_worker.call("batched", (x,)).value)


def test_the_op_count_does_not_depend_on_call_order(torch_worker):
    x = torch.randn(4, 5)
    counts = [torch_worker.call("batched", (x,), trace=True).trace.ops for _ in range(3)]
    assert len(set(counts)) == 1, counts


def test_moving_input_data_to_another_device_is_reported(torch_worker):
    result = torch_worker.call("peeks_on_meta", (torch.ones(3),), trace=True)
    assert result.ok, result
    assert_same_tensor(result.value, torch.tensor(6.0))
    assert result.trace.transfers, "the move to meta was not reported"
    assert any("cpu" in t and "meta" in t for t in result.trace.transfers), result.trace.transfers


def test_a_traced_call_returning_a_meta_tensor_is_a_bad_return(torch_worker):
    result = torch_worker.call("returns_meta", (torch.ones(3),), trace=True)
    assert result.status == Status.BAD_RETURN
    assert "meta" in result.message
    assert torch_worker.call("same", (1,)).value == 1, "the worker did not survive"


def test_traced_returns_the_value_and_the_trace(proxy):
    x = torch.ones(3, 2, dtype=torch.float64)
    value, trace = traced(proxy.double)(x)
    assert_same_tensor(value, x * 2)
    assert isinstance(trace, CallTrace) and trace.ops >= 1
    _, trace = traced(proxy.double)(x=x)
    assert trace.ops >= 1
    assert proxy.called == ["double", "double"]


def test_a_traced_call_that_raises_gives_the_students_error(torch_worker, proxy):
    result = torch_worker.call("boom", (torch.ones(2, 3),), trace=True)
    assert result.status == Status.ERROR and result.trace is None
    assert result.error_type == "Bad" and "ValueError" in result.error_mro
    with pytest.raises(SubmissionFailed) as failure:
        traced(proxy.boom)(torch.ones(2, 3))
    assert failure.value.status == Status.ERROR and failure.value.error_type == "Bad"
    assert "student boom on shape (2, 3)" in failure.value.student_message
    assert 'File "toy.py"' in failure.value.traceback
    # an exception may depend on the input: the function is not marked broken
    assert "boom" not in proxy.broken
    value, _ = traced(proxy.double)(torch.ones(1))
    assert_same_tensor(value, torch.tensor([2.0]))


@pytest.mark.parametrize(
    "function",
    [lambda x: x, np.sum, print, types.SimpleNamespace(__name__="double")],
    ids=["lambda", "numpy", "builtin", "lookalike"],
)
def test_traced_refuses_a_function_that_is_not_from_the_submission(function):
    with pytest.raises(TypeError, match="submission"):
        traced(function)


ON_DEVICES_SUITE = """
import torch
from seqlab.testing import assert_tensor_matches, graded, on_devices, traced


@graded("batched", points=1)
@on_devices()
def test_batched_on_a_device(submission, reference, device):
    x = torch.arange(10.0, device=device).reshape(2, 5) / 10
    value, trace = traced(submission.batched)(x)
    _, bigger = traced(submission.batched)(torch.zeros(16, 5, device=device))
    assert trace.ops == bigger.ops, "batched() loops over the batch"
    assert not trace.transfers, trace.transfers
    assert_tensor_matches(value, reference.batched(x.cpu().double().numpy()), what="batched(x)",
                          device=device, dtype=torch.float32)


@graded("looped", points=1)
def test_looped_is_caught(submission, reference):
    _, small = traced(submission.looped)(torch.zeros(2, 5))
    _, large = traced(submission.looped)(torch.zeros(16, 5))
    assert small.ops == large.ops, "looped() loops over the batch"
"""


def test_a_hidden_suite_uses_traced_and_on_devices(tmp_path, proxy):
    reference = types.ModuleType("toy_reference")
    reference.batched = lambda x: np.tanh(x @ x.T).sum(axis=1)
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_hidden_torch.py").write_text(textwrap.dedent(ON_DEVICES_SUITE), encoding="utf-8")
    run = run_suite(
        suite,
        assignment="toy",
        submission=proxy,
        reference=reference,
        options=GradeOptions(use_gpu=False, sandbox="off"),
    )
    outcomes = {o.id.split("::")[-1]: o for o in run.outcomes}
    assert outcomes["test_batched_on_a_device[cpu]"].outcome == PASSED, outcomes
    assert outcomes["test_batched_on_a_device[cuda]"].outcome == SKIPPED
    looped = outcomes["test_looped_is_caught"]
    assert looped.outcome == "failed" and "loops over the batch" in looped.message


# -- assert_tensor_matches and float_tolerance -------------------------------------------------------------


def tensor_mismatch(actual: Any, expected: Any, **options: Any) -> str:
    options = {"what": "f(x)", "device": "cpu", "dtype": torch.float32, **options}
    with pytest.raises(AssertionError) as error:
        assert_tensor_matches(actual, expected, **options)
    message = str(error.value)
    assert "f(x)" in message, message
    return message


def test_assert_tensor_matches_passes_for_the_right_tensor():
    expected = np.array([[0.1, 0.2], [0.3, 1e3]])
    assert_tensor_matches(
        torch.tensor(expected, dtype=torch.float32), expected, what="f(x)", device="cpu", dtype=torch.float32
    )
    assert_tensor_matches(
        torch.tensor(expected), expected, what="f(x)", device="cpu", dtype=torch.float64, rtol=0, atol=0
    )
    # within the float32 tolerance, off by more than a float64 one
    nudged = torch.tensor(expected * (1 + 2e-5), dtype=torch.float32)
    assert_tensor_matches(nudged, expected, what="f(x)", device="cpu", dtype=torch.float32)
    assert_tensor_matches(
        torch.nn.Parameter(torch.tensor([1.0, 2.0])),
        [1.0, 2.0],
        what="f(x)",
        device="cpu",
        dtype=torch.float32,
    )
    assert_tensor_matches(
        torch.tensor([0.1, 0.7], dtype=torch.bfloat16),
        [0.1, 0.7],
        what="f(x)",
        device="cpu",
        dtype=torch.bfloat16,
    )
    assert_tensor_matches(
        torch.tensor([3, -1]), np.array([3, -1]), what="f(x)", device="cpu", dtype=torch.int64
    )


@pytest.mark.parametrize(
    "actual",
    [np.array([1.0, 2.0], dtype=np.float32), [1.0, 2.0], 1.0, None],
    ids=["numpy", "list", "float", "None"],
)
def test_assert_tensor_matches_wants_a_tensor(actual):
    message = tensor_mismatch(actual, np.array([1.0, 2.0]))
    assert "expected a torch tensor" in message


def test_assert_tensor_matches_names_the_wrong_device():
    message = tensor_mismatch(torch.ones(2), np.ones(2), device="cuda")
    assert "on cpu" in message and "expected it on cuda" in message
    message = tensor_mismatch(torch.ones(2, device="meta"), np.ones(2))
    assert "on meta" in message and "expected it on cpu" in message


def test_assert_tensor_matches_names_the_wrong_dtype():
    message = tensor_mismatch(torch.ones(2, dtype=torch.float64), np.ones(2))
    assert "dtype torch.float64" in message and "expected torch.float32" in message
    message = tensor_mismatch(torch.ones(2, dtype=torch.float32), np.ones(2), dtype=torch.float16)
    assert "dtype torch.float32" in message and "expected torch.float16" in message


def test_assert_tensor_matches_reports_wrong_values_and_shapes():
    message = tensor_mismatch(torch.tensor([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]))
    assert "wrong values at 1 of 3 positions" in message and "(2,)" in message
    message = tensor_mismatch(torch.ones(3), np.ones(2))
    assert "shape (3,)" in message and "expected shape (2,)" in message
    message = tensor_mismatch(torch.ones(2, 3), np.ones((3, 2)))
    assert "shape (2, 3)" in message and "expected shape (3, 2)" in message
    # just outside the float32 tolerance on a CPU fails; explicit tolerances are honoured
    rtol, atol = float_tolerance(torch.float32, "cpu")
    off = 10 * (rtol * 100 + atol)
    tensor_mismatch(torch.tensor([100.0 + off]), np.array([100.0]))
    assert_tensor_matches(
        torch.tensor([100.0 + off]),
        np.array([100.0]),
        what="f(x)",
        device="cpu",
        dtype=torch.float32,
        atol=1.0,
    )


def test_float_tolerance_is_looser_for_float32_and_on_cuda():
    f64 = float_tolerance(torch.float64, "cpu")
    f32_cpu = float_tolerance(torch.float32, "cpu")
    f32_cuda = float_tolerance(torch.float32, "cuda")
    f16 = float_tolerance(torch.float16, "cpu")
    assert f32_cpu[0] > f64[0] and f32_cpu[1] > f64[1]
    assert f32_cuda[0] > f32_cpu[0] and f32_cuda[1] > f32_cpu[1]
    assert f16[0] >= f32_cuda[0] and f16[1] >= f32_cuda[1]
    assert float_tolerance(torch.float32, "cuda:0") == f32_cuda
    assert float_tolerance("float32", "cpu") == f32_cpu == float_tolerance("torch.float32")
    assert float_tolerance(torch.float64, "cuda") == f64
    assert float_tolerance(torch.bfloat16) == f16
    # float32's own rounding (eps ~1.2e-7) fits well inside its tolerance; float64's tolerance is finer
    assert f32_cpu[0] > 100 * np.finfo(np.float32).eps > f64[0]


# -- CUDA (skipped without a device) -----------------------------------------------------------------------


@needs_cuda
@pytest.mark.parametrize("dtype_name", TENSOR_DTYPES)
def test_cuda_tensors_round_trip_on_their_device(dtype_name):
    tensor = sample(dtype_name, device="cuda")
    blobs: list[bytes] = []
    encoded = codec.encode(tensor, blobs)
    assert encoded["device"] == "cuda:0" and encoded["dtype"] == dtype_name
    got = send(tensor)
    assert got.is_cuda and got.device == tensor.device
    assert_same_tensor(got, tensor)


@needs_cuda
def test_cuda_tensor_through_the_worker_and_host_transfers_are_reported():
    with w.Worker(torch_source(TORCH_STUDENT), CUDA_LIMITS) as worker:
        x = torch.arange(6.0, device="cuda").reshape(2, 3)
        assert worker.call("describe", (x,)).value == ("torch.float32", "cuda:0", "Tensor", False)
        plain = worker.call("double", (x,), trace=True)
        assert plain.ok, plain
        assert_same_tensor(plain.value, x * 2)
        assert plain.trace.transfers == ()
        result = worker.call("stay_and_leave", (x,), trace=True)
        assert result.ok, result
        y, back, total = result.value
        assert y.is_cuda and not back.is_cuda and total == 30.0
        transfers = result.trace.transfers
        assert any("cuda:0" in t and "cpu" in t for t in transfers), transfers
        assert any("read on the host" in t for t in transfers), transfers
        small = worker.call("batched", (torch.randn(2, 5, device="cuda"),), trace=True)
        large = worker.call("batched", (torch.randn(16, 5, device="cuda"),), trace=True)
        assert small.trace.ops == large.trace.ops
        assert_tensor_matches(
            large.value,
            large.value.cpu().double().numpy(),
            what="batched(x)",
            device="cuda",
            dtype=torch.float32,
        )


def test_warming_cuda_without_a_device_reports_an_error_and_keeps_the_worker(torch_worker):
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device (see the CUDA test below)")
    starts = torch_worker.stats.starts
    result = torch_worker.warm_cuda()
    assert result.status == Status.ERROR and result.error_type  # torch's own error, e.g. "no NVIDIA driver"
    assert torch_worker.stats.starts == starts and torch_worker.call("double", (torch.ones(1),)).ok


@needs_cuda
def test_warming_cuda_initialises_it_once_per_process_and_not_on_the_budget():
    with w.Worker(torch_source(TORCH_STUDENT), CUDA_LIMITS) as worker:
        assert worker.start().ok
        spent = worker.time_spent
        first = worker.warm_cuda()
        assert first.ok, first
        assert worker.time_spent == spent  # CUDA's start-up is not charged to the submission
        assert worker.warm_cuda().duration == 0.0  # already warm: no request sent
        x = torch.ones(2, 3, device="cuda")
        assert worker.call("double", (x,)).ok


def test_torch_recurrent_builtins_are_reported_and_tensor_operations_are_not(torch_worker):
    x = torch.ones(3, 4)
    through_module = torch_worker.call("through_gru_cell", (x,), trace=True)
    assert through_module.ok, through_module
    assert through_module.trace.builtins == ("gru_cell",)
    plain = torch_worker.call("batched", (x,), trace=True)
    assert plain.ok and plain.trace.builtins == ()


def test_importing_torch_for_tensor_arguments_is_charged_to_the_budget_not_to_the_call():
    """The worker imports torch to rebuild tensor arguments (and sets up the call trace) before the first
    such call, under the start-up timeout: a call limit far below torch's import time still passes, and
    the import is charged to the submission's budget (every warm-up is)."""
    lazy = "def add_one(x):\n    return x + 1\n"  # never imports torch itself
    with w.Worker(torch_source(lazy), Limits(call_timeout=0.5, startup_timeout=60.0)) as worker:
        assert worker.start().ok
        result = worker.call("add_one", (torch.zeros(3, dtype=torch.float64),), trace=True)
        assert result.ok, result.message
        assert torch.equal(result.value, torch.ones(3, dtype=torch.float64))
        assert worker.time_spent > result.duration  # the warm-up counts against the budget too


DRAWS = """
import random
import numpy as np
import torch

def draws(n):
    return random.random(), np.random.rand(n), torch.rand(n, dtype=torch.float64), torch.randint(0, 99, (n,))

def seeds_and_draws(n):
    torch.manual_seed(5)
    np.random.seed(5)
    random.seed(5)
    return draws(n)
"""


def seeded_draws(n: int) -> tuple[Any, ...]:
    """What ``draws(n)`` gives right after seeding every generator with 0 the documented way."""
    import random

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    return random.random(), np.random.rand(n), torch.rand(n, dtype=torch.float64), torch.randint(0, 99, (n,))


@pytest.mark.parametrize("warm", [("torch",), ()], ids=["torch-in-the-warm-parent", "torch-from-the-student"])
def test_every_call_draws_what_seeding_everything_with_0_gives(warm):
    """Each call starts from the generators as ``random.seed(0)``, ``np.random.seed(0)`` and
    ``torch.manual_seed(0)`` leave them: whatever the call before drew or seeded, in the same test's
    process or in the next one, and whether torch came with the warm parent or with the student."""
    want = seeded_draws(4)
    with w.Worker(torch_source(DRAWS), TORCH_LIMITS, preflight=("torch",), warm=warm) as worker:
        assert worker.start().ok
        for name in ("draws", "draws", "seeds_and_draws", "draws"):
            result = worker.call(name, (4,))
            assert result.ok, result.message
            if name == "seeds_and_draws":
                continue  # drew from its own seeds: the next call must not
            got = result.value
            assert got[0] == want[0], f"{name}: random.random() drew {got[0]} instead of {want[0]}"
            np.testing.assert_array_equal(got[1], want[1], err_msg=f"{name}: numpy's draw")
            assert torch.equal(got[2], want[2]) and torch.equal(got[3], want[3]), f"{name}: torch's draws"
        worker.isolate()
        assert torch.equal(worker.call("draws", (4,)).value[2], want[2]), "a fresh test's process"
