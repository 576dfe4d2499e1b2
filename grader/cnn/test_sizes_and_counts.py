"""Hidden tests: output sizes, same padding and parameter counts (39 points).

conv_output_size 12, pool_output_size 10, same_padding 5, conv_param_count 8, dense_param_count 4. Known
mistakes (no floor, no +1, padding counted once, forgotten input channels or biases) are named by
misconceptions.py.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, expect_raises, graded


def conv_call(c: dict[str, int]) -> str:
    keywords = ", ".join(f"{k}={c[k]}" for k in ("padding", "stride", "dilation"))
    return f"conv_output_size({c['n']}, {c['f']}, {keywords})"


def check_conv(submission, reference, c: dict[str, int]) -> None:
    args = (c["n"], c["f"], c["padding"], c["stride"], c["dilation"])
    actual = submission.conv_output_size(*args)
    assert_matches(actual, reference.conv_output_size(*args), what=conv_call(c))
    if isinstance(actual, float):
        raise AssertionError(f"{conv_call(c)} returned the float {actual!r}; a size is an int")


@graded("conv_output_size", points=6)
@given(c=sst.conv_configs(dilation=False))
def test_conv_output_size(submission, reference, c):
    """floor((n + 2p - f) / s) + 1 over sizes, filters, paddings and strides (stride > kernel too)"""
    check_conv(submission, reference, c)


@graded("conv_output_size", points=2)
@given(n=st.integers(3, 20), half=st.integers(1, 3), stride=st.integers(1, 3))
def test_conv_output_size_half_kernel_padding(submission, reference, n, half, stride):
    """padding equal to half the (odd) kernel, the usual 'same' layout"""
    f = 2 * half + 1
    if f <= n + 2 * half:
        check_conv(submission, reference, {"n": n, "f": f, "padding": half, "stride": stride, "dilation": 1})


@graded("conv_output_size", points=2)
@given(c=sst.conv_configs())
def test_conv_output_size_with_dilation(submission, reference, c):
    """dilation d: the filter spans d (f - 1) + 1 inputs"""
    check_conv(submission, reference, c)


@graded("conv_output_size", points=2, edge=True)
@given(c=sst.invalid_conv_configs())
def test_conv_output_size_rejects_what_torch_refuses(submission, c):
    """a filter larger than the padded input, or any size, stride, dilation or padding out of range"""
    args = (c["n"], c["f"], c["padding"], c["stride"], c["dilation"])
    expect_raises(submission.conv_output_size, *args, exception="ValueError", what=conv_call(c))


def pool_call(c: dict) -> str:
    keywords = ", ".join(f"{k}={c[k]}" for k in ("stride", "ceil_mode", "padding"))
    return f"pool_output_size({c['n']}, {c['f']}, {keywords})"


def check_pool(submission, reference, c: dict) -> None:
    args = (c["n"], c["f"], c["stride"], c["ceil_mode"], c["padding"])
    assert_matches(submission.pool_output_size(*args), reference.pool_output_size(*args), what=pool_call(c))


@graded("pool_output_size", points=4)
@given(
    c=sst.pool_configs()
    .map(lambda c: {**c, "ceil_mode": False})
    .filter(lambda c: c["f"] <= c["n"] + 2 * c["padding"])
)
def test_pool_output_size_floor_mode(submission, reference, c):
    """floor mode; the stride defaults to the window"""
    check_pool(submission, reference, c)


@graded("pool_output_size", points=4)
@given(c=sst.pool_configs().map(lambda c: {**c, "ceil_mode": True}))
def test_pool_output_size_ceil_mode(submission, reference, c):
    """ceil mode as PyTorch: a partial last window counts if it starts inside the input or its left padding"""
    check_pool(submission, reference, c)


@graded("pool_output_size", points=2, edge=True)
def test_pool_output_size_rejects_invalid_windows(submission):
    """padding above half the window, a window larger than the input (floor mode), stride 0: ValueError"""
    for args in ((8, 2, None, False, 2), (3, 5, None, False, 0), (8, 2, 0, False, 0)):
        expect_raises(
            submission.pool_output_size, *args, exception="ValueError", what=f"pool_output_size{args}"
        )


@graded("same_padding", points=3)
@given(half=st.integers(0, 6), dilation=st.integers(1, 4))
def test_same_padding_for_odd_kernels(submission, reference, half, dilation):
    """p = d (f - 1) / 2 keeps the size at stride 1"""
    f = 2 * half + 1
    what = f"same_padding({f}, dilation={dilation})"
    assert_matches(submission.same_padding(f, dilation), reference.same_padding(f, dilation), what=what)


@graded("same_padding", points=2, edge=True)
@given(half=st.integers(1, 6))
def test_same_padding_refuses_even_kernels(submission, half):
    """an even effective kernel has no symmetric 'same' padding: ValueError"""
    f = 2 * half
    expect_raises(submission.same_padding, f, 1, exception="ValueError", what=f"same_padding({f})")


def check_conv_params(submission, reference, f, c_in: int, c_out: int, bias: bool) -> None:
    what = f"conv_param_count({f!r}, {c_in}, {c_out}, bias={bias})"
    actual = submission.conv_param_count(f, c_in, c_out, bias=bias)
    assert_matches(actual, reference.conv_param_count(f, c_in, c_out, bias=bias), what=what)


@graded("conv_param_count", points=5)
@given(f=st.integers(1, 7), c_in=st.integers(1, 64), c_out=st.integers(1, 64))
def test_conv_param_count(submission, reference, f, c_in, c_out):
    """c_out * (f * f * c_in + 1): every filter spans all input channels and has one bias"""
    check_conv_params(submission, reference, f, c_in, c_out, True)


@graded("conv_param_count", points=1)
def test_conv_param_count_lecture_example(submission, reference):
    """the lecture's 5 filters of 3 x 3 x 3"""
    check_conv_params(submission, reference, 3, 3, 5, True)


@graded("conv_param_count", points=2)
@given(fh=st.integers(1, 5), fw=st.integers(1, 5), c_in=st.integers(1, 16), c_out=st.integers(1, 16))
def test_conv_param_count_rectangular_kernels_without_bias(submission, reference, fh, fw, c_in, c_out):
    """(fh, fw) kernels, and bias=False"""
    check_conv_params(submission, reference, (fh, fw), c_in, c_out, False)


@graded("dense_param_count", points=3)
@given(n_in=st.integers(1, 5000), n_out=st.integers(1, 500))
def test_dense_param_count(submission, reference, n_in, n_out):
    """n_in * n_out weights and n_out biases"""
    what = f"dense_param_count({n_in}, {n_out})"
    actual = submission.dense_param_count(n_in, n_out)
    assert_matches(actual, reference.dense_param_count(n_in, n_out), what=what)


@graded("dense_param_count", points=1)
def test_dense_param_count_without_bias(submission, reference):
    """bias=False: weights only"""
    what = "dense_param_count(400, 120, bias=False)"
    actual = submission.dense_param_count(400, 120, bias=False)
    assert_matches(actual, reference.dense_param_count(400, 120, bias=False), what=what)
