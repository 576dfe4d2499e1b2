"""Hidden tests: shape tables, convolution, pooling and receptive fields (52.5 points).

shape_table 10, conv2d_forward 17, cross_correlate2d 5, convolve2d 5, maxpool2d_forward 6,
avgpool2d_forward 4, receptive_field 5.5; the docstrings' promises (inputs not changed, tuples and ints)
are test_promises.py's (8.5 points more: 13, 18, 6, 6, 7, 5 and 6 in all). Values come from the reference
(itself checked against torch.nn.functional); known mistakes (a flipped kernel, ...) are named by
misconceptions.py. The edge values the docstrings name (a stride larger than the kernel, a kernel as large
as the image, the default stride of pooling, ...) are explicit examples, never left to the seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_close, assert_matches, expect_raises, graded

LECTURE_NETWORK = [
    {"type": "conv", "filters": 8, "f": 5, "stride": 1, "name": "CONV1"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL1"},
    {"type": "conv", "filters": 16, "f": 5, "stride": 1, "name": "CONV2"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL2"},
    {"type": "dense", "units": 120, "name": "FC3"},
    {"type": "dense", "units": 84, "name": "FC4"},
    {"type": "dense", "units": 10, "name": "Softmax"},
]
HALF_BRIGHT = np.array([[10.0] * 3 + [0.0] * 3] * 6)
VERTICAL_EDGE = np.array([[1.0, 0.0, -1.0]] * 3)
_RNG = np.random.default_rng(2024)
#: fixed inputs for the explicit examples: two non-square 3-channel images; kernels with distinct entries
IMAGES = _RNG.uniform(-1.0, 1.0, (2, 3, 7, 9))
FILTERS = _RNG.uniform(-1.0, 1.0, (2, 3, 2, 3))
BIASES = _RNG.uniform(-1.0, 1.0, 2)
IMAGE = _RNG.integers(-5, 6, (5, 6)).astype(float)
KERNEL = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0]])  # flipping either axis, or both, changes it


STRIDED_THEN_POOLED = [{"type": "conv", "filters": 3, "f": 2, "stride": 3}, {"type": "avgpool", "f": 2}]


# --- shape_table -----------------------------------------------------------------------------------------
def check_table(submission: Any, reference: Any, input_shape: tuple, layers: list[dict]) -> None:
    what = f"shape_table({input_shape}, {[layer['type'] for layer in layers]})"
    assert_matches(
        submission.shape_table(input_shape, layers), reference.shape_table(input_shape, layers), what=what
    )


@st.composite
def networks(draw: st.DrawFn) -> tuple[tuple[int, int, int], list[dict]]:
    """A valid stack: every conv and pooling window fits the (padded) image it is applied to."""
    height, width = draw(st.integers(6, 28)), draw(st.integers(6, 28))
    shape = (height, width, draw(st.integers(1, 4)))
    layers: list[dict] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            padding, stride = draw(st.integers(0, 2)), draw(st.integers(1, 2))
            f = draw(st.integers(1, min(5, height + 2 * padding, width + 2 * padding)))
            layer = {
                "type": "conv",
                "filters": draw(st.integers(1, 8)),
                "f": f,
                "stride": stride,
                "padding": padding,
            }
            height, width = (height + 2 * padding - f) // stride + 1, (width + 2 * padding - f) // stride + 1
        else:
            f = draw(st.integers(1, min(3, height, width)))
            layer = {"type": draw(st.sampled_from(["maxpool", "avgpool"])), "f": f}
            height, width = (height - f) // f + 1, (width - f) // f + 1
        layers.append(layer)
    if draw(st.booleans()):
        layers.append({"type": "dense", "units": draw(st.integers(1, 50))})
    return shape, layers


@graded("shape_table", points=4)
def test_shape_table_of_the_lecture_network(submission, reference):
    """the lecture's table (input 32 x 32 x 3, two conv + pool blocks, three dense layers), recomputed"""
    check_table(submission, reference, (32, 32, 3), LECTURE_NETWORK)


@graded("shape_table", points=5)
@given(net=networks())
@example(net=((13, 11, 3), [{"type": "conv", "filters": 4, "f": 3, "stride": 2, "padding": 1}]))  # 7 x 6
@example(net=((12, 12, 2), STRIDED_THEN_POOLED))  # 4 x 4 x 3, then 2 x 2 x 3
@example(net=((6, 6, 1), [{"type": "maxpool", "f": 3}, {"type": "dense", "units": 5}]))  # 2 x 2 x 1 -> 5
def test_shape_table_of_random_networks(submission, reference, net):
    """random stacks of conv (with stride and padding) and pooling layers, with or without a dense head"""
    shape, layers = net
    check_table(submission, reference, shape, layers)


@graded("shape_table", points=1, edge=True)
def test_shape_table_rejects_unknown_layers(submission):
    """an unknown layer type, a conv layer without its filters, or a filter or window larger than the
    image: ValueError"""
    for layers in (
        [{"type": "lstm", "units": 3}],
        [{"type": "conv", "f": 3}],
        [{"type": "conv", "filters": 2, "f": 9}],
        [{"type": "maxpool", "f": 9}],
    ):
        expect_raises(
            submission.shape_table,
            (8, 8, 1),
            layers,
            exception="ValueError",
            what=f"shape_table((8, 8, 1), {layers})",
        )


# --- conv2d_forward --------------------------------------------------------------------------------------
@st.composite
def conv_problems(draw: st.DrawFn, *, pairs: bool = False) -> tuple:
    x = draw(sst.image_batches())
    _, channels, height, width = x.shape

    def hyper(low: int, high: int) -> Any:
        if pairs:
            return (draw(st.integers(low, high)), draw(st.integers(low, high)))
        value = draw(st.integers(low, high))
        return (value, value)

    padding, stride = hyper(0, 2), hyper(1, 4)
    fh = draw(st.integers(1, min(5, height + 2 * padding[0])))
    fw = draw(st.integers(1, min(5, width + 2 * padding[1])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w = rng.uniform(-1, 1, (draw(st.integers(1, 3)), channels, fh, fw))
    b = rng.uniform(-1, 1, w.shape[0])
    as_arg = (lambda pair: pair) if pairs else (lambda pair: pair[0])
    return x, w, b, as_arg(stride), as_arg(padding)


def check_conv2d(submission: Any, reference: Any, problem: tuple) -> None:
    x, w, b, stride, padding = problem
    what = f"conv2d_forward(x {x.shape}, w {w.shape}, b, stride={stride}, padding={padding})"
    expected = reference.conv2d_forward(*problem)
    assert_close(submission.conv2d_forward(*problem), expected, what=what)


@graded("conv2d_forward", points=9)
@given(problem=conv_problems())
@example(problem=(IMAGES, FILTERS, BIASES, 3, 1))  # a stride larger than the 2 x 3 kernel
@example(problem=(IMAGES, FILTERS[:, :, :, :2], BIASES, 1, 0))  # stride 1, no padding
@example(problem=(IMAGES[:, :, :2, :3], FILTERS, BIASES, 1, 0))  # a kernel as large as the image: 1 x 1
def test_conv2d_forward(submission, reference, problem):
    """batches, channels, filters, strides (larger than the kernel too) and paddings"""
    check_conv2d(submission, reference, problem)


@graded("conv2d_forward", points=4)
@given(problem=conv_problems(pairs=True))
@example(problem=(IMAGES, FILTERS, BIASES, (2, 1), (1, 2)))
def test_conv2d_forward_with_pairs(submission, reference, problem):
    """(height, width) pairs for stride and padding, non-square images and kernels"""
    check_conv2d(submission, reference, problem)


@graded("conv2d_forward", points=2)
def test_conv2d_forward_lecture_stride_example(submission, reference):
    """the lecture's 7 x 7 image and 3 x 3 filter with stride 2"""
    image = np.array(
        [[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7], [7, 8, 3, 6, 6, 3, 4],
         [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3], [0, 1, 3, 9, 2, 1, 4]], dtype=float,
    )  # fmt: skip
    kernel = np.array([[3, 4, 4], [1, 0, 2], [-1, 0, 3]], dtype=float)
    check_conv2d(submission, reference, (image[None, None], kernel[None, None], np.zeros(1), 2, 0))


@graded("conv2d_forward", points=2, edge=True)
def test_conv2d_forward_rejects_mismatched_channels(submission):
    """filters made for 2 channels on a 3-channel image, or larger than the padded image: ValueError"""
    x, w = np.zeros((1, 3, 5, 5)), np.zeros((4, 2, 3, 3))
    expect_raises(
        submission.conv2d_forward,
        x,
        w,
        np.zeros(4),
        exception="ValueError",
        what="conv2d_forward(x 3 channels, w 2)",
    )
    x, w = np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 6, 2))
    expect_raises(
        submission.conv2d_forward,
        x,
        w,
        np.zeros(1),
        1,
        1,
        exception="ValueError",
        what="conv2d_forward(x (1, 1, 3, 3), w (1, 1, 6, 2), b, stride=1, padding=1)",
    )


# --- 2-D convolution and cross-correlation --------------------------------------------------------------
@st.composite
def images_and_kernels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    return rng.integers(-5, 6, (h, w)).astype(float), rng.integers(-3, 4, (kh, kw)).astype(float)


def check_2d(submission: Any, reference: Any, name: str, image: np.ndarray, kernel: np.ndarray) -> None:
    what = f"{name}(image {image.shape}, kernel {kernel.shape})"
    expected = getattr(reference, name)(image, kernel)
    assert_close(getattr(submission, name)(image, kernel), expected, what=what)


@graded("cross_correlate2d", points=3)
@given(problem=images_and_kernels())
@example(problem=(IMAGE, KERNEL))
@example(problem=(IMAGE, IMAGE[::-1]))  # a kernel as large as the image: 1 x 1
@example(problem=(IMAGE, KERNEL[:1]))  # a 1 x 3 kernel
def test_cross_correlate2d(submission, reference, problem):
    """'valid' cross-correlation, the kernel slid without flipping (non-square shapes included)"""
    check_2d(submission, reference, "cross_correlate2d", *problem)


@graded("cross_correlate2d", points=1)
def test_cross_correlate2d_vertical_edge(submission, reference):
    """the lecture's vertical-edge detector on the half-bright 6 x 6 image (30s along the edge)"""
    check_2d(submission, reference, "cross_correlate2d", HALF_BRIGHT, VERTICAL_EDGE)


@graded("convolve2d", points=3)
@given(problem=images_and_kernels())
@example(problem=(IMAGE, KERNEL))  # a kernel with distinct entries: both axes are flipped
@example(problem=(IMAGE, IMAGE[::-1]))  # a kernel as large as the image: 1 x 1
@example(problem=(IMAGE, KERNEL[:, :1]))  # a 2 x 1 kernel
def test_convolve2d(submission, reference, problem):
    """'valid' convolution: the kernel flipped in both directions first"""
    check_2d(submission, reference, "convolve2d", *problem)


@graded("convolve2d", points=1)
def test_convolve2d_vertical_edge(submission, reference):
    """the same edge detector as a true convolution gives -30s (the lecture's note on flipping)"""
    check_2d(submission, reference, "convolve2d", HALF_BRIGHT, VERTICAL_EDGE)


NOT_2D_OR_TOO_LARGE = (
    (np.ones((3, 3, 1)), np.ones((2, 2))),  # a 3-D image
    (np.ones((3, 3)), np.ones(2)),  # a 1-D kernel
    (np.ones((3, 3)), np.ones((2, 4))),  # a kernel wider than the image
    (np.ones((3, 3)), np.ones((4, 1))),  # ... taller
)


@graded("cross_correlate2d", points=1, edge=True)
def test_cross_correlate2d_rejects_what_is_not_2d_or_too_large(submission):
    """an image or kernel that is not 2-D, or a kernel larger than the image: ValueError"""
    for image, kernel in NOT_2D_OR_TOO_LARGE:
        what = f"cross_correlate2d(image {image.shape}, kernel {kernel.shape})"
        expect_raises(submission.cross_correlate2d, image, kernel, exception="ValueError", what=what)


@graded("convolve2d", points=1, edge=True)
def test_convolve2d_rejects_what_is_not_2d_or_too_large(submission):
    """as cross_correlate2d: an image or kernel that is not 2-D, or a kernel larger than the image:
    ValueError"""
    for image, kernel in NOT_2D_OR_TOO_LARGE:
        what = f"convolve2d(image {image.shape}, kernel {kernel.shape})"
        expect_raises(submission.convolve2d, image, kernel, exception="ValueError", what=what)


# --- pooling ---------------------------------------------------------------------------------------------
@st.composite
def pool_problems(draw: st.DrawFn, *, pairs: bool = False) -> tuple:
    x = draw(sst.image_batches(min_size=1))
    height, width = x.shape[2:]
    fh = draw(st.integers(1, min(4, height) if pairs else min(4, height, width)))
    fw = draw(st.integers(1, min(4, width))) if pairs else fh
    stride = draw(st.one_of(st.none(), st.integers(1, 3)))
    if pairs and stride is not None:
        stride = (stride, draw(st.integers(1, 3)))
    return x, (fh, fw) if pairs else fh, stride


def check_pool(submission: Any, reference: Any, name: str, problem: tuple) -> None:
    x, f, stride = problem
    what = f"{name}(x {x.shape}, {f}, stride={stride})"
    assert_close(getattr(submission, name)(*problem), getattr(reference, name)(*problem), what=what)


@graded("maxpool2d_forward", points=4)
@given(problem=pool_problems())
@example(problem=(IMAGES, 2, None))  # the stride defaults to the window: the last column is left over
@example(problem=(IMAGES, 3, 2))  # overlapping windows
@example(problem=(IMAGES, 2, 3))  # a stride larger than the window
@example(problem=(IMAGES, 1, None))  # 1 x 1 windows: the image itself
def test_maxpool2d_forward(submission, reference, problem):
    """the largest value of every window; the stride defaults to the window size"""
    check_pool(submission, reference, "maxpool2d_forward", problem)


@graded("maxpool2d_forward", points=2)
@given(problem=pool_problems(pairs=True))
@example(problem=(IMAGES, (2, 3), None))
@example(problem=(IMAGES, (3, 2), (1, 3)))
def test_maxpool2d_forward_rectangular(submission, reference, problem):
    """(height, width) windows and strides"""
    check_pool(submission, reference, "maxpool2d_forward", problem)


@graded("avgpool2d_forward", points=3)
@given(problem=pool_problems())
@example(problem=(IMAGES, 2, None))  # the stride defaults to the window
@example(problem=(IMAGES, 3, 2))  # overlapping windows
@example(problem=(IMAGES, 2, 3))  # a stride larger than the window
def test_avgpool2d_forward(submission, reference, problem):
    """the mean of every window"""
    check_pool(submission, reference, "avgpool2d_forward", problem)


@graded("avgpool2d_forward", points=1)
@given(problem=pool_problems(pairs=True))
@example(problem=(IMAGES, (2, 3), (1, 2)))
def test_avgpool2d_forward_rectangular(submission, reference, problem):
    """(height, width) windows and strides"""
    check_pool(submission, reference, "avgpool2d_forward", problem)


# --- receptive fields ------------------------------------------------------------------------------------
@graded("receptive_field", points=3)
@given(layers=sst.conv_stacks())
@example(layers=[{"f": 3, "stride": 2, "dilation": 1}, {"f": 3, "stride": 1, "dilation": 1}])  # 7
@example(layers=[{"f": 3, "stride": 1, "dilation": 2}, {"f": 2, "stride": 3, "dilation": 1}])  # 6
@example(layers=[{"f": 5, "stride": 2, "dilation": 2}, {"f": 3, "stride": 2, "dilation": 3}])  # 21
def test_receptive_field(submission, reference, layers):
    """stacks of filters with strides and dilations"""
    what = f"receptive_field({layers})"
    assert_matches(submission.receptive_field(layers), reference.receptive_field(layers), what=what)


@graded("receptive_field", points=2)
def test_receptive_field_of_stacked_3x3_convolutions(submission, reference):
    """two 3 x 3 convolutions see 5 x 5, three see 7 x 7 (VGG's argument); a 2 x 2 pool then a 3 x 3 conv;
    no layer at all sees 1 pixel"""
    for layers in ([{"f": 3}] * 2, [{"f": 3}] * 3, [{"f": 2, "stride": 2}, {"f": 3}], []):
        what = f"receptive_field({layers})"
        assert_matches(submission.receptive_field(layers), reference.receptive_field(layers), what=what)


@graded("receptive_field", points=0.5, edge=True)
def test_receptive_field_rejects_values_below_1(submission):
    """a filter size, stride or dilation of 0: ValueError"""
    for layer in ({"f": 0}, {"f": 3, "stride": 0}, {"f": 3, "dilation": 0}):
        what = f"receptive_field([{{'f': 3}}, {layer}])"
        expect_raises(submission.receptive_field, [{"f": 3}, layer], exception="ValueError", what=what)
