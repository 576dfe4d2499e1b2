"""Public tests for the bptt assignment: small cases with answers you can check by hand.

Run them with ``pytest`` (or ``seqlab check``); each function's check cell in the notebook runs that
function's tests from this file. They compare every gradient a function returns. Passing them is
necessary, not sufficient: the hidden tests compare every gradient with numerical derivatives and with
PyTorch's autograd on many random shapes and values, and clipping with ``torch.nn.utils``.

The caches are written out by hand here (the keys the given forwards produce), so these tests check your
backward passes only.
"""

import math

import numpy as np

from seqlab.testing import assert_inputs_kept, assert_matches, assert_returns, expect_raises

# The lecture's exercise of the cells assignment: inputs 1, weights 0.5, tanh, no bias, h_0 = 0.
H1 = math.tanh(0.5)
H2 = math.tanh(0.5 + 0.5 * H1)
H3 = math.tanh(0.5 + 0.5 * H2)


def lecture_rnn():
    return {"Wx": np.array([[0.5]]), "Wh": np.array([[0.5]]), "b": np.array([0.0])}


def lecture_cache():
    """The sequence cache of rnn_forward(ones (1, 3, 1), zeros (1, 1), lecture_rnn())."""
    return {
        "x": np.ones((1, 3, 1)),
        "h_prev": sequence(0.0, H1, H2),
        "h": sequence(H1, H2, H3),
        "p": lecture_rnn(),
    }


def sequence(*values):
    """A (1, T, 1) array: one sample, one unit per step."""
    return np.array(values, dtype=float).reshape(1, -1, 1)


def rnn_grads(dx, dh0, dWx, dWh, db):
    """The gradients of a sequence RNN (rnn_backward, lstm_backward, truncated_bptt_grads), as arrays."""
    names = ("dx", "dh0", "dWx", "dWh", "db")
    return {
        name: np.asarray(value, dtype=float)
        for name, value in zip(names, (dx, dh0, dWx, dWh, db), strict=True)
    }


def rnn_cell_grads(dx, dh_prev, dWx, dWh, db):
    names = ("dx", "dh_prev", "dWx", "dWh", "db")
    return {
        name: np.asarray(value, dtype=float)
        for name, value in zip(names, (dx, dh_prev, dWx, dWh, db), strict=True)
    }


def lstm_cell_grads(dx, dh_prev, dc_prev, dWx, dWh, db):
    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    values = (dx, dh_prev, dc_prev, dWx, dWh, db)
    return {name: np.asarray(value, dtype=float) for name, value in zip(names, values, strict=True)}


def lstm_cache(x, h_prev, c_prev, gates, p):
    """A hand-written LSTM cell cache for H = D = N = 1: gates = (i, f, g, o) as numbers."""
    i, f, g, o = gates
    c = f * c_prev + i * g
    cell = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cell.update({"c": c, "tanh_c": math.tanh(c), "h": o * math.tanh(c)})
    cache = {key: np.array([[value]]) for key, value in cell.items()}
    cache["p"] = p
    return cache


def assert_isinstance(value, expected_type, *, call):
    """Fail unless ``value``, what ``call`` returned, is an instance of ``expected_type``."""
    assert_matches(
        isinstance(value, expected_type), True, what=f"isinstance({call}, {expected_type.__name__})"
    )


# ---------------------------------------------------------------------------------------------------------
# the RNN
# ---------------------------------------------------------------------------------------------------------


def test_rnn_cell_backward_scalar(submission):
    """rnn_cell_backward with H = D = N = 1: every gradient is dh * tanh'(a) times one factor"""
    p = {"Wx": np.array([[0.5]]), "Wh": np.array([[2.0]]), "b": np.array([0.0])}
    h = math.tanh(0.5 * 1.0 + 2.0 * 3.0)
    cache = {"x": np.array([[1.0]]), "h_prev": np.array([[3.0]]), "h": np.array([[h]]), "p": p}
    da = 1.0 - h**2  # dh * tanh'(a), a = 0.5 * 1 + 2 * 3
    expected = rnn_cell_grads([[0.5 * da]], [[2.0 * da]], [[1.0 * da]], [[3.0 * da]], [da])
    assert_returns(submission.rnn_cell_backward, np.array([[1.0]]), cache, expected=expected)


def test_rnn_cell_backward_sums_over_the_batch(submission):
    """rnn_cell_backward of a batch of two: the weight gradients sum over the batch"""
    dh = np.array([[1.0, 2.0], [3.0, 4.0]])
    for wh, dh_prev in [
        (np.array([[1.0, 2.0], [3.0, 4.0]]), [[5.0, 11.0], [11.0, 25.0]]),  # da @ Wh.T
        (np.zeros((2, 2)), np.zeros((2, 2))),
    ]:
        p = {"Wx": np.eye(2), "Wh": wh, "b": np.zeros(2)}
        cache = {"x": np.zeros((2, 2)), "h_prev": np.ones((2, 2)), "h": np.zeros((2, 2)), "p": p}  # tanh' = 1
        # dx = da @ I; dWx = x.T @ da = 0 (x = 0); dWh = h_prev.T @ da; db = da summed over the batch
        expected = rnn_cell_grads(dh, dh_prev, np.zeros((2, 2)), [[4.0, 6.0], [4.0, 6.0]], [4.0, 6.0])
        assert_returns(submission.rnn_cell_backward, dh, cache, expected=expected)


def test_rnn_cell_backward_zero_upstream(submission):
    """rnn_cell_backward of a zero upstream gradient: zero gradients of the right shapes"""
    p = {"Wx": np.ones((3, 2)), "Wh": np.ones((2, 2)), "b": np.zeros(2)}
    cache = {"x": np.ones((4, 3)), "h_prev": np.ones((4, 2)), "h": np.full((4, 2), 0.5), "p": p}
    expected = rnn_cell_grads(
        np.zeros((4, 3)), np.zeros((4, 2)), np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2)
    )
    assert_returns(submission.rnn_cell_backward, np.zeros((4, 2)), cache, expected=expected)


def test_rnn_backward_many_to_one_lecture_exercise(submission):
    """rnn_backward of the lecture's exercise with dL/dh_3 = 1 only (many-to-one)"""
    dhs = sequence(0.0, 0.0, 1.0)  # dL/dh_3 = 1, nothing from above at steps 1, 2
    da3 = 1.0 - H3**2
    da2 = 0.5 * da3 * (1.0 - H2**2)  # dh_next = da3 * w_h reaches step 2
    da1 = 0.5 * da2 * (1.0 - H1**2)
    expected = rnn_grads(
        sequence(0.5 * da1, 0.5 * da2, 0.5 * da3),
        [[0.5 * da1]],
        [[da1 + da2 + da3]],
        [[H2 * da3 + H1 * da2]],  # one term per step; h_0 = 0 drops the third
        [da1 + da2 + da3],
    )
    assert_returns(submission.rnn_backward, dhs, lecture_cache(), expected=expected)


def test_rnn_backward_adds_the_upstream_to_what_comes_from_the_right(submission):
    """rnn_backward with dL/dh_1 = dL/dh_2 = 1 (many-to-many): the upstream adds to what comes back"""
    dhs = sequence(1.0, 1.0, 0.0)
    da2 = 1.0 - H2**2
    da1 = (1.0 + 0.5 * da2) * (1.0 - H1**2)  # dhs at step 1 plus dh_prev of step 2
    expected = rnn_grads(
        sequence(0.5 * da1, 0.5 * da2, 0.0), [[0.5 * da1]], [[da1 + da2]], [[H1 * da2]], [da1 + da2]
    )
    assert_returns(submission.rnn_backward, dhs, lecture_cache(), expected=expected)


def test_rnn_backward_zero_upstream_shapes(submission):
    """rnn_backward of zero upstream gradients (N = 2, T = 4, D = 1, H = 3): zeros of the right shapes"""
    p = {"Wx": np.ones((1, 3)), "Wh": np.ones((3, 3)), "b": np.zeros(3)}
    cache = {
        "x": np.ones((2, 4, 1)),
        "h_prev": np.full((2, 4, 3), 0.5),
        "h": np.full((2, 4, 3), 0.5),
        "p": p,
    }
    expected = rnn_grads(
        np.zeros((2, 4, 1)), np.zeros((2, 3)), np.zeros((1, 3)), np.zeros((3, 3)), np.zeros(3)
    )
    assert_returns(submission.rnn_backward, np.zeros((2, 4, 3)), cache, expected=expected)


# ---------------------------------------------------------------------------------------------------------
# the LSTM
# ---------------------------------------------------------------------------------------------------------


def test_lstm_cell_backward_through_h(submission):
    """lstm_cell_backward with zero weights and dh = 1, dc = 0: the path through h only"""
    p = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}  # i = f = o = 1/2, g = 0
    cache = lstm_cache(2.0, 1.0, 0.0, (0.5, 0.5, 0.0, 0.5), p)  # c = 0
    # dc_total = 1 * o * (1 - 0) = 1/2; only the g block: dg * (1 - g^2) = dc_total * i = 1/4
    expected = lstm_cell_grads(
        [[0.0]],  # zero weights
        [[0.0]],
        [[0.25]],  # dc_total * f
        [[0.0, 0.0, 0.5, 0.0]],  # x.T @ da, x = 2
        [[0.0, 0.0, 0.25, 0.0]],  # h_prev.T @ da, h_prev = 1
        [0.0, 0.0, 0.25, 0.0],  # blocks i, f, g, o
    )
    assert_returns(
        submission.lstm_cell_backward, np.array([[1.0]]), np.array([[0.0]]), cache, expected=expected
    )


def test_lstm_cell_backward_through_the_cell_state(submission):
    """lstm_cell_backward with zero weights and dh = 0, dc = 1: the direct path into c only"""
    p = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    cache = lstm_cache(2.0, 1.0, 2.0, (0.5, 0.5, 0.0, 0.5), p)  # c = 1
    # df = dc * c_prev = 2, times f (1 - f) = 1/4; dg = dc * i = 1/2, times 1 - g^2 = 1
    # di = dc * g = 0; do = dh * tanh(c) = 0
    da = np.array([0.0, 0.5, 0.5, 0.0])
    expected = lstm_cell_grads(
        [[0.0]], [[0.0]], [[0.5]], 2.0 * da[None], 1.0 * da[None], da
    )  # dc_prev = dc * f
    assert_returns(
        submission.lstm_cell_backward, np.array([[0.0]]), np.array([[1.0]]), cache, expected=expected
    )


def test_lstm_cell_backward_gate_order_and_weights(submission):
    """lstm_cell_backward with Wx = [1, 2, 3, 4], Wh = [-1, 1, 0.5, 2]: the blocks i, f, g, o, and of zeros"""
    p = {"Wx": np.array([[1.0, 2.0, 3.0, 4.0]]), "Wh": np.array([[-1.0, 1.0, 0.5, 2.0]]), "b": np.zeros(4)}
    cache = lstm_cache(0.0, 0.0, 1.0, (0.5, 0.5, 0.0, 0.5), p)  # a = 0, c = 1/2
    zero = lstm_cell_grads([[0.0]], [[0.0]], [[0.0]], np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4))
    assert_returns(submission.lstm_cell_backward, np.zeros((1, 1)), np.zeros((1, 1)), cache, expected=zero)
    t = math.tanh(0.5)
    dc_total = 0.5 * (1.0 - t**2)
    da = np.array([0.0, dc_total * 1.0 * 0.25, dc_total * 0.5, t * 0.25])  # blocks i, f, g, o
    expected = lstm_cell_grads(
        [[da @ p["Wx"][0]]],  # da @ Wx.T
        [[da @ p["Wh"][0]]],  # da @ Wh.T
        [[dc_total * 0.5]],
        np.zeros((1, 4)),  # x = 0
        np.zeros((1, 4)),  # h_prev = 0
        da,
    )
    assert_returns(
        submission.lstm_cell_backward, np.array([[1.0]]), np.zeros((1, 1)), cache, expected=expected
    )


ACCUMULATOR = {
    "Wx": np.array([[0.0, 0.0, 1.0, 0.0]]),
    "Wh": np.zeros((1, 4)),
    "b": np.array([50.0, 50, 0, 50]),
}
ACC_X = [0.5, 0.5, -1.0]
ACC_G = [math.tanh(value) for value in ACC_X]
ACC_C = list(np.cumsum(ACC_G))
ACC_H = [math.tanh(c) for c in ACC_C]


def accumulator_cache():
    """The sequence cache of an accumulator LSTM: i = f = o = 1, g_t = tanh(x_t), Wh = 0, so
    c_t = c_{t-1} + tanh(x_t) and h_t = tanh(c_t), from h0 = 0.9."""
    steps = [
        lstm_cache(ACC_X[t], [0.9, *ACC_H][t], [0.0, *ACC_C][t], (1.0, 1.0, ACC_G[t], 1.0), ACCUMULATOR)
        for t in range(3)
    ]
    cache = {key: np.stack([step[key] for step in steps], axis=1) for key in steps[0] if key != "p"}
    cache["p"] = ACCUMULATOR
    return cache


def accumulator_grads(dc):
    """The gradients of the accumulator LSTM when dc[t] reaches the cell state of step t: only the g block
    (i = f = o = 1 saturate the other gates) and nothing through Wh = 0."""
    da_g = [dc[t] * (1.0 - ACC_G[t] ** 2) for t in range(3)]  # dg = dc * i, i = 1
    h_prev = [0.9, ACC_H[0], ACC_H[1]]
    return rnn_grads(
        sequence(*da_g),
        [[0.0]],
        [[0.0, 0.0, float(np.dot(ACC_X, da_g)), 0.0]],
        [[0.0, 0.0, float(np.dot(h_prev, da_g)), 0.0]],
        [0.0, 0.0, sum(da_g), 0.0],
    )


def test_lstm_backward_accumulator(submission):
    """lstm_backward of an accumulator LSTM: the gradient on h_3 reaches every step unchanged through f = 1"""
    dc = 1.0 - ACC_H[2] ** 2  # dh * o * (1 - tanh(c)^2) enters the cell state at step 3
    expected = accumulator_grads([dc, dc, dc])
    assert_returns(submission.lstm_backward, sequence(0.0, 0.0, 1.0), accumulator_cache(), expected=expected)


def test_lstm_backward_two_upstream_gradients(submission):
    """lstm_backward of the accumulator LSTM with gradients on h_1 and h_3: step 1 gets both"""
    dc = 1.0 - ACC_H[2] ** 2
    expected = accumulator_grads([dc + (1.0 - ACC_H[0] ** 2), dc, dc])
    assert_returns(submission.lstm_backward, sequence(1.0, 0.0, 1.0), accumulator_cache(), expected=expected)


# ---------------------------------------------------------------------------------------------------------
# the many-to-one loss
# ---------------------------------------------------------------------------------------------------------


def test_many_to_one_loss_zero_output_weights(submission):
    """many_to_one_loss with Wy = 0: uniform probabilities, loss log 3, nothing flows back into the RNN"""
    x = np.stack([np.ones((3, 1)), np.zeros((3, 1))])  # N = 2, T = 3, D = 1
    grads = rnn_grads(np.zeros((2, 3, 1)), np.zeros((2, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros(1))
    grads["dWy"] = np.array([[-H3 / 3, H3 / 6, H3 / 6]])  # the second sample's last state is 0
    grads["dby"] = np.array([-1 / 6, 1 / 3, -1 / 6])  # mean over n of (1/3 - onehot(y_n))
    args = (x, np.array([0, 2]), np.zeros((2, 1)), lecture_rnn(), np.zeros((1, 3)), np.zeros(3))
    loss, _ = assert_returns(submission.many_to_one_loss, *args, expected=(math.log(3.0), grads))
    assert_isinstance(loss, float, call="many_to_one_loss(x, y, h0, p, Wy, by)[0]")


def test_many_to_one_loss_one_step(submission):
    """many_to_one_loss of one step and two classes: the gradient flows back through Wy and tanh"""
    a = math.tanh(0.5)
    s = 1.0 / (1.0 + math.exp(2 * a))  # softmax([a, -a])[1]
    da = -2.0 * s * (1.0 - a**2)  # dh_T = dz @ Wy.T = -s - s, through tanh
    grads = rnn_grads([[[0.5 * da]]], [[0.5 * da]], [[da]], [[0.0]], [da])
    grads["dWy"] = np.array([[-a * s, a * s]])
    grads["dby"] = np.array([-s, s])
    args = (
        np.ones((1, 1, 1)),
        np.array([0]),
        np.zeros((1, 1)),
        lecture_rnn(),
        np.array([[1.0, -1.0]]),
        np.zeros(2),
    )
    assert_returns(submission.many_to_one_loss, *args, expected=(math.log(1.0 + math.exp(-2 * a)), grads))


# ---------------------------------------------------------------------------------------------------------
# clipping
# ---------------------------------------------------------------------------------------------------------


def coef(max_norm, total):
    """PyTorch's clipping coefficient: max_norm / (total + 1e-6), never above 1."""
    return min(1.0, max_norm / (total + 1e-6))


def three_four():
    """Gradients of global 2-norm 5 (and largest entry 4)."""
    return {"dWx": np.array([[3.0]]), "db": np.array([4.0])}


def test_clip_grad_norm_3_4_5(submission):
    """clip_grad_norm of gradients 3 and 4 (norm 5) to norm 1: the same direction, 0.6 and 0.8"""
    c = coef(1.0, 5.0)
    clipped, total = assert_returns(
        submission.clip_grad_norm, three_four(), 1.0, expected=({"dWx": [[3.0 * c]], "db": [4.0 * c]}, 5.0)
    )
    assert_isinstance(total, float, call="clip_grad_norm(grads, 1.0)[1]")
    assert_inputs_kept(submission.clip_grad_norm, three_four(), 1.0, what="clip_grad_norm(grads, 1.0)")


def test_clip_grad_norm_only_shrinks(submission):
    """clip_grad_norm never scales up nor returns its inputs; at max_norm = total: 5 / (5 + 1e-6)"""
    assert_returns(submission.clip_grad_norm, three_four(), 10.0, expected=(three_four(), 5.0))
    # nothing to clip, yet the result is new arrays: changing it must not change the caller's gradients
    assert_inputs_kept(submission.clip_grad_norm, three_four(), 10.0, what="clip_grad_norm(grads, 10.0)")
    c = coef(5.0, 5.0)  # a hair below 1
    clipped, _ = assert_returns(
        submission.clip_grad_norm, three_four(), 5.0, expected=({"dWx": [[3.0 * c]], "db": [4.0 * c]}, 5.0)
    )
    assert_matches(
        clipped["db"],
        [4.0 * c],
        what="clip_grad_norm(grads, 5.0)[0]['db'], which must be 4 * 5 / (5 + 1e-6) to 1e-12,",
        rtol=0,
        atol=1e-12,
    )


def test_clip_grad_norm_other_norms(submission):
    """clip_grad_norm with norm_type = inf (the largest |entry|) and norm_type = 1"""
    c = coef(2.0, 4.0)
    expected = ({"dWx": [[3.0 * c]], "db": [4.0 * c]}, 4.0)  # about 1.5 and 2.0
    assert_returns(submission.clip_grad_norm, three_four(), 2.0, norm_type=float("inf"), expected=expected)
    grads = {"a": np.array([1.0, -3.0]), "b": np.array([[2.0], [-2.0]])}
    c = coef(1.5, 3.0)
    expected = ({"a": [1.0 * c, -3.0 * c], "b": [[2.0 * c], [-2.0 * c]]}, 3.0)
    assert_returns(submission.clip_grad_norm, grads, 1.5, norm_type=float("inf"), expected=expected)
    c = coef(4.0, 8.0)  # |1| + |-3| + |2| + |-2| = 8
    expected = ({"a": [1.0 * c, -3.0 * c], "b": [[2.0 * c], [-2.0 * c]]}, 8.0)
    assert_returns(submission.clip_grad_norm, grads, 4.0, norm_type=1.0, expected=expected)
    grads = {"a": np.array([1.0, -1.0]), "b": np.array([[1.0], [-1.0]])}
    c = coef(1.0, 4.0)  # about 1/4
    expected = ({"a": [1.0 * c, -1.0 * c], "b": [[1.0 * c], [-1.0 * c]]}, 4.0)
    assert_returns(submission.clip_grad_norm, grads, 1.0, norm_type=1, expected=expected)


def test_clip_grad_value(submission):
    """clip_grad_value clips every entry to [-clip_value, clip_value] (not the norm)"""
    grads = {"dWx": np.array([[3.0, -0.5], [-7.0, 1.0]]), "db": np.array([4.0, 0.25])}
    expected = {"dWx": np.array([[1.0, -0.5], [-1.0, 1.0]]), "db": np.array([1.0, 0.25])}
    assert_returns(submission.clip_grad_value, grads, 1.0, expected=expected)
    assert_returns(submission.clip_grad_value, {"g": np.array([3.0, 4.0])}, 1.0, expected={"g": [1.0, 1.0]})
    assert_returns(submission.clip_grad_value, {"g": np.array([3.0, 4.0])}, 0.5, expected={"g": [0.5, 0.5]})
    assert_inputs_kept(submission.clip_grad_value, grads, 1.0, what="clip_grad_value(grads, 1.0)")


# ---------------------------------------------------------------------------------------------------------
# truncated BPTT
# ---------------------------------------------------------------------------------------------------------

TBPTT_DHS = sequence(0.0, 1.0, 1.0)  # gradients on h_2 and h_3


def test_truncated_bptt_chunks_of_two(submission):
    """truncated_bptt_grads of the lecture's exercise with k = 2: nothing crosses from step 3 to step 2"""
    da3 = 1.0 - H3**2  # chunk {3}: its own term
    da2 = 1.0 - H2**2  # chunk {1, 2}: only dhs at step 2, no 0.5 * da3 from the right
    da1 = 0.5 * da2 * (1.0 - H1**2)
    expected = rnn_grads(
        sequence(0.5 * da1, 0.5 * da2, 0.5 * da3),
        [[0.5 * da1]],
        [[da1 + da2 + da3]],
        [[H2 * da3 + H1 * da2]],
        [da1 + da2 + da3],
    )
    args = (np.ones((1, 3, 1)), np.zeros((1, 1)), lecture_rnn(), TBPTT_DHS)
    assert_returns(submission.truncated_bptt_grads, *args, 2, expected=expected)


def test_truncated_bptt_k_one_and_full(submission):
    """truncated_bptt_grads with k = 1 (each step's own term) and k = 3, 4, 10, 100 (full BPTT)"""
    args = (np.ones((1, 3, 1)), np.zeros((1, 1)), lecture_rnn(), TBPTT_DHS)
    da3, da2 = 1.0 - H3**2, 1.0 - H2**2  # k = 1: no gradient reaches step 1 or h0
    expected = rnn_grads(
        sequence(0.0, 0.5 * da2, 0.5 * da3), [[0.0]], [[da2 + da3]], [[H1 * da2 + H2 * da3]], [da2 + da3]
    )
    assert_returns(submission.truncated_bptt_grads, *args, 1, expected=expected)
    da3 = 1.0 - H3**2  # k >= T: one chunk, the gradients of rnn_backward
    da2 = (1.0 + 0.5 * da3) * (1.0 - H2**2)
    da1 = 0.5 * da2 * (1.0 - H1**2)
    expected = rnn_grads(
        sequence(0.5 * da1, 0.5 * da2, 0.5 * da3),
        [[0.5 * da1]],
        [[da1 + da2 + da3]],
        [[H2 * da3 + H1 * da2]],
        [da1 + da2 + da3],
    )
    for k in (3, 4, 10, 100):
        assert_returns(submission.truncated_bptt_grads, *args, k, expected=expected)


def test_truncated_bptt_rejects_k_below_one(submission):
    """truncated_bptt_grads raises ValueError for k = 0"""
    x, h0, dhs = np.ones((1, 3, 1)), np.zeros((1, 1)), np.ones((1, 3, 1))
    expect_raises(
        submission.truncated_bptt_grads,
        x,
        h0,
        lecture_rnn(),
        dhs,
        0,
        exception="ValueError",
        what="truncated_bptt_grads(x, h0, p, dhs, 0)",
    )


# ---------------------------------------------------------------------------------------------------------
# Jacobian norms
# ---------------------------------------------------------------------------------------------------------


def test_hidden_jacobian_norms_zero_states(submission):
    """hidden_jacobian_norms when every state is 0: the norms of powers of Wh.T"""
    # x = 0, b = 0, h0 = 0: every state is 0, tanh' = 1, each step's Jacobian is Wh.T
    base = {"Wx": np.ones((1, 2)), "b": np.zeros(2)}
    x, h0 = np.zeros((1, 4, 1)), np.zeros((1, 2))
    assert_returns(
        submission.hidden_jacobian_norms,
        x,
        h0,
        {**base, "Wh": 0.5 * np.eye(2)},
        expected=[[0.0625, 0.125, 0.25, 0.5, 1.0]],  # 0.5 ** (T - t)
    )
    assert_returns(
        submission.hidden_jacobian_norms,
        x,
        h0,
        {**base, "Wh": np.diag([0.5, 2.0])},
        expected=[[16.0, 8.0, 4.0, 2.0, 1.0]],  # the largest singular value wins: 2 ** (T - t)
    )
    assert_returns(
        submission.hidden_jacobian_norms,
        x,
        h0,
        {**base, "Wh": np.array([[0.0, 1.0], [0.0, 0.0]])},
        expected=[[0.0, 0.0, 0.0, 1.0, 1.0]],  # nilpotent: W^2 = 0
    )


def test_hidden_jacobian_norms_lecture_exercise(submission):
    """hidden_jacobian_norms of the lecture's exercise, for inputs 1 and for inputs 0 (states stay 0)"""
    x = np.stack([np.ones((2, 1)), np.zeros((2, 1))])  # N = 2, T = 2
    first = [0.25 * (1 - H2**2) * (1 - H1**2), 0.5 * (1 - H2**2), 1.0]
    assert_returns(
        submission.hidden_jacobian_norms,
        x,
        np.zeros((2, 1)),
        lecture_rnn(),
        expected=[first, [0.25, 0.5, 1.0]],
    )
