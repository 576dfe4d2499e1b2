"""Hidden tests: the docstrings' promises beyond the values (13 points).

The value tests compare numbers, and accept a float for an int and a list for a tuple on purpose (so a
function with the right values earns those points); the promises have a test each here, on fixed typical
inputs: the sizes and counts are ints (conv_output_size 1, pool_output_size 1, same_padding 1,
conv_param_count 1, dense_param_count 0.5, receptive_field 0.5); shape_table's shapes are tuples of ints and
its sizes and parameter counts ints (1 + 1); the arguments are not changed and the result shares no memory
with them (shape_table 1, conv2d_forward 1, cross_correlate2d 1, convolve2d 1, maxpool2d_forward 1,
avgpool2d_forward 1). Each is an edge test: a function that does nothing (returns 0, or an empty table)
keeps these promises too, so they earn their points only beside a passing value test of the function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.testing import assert_inputs_kept, graded

_RNG = np.random.default_rng(16)
#: a batch of 2 non-square images with 3 channels, 4 filters of 3 x 2, biases; a 2-D image and kernel
X = _RNG.uniform(-1.0, 1.0, (2, 3, 6, 7))
W = _RNG.uniform(-1.0, 1.0, (4, 3, 3, 2))
B = _RNG.uniform(-1.0, 1.0, 4)
IMAGE = _RNG.uniform(-1.0, 1.0, (5, 6))
KERNEL = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0]])

#: the lecture's network, with the strides left to their defaults (a function must not write them in)
NETWORK = [
    {"type": "conv", "filters": 8, "f": 5, "name": "CONV1"},
    {"type": "maxpool", "f": 2, "name": "POOL1"},
    {"type": "conv", "filters": 16, "f": 5, "padding": 1},
    {"type": "avgpool", "f": 2},
    {"type": "dense", "units": 120},
    {"type": "dense", "units": 10, "name": "Softmax"},
]


def fresh_network() -> list[dict[str, Any]]:
    return [dict(layer) for layer in NETWORK]


def is_int(value: Any) -> bool:
    """A Python int (a NumPy integer is accepted too); not a float, not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def shown(value: Any) -> str:
    """``3.0 (a numpy float64)``, ``[28, 28, 8] (a list)``: a value and its type, for a student."""
    if isinstance(value, np.generic):
        return f"{value.item()!r} (a numpy {type(value).__name__})"
    return f"{value!r:.100} (a {type(value).__name__})"


def check_int(value: Any, what: str, advice: str) -> None:
    if not is_int(value):
        raise AssertionError(f"{what} returned {shown(value)}; the docstring promises an int: {advice}")


def call(name: str, *args: Any, **kwargs: Any) -> str:
    """``name(1, 2, k=3)``, as a student would write the call."""
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


FLOOR_DIVISION = "compute with // (floor division) rather than /, or int(...) of a whole number"


# --- ints ------------------------------------------------------------------------------------------------
@graded("conv_output_size", points=1, edge=True)
def test_conv_output_size_returns_an_int(submission):
    """the output size is an int, not a float such as 3.0"""
    for args, kwargs in (
        ((7, 3), {"stride": 2}),
        ((10, 3), {"padding": 1, "stride": 2}),
        ((9, 3), {"padding": 2, "dilation": 2}),
        ((5, 5), {}),
    ):
        value = submission.conv_output_size(*args, **kwargs)
        check_int(value, call("conv_output_size", *args, **kwargs), FLOOR_DIVISION)


@graded("pool_output_size", points=1, edge=True)
def test_pool_output_size_returns_an_int(submission):
    """the pooling output size is an int, in floor and in ceil mode"""
    for args, kwargs in (
        ((8, 2), {}),
        ((7, 3), {"stride": 2}),
        ((7, 2), {"ceil_mode": True}),
        ((7, 2), {"stride": 2, "ceil_mode": True, "padding": 1}),
    ):
        value = submission.pool_output_size(*args, **kwargs)
        advice = "compute with // and -(-a // s) (rounding up), or math.floor / math.ceil, not np.floor or /"
        check_int(value, call("pool_output_size", *args, **kwargs), advice)


@graded("same_padding", points=1, edge=True)
def test_same_padding_returns_an_int(submission):
    """the padding is an int (d (f - 1) // 2), not a float such as 1.0"""
    for args in ((3,), (5,), (3, 2), (1,)):
        check_int(submission.same_padding(*args), call("same_padding", *args), FLOOR_DIVISION)


@graded("conv_param_count", points=1, edge=True)
def test_conv_param_count_returns_an_int(submission):
    """the parameter count of a convolution layer is an int"""
    for args, kwargs in (((3, 3, 5), {}), (((3, 5), 2, 4), {"bias": False})):
        value = submission.conv_param_count(*args, **kwargs)
        check_int(value, call("conv_param_count", *args, **kwargs), "count with int arithmetic")


@graded("dense_param_count", points=0.5, edge=True)
def test_dense_param_count_returns_an_int(submission):
    """the parameter count of a dense layer is an int"""
    for args, kwargs in (((400, 120), {}), ((84, 10), {"bias": False})):
        value = submission.dense_param_count(*args, **kwargs)
        check_int(value, call("dense_param_count", *args, **kwargs), "count with int arithmetic")


@graded("receptive_field", points=0.5, edge=True)
def test_receptive_field_returns_an_int(submission):
    """the receptive field is an int (pixels along one axis)"""
    layers = [{"f": 3, "stride": 2}, {"f": 3, "dilation": 2}, {"f": 2}]
    check_int(submission.receptive_field(layers), f"receptive_field({layers})", "count with int arithmetic")


# --- shape_table's rows ----------------------------------------------------------------------------------
def table_rows(submission: Any) -> tuple[list[Any], str]:
    what = "shape_table((32, 32, 3), the lecture's network)"
    rows = submission.shape_table((32, 32, 3), fresh_network())
    if not isinstance(rows, list | tuple) or not all(isinstance(row, dict) for row in rows):
        raise AssertionError(f"{what} should return a list with one dict per row; it returned {rows!r:.200}")
    return list(rows), what


@graded("shape_table", points=1, edge=True)
def test_shape_table_shapes_are_tuples(submission):
    """every row's "shape" is a tuple, such as (28, 28, 8), not a list"""
    rows, what = table_rows(submission)
    for index, row in enumerate(rows):
        shape = row.get("shape")
        if not isinstance(shape, tuple):
            raise AssertionError(
                f"{what}[{index}]['shape'] is {shown(shape)}; the docstring promises a "
                "tuple, such as (28, 28, 8) or (120,): build it with (h, w, c) or tuple(...)"
            )


@graded("shape_table", points=1, edge=True)
def test_shape_table_sizes_and_counts_are_ints(submission):
    """every row's "size", "params" and the entries of its "shape" are ints"""
    rows, what = table_rows(submission)
    for index, row in enumerate(rows):
        shape = row.get("shape")
        entries = [("['size']", row.get("size")), ("['params']", row.get("params"))]
        if isinstance(shape, tuple | list):
            entries += [(f"['shape'][{i}]", v) for i, v in enumerate(shape)]
        for key, value in entries:
            if not is_int(value):
                raise AssertionError(
                    f"{what}[{index}]{key} is {shown(value)}; the docstring "
                    "promises an int: use int arithmetic (// and math.prod of ints), not / or np.floor"
                )


# --- inputs not changed ----------------------------------------------------------------------------------
@graded("shape_table", points=1, edge=True)
def test_shape_table_keeps_its_layers(submission):
    """the layer dicts are not changed (no default stride or name written into them)"""
    assert_inputs_kept(
        submission.shape_table,
        (32, 32, 3),
        fresh_network(),
        what="shape_table((32, 32, 3), the lecture's network with default strides)",
    )


@graded("conv2d_forward", points=1, edge=True)
def test_conv2d_forward_keeps_its_inputs(submission):
    """x, w and b are not changed (no padding or reshaping in place), and the result is a new array"""
    for stride, padding in ((2, 1), (1, 0)):
        what = f"conv2d_forward(x {X.shape}, w {W.shape}, b, stride={stride}, padding={padding})"
        assert_inputs_kept(submission.conv2d_forward, X, W, B, stride, padding, what=what)


@graded("cross_correlate2d", points=1, edge=True)
def test_cross_correlate2d_keeps_its_inputs(submission):
    """the image and the kernel are not changed, and the result is a new array"""
    what = f"cross_correlate2d(image {IMAGE.shape}, kernel {KERNEL.shape})"
    assert_inputs_kept(submission.cross_correlate2d, IMAGE, KERNEL, what=what)


@graded("convolve2d", points=1, edge=True)
def test_convolve2d_keeps_its_inputs(submission):
    """the kernel is not flipped in place (nor the image changed), and the result is a new array"""
    what = f"convolve2d(image {IMAGE.shape}, kernel {KERNEL.shape})"
    assert_inputs_kept(submission.convolve2d, IMAGE, KERNEL, what=what)


@graded("maxpool2d_forward", points=1, edge=True)
def test_maxpool2d_forward_keeps_its_input(submission):
    """x is not changed, and the result is a new array, even for 1 x 1 windows"""
    for f, stride in ((2, None), (3, 2), (1, None)):
        what = f"maxpool2d_forward(x {X.shape}, {f}, stride={stride})"
        assert_inputs_kept(submission.maxpool2d_forward, X, f, stride, what=what)


@graded("avgpool2d_forward", points=1, edge=True)
def test_avgpool2d_forward_keeps_its_input(submission):
    """x is not changed (no scaling in place), and the result is a new array, even for 1 x 1 windows"""
    for f, stride in ((2, None), (3, 2), (1, None)):
        what = f"avgpool2d_forward(x {X.shape}, {f}, stride={stride})"
        assert_inputs_kept(submission.avgpool2d_forward, X, f, stride, what=what)
