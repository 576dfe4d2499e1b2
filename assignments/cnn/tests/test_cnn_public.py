"""Public tests for the cnn assignment: the lecture's examples and small cases you can check by hand.

Run them with ``pytest`` (or ``seqlab check``); each function's check cell in the notebook runs that
function's tests from this file. Passing them is necessary, not sufficient: the hidden tests compare
your sizes, counts, convolutions and pools with PyTorch on many random shapes and values, and
check the errors your functions raise.

Every expected value here is written out by hand (the comments show the arithmetic); where the lecture
printed a different number, the comment says so.
"""

import math

import numpy as np

from seqlab.testing import assert_matches, assert_returns, expect_raises

# The lecture's 6 x 6 image, bright (10) on the left half, and its vertical-edge detector.
BRIGHT_LEFT = np.array([[10.0, 10, 10, 0, 0, 0]] * 6)
VERTICAL_EDGE = np.array([[1.0, 0, -1]] * 3)
# The lecture's stride example: a 7 x 7 image and a 3 x 3 filter, stride 2.
STRIDE_IMAGE = np.array(
    [
        [2.0, 3, 7, 4, 6, 2, 9],
        [6, 6, 9, 8, 7, 4, 3],
        [3, 4, 8, 3, 8, 9, 7],
        [7, 8, 3, 6, 6, 3, 4],
        [4, 2, 1, 8, 3, 4, 6],
        [3, 2, 4, 1, 9, 8, 3],
        [0, 1, 3, 9, 2, 1, 4],
    ]
)
STRIDE_FILTER = np.array([[3.0, 4, 4], [1, 0, 2], [-1, 0, 3]])
# The lecture prints 83, 127 and 71 for three of these entries (an erratum): e.g. the top-right one is
# (6*3 + 2*4 + 9*4) + (7*1 + 4*0 + 3*2) + (8*(-1) + 9*0 + 7*3) = 62 + 13 + 13 = 88.
STRIDE_RESULT = [[91, 100, 88], [69, 91, 117], [44, 72, 74]]
# The lecture's kernel of the "cross-correlation vs convolution" note.
NOTE_KERNEL = np.array([[3.0, 4, 5], [1, 0, 2], [-1, 9, 7]])
# The lecture's 4 x 4 feature map of the pooling slides.
FEATURE_MAP = np.array([[6.0, 4, 8, 5], [5, 4, 5, 8], [3, 6, 7, 7], [7, 9, 7, 2]]).reshape(1, 1, 4, 4)
# The lecture's activation-shape table.
LECTURE_LAYERS = [
    {"type": "conv", "filters": 8, "f": 5, "stride": 1, "name": "CONV1"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL1"},
    {"type": "conv", "filters": 16, "f": 5, "stride": 1, "name": "CONV2"},
    {"type": "maxpool", "f": 2, "stride": 2, "name": "POOL2"},
    {"type": "dense", "units": 120, "name": "FC3"},
    {"type": "dense", "units": 84, "name": "FC4"},
    {"type": "dense", "units": 10, "name": "Softmax"},
]


# ---------------------------------------------------------------------------------------------------------
# cross-correlation and convolution
# ---------------------------------------------------------------------------------------------------------

IMAGE = np.array([[1.0, 2, 3], [4, 5, 6]])


def test_cross_correlate2d_lecture_edge_detector(submission):
    """cross_correlate2d of the lecture's bright-left image with the vertical-edge detector, and mirrored"""
    # 3 * 10 - 3 * 0 where the patch straddles the edge
    assert_returns(submission.cross_correlate2d, BRIGHT_LEFT, VERTICAL_EDGE, expected=[[0, 30, 30, 0]] * 4)
    mirrored = BRIGHT_LEFT[:, ::-1]  # the lecture's second example
    assert_returns(submission.cross_correlate2d, mirrored, VERTICAL_EDGE, expected=[[0, -30, -30, 0]] * 4)


def test_cross_correlate2d_small_cases(submission):
    """cross_correlate2d of a 2 x 3 image with small kernels, of the stride example, and its errors"""
    assert_returns(submission.cross_correlate2d, IMAGE, np.array([[1.0, -1]]), expected=[[-1, -1], [-1, -1]])
    assert_returns(
        submission.cross_correlate2d, IMAGE, np.array([[1.0], [2]]), expected=[[9, 12, 15]]
    )  # 1 + 2*4
    assert_returns(
        submission.cross_correlate2d, IMAGE, np.ones((2, 3)), expected=[[21]]
    )  # as large as the image
    out = submission.cross_correlate2d(STRIDE_IMAGE, STRIDE_FILTER)
    assert_matches(
        np.asarray(out)[::2, ::2],
        STRIDE_RESULT,
        what="cross_correlate2d(STRIDE_IMAGE, STRIDE_FILTER)[::2, ::2], every second position,",
    )
    what = "cross_correlate2d(IMAGE, np.ones((3, 3))), a kernel larger than the image,"
    expect_raises(submission.cross_correlate2d, IMAGE, np.ones((3, 3)), exception="ValueError", what=what)
    what = "cross_correlate2d(IMAGE, np.ones(2)), a 1-D kernel,"
    expect_raises(submission.cross_correlate2d, IMAGE, np.ones(2), exception="ValueError", what=what)


def test_convolve2d_flips_the_kernel(submission):
    """convolve2d flips the kernel: the edge detector becomes (-1, 0, 1), a symmetric kernel stays"""
    assert_returns(submission.convolve2d, BRIGHT_LEFT, VERTICAL_EDGE, expected=[[0, -30, -30, 0]] * 4)
    assert_returns(submission.convolve2d, IMAGE, np.array([[1.0, -1]]), expected=[[1, 1], [1, 1]])  # -1 + 2
    assert_returns(submission.convolve2d, IMAGE, np.array([[1.0], [2]]), expected=[[6, 9, 12]])  # 2 * 1 + 4
    assert_returns(submission.convolve2d, IMAGE, np.ones((2, 2)), expected=[[12, 16]])
    what = "convolve2d(IMAGE, np.array([1.0, -1.0])), a 1-D kernel,"
    expect_raises(submission.convolve2d, IMAGE, np.array([1.0, -1.0]), exception="ValueError", what=what)


def test_convolve2d_of_an_impulse_is_the_kernel(submission):
    """convolve2d of an impulse reproduces the kernel; cross_correlate2d rotates it by 180 degrees"""
    impulse = np.zeros((5, 5))
    impulse[2, 2] = 1.0
    assert_returns(submission.convolve2d, impulse, NOTE_KERNEL, expected=NOTE_KERNEL)
    # ...and the cross-correlation is the kernel rotated by 180 degrees (not the note's [[7, 2, 5], ...]).
    rotated = [[7, 9, -1], [2, 0, 1], [5, 4, 3]]
    assert_returns(submission.cross_correlate2d, impulse, NOTE_KERNEL, expected=rotated)


# ---------------------------------------------------------------------------------------------------------
# output sizes and same padding
# ---------------------------------------------------------------------------------------------------------


def test_conv_output_size_lecture_examples(submission):
    """conv_output_size of the lecture's stride example, edge detector and shape table (an int)"""
    size = assert_returns(submission.conv_output_size, 7, 3, stride=2, expected=3)  # floor((7 - 3) / 2) + 1
    assert_matches(isinstance(size, int), True, what="isinstance(conv_output_size(7, 3, stride=2), int)")
    assert_returns(submission.conv_output_size, 6, 3, expected=4)  # the edge detector: 6 x 6 -> 4 x 4
    assert_returns(submission.conv_output_size, 32, 5, expected=28)  # CONV1 of the table
    assert_returns(submission.conv_output_size, 14, 5, expected=10)  # CONV2


def test_conv_output_size_padding_stride_dilation(submission):
    """conv_output_size with padding, stride and dilation"""
    assert_returns(submission.conv_output_size, 6, 3, stride=2, expected=2)  # floor(3 / 2) + 1, not 2.5
    assert_returns(submission.conv_output_size, 6, 3, padding=1, expected=6)  # padding 1 keeps the size
    assert_returns(submission.conv_output_size, 9, 5, padding=2, expected=9)  # same_padding(5) = 2
    assert_returns(submission.conv_output_size, 10, 3, padding=1, stride=3, expected=4)  # floor(9 / 3) + 1
    assert_returns(submission.conv_output_size, 7, 3, dilation=2, expected=3)  # span 2 * 2 + 1 = 5
    assert_returns(submission.conv_output_size, 9, 3, padding=2, stride=2, dilation=2, expected=5)
    assert_returns(submission.conv_output_size, 5, 5, expected=1)


def test_conv_output_size_errors(submission):
    """conv_output_size raises ValueError for a filter too large, stride 0, padding < 0, a span too wide"""
    for args, why in [
        ((4, 5), "the filter is larger than the input"),
        ((5, 3, 0, 0), "stride 0"),
        ((5, 3, -1), "negative padding"),
        ((5, 3, 0, 1, 3), "a dilated span of 7 > 5"),
    ]:
        what = f"conv_output_size{args}, {why},"
        expect_raises(submission.conv_output_size, *args, exception="ValueError", what=what)


def test_same_padding(submission):
    """same_padding of odd filter sizes, with dilation, and its errors for even sizes and f = 0"""
    assert_returns(submission.same_padding, 3, expected=1)
    assert_returns(submission.same_padding, 5, expected=2)
    assert_returns(submission.same_padding, 7, expected=3)
    assert_returns(submission.same_padding, 1, expected=0)  # a 1 x 1 convolution never changes the size
    assert_returns(submission.same_padding, 3, dilation=2, expected=2)  # effective size 5
    for args, why in [
        ((4,), "even: no symmetric padding"),
        ((2, 3), "effective size 4"),
        ((0, 1), "no filter"),
    ]:
        what = f"same_padding{args}, {why},"
        expect_raises(submission.same_padding, *args, exception="ValueError", what=what)


# ---------------------------------------------------------------------------------------------------------
# convolution layers
# ---------------------------------------------------------------------------------------------------------

RGB = np.stack([BRIGHT_LEFT] * 3)[None]  # (1, 3, 6, 6): a grey RGB image
RGB_EDGE = np.stack([VERTICAL_EDGE] * 3)[None]  # ONE 3 x 3 x 3 filter: (1, 3, 3, 3)


def test_conv2d_forward_lecture_stride_example(submission):
    """conv2d_forward of the lecture's stride example: 7 x 7 image, 3 x 3 filter, stride 2"""
    x, w = STRIDE_IMAGE.reshape(1, 1, 7, 7), STRIDE_FILTER.reshape(1, 1, 3, 3)
    assert_returns(submission.conv2d_forward, x, w, np.zeros(1), stride=2, expected=[[STRIDE_RESULT]])


def test_conv2d_forward_rgb_one_filter(submission):
    """conv2d_forward of an RGB image: one filter sums over the 3 channels; 5 filters give 5 channels"""
    # 3 channels * 30, plus the bias 1; one filter -> one output channel
    assert_returns(
        submission.conv2d_forward, RGB, RGB_EDGE, np.array([1.0]), expected=[[[[1, 91, 91, 1]] * 4]]
    )
    w_red = np.stack([VERTICAL_EDGE, 0 * VERTICAL_EDGE, 0 * VERTICAL_EDGE])[None]  # the red channel only
    assert_returns(submission.conv2d_forward, RGB, w_red, np.zeros(1), expected=[[[[0, 30, 30, 0]] * 4]])
    expected = [[[[k, 90 + k, 90 + k, k]] * 4 for k in range(5)]]  # filter k has the bias k
    assert_returns(
        submission.conv2d_forward, RGB, np.concatenate([RGB_EDGE] * 5), np.arange(5.0), expected=expected
    )


def test_conv2d_forward_padding_batch_and_pairs(submission):
    """conv2d_forward with padding, a batch of two, two 1 x 1 filters, and (height, width) pairs"""
    x, w = BRIGHT_LEFT.reshape(1, 1, 6, 6), VERTICAL_EDGE.reshape(1, 1, 3, 3)
    edge_rows = [-20, 0, 20, 20, 0, 0]  # top and bottom row: two filter rows on the image
    inner_rows = [-30, 0, 30, 30, 0, 0]  # the padding makes a fake edge at the left border
    expected = [[[edge_rows, *[inner_rows] * 4, edge_rows]]]
    assert_returns(submission.conv2d_forward, x, w, np.zeros(1), padding=1, expected=expected)
    x = np.arange(18.0).reshape(2, 1, 3, 3)  # N = 2, one channel
    w = np.array([1.0, -2.0]).reshape(2, 1, 1, 1)  # two 1 x 1 filters
    expected = np.concatenate([x, 10 - 2 * x], axis=1)  # (N, F, H', W') = (2, 2, 3, 3)
    assert_returns(submission.conv2d_forward, x, w, np.array([0.0, 10.0]), expected=expected)
    assert_returns(submission.conv2d_forward, x, w[:1], np.zeros(1), stride=(1, 2), expected=x[:, :, :, ::2])
    expected = [[[[0, 1, 1, 1, 0]] * 2]]
    assert_returns(
        submission.conv2d_forward,
        np.ones((1, 1, 2, 3)),
        np.ones((1, 1, 1, 1)),
        np.zeros(1),
        padding=(0, 1),
        expected=expected,
    )


def test_conv2d_forward_channel_mismatch(submission):
    """conv2d_forward raises ValueError when x has 3 channels and the filter 1"""
    expect_raises(
        submission.conv2d_forward,
        np.zeros((1, 3, 6, 6)),
        np.zeros((1, 1, 3, 3)),
        np.zeros(1),
        exception="ValueError",
        what="conv2d_forward(x of 3 channels, w of 1 channel, b)",
    )


# ---------------------------------------------------------------------------------------------------------
# parameter counts
# ---------------------------------------------------------------------------------------------------------


def test_conv_param_count(submission):
    """conv_param_count of the lecture's layers, without bias, of a 1 x 3 filter, and of 0 input channels"""
    assert_returns(submission.conv_param_count, 3, 3, 5, expected=140)  # the lecture: 5 * (3 * 3 * 3 + 1)
    assert_returns(submission.conv_param_count, 3, 3, 5, bias=False, expected=135)
    assert_returns(submission.conv_param_count, 3, 3, 1, expected=28)  # the single RGB filter of section 3
    assert_returns(submission.conv_param_count, 5, 3, 8, expected=608)  # the lecture's CONV1 (it printed 208)
    assert_returns(
        submission.conv_param_count, 5, 8, 16, expected=3216
    )  # the lecture's CONV2 (it printed 416)
    assert_returns(submission.conv_param_count, (1, 3), 2, 4, expected=28)  # 4 * (1 * 3 * 2 + 1)
    expect_raises(
        submission.conv_param_count,
        3,
        0,
        5,
        exception="ValueError",
        what="conv_param_count(3, 0, 5), 0 input channels,",
    )


def test_dense_param_count(submission):
    """dense_param_count of small and of the lecture's dense layers, and of 0 inputs"""
    assert_returns(submission.dense_param_count, 3, 2, expected=8)  # 6 weights + 2 biases
    assert_returns(submission.dense_param_count, 3, 2, bias=False, expected=6)
    assert_returns(submission.dense_param_count, 400, 120, expected=48120)  # the lecture printed 48,001
    assert_returns(submission.dense_param_count, 120, 84, expected=10164)  # 10,081
    assert_returns(submission.dense_param_count, 84, 10, expected=850)  # 841
    assert_returns(
        submission.dense_param_count, 200 * 200 * 3, 1, expected=120001
    )  # one neuron, 200 x 200 x 3
    expect_raises(submission.dense_param_count, 0, 3, exception="ValueError", what="dense_param_count(0, 3)")


# ---------------------------------------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------------------------------------


def test_pool_output_size_floor(submission):
    """pool_output_size rounds down: the lecture's maps, strides and padding"""
    assert_returns(submission.pool_output_size, 4, 2, expected=2)  # the stride defaults to the window
    assert_returns(submission.pool_output_size, 28, 2, expected=14)  # POOL1 of the table
    assert_returns(submission.pool_output_size, 10, 2, expected=5)  # POOL2
    assert_returns(submission.pool_output_size, 4, 2, stride=1, expected=3)
    assert_returns(submission.pool_output_size, 5, 2, expected=2)  # floor: the last column is never pooled
    assert_returns(submission.pool_output_size, 7, 3, stride=2, expected=3)
    assert_returns(submission.pool_output_size, 6, 3, stride=2, expected=2)
    assert_returns(submission.pool_output_size, 5, 2, padding=1, expected=3)  # floor((5 + 2 - 2) / 2) + 1


def test_pool_output_size_ceil_mode(submission):
    """pool_output_size with ceil_mode=True, and its rule for a last window in the padding"""
    assert_returns(submission.pool_output_size, 5, 2, ceil_mode=True, expected=3)  # ceil(3 / 2) + 1
    assert_returns(submission.pool_output_size, 6, 3, stride=2, ceil_mode=True, expected=3)
    assert_returns(submission.pool_output_size, 4, 2, ceil_mode=True, expected=2)  # exact: ceil = floor
    # ceil(5 / 2) + 1 = 4, but the 4th window would start at padded position 6, in the right padding.
    assert_returns(submission.pool_output_size, 5, 2, ceil_mode=True, padding=1, expected=3)


def test_pool_output_size_errors(submission):
    """pool_output_size raises ValueError when no window fits, for padding > f // 2 and for stride 0"""
    for args, why in [
        ((1, 2), "no window fits"),
        ((5, 2, None, False, 2), "padding 2 > f // 2"),
        ((5, 2, 0), "stride 0"),
    ]:
        what = f"pool_output_size{args}, {why},"
        expect_raises(submission.pool_output_size, *args, exception="ValueError", what=what)


INCREASING = np.arange(150.0).reshape(2, 3, 5, 5)  # increasing: the max of a window is its bottom-right entry


def test_maxpool2d_forward_lecture_feature_map(submission):
    """maxpool2d_forward of the lecture's 4 x 4 feature map with 2 x 2 windows, stride 2 and stride 1"""
    assert_returns(submission.maxpool2d_forward, FEATURE_MAP, 2, expected=[[[[6, 8], [9, 7]]]])
    expected = [[[[6, 8, 8], [6, 7, 8], [9, 9, 7]]]]
    assert_returns(submission.maxpool2d_forward, FEATURE_MAP, 2, 1, expected=expected)


def test_maxpool2d_forward_batch_floor_and_pairs(submission):
    """maxpool2d_forward of a batch (floor mode), with (height, width) windows and strides, and one window"""
    x = INCREASING
    assert_returns(submission.maxpool2d_forward, x, 2, expected=x[:, :, 1:4:2, 1:4:2])  # row, column 4 unused
    assert_returns(submission.maxpool2d_forward, x, (1, 5), expected=x[:, :, :, 4:])  # the max of every row
    assert_returns(submission.maxpool2d_forward, x, 3, (2, 1), expected=x[:, :, 2:5:2, 2:5])
    assert_returns(
        submission.maxpool2d_forward, -x, 5, expected=-x[:, :, :1, :1]
    )  # one window: the global max


def test_avgpool2d_forward(submission):
    """avgpool2d_forward of the lecture's feature map (2 x 2, 4 x 4 and 3 x 3 windows) and of a batch"""
    # (6 + 4 + 5 + 4) / 4 = 4.75
    assert_returns(submission.avgpool2d_forward, FEATURE_MAP, 2, expected=[[[[4.75, 6.5], [6.25, 5.75]]]])
    assert_returns(submission.avgpool2d_forward, FEATURE_MAP, 4, expected=[[[[93 / 16]]]])  # the mean of all
    expected = [[[[48 / 9, 54 / 9], [53 / 9, 55 / 9]]]]
    assert_returns(submission.avgpool2d_forward, FEATURE_MAP, 3, 1, expected=expected)
    x = INCREASING
    assert_returns(submission.avgpool2d_forward, x, 2, expected=x[:, :, 0:4:2, 0:4:2] + 3)  # a, a+1, a+5, a+6


# ---------------------------------------------------------------------------------------------------------
# the shape table and receptive fields
# ---------------------------------------------------------------------------------------------------------


def table(names, shapes, params):
    """The rows of shape_table: size is the product of the shape."""
    return [
        {"layer": name, "shape": shape, "size": math.prod(shape), "params": count}
        for name, shape, count in zip(names, shapes, params, strict=True)
    ]


def test_shape_table_lecture_exercise(submission):
    """shape_table of the lecture's exercise CONV1 ... Softmax on a 32 x 32 x 3 input"""
    expected = table(
        ["input", "CONV1", "POOL1", "CONV2", "POOL2", "FC3", "FC4", "Softmax"],
        [(32, 32, 3), (28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16), (120,), (84,), (10,)],
        # The lecture printed 208, 416, 48,001, 10,081 and 841 (input channels and biases forgotten).
        [0, 608, 0, 3216, 0, 48120, 10164, 850],
    )
    assert_returns(submission.shape_table, (32, 32, 3), LECTURE_LAYERS, expected=expected)


def test_shape_table_default_names_padding_and_avgpool(submission):
    """shape_table with default names, padding, average pooling, a dense layer and a stride"""
    expected = table(["input", "conv1"], [(6, 6, 3), (4, 4, 5)], [0, 140])  # 5 filters of 3 x 3 x 3
    assert_returns(
        submission.shape_table, (6, 6, 3), [{"type": "conv", "filters": 5, "f": 3}], expected=expected
    )
    layers = [
        {"type": "conv", "filters": 4, "f": 3, "padding": 1},
        {"type": "avgpool", "f": 2},
        {"type": "dense", "units": 3},
    ]
    expected = table(
        ["input", "conv1", "avgpool2", "dense3"],
        [(5, 5, 2), (5, 5, 4), (2, 2, 4), (3,)],
        [0, 76, 0, 51],  # 4 * (3 * 3 * 2 + 1); 16 * 3 + 3
    )
    assert_returns(submission.shape_table, (5, 5, 2), layers, expected=expected)
    layers = [{"type": "conv", "filters": 2, "f": 3, "stride": 2}]
    expected = table(["input", "conv1"], [(9, 9, 1), (4, 4, 2)], [0, 20])
    assert_returns(submission.shape_table, (9, 9, 1), layers, expected=expected)


def test_shape_table_errors(submission):
    """shape_table raises ValueError for an unknown layer type, a missing key and a filter too large"""
    for shape, layers, why in [
        ((5, 5, 2), [{"type": "lstm", "units": 3}], "an unknown type"),
        ((5, 5, 2), [{"type": "conv", "f": 3}], "no 'filters'"),
        ((3, 3, 1), [{"type": "conv", "filters": 1, "f": 5}], "a 5 x 5 filter on a 3 x 3 input"),
    ]:
        what = f"shape_table({shape}, {layers}), {why},"
        expect_raises(submission.shape_table, shape, layers, exception="ValueError", what=what)


def test_receptive_field(submission):
    """receptive_field of stacks of 3 x 3 filters, with stride and dilation, and of the lecture's stack"""
    assert_returns(submission.receptive_field, [], expected=1)
    assert_returns(submission.receptive_field, [{"f": 3}], expected=3)
    assert_returns(submission.receptive_field, [{"f": 3}, {"f": 3}], expected=5)  # two 3 x 3 = one 5 x 5
    assert_returns(submission.receptive_field, [{"f": 3}] * 3, expected=7)  # VGG: three 3 x 3 = one 7 x 7
    stack = [{"f": 3}, {"f": 2, "stride": 2}, {"f": 3}]
    assert_returns(submission.receptive_field, stack, expected=8)  # 3, 4, 4 + 2 * 2
    stack = [{"f": 3}, {"f": 3, "dilation": 2}, {"f": 3, "dilation": 4}]
    assert_returns(submission.receptive_field, stack, expected=15)
    stack = [
        {"f": 5},
        {"f": 2, "stride": 2},
        {"f": 5},
        {"f": 2, "stride": 2},
    ]  # the lecture's CONV1 ... POOL2
    assert_returns(submission.receptive_field, stack, expected=16)  # 5, 6, 6 + 4 * 2 = 14, 14 + 1 * 2 = 16
    what = "receptive_field([{'f': 3, 'stride': 0}]), a stride of 0,"
    expect_raises(submission.receptive_field, [{"f": 3, "stride": 0}], exception="ValueError", what=what)
