"""Public tests for the cnn assignment: the lecture's examples and small cases you can check by hand.

Run them with ``pytest`` (or ``seqlab check``). Passing them is necessary, not sufficient: the hidden tests
compare your sizes, counts, convolutions and pools with PyTorch on many random shapes and values, and
check the errors your functions raise.

Every expected value here is written out by hand (the comments show the arithmetic); where the lecture
printed a different number, the comment says so.
"""

import numpy as np

from seqlab.testing import expect_raises

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


def test_cross_correlate2d_lecture_edge_detector(submission):
    out = submission.cross_correlate2d(BRIGHT_LEFT, VERTICAL_EDGE)
    assert np.shape(out) == (4, 4)
    assert np.array_equal(out, [[0, 30, 30, 0]] * 4)  # 3 * 10 - 3 * 0 where the patch straddles the edge
    mirrored = submission.cross_correlate2d(BRIGHT_LEFT[:, ::-1], VERTICAL_EDGE)
    assert np.array_equal(mirrored, [[0, -30, -30, 0]] * 4)  # the lecture's second example


def test_cross_correlate2d_small_cases(submission):
    image = np.array([[1.0, 2, 3], [4, 5, 6]])
    assert np.array_equal(submission.cross_correlate2d(image, np.array([[1.0, -1]])), [[-1, -1], [-1, -1]])
    assert np.array_equal(submission.cross_correlate2d(image, np.array([[1.0], [2]])), [[9, 12, 15]])
    assert np.array_equal(submission.cross_correlate2d(image, np.ones((2, 3))), [[21]])
    assert np.array_equal(submission.cross_correlate2d(STRIDE_IMAGE, STRIDE_FILTER)[::2, ::2], STRIDE_RESULT)
    expect_raises(submission.cross_correlate2d, image, np.ones((3, 3)), exception="ValueError")
    expect_raises(submission.cross_correlate2d, image, np.ones(2), exception="ValueError")  # 1-D kernel


def test_convolve2d_flips_the_kernel(submission):
    assert np.array_equal(submission.convolve2d(BRIGHT_LEFT, VERTICAL_EDGE), [[0, -30, -30, 0]] * 4)
    image = np.array([[1.0, 2, 3], [4, 5, 6]])
    assert np.array_equal(submission.convolve2d(image, np.array([[1.0, -1]])), [[1, 1], [1, 1]])
    assert np.array_equal(submission.convolve2d(image, np.array([[1.0], [2]])), [[6, 9, 12]])  # 2*1 + 1*4
    assert np.array_equal(submission.convolve2d(image, np.ones((2, 2))), [[12, 16]])  # symmetric kernel
    expect_raises(submission.convolve2d, image, np.array([1.0, -1.0]), exception="ValueError")  # 1-D


def test_convolve2d_of_an_impulse_is_the_kernel(submission):
    impulse = np.zeros((5, 5))
    impulse[2, 2] = 1.0
    assert np.array_equal(submission.convolve2d(impulse, NOTE_KERNEL), NOTE_KERNEL)
    # ...and the cross-correlation is the kernel rotated by 180 degrees (not the note's [[7, 2, 5], ...]).
    rotated = [[7, 9, -1], [2, 0, 1], [5, 4, 3]]
    assert np.array_equal(submission.cross_correlate2d(impulse, NOTE_KERNEL), rotated)


# ---------------------------------------------------------------------------------------------------------
# output sizes and same padding
# ---------------------------------------------------------------------------------------------------------


def test_conv_output_size_lecture_examples(submission):
    assert submission.conv_output_size(7, 3, stride=2) == 3  # floor((7 - 3) / 2) + 1
    assert isinstance(submission.conv_output_size(7, 3, stride=2), int)
    assert submission.conv_output_size(6, 3) == 4  # the edge detector
    assert submission.conv_output_size(32, 5) == 28 and submission.conv_output_size(14, 5) == 10


def test_conv_output_size_padding_stride_dilation(submission):
    assert submission.conv_output_size(6, 3, stride=2) == 2  # floor(3 / 2) + 1
    assert submission.conv_output_size(6, 3, padding=1) == 6
    assert submission.conv_output_size(10, 3, padding=1, stride=3) == 4  # floor(9 / 3) + 1
    assert submission.conv_output_size(7, 3, dilation=2) == 3  # span 2 * 2 + 1 = 5
    assert submission.conv_output_size(9, 3, padding=2, stride=2, dilation=2) == 5  # floor(8 / 2) + 1
    assert submission.conv_output_size(5, 5) == 1


def test_conv_output_size_errors(submission):
    expect_raises(submission.conv_output_size, 4, 5, exception="ValueError")  # the filter is too large
    expect_raises(submission.conv_output_size, 5, 3, 0, 0, exception="ValueError")  # stride 0
    expect_raises(submission.conv_output_size, 5, 3, -1, exception="ValueError")  # negative padding
    expect_raises(submission.conv_output_size, 5, 3, 0, 1, 3, exception="ValueError")  # span 7 > 5


def test_same_padding(submission):
    assert submission.same_padding(3) == 1 and submission.same_padding(5) == 2
    assert submission.same_padding(1) == 0 and submission.same_padding(7) == 3
    assert submission.same_padding(3, dilation=2) == 2  # effective size 5
    expect_raises(submission.same_padding, 4, exception="ValueError")  # even: no symmetric padding
    expect_raises(submission.same_padding, 2, 3, exception="ValueError")  # effective size 4


# ---------------------------------------------------------------------------------------------------------
# convolution layers
# ---------------------------------------------------------------------------------------------------------


def test_conv2d_forward_lecture_stride_example(submission):
    out = submission.conv2d_forward(
        STRIDE_IMAGE.reshape(1, 1, 7, 7), STRIDE_FILTER.reshape(1, 1, 3, 3), np.zeros(1), stride=2
    )
    assert np.shape(out) == (1, 1, 3, 3)
    assert np.array_equal(out[0, 0], STRIDE_RESULT)


def test_conv2d_forward_rgb_one_filter(submission):
    rgb = np.stack([BRIGHT_LEFT] * 3)[None]  # (1, 3, 6, 6)
    w = np.stack([VERTICAL_EDGE] * 3)[None]  # one 3 x 3 x 3 filter: (1, 3, 3, 3)
    out = submission.conv2d_forward(rgb, w, np.array([1.0]))
    assert np.shape(out) == (1, 1, 4, 4)  # one filter, one output channel
    assert np.array_equal(out[0, 0], [[1, 91, 91, 1]] * 4)  # 3 channels * 30, plus the bias 1
    w_red = np.stack([VERTICAL_EDGE, 0 * VERTICAL_EDGE, 0 * VERTICAL_EDGE])[None]
    assert np.array_equal(submission.conv2d_forward(rgb, w_red, np.zeros(1))[0, 0], [[0, 30, 30, 0]] * 4)
    five = submission.conv2d_forward(rgb, np.concatenate([w] * 5), np.arange(5.0))  # 5 filters of 3x3x3
    assert np.shape(five) == (1, 5, 4, 4)
    assert np.array_equal(five[0, 4], [[4, 94, 94, 4]] * 4)


def test_conv2d_forward_padding_batch_and_pairs(submission):
    out = submission.conv2d_forward(
        BRIGHT_LEFT.reshape(1, 1, 6, 6), VERTICAL_EDGE.reshape(1, 1, 3, 3), np.zeros(1), padding=1
    )
    assert np.shape(out) == (1, 1, 6, 6)
    assert np.array_equal(out[0, 0, 0], [-20, 0, 20, 20, 0, 0])  # two filter rows on the image
    assert np.array_equal(out[0, 0, 1:5], [[-30, 0, 30, 30, 0, 0]] * 4)  # the padding makes a fake edge
    x = np.arange(18.0).reshape(2, 1, 3, 3)
    w = np.array([1.0, -2.0]).reshape(2, 1, 1, 1)
    out = submission.conv2d_forward(x, w, np.array([0.0, 10.0]))
    assert np.shape(out) == (2, 2, 3, 3)
    assert np.array_equal(out[:, 0], x[:, 0]) and np.array_equal(out[:, 1], 10 - 2 * x[:, 0])
    out = submission.conv2d_forward(x, w[:1], np.zeros(1), stride=(1, 2))
    assert np.array_equal(out, x[:, :, :, ::2])
    out = submission.conv2d_forward(np.ones((1, 1, 2, 3)), np.ones((1, 1, 1, 1)), np.zeros(1), padding=(0, 1))
    assert np.array_equal(out[0, 0], [[0, 1, 1, 1, 0]] * 2)


def test_conv2d_forward_channel_mismatch(submission):
    rgb = np.zeros((1, 3, 6, 6))
    expect_raises(submission.conv2d_forward, rgb, np.zeros((1, 1, 3, 3)), np.zeros(1), exception="ValueError")


# ---------------------------------------------------------------------------------------------------------
# parameter counts
# ---------------------------------------------------------------------------------------------------------


def test_conv_param_count(submission):
    assert submission.conv_param_count(3, 3, 5) == 140  # the lecture: 5 * (3 * 3 * 3 + 1)
    assert submission.conv_param_count(3, 3, 5, bias=False) == 135
    assert submission.conv_param_count(5, 3, 8) == 608  # the lecture's CONV1 (it printed 208)
    assert submission.conv_param_count(5, 8, 16) == 3216  # the lecture's CONV2 (it printed 416)
    assert submission.conv_param_count((1, 3), 2, 4) == 28  # 4 * (1 * 3 * 2 + 1)
    expect_raises(submission.conv_param_count, 3, 0, 5, exception="ValueError")


def test_dense_param_count(submission):
    assert submission.dense_param_count(3, 2) == 8  # 6 weights + 2 biases
    assert submission.dense_param_count(3, 2, bias=False) == 6
    assert submission.dense_param_count(400, 120) == 48120  # the lecture printed 48,001
    assert submission.dense_param_count(120, 84) == 10164  # 10,081
    assert submission.dense_param_count(84, 10) == 850  # 841
    expect_raises(submission.dense_param_count, 0, 3, exception="ValueError")


# ---------------------------------------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------------------------------------


def test_pool_output_size_floor(submission):
    assert submission.pool_output_size(4, 2) == 2  # the stride defaults to the window
    assert submission.pool_output_size(28, 2) == 14 and submission.pool_output_size(10, 2) == 5
    assert submission.pool_output_size(4, 2, stride=1) == 3
    assert submission.pool_output_size(5, 2) == 2
    assert (
        submission.pool_output_size(7, 3, stride=2) == 3 and submission.pool_output_size(6, 3, stride=2) == 2
    )
    assert submission.pool_output_size(5, 2, padding=1) == 3  # floor((5 + 2 - 2) / 2) + 1


def test_pool_output_size_ceil_mode(submission):
    assert submission.pool_output_size(5, 2, ceil_mode=True) == 3  # ceil(3 / 2) + 1
    assert submission.pool_output_size(6, 3, stride=2, ceil_mode=True) == 3
    assert submission.pool_output_size(4, 2, ceil_mode=True) == 2  # exact: ceil = floor
    # ceil(5 / 2) + 1 = 4, but the 4th window would start at padded position 6, in the right padding.
    assert submission.pool_output_size(5, 2, ceil_mode=True, padding=1) == 3


def test_pool_output_size_errors(submission):
    expect_raises(submission.pool_output_size, 1, 2, exception="ValueError")  # no window fits
    expect_raises(submission.pool_output_size, 5, 2, None, False, 2, exception="ValueError")  # p > f // 2
    expect_raises(submission.pool_output_size, 5, 2, 0, exception="ValueError")  # stride 0


def test_maxpool2d_forward_lecture_feature_map(submission):
    out = submission.maxpool2d_forward(FEATURE_MAP, 2)
    assert np.shape(out) == (1, 1, 2, 2)
    assert np.array_equal(out[0, 0], [[6, 8], [9, 7]])
    out = submission.maxpool2d_forward(FEATURE_MAP, 2, 1)
    assert np.array_equal(out[0, 0], [[6, 8, 8], [6, 7, 8], [9, 9, 7]])


def test_maxpool2d_forward_batch_floor_and_pairs(submission):
    x = np.arange(150.0).reshape(2, 3, 5, 5)  # increasing: the max of a window is its bottom-right entry
    out = submission.maxpool2d_forward(x, 2)
    assert np.shape(out) == (2, 3, 2, 2)
    assert np.array_equal(out, x[:, :, 1:4:2, 1:4:2])
    out = submission.maxpool2d_forward(x, (1, 5))
    assert np.shape(out) == (2, 3, 5, 1) and np.array_equal(out, x[:, :, :, 4:])
    out = submission.maxpool2d_forward(x, 3, (2, 1))
    assert np.shape(out) == (2, 3, 2, 3) and np.array_equal(out, x[:, :, 2:5:2, 2:5])


def test_avgpool2d_forward(submission):
    out = submission.avgpool2d_forward(FEATURE_MAP, 2)
    assert np.shape(out) == (1, 1, 2, 2)
    assert np.allclose(out[0, 0], [[4.75, 6.5], [6.25, 5.75]])  # (6 + 4 + 5 + 4) / 4 = 4.75
    assert np.allclose(submission.avgpool2d_forward(FEATURE_MAP, 4), [[[[93 / 16]]]])
    assert np.allclose(submission.avgpool2d_forward(FEATURE_MAP, 3, 1)[0, 0], [[48 / 9, 6], [53 / 9, 55 / 9]])
    x = np.arange(150.0).reshape(2, 3, 5, 5)
    out = submission.avgpool2d_forward(x, 2)
    assert np.shape(out) == (2, 3, 2, 2) and np.allclose(out, x[:, :, 0:4:2, 0:4:2] + 3)  # a, a+1, a+5, a+6


# ---------------------------------------------------------------------------------------------------------
# the shape table and receptive fields
# ---------------------------------------------------------------------------------------------------------


def test_shape_table_lecture_exercise(submission):
    rows = submission.shape_table((32, 32, 3), LECTURE_LAYERS)
    assert [row["layer"] for row in rows] == [
        "input",
        "CONV1",
        "POOL1",
        "CONV2",
        "POOL2",
        "FC3",
        "FC4",
        "Softmax",
    ]
    shapes = [(32, 32, 3), (28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16), (120,), (84,), (10,)]
    assert [tuple(row["shape"]) for row in rows] == shapes
    assert [row["size"] for row in rows] == [3072, 6272, 1568, 1600, 400, 120, 84, 10]
    # The lecture printed 208, 416, 48,001, 10,081 and 841 (input channels and biases forgotten).
    assert [row["params"] for row in rows] == [0, 608, 0, 3216, 0, 48120, 10164, 850]


def test_shape_table_default_names_padding_and_avgpool(submission):
    rows = submission.shape_table((6, 6, 3), [{"type": "conv", "filters": 5, "f": 3}])
    assert [row["layer"] for row in rows] == ["input", "conv1"]
    assert tuple(rows[1]["shape"]) == (4, 4, 5) and rows[1]["size"] == 80 and rows[1]["params"] == 140
    layers = [
        {"type": "conv", "filters": 4, "f": 3, "padding": 1},
        {"type": "avgpool", "f": 2},
        {"type": "dense", "units": 3},
    ]
    rows = submission.shape_table((5, 5, 2), layers)
    assert [row["layer"] for row in rows] == ["input", "conv1", "avgpool2", "dense3"]
    assert [tuple(row["shape"]) for row in rows] == [(5, 5, 2), (5, 5, 4), (2, 2, 4), (3,)]
    assert [row["size"] for row in rows] == [50, 100, 16, 3]
    assert [row["params"] for row in rows] == [0, 76, 0, 51]  # 4 * (3 * 3 * 2 + 1); 16 * 3 + 3
    rows = submission.shape_table((9, 9, 1), [{"type": "conv", "filters": 2, "f": 3, "stride": 2}])
    assert tuple(rows[1]["shape"]) == (4, 4, 2) and rows[1]["params"] == 20


def test_shape_table_errors(submission):
    expect_raises(submission.shape_table, (5, 5, 2), [{"type": "lstm", "units": 3}], exception="ValueError")
    expect_raises(submission.shape_table, (5, 5, 2), [{"type": "conv", "f": 3}], exception="ValueError")
    expect_raises(
        submission.shape_table, (3, 3, 1), [{"type": "conv", "filters": 1, "f": 5}], exception="ValueError"
    )


def test_receptive_field(submission):
    assert submission.receptive_field([]) == 1
    assert submission.receptive_field([{"f": 3}]) == 3
    assert submission.receptive_field([{"f": 3}, {"f": 3}]) == 5  # two 3 x 3 = one 5 x 5
    assert submission.receptive_field([{"f": 3}] * 3) == 7  # VGG: three 3 x 3 = one 7 x 7
    assert submission.receptive_field([{"f": 3}, {"f": 2, "stride": 2}, {"f": 3}]) == 8  # 3, 4, 4 + 2 * 2
    assert submission.receptive_field([{"f": 3}, {"f": 3, "dilation": 2}, {"f": 3, "dilation": 4}]) == 15
    stack = [
        {"f": 5},
        {"f": 2, "stride": 2},
        {"f": 5},
        {"f": 2, "stride": 2},
    ]  # the lecture's CONV1 ... POOL2
    assert submission.receptive_field(stack) == 16  # 5, 6, 6 + 4 * 2 = 14, 14 + 1 * 2 = 16
    expect_raises(submission.receptive_field, [{"f": 3, "stride": 0}], exception="ValueError")
