"""Hidden tests: output sizes, same padding and parameter counts (34.5 points).

conv_output_size 11, pool_output_size 9, same_padding 4, conv_param_count 7, dense_param_count 3.5; the
promises that the sizes and counts are ints are test_promises.py's (4.5 points more: 12, 10, 5, 8 and 4 in
all). Known mistakes (no floor, no +1, padding counted once, forgotten input channels or biases) are named
by misconceptions.py. The edge values the docstrings name (a filter as large as the input, a stride larger
than the filter, ceil mode's partial and dropped last windows, ...) are explicit examples, never left to
the seed.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, expect_raises, graded


def conv_call(c: dict[str, int]) -> str:
    keywords = ", ".join(f"{k}={c[k]}" for k in ("padding", "stride", "dilation"))
    return f"conv_output_size({c['n']}, {c['f']}, {keywords})"


def conv(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> dict[str, int]:
    return {"n": n, "f": f, "padding": padding, "stride": stride, "dilation": dilation}


def check_conv(submission, reference, c: dict[str, int]) -> None:
    """The value only: that it is an int is test_promises.py's test."""
    args = (c["n"], c["f"], c["padding"], c["stride"], c["dilation"])
    assert_matches(submission.conv_output_size(*args), reference.conv_output_size(*args), what=conv_call(c))


@graded("conv_output_size", points=5)
@given(c=sst.conv_configs(dilation=False))
@example(c=conv(7, 3, stride=2))  # the lecture's 7 x 7 image, 3 x 3 filter, stride 2: 3
@example(c=conv(5, 5))  # a filter as large as the input: 1 output
@example(c=conv(10, 2, stride=5))  # a stride larger than the filter: 2
@example(c=conv(10, 3, padding=1, stride=2))  # a stride that does not divide: 5, not 5.5
@example(c=conv(7, 3, padding=3, stride=2))  # padding larger than the stride: 6 (counted once: 4)
def test_conv_output_size(submission, reference, c):
    """floor((n + 2p - f) / s) + 1 over sizes, filters, paddings and strides (stride > kernel too)"""
    check_conv(submission, reference, c)


@graded("conv_output_size", points=2)
@given(n=st.integers(3, 20), half=st.integers(1, 3), stride=st.integers(1, 3))
@example(n=10, half=1, stride=2)  # (10 - 1) / 2 does not divide: 5
@example(n=8, half=2, stride=1)  # 'same': 8
def test_conv_output_size_half_kernel_padding(submission, reference, n, half, stride):
    """padding equal to half the (odd) kernel, the usual 'same' layout"""
    f = 2 * half + 1
    if f <= n + 2 * half:
        check_conv(submission, reference, {"n": n, "f": f, "padding": half, "stride": stride, "dilation": 1})


@graded("conv_output_size", points=2)
@given(c=sst.conv_configs())
@example(c=conv(7, 3, padding=3, stride=2, dilation=2))  # span 5: 5
@example(c=conv(13, 3, padding=1, stride=3, dilation=2))  # span 5, a stride that does not divide: 4
@example(c=conv(9, 3, dilation=4))  # span 9 = n: 1
def test_conv_output_size_with_dilation(submission, reference, c):
    """dilation d: the filter spans d (f - 1) + 1 inputs"""
    check_conv(submission, reference, c)


@graded("conv_output_size", points=2, edge=True)
@given(c=sst.invalid_conv_configs())
@example(c=conv(3, 5))  # a filter larger than the input
@example(c=conv(3, 6, padding=1))  # ... than the padded input
@example(c=conv(5, 3, dilation=3))  # a dilated filter spanning 7 > 5
@example(c=conv(0, 1))  # n below 1
@example(c=conv(5, 0))  # f below 1
@example(c=conv(5, 3, padding=-1))  # negative padding
@example(c=conv(5, 3, stride=0))  # stride below 1
@example(c=conv(5, 3, dilation=0))  # dilation below 1
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


def pool(n: int, f: int, stride: int | None = None, ceil_mode: bool = False, padding: int = 0) -> dict:
    return {"n": n, "f": f, "stride": stride, "ceil_mode": ceil_mode, "padding": padding}


@graded("pool_output_size", points=3)
@given(
    c=sst.pool_configs()
    .map(lambda c: {**c, "ceil_mode": False})
    .filter(lambda c: c["f"] <= c["n"] + 2 * c["padding"])
)
@example(c=pool(8, 2))  # the stride defaults to the window: 4
@example(c=pool(7, 2, stride=2))  # the last row is left over: 3
@example(c=pool(7, 3, stride=2))  # 3
@example(c=pool(10, 2, stride=3, padding=1))  # a stride larger than the window: 4
@example(c=pool(3, 3))  # a window as large as the input: 1
def test_pool_output_size_floor_mode(submission, reference, c):
    """floor mode; the stride defaults to the window"""
    check_pool(submission, reference, c)


@graded("pool_output_size", points=4)
@given(c=sst.pool_configs().map(lambda c: {**c, "ceil_mode": True}))
@example(c=pool(8, 3, ceil_mode=True))  # a partial last window is kept: 3 (floor mode: 2)
@example(c=pool(7, 2, stride=2, ceil_mode=True, padding=1))  # the last window would start in the padding: 4
@example(c=pool(7, 2, ceil_mode=True))  # 4
@example(c=pool(5, 2, stride=2, ceil_mode=True, padding=1))  # 3, not 4
@example(c=pool(2, 3, stride=2, ceil_mode=True))  # a window larger than the input is kept: 1
def test_pool_output_size_ceil_mode(submission, reference, c):
    """ceil mode as PyTorch: a partial last window counts if it starts inside the input or its left padding"""
    check_pool(submission, reference, c)


@graded("pool_output_size", points=2, edge=True)
def test_pool_output_size_rejects_invalid_windows(submission):
    """padding above half the window, a window larger than the input (floor mode), a size, stride or padding
    out of range: ValueError"""
    invalid = (
        (8, 2, None, False, 2),  # padding above f // 2
        (3, 5, None, False, 0),  # no window fits (floor mode)
        (2, 3, 2, False, 0),  # ... the same window is kept in ceil mode
        (8, 2, 0, False, 0),  # stride 0
        (0, 2, None, False, 0),  # n below 1
        (8, 0, 1, False, 0),  # f below 1
        (8, 2, None, False, -1),  # negative padding
    )
    for args in invalid:
        expect_raises(
            submission.pool_output_size, *args, exception="ValueError", what=f"pool_output_size{args}"
        )


@graded("same_padding", points=2)
@given(half=st.integers(0, 6), dilation=st.integers(1, 4))
@example(half=0, dilation=1)  # f = 1: no padding
@example(half=1, dilation=1)  # f = 3: 1
@example(half=1, dilation=2)  # f = 3, dilation 2 (span 5): 2
def test_same_padding_for_odd_kernels(submission, reference, half, dilation):
    """p = d (f - 1) / 2 keeps the size at stride 1"""
    f = 2 * half + 1
    what = f"same_padding({f}, dilation={dilation})"
    assert_matches(submission.same_padding(f, dilation), reference.same_padding(f, dilation), what=what)


@graded("same_padding", points=1, edge=True)
@given(half=st.integers(1, 6))
@example(half=1)  # f = 2
def test_same_padding_refuses_even_kernels(submission, half):
    """an even effective kernel has no symmetric 'same' padding: ValueError"""
    f = 2 * half
    expect_raises(submission.same_padding, f, 1, exception="ValueError", what=f"same_padding({f})")


@graded("same_padding", points=1, edge=True)
def test_same_padding_rejects_invalid_arguments(submission):
    """a dilated kernel of even span (f = 2, dilation 3: span 4), f = 0 or dilation 0: ValueError"""
    for f, dilation in ((2, 3), (4, 1), (0, 1), (3, 0)):
        what = f"same_padding({f}, dilation={dilation})"
        expect_raises(submission.same_padding, f, dilation, exception="ValueError", what=what)


def check_conv_params(submission, reference, f, c_in: int, c_out: int, bias: bool) -> None:
    what = f"conv_param_count({f!r}, {c_in}, {c_out}, bias={bias})"
    actual = submission.conv_param_count(f, c_in, c_out, bias=bias)
    assert_matches(actual, reference.conv_param_count(f, c_in, c_out, bias=bias), what=what)


@graded("conv_param_count", points=3)
@given(f=st.integers(1, 7), c_in=st.integers(1, 64), c_out=st.integers(1, 64))
@example(f=3, c_in=4, c_out=6)  # 6 * (36 + 1) = 222
@example(f=1, c_in=16, c_out=8)  # a 1 x 1 convolution: 8 * 17 = 136
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


@graded("conv_param_count", points=1, edge=True)
def test_conv_param_count_rejects_sizes_below_1(submission):
    """a filter size, input channels or filters of 0: ValueError"""
    for args in ((0, 3, 5), ((3, 0), 3, 5), (3, 0, 5), (3, 3, 0)):
        what = f"conv_param_count{args}"
        expect_raises(submission.conv_param_count, *args, exception="ValueError", what=what)


@graded("dense_param_count", points=2.5)
@given(n_in=st.integers(1, 5000), n_out=st.integers(1, 500))
@example(n_in=400, n_out=120)  # the lecture's FC3: 48120
def test_dense_param_count(submission, reference, n_in, n_out):
    """n_in * n_out weights and n_out biases"""
    what = f"dense_param_count({n_in}, {n_out})"
    actual = submission.dense_param_count(n_in, n_out)
    assert_matches(actual, reference.dense_param_count(n_in, n_out), what=what)


@graded("dense_param_count", points=0.5)
def test_dense_param_count_without_bias(submission, reference):
    """bias=False: weights only"""
    what = "dense_param_count(400, 120, bias=False)"
    actual = submission.dense_param_count(400, 120, bias=False)
    assert_matches(actual, reference.dense_param_count(400, 120, bias=False), what=what)


@graded("dense_param_count", points=0.5, edge=True)
def test_dense_param_count_rejects_sizes_below_1(submission):
    """0 inputs or 0 outputs: ValueError"""
    for args in ((0, 10), (10, 0)):
        what = f"dense_param_count{args}"
        expect_raises(submission.dense_param_count, *args, exception="ValueError", what=what)
