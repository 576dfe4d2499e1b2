"""Oracle tests for the ``cnn`` reference solution.

The reference is never its own oracle: output sizes come from what ``torch.nn.functional.conv2d``,
``max_pool2d`` and ``avg_pool2d`` return on zero tensors (and whether they refuse the configuration: where
torch raises, the reference must raise ``ValueError``; where torch succeeds, the sizes must agree); parameter
counts from ``sum(p.numel())`` of ``torch.nn.Conv2d`` / ``Linear`` modules; shape tables from a torch stack
built from the same layer description (``nn.LazyLinear`` infers its inputs itself); the forward passes from
``torch.nn.functional`` in float64; ``same_padding`` from ``Conv2d(padding='same')``; receptive fields from
the nonzero span of the gradient of one output unit of a ``Conv1d`` stack with respect to its input. The
lecture's worked examples are written out as literal numbers (with the lecture's misprints corrected).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seqlab.course.layout import load_reference

ref = load_reference("cnn")

ORACLE_SETTINGS = settings(max_examples=25, deadline=None)
TOL = 1e-10

seed = st.integers(0, 2**32 - 1)


def int_or_pair(lo: int, hi: int) -> st.SearchStrategy:
    return st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))


def pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def t64(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def close(a, b) -> None:
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=TOL, atol=TOL)


def torch_outcome(fn, grad: bool = False):
    """``(result, None)`` if the torch call succeeds, ``(None, exception)`` if torch refuses it."""
    try:
        with torch.set_grad_enabled(grad):
            return fn(), None
    except (RuntimeError, ValueError) as error:
        return None, error


def ref_outcome(fn):
    """Like ``torch_outcome`` for the reference, which may only refuse with ``ValueError``."""
    try:
        return fn(), None
    except ValueError as error:
        return None, error


def agree(torch_call, ref_call):
    """Both refuse (torch: any error; reference: ValueError) or both succeed; returns both results."""
    expected, torch_error = torch_outcome(torch_call)
    got, ref_error = ref_outcome(ref_call)
    if torch_error is not None:
        assert ref_error is not None, f"torch refuses ({torch_error}) but the reference returned {got!r}"
        assert str(ref_error), "the ValueError must say what is wrong"
        return None, None
    assert ref_error is None, f"torch accepts ({tuple(expected.shape)}) but the reference raised {ref_error}"
    return expected, got


# --------------------------------------------------------------------------------------------------
# Output sizes against torch
# --------------------------------------------------------------------------------------------------


def torch_conv_size(n: int, f: int, padding: int, stride: int, dilation: int, axis: int) -> torch.Tensor:
    """Run F.conv2d on zeros where only ``axis`` (2: height, 3: width) is non-trivial; the output size."""
    shape, kernel = [1, 1, 1, 1], [1, 1, 1, 1]
    shape[axis], kernel[axis] = n, f
    pad, st_, dil = [0, 0], [1, 1], [1, 1]
    pad[axis - 2], st_[axis - 2], dil[axis - 2] = padding, stride, dilation
    out = F.conv2d(
        torch.zeros(shape, dtype=torch.float64),
        torch.zeros(kernel, dtype=torch.float64),
        stride=tuple(st_),
        padding=tuple(pad),
        dilation=tuple(dil),
    )
    assert out.shape[5 - axis] == 1  # the trivial axis
    return out.shape[axis]


@ORACLE_SETTINGS
@given(
    n=st.integers(1, 12),
    f=st.integers(1, 7),
    p=st.integers(0, 3),
    s=st.integers(1, 4),
    d=st.integers(1, 3),
    axis=st.sampled_from([2, 3]),
)
@example(n=3, f=5, p=0, s=1, d=1, axis=2)  # the filter does not fit: torch refuses
@example(n=3, f=5, p=1, s=1, d=1, axis=3)  # it fits once padded
@example(n=1, f=1, p=0, s=5, d=1, axis=2)  # size-1 input, stride larger than everything
@example(n=5, f=3, p=0, s=1, d=3, axis=2)  # dilated span 7 > 5
@example(n=7, f=3, p=0, s=2, d=1, axis=2)  # the lecture's 7x7 / 3x3 / stride 2: 3
def test_conv_output_size_matches_torch(n, f, p, s, d, axis):
    expected, got = agree(
        lambda: torch.tensor(torch_conv_size(n, f, p, s, d, axis)),
        lambda: ref.conv_output_size(n, f, padding=p, stride=s, dilation=d),
    )
    if expected is not None:
        assert isinstance(got, int) and got == int(expected) >= 1


@ORACLE_SETTINGS
@given(
    n=st.integers(0, 8),
    f=st.integers(0, 5),
    p=st.integers(-1, 3),
    s=st.integers(0, 3),
    d=st.integers(0, 3),
)
def test_conv_output_size_degenerate_arguments_like_torch(n, f, p, s, d):
    """Sizes 0, stride/dilation 0 and negative padding: refused by torch, ValueError in the reference."""
    expected, got = agree(
        lambda: torch.tensor(torch_conv_size(n, f, p, s, d, 2)),
        lambda: ref.conv_output_size(n, f, padding=p, stride=s, dilation=d),
    )
    if expected is not None:
        assert got == int(expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 0, "f": 1},
        {"n": 5, "f": 0},
        {"n": 5, "f": 3, "padding": -1},
        {"n": 5, "f": 3, "stride": 0},
        {"n": 5, "f": 3, "dilation": 0},
        {"n": 3, "f": 4},
        {"n": 3, "f": 2, "dilation": 3},
    ],
)
def test_conv_output_size_invalid_raises_where_torch_refuses(kwargs):
    full = {"padding": 0, "stride": 1, "dilation": 1, **kwargs}
    _, torch_error = torch_outcome(
        lambda: torch_conv_size(full["n"], full["f"], full["padding"], full["stride"], full["dilation"], 2)
    )
    assert torch_error is not None
    with pytest.raises(ValueError):
        ref.conv_output_size(**kwargs)


def torch_pool_shape(pool, n: int, f: int, stride, padding: int, ceil_mode: bool, axis: int):
    shape, kernel = [1, 1, 1, 1], [1, 1]
    shape[axis], kernel[axis - 2] = n, f
    pad = [0, 0]
    pad[axis - 2] = padding
    step = None
    if stride is not None:
        step = [1, 1]
        step[axis - 2] = stride
        step = tuple(step)
    out = pool(
        torch.zeros(shape, dtype=torch.float64),
        kernel_size=tuple(kernel),
        stride=step,
        padding=tuple(pad),
        ceil_mode=ceil_mode,
    )
    assert out.shape[5 - axis] == 1
    return torch.tensor(out.shape[axis])


@ORACLE_SETTINGS
@given(
    n=st.integers(1, 10),
    f=st.integers(1, 6),
    stride=st.one_of(st.none(), st.integers(1, 4)),
    p=st.integers(0, 3),
    ceil_mode=st.booleans(),
    axis=st.sampled_from([2, 3]),
    pool=st.sampled_from([F.max_pool2d, F.avg_pool2d]),
)
@example(n=2, f=3, stride=2, p=0, ceil_mode=True, axis=2, pool=F.max_pool2d)  # a window larger than n
@example(n=2, f=3, stride=2, p=0, ceil_mode=False, axis=2, pool=F.max_pool2d)  # ... refused in floor mode
@example(n=3, f=3, stride=1, p=2, ceil_mode=False, axis=2, pool=F.avg_pool2d)  # padding above f // 2
@example(n=5, f=2, stride=2, p=1, ceil_mode=True, axis=3, pool=F.max_pool2d)  # last window dropped
@example(n=6, f=2, stride=None, p=0, ceil_mode=False, axis=2, pool=F.max_pool2d)  # default stride
@example(n=7, f=2, stride=None, p=0, ceil_mode=True, axis=2, pool=F.avg_pool2d)  # partial window kept
def test_pool_output_size_matches_torch(n, f, stride, p, ceil_mode, axis, pool):
    expected, got = agree(
        lambda: torch_pool_shape(pool, n, f, stride, p, ceil_mode, axis),
        lambda: ref.pool_output_size(n, f, stride=stride, ceil_mode=ceil_mode, padding=p),
    )
    if expected is not None:
        assert isinstance(got, int) and got == int(expected) >= 1


@ORACLE_SETTINGS
@given(
    n=st.integers(0, 6),
    f=st.integers(0, 4),
    stride=st.one_of(st.none(), st.integers(0, 3)),
    p=st.integers(-1, 2),
    ceil_mode=st.booleans(),
    pool=st.sampled_from([F.max_pool2d, F.avg_pool2d]),
)
def test_pool_output_size_degenerate_arguments_like_torch(n, f, stride, p, ceil_mode, pool):
    expected, got = agree(
        lambda: torch_pool_shape(pool, n, f, stride, p, ceil_mode, 2),
        lambda: ref.pool_output_size(n, f, stride=stride, ceil_mode=ceil_mode, padding=p),
    )
    if expected is not None:
        assert got == int(expected)


# --------------------------------------------------------------------------------------------------
# Parameter counts against torch modules
# --------------------------------------------------------------------------------------------------


def numel(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@ORACLE_SETTINGS
@given(f=int_or_pair(1, 7), c_in=st.integers(1, 16), c_out=st.integers(1, 16), bias=st.booleans())
def test_conv_param_count_matches_torch_conv2d(f, c_in, c_out, bias):
    module = torch.nn.Conv2d(c_in, c_out, f, bias=bias, device="meta")
    assert ref.conv_param_count(f, c_in, c_out, bias=bias) == numel(module)
    if bias:
        assert ref.conv_param_count(f, c_in, c_out) == numel(module)


@ORACLE_SETTINGS
@given(n_in=st.integers(1, 500), n_out=st.integers(1, 200), bias=st.booleans())
def test_dense_param_count_matches_torch_linear(n_in, n_out, bias):
    module = torch.nn.Linear(n_in, n_out, bias=bias, device="meta")
    assert ref.dense_param_count(n_in, n_out, bias=bias) == numel(module)
    if bias:
        assert ref.dense_param_count(n_in, n_out) == numel(module)


def test_param_count_lecture_example_and_errors():
    """The lecture: 5 filters of 3 x 3 x 3 have 5 * (27 + 1) = 140 parameters."""
    assert ref.conv_param_count(3, 3, 5) == 140 == numel(torch.nn.Conv2d(3, 5, 3))
    assert ref.conv_param_count((3, 3), 3, 5) == 140
    no_bias = torch.nn.Conv2d(2, 4, (3, 5), bias=False)
    assert ref.conv_param_count((3, 5), 2, 4, bias=False) == 120 == numel(no_bias)
    for args in [(0, 3, 5), ((3, 0), 3, 5), (3, 0, 5), (3, 3, 0), ((3, 3, 3), 3, 5)]:
        with pytest.raises(ValueError):
            ref.conv_param_count(*args)
    for args in [(0, 3), (3, 0)]:
        with pytest.raises(ValueError):
            ref.dense_param_count(*args)


# --------------------------------------------------------------------------------------------------
# shape_table against a torch stack built from the same description
# --------------------------------------------------------------------------------------------------


def torch_table(input_shape, layers):
    """Rows ``(shape, size, params)`` computed by torch, channels-last; ``None`` if torch refuses a layer."""
    h, w, c = input_shape
    x = torch.zeros(1, c, h, w)
    rows = [((h, w, c), h * w * c, 0)]
    for layer in layers:
        kind = layer["type"]
        if kind == "conv":
            module = torch.nn.Conv2d(
                x.shape[1], layer["filters"], layer["f"], layer.get("stride", 1), layer.get("padding", 0)
            )
        elif kind in ("maxpool", "avgpool"):
            cls = torch.nn.MaxPool2d if kind == "maxpool" else torch.nn.AvgPool2d
            module = cls(layer["f"], layer.get("stride"))
        else:
            linear = torch.nn.LazyLinear(layer["units"])
            module = torch.nn.Sequential(torch.nn.Flatten(), linear) if x.dim() == 4 else linear
        x, error = torch_outcome(lambda m=module, x=x: m(x))
        if error is not None:
            return None
        shape = (x.shape[2], x.shape[3], x.shape[1]) if x.dim() == 4 else (x.shape[1],)
        rows.append((shape, x.numel(), numel(module)))
    return rows


image_layer = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("conv"), "filters": st.integers(1, 4), "f": int_or_pair(1, 4)},
        optional={"stride": int_or_pair(1, 3), "padding": int_or_pair(0, 2)},
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["maxpool", "avgpool"]), "f": int_or_pair(1, 3)},
        optional={"stride": int_or_pair(1, 3)},
    ),
)
dense_layer = st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 6)})


@ORACLE_SETTINGS
@given(
    input_shape=st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1, 3)),
    image_layers=st.lists(image_layer, max_size=4),
    dense_layers=st.lists(dense_layer, max_size=2),
)
def test_shape_table_matches_torch_stack(input_shape, image_layers, dense_layers):
    layers = image_layers + dense_layers
    expected = torch_table(input_shape, layers)
    if expected is None:
        with pytest.raises(ValueError):
            ref.shape_table(input_shape, layers)
        return
    rows = ref.shape_table(input_shape, layers)
    assert [(row["shape"], row["size"], row["params"]) for row in rows] == expected
    names = [f"{layer['type']}{index}" for index, layer in enumerate(layers, start=1)]
    assert [row["layer"] for row in rows] == ["input", *names]
    for row in rows:
        assert isinstance(row["size"], int) and row["size"] == math.prod(row["shape"])


LENET = [
    {"type": "conv", "f": 5, "stride": 1, "filters": 8, "name": "CONV1"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL1"},
    {"type": "conv", "f": 5, "stride": 1, "filters": 16, "name": "CONV2"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL2"},
    {"type": "dense", "units": 120, "name": "FC3"},
    {"type": "dense", "units": 84, "name": "FC4"},
    {"type": "dense", "units": 10, "name": "Softmax"},
]


def test_shape_table_lecture_lenet():
    rows = ref.shape_table((32, 32, 3), LENET)
    assert [row["layer"] for row in rows] == ["input"] + [layer["name"] for layer in LENET]
    assert [row["shape"] for row in rows] == [
        (32, 32, 3),
        (28, 28, 8),
        (14, 14, 8),
        (10, 10, 16),
        (5, 5, 16),
        (120,),
        (84,),
        (10,),
    ]
    assert [row["size"] for row in rows] == [3072, 6272, 1568, 1600, 400, 120, 84, 10]
    # The lecture printed 208, 416, 48001, 10081 and 841: filters without the input channels, and
    # dense layers with one bias instead of one per unit.
    assert [row["params"] for row in rows] == [0, 608, 0, 3216, 0, 48120, 10164, 850]
    assert [(row["shape"], row["size"], row["params"]) for row in rows] == torch_table((32, 32, 3), LENET)


def test_shape_table_errors():
    with pytest.raises(ValueError):
        ref.shape_table((8, 8, 3), [{"type": "dropout"}])
    with pytest.raises(ValueError):
        ref.shape_table((8, 8, 3), [{"type": "conv", "f": 3}])  # no "filters"
    with pytest.raises(ValueError):
        ref.shape_table((8, 8, 3), [{"type": "maxpool"}])  # no "f"
    with pytest.raises(ValueError):
        ref.shape_table((8, 8, 3), [{"type": "dense", "units": 4}, {"type": "conv", "f": 1, "filters": 2}])
    with pytest.raises(ValueError):
        ref.shape_table((4, 4, 3), [{"type": "conv", "f": 5, "filters": 2}])  # torch refuses it too
    assert torch_table((4, 4, 3), [{"type": "conv", "f": 5, "filters": 2}]) is None


# --------------------------------------------------------------------------------------------------
# Forward passes against torch.nn.functional
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    filters=st.integers(1, 3),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    fh=st.integers(1, 4),
    fw=st.integers(1, 4),
    stride=int_or_pair(1, 5),
    padding=int_or_pair(0, 2),
    s=seed,
)
@example(n=1, c=1, filters=1, h=1, w=1, fh=1, fw=1, stride=1, padding=0, s=0)  # size-1 input
@example(n=1, c=2, filters=2, h=1, w=1, fh=3, fw=3, stride=2, padding=1, s=1)  # size-1 input, padded
@example(n=2, c=2, filters=3, h=5, w=9, fh=2, fw=3, stride=(4, 5), padding=(0, 1), s=2)  # stride > kernel
@example(n=1, c=1, filters=1, h=3, w=3, fh=4, fw=1, stride=1, padding=0, s=3)  # does not fit
def test_conv2d_forward_matches_torch(n, c, filters, h, w, fh, fw, stride, padding, s):
    rng = np.random.default_rng(s)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(filters, c, fh, fw)), rng.normal(size=filters)
    expected, got = agree(
        lambda: F.conv2d(t64(x), t64(wt), t64(b), stride=pair(stride), padding=pair(padding)),
        lambda: ref.conv2d_forward(x, wt, b, stride=stride, padding=padding),
    )
    if expected is not None:
        assert got.shape == tuple(expected.shape)
        close(got, expected.numpy())


def test_conv2d_forward_mismatched_channels():
    rng = np.random.default_rng(0)
    x, wt, b = rng.normal(size=(1, 3, 5, 5)), rng.normal(size=(2, 2, 3, 3)), rng.normal(size=2)
    _, torch_error = torch_outcome(lambda: F.conv2d(t64(x), t64(wt), t64(b)))
    assert torch_error is not None
    with pytest.raises(ValueError):
        ref.conv2d_forward(x, wt, b)


def test_conv2d_forward_lecture_stride_two_example():
    """The lecture's 7 x 7 image, 3 x 3 filter, stride 2 (it printed 83, 127 and 71 in three places)."""
    image = np.array(
        [
            [2, 3, 7, 4, 6, 2, 9],
            [6, 6, 9, 8, 7, 4, 3],
            [3, 4, 8, 3, 8, 9, 7],
            [7, 8, 3, 6, 6, 3, 4],
            [4, 2, 1, 8, 3, 4, 6],
            [3, 2, 4, 1, 9, 8, 3],
            [0, 1, 3, 9, 2, 1, 4],
        ],
        dtype=float,
    )
    kernel = np.array([[3, 4, 4], [1, 0, 2], [-1, 0, 3]], dtype=float)
    out = ref.conv2d_forward(image[None, None], kernel[None, None], np.zeros(1), stride=2)
    expected = np.array([[91, 100, 88], [69, 91, 117], [44, 72, 74]], dtype=float)
    assert out.shape == (1, 1, 3, 3)
    close(out[0, 0], expected)
    close(expected, F.conv2d(t64(image[None, None]), t64(kernel[None, None]), stride=2)[0, 0].numpy())


@ORACLE_SETTINGS
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    f=int_or_pair(1, 4),
    stride=st.one_of(st.none(), int_or_pair(1, 4)),
    kind=st.sampled_from(["max", "avg"]),
    s=seed,
)
@example(n=1, c=1, h=1, w=1, f=1, stride=None, kind="max", s=0)
@example(n=1, c=2, h=4, w=7, f=(2, 3), stride=(1, 2), kind="avg", s=1)
@example(n=1, c=1, h=3, w=3, f=4, stride=None, kind="max", s=2)  # window too large: torch refuses
def test_pool_forward_matches_torch(n, c, h, w, f, stride, kind, s):
    x = np.random.default_rng(s).normal(size=(n, c, h, w))
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    forward = ref.maxpool2d_forward if kind == "max" else ref.avgpool2d_forward
    expected, got = agree(
        lambda: pool(t64(x), kernel_size=pair(f), stride=None if stride is None else pair(stride)),
        lambda: forward(x, f, stride),
    )
    if expected is not None:
        assert got.shape == tuple(expected.shape)
        close(got, expected.numpy())


def single_channel_conv(image: np.ndarray, kernel: torch.Tensor) -> torch.Tensor:
    return F.conv2d(t64(image)[None, None], kernel[None, None])[0, 0]


@ORACLE_SETTINGS
@given(h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 5), kw=st.integers(1, 5), s=seed)
@example(h=3, w=3, kh=4, kw=1, s=0)
def test_cross_correlate_and_convolve_match_torch(h, w, kh, kw, s):
    rng = np.random.default_rng(s)
    image, kernel = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    expected, got = agree(
        lambda: single_channel_conv(image, t64(kernel)), lambda: ref.cross_correlate2d(image, kernel)
    )
    if expected is not None:
        assert got.shape == (h - kh + 1, w - kw + 1)
        close(got, expected.numpy())
    expected, got = agree(
        lambda: single_channel_conv(image, torch.flip(t64(kernel), dims=(0, 1))),
        lambda: ref.convolve2d(image, kernel),
    )
    if expected is not None:
        close(got, expected.numpy())


def test_cross_correlate_and_convolve_errors():
    with pytest.raises(ValueError):
        ref.cross_correlate2d(np.ones((3, 3, 1)), np.ones((2, 2)))
    with pytest.raises(ValueError):
        ref.cross_correlate2d(np.ones((3, 3)), np.ones(2))
    with pytest.raises(ValueError):
        ref.convolve2d(np.ones((3, 3, 1)), np.ones((2, 2)))
    with pytest.raises(ValueError):
        ref.convolve2d(np.ones((3, 3)), np.ones((2, 4)))


@pytest.mark.parametrize("kernel", [np.ones(2), np.array(1.0)])
def test_convolve2d_non_2d_kernel_raises_value_error(kernel):
    with pytest.raises(ValueError):
        ref.convolve2d(np.ones((3, 3)), kernel)


def test_lecture_vertical_edge_example():
    """6 x 6 image, bright (10) left half, dark (0) right half; the vertical edge filter [[1, 0, -1]] * 3."""
    image = np.array([[10, 10, 10, 0, 0, 0]] * 6, dtype=float)
    kernel = np.array([[1, 0, -1]] * 3, dtype=float)
    edge = np.array([[0, 30, 30, 0]] * 4, dtype=float)
    close(ref.cross_correlate2d(image, kernel), edge)
    close(ref.convolve2d(image, kernel), -edge)
    close(ref.conv2d_forward(image[None, None], kernel[None, None], np.zeros(1))[0, 0], edge)
    close(single_channel_conv(image, t64(kernel)).numpy(), edge)


# --------------------------------------------------------------------------------------------------
# same_padding and receptive_field
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(n=st.integers(1, 10), f=st.integers(1, 9), d=st.integers(1, 4), s=seed)
@example(n=5, f=3, d=1, s=0)
@example(n=5, f=4, d=1, s=0)
@example(n=5, f=4, d=2, s=0)
def test_same_padding_matches_torch_same(n, f, d, s):
    if d * (f - 1) % 2:  # even effective filter size: torch pads unevenly, no single number says it
        with pytest.raises(ValueError):
            ref.same_padding(f, d)
        return
    p = ref.same_padding(f, d)
    rng = np.random.default_rng(s)
    x, wt = t64(rng.normal(size=(1, 1, n, n + 1))), t64(rng.normal(size=(1, 1, f, f)))
    module = torch.nn.Conv2d(1, 1, f, padding="same", dilation=d, bias=False).double()
    with torch.no_grad():
        module.weight.copy_(wt)
        same = module(x)
        assert same.shape == x.shape
        close(F.conv2d(x, wt, padding=p, dilation=d).numpy(), same.numpy())
    assert ref.conv_output_size(n, f, padding=p, dilation=d) == n


def test_same_padding_errors():
    for f, d in [(0, 1), (3, 0), (2, 1), (4, 3)]:
        with pytest.raises(ValueError):
            ref.same_padding(f, d)
    assert ref.same_padding(4, 2) == 3 and ref.same_padding(1) == 0


def gradient_receptive_field(layers) -> int:
    """Span of the input positions that output unit 0 of a Conv1d stack (weights 1) depends on."""
    total_stride = math.prod(layer.get("stride", 1) for layer in layers)
    length = 1 + total_stride * sum(layer.get("dilation", 1) * (layer["f"] - 1) for layer in layers)
    x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        conv = torch.nn.Conv1d(
            1, 1, layer["f"], stride=layer.get("stride", 1), dilation=layer.get("dilation", 1), bias=False
        ).double()
        with torch.no_grad():
            conv.weight.fill_(1.0)
        y = conv(y)
    y[0, 0, 0].backward()
    support = torch.nonzero(x.grad[0, 0]).flatten()
    return int(support.max() - support.min()) + 1


stack_layer = st.fixed_dictionaries(
    {"f": st.integers(1, 5)}, optional={"stride": st.integers(1, 3), "dilation": st.integers(1, 3)}
)


@ORACLE_SETTINGS
@given(layers=st.lists(stack_layer, min_size=0, max_size=4))
def test_receptive_field_matches_torch_gradient(layers):
    assert ref.receptive_field(layers) == gradient_receptive_field(layers)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")
def test_receptive_field_lecture_and_errors():
    three = {"f": 3}
    assert ref.receptive_field([three] * 2) == 5 == gradient_receptive_field([three] * 2)
    assert ref.receptive_field([three] * 3) == 7 == gradient_receptive_field([three] * 3)
    assert ref.receptive_field([]) == 1
    for bad in [{"f": 0}, {"f": 3, "stride": 0}, {"f": 3, "dilation": 0}]:
        _, torch_error = torch_outcome(lambda bad=bad: gradient_receptive_field([bad]), grad=True)
        assert torch_error is not None
        with pytest.raises(ValueError):
            ref.receptive_field([bad])


# --------------------------------------------------------------------------------------------------
# The docstrings' promises beyond the values: ints, tuples, inputs not changed, new arrays
# --------------------------------------------------------------------------------------------------


def is_plain_int(value) -> bool:
    return type(value) is int


def test_sizes_and_counts_are_python_ints():
    """Every size and count the docstrings promise as an int is a Python int (hidden tests fail floats)."""
    values = [
        ref.conv_output_size(7, 3, stride=2),
        ref.conv_output_size(10, 3, padding=1, stride=2),
        ref.conv_output_size(9, 3, padding=2, dilation=2),
        ref.pool_output_size(8, 2),
        ref.pool_output_size(7, 2, ceil_mode=True),
        ref.pool_output_size(7, 2, stride=2, ceil_mode=True, padding=1),
        ref.same_padding(3),
        ref.same_padding(3, 2),
        ref.conv_param_count(3, 3, 5),
        ref.conv_param_count((3, 5), 2, 4, bias=False),
        ref.dense_param_count(400, 120),
        ref.dense_param_count(84, 10, bias=False),
        ref.receptive_field([{"f": 3, "stride": 2}, {"f": 3, "dilation": 2}]),
        ref.receptive_field([]),
    ]
    assert all(is_plain_int(v) for v in values), [type(v).__name__ for v in values]
    assert values[-1] == 1  # no layer: one pixel, as the docstring says


def test_shape_table_rows_are_tuples_of_ints_and_keep_the_layers():
    layers = [
        {"type": "conv", "filters": 8, "f": 5},
        {"type": "maxpool", "f": 2},
        {"type": "conv", "filters": 16, "f": 5, "padding": 1},
        {"type": "avgpool", "f": 2},
        {"type": "dense", "units": 10},
    ]
    before = [dict(layer) for layer in layers]
    rows = ref.shape_table((32, 32, 3), layers)
    assert layers == before, "shape_table wrote into its layer dicts"
    for row in rows:
        assert type(row["shape"]) is tuple and all(is_plain_int(v) for v in row["shape"])
        assert is_plain_int(row["size"]) and is_plain_int(row["params"])
    # the shapes against torch (the same stack)
    assert [(row["shape"], row["size"], row["params"]) for row in rows] == torch_table((32, 32, 3), layers)


def assert_new_and_unchanged(result: np.ndarray, inputs: list[np.ndarray], copies: list[np.ndarray]) -> None:
    for array, copy in zip(inputs, copies, strict=True):
        np.testing.assert_array_equal(array, copy)  # not changed in place
        assert not np.shares_memory(result, array), "the result is a view of an input"


@pytest.mark.parametrize(
    "call",
    [
        lambda x, w, b, image, kernel: (ref.conv2d_forward(x, w, b, 2, 1), [x, w, b]),
        lambda x, w, b, image, kernel: (ref.conv2d_forward(x, w, b), [x, w, b]),
        lambda x, w, b, image, kernel: (ref.cross_correlate2d(image, kernel), [image, kernel]),
        lambda x, w, b, image, kernel: (ref.convolve2d(image, kernel), [image, kernel]),
        lambda x, w, b, image, kernel: (ref.maxpool2d_forward(x, 1), [x]),
        lambda x, w, b, image, kernel: (ref.maxpool2d_forward(x, 2), [x]),
        lambda x, w, b, image, kernel: (ref.avgpool2d_forward(x, 1), [x]),
        lambda x, w, b, image, kernel: (ref.avgpool2d_forward(x, 3, 2), [x]),
    ],
    ids=["conv2d", "conv2d-plain", "xcorr", "convolve", "maxpool-1x1", "maxpool", "avgpool-1x1", "avgpool"],
)
def test_array_functions_return_new_arrays_and_keep_their_inputs(call):
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(2, 3, 6, 7)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)]
    args += [rng.normal(size=(5, 6)), np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0]])]
    copies = {id(a): a.copy() for a in args}
    result, used = call(*args)
    assert_new_and_unchanged(result, used, [copies[id(a)] for a in used])
