"""Public tests for the bptt assignment: small cases with answers you can check by hand.

Run them with ``pytest`` (or ``seqlab check``). Passing them is necessary, not sufficient: the hidden tests
compare every gradient with numerical derivatives and with PyTorch's autograd on many random shapes and
values, and clipping with ``torch.nn.utils``.

The caches are written out by hand here (the keys the given forwards produce), so these tests check your
backward passes only.
"""

import math

import numpy as np

from seqlab.testing import expect_raises

RNN_GRAD_KEYS = {"dx", "dh0", "dWx", "dWh", "db"}
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
        "h_prev": np.array([0.0, H1, H2]).reshape(1, 3, 1),
        "h": np.array([H1, H2, H3]).reshape(1, 3, 1),
        "p": lecture_rnn(),
    }


def lstm_cache(x, h_prev, c_prev, gates, p):
    """A hand-written LSTM cell cache for H = D = N = 1: gates = (i, f, g, o) as numbers."""
    i, f, g, o = gates
    c = f * c_prev + i * g
    cell = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o}
    cell.update({"c": c, "tanh_c": math.tanh(c), "h": o * math.tanh(c)})
    cache = {key: np.array([[value]]) for key, value in cell.items()}
    cache["p"] = p
    return cache


def close(actual, expected):
    return np.shape(actual) == np.shape(expected) and np.allclose(actual, expected)


# ---------------------------------------------------------------------------------------------------------
# the RNN
# ---------------------------------------------------------------------------------------------------------


def test_rnn_cell_backward_scalar(submission):
    p = {"Wx": np.array([[0.5]]), "Wh": np.array([[2.0]]), "b": np.array([0.0])}
    h = math.tanh(0.5 * 1.0 + 2.0 * 3.0)
    cache = {"x": np.array([[1.0]]), "h_prev": np.array([[3.0]]), "h": np.array([[h]]), "p": p}
    grads = submission.rnn_cell_backward(np.array([[1.0]]), cache)
    assert set(grads) == {"dx", "dh_prev", "dWx", "dWh", "db"}
    da = 1.0 - h**2
    assert close(grads["dx"], [[0.5 * da]]) and close(grads["dh_prev"], [[2.0 * da]])
    assert close(grads["dWx"], [[da]]) and close(grads["dWh"], [[3.0 * da]]) and close(grads["db"], [da])


def test_rnn_cell_backward_sums_over_the_batch(submission):
    p = {"Wx": np.eye(2), "Wh": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.zeros(2)}
    cache = {"x": np.zeros((2, 2)), "h_prev": np.ones((2, 2)), "h": np.zeros((2, 2)), "p": p}  # tanh' = 1
    grads = submission.rnn_cell_backward(np.array([[1.0, 2.0], [3.0, 4.0]]), cache)
    assert close(grads["dx"], [[1.0, 2.0], [3.0, 4.0]])  # da @ I
    assert close(grads["dh_prev"], [[5.0, 11.0], [11.0, 25.0]])  # da @ Wh.T
    assert close(grads["db"], [4.0, 6.0]) and close(grads["dWh"], [[4.0, 6.0], [4.0, 6.0]])
    assert close(grads["dWx"], np.zeros((2, 2)))  # x = 0


def test_rnn_cell_backward_zero_upstream(submission):
    p = {"Wx": np.ones((3, 2)), "Wh": np.ones((2, 2)), "b": np.zeros(2)}
    cache = {"x": np.ones((4, 3)), "h_prev": np.ones((4, 2)), "h": np.full((4, 2), 0.5), "p": p}
    grads = submission.rnn_cell_backward(np.zeros((4, 2)), cache)
    shapes = {"dx": (4, 3), "dh_prev": (4, 2), "dWx": (3, 2), "dWh": (2, 2), "db": (2,)}
    for name, shape in shapes.items():
        assert close(grads[name], np.zeros(shape)), name


def test_rnn_backward_many_to_one_lecture_exercise(submission):
    dhs = np.array([0.0, 0.0, 1.0]).reshape(1, 3, 1)  # dL/dh_3 = 1, nothing from above at steps 1, 2
    grads = submission.rnn_backward(dhs, lecture_cache())
    assert set(grads) == RNN_GRAD_KEYS
    da3 = 1.0 - H3**2
    da2 = 0.5 * da3 * (1.0 - H2**2)
    da1 = 0.5 * da2 * (1.0 - H1**2)
    assert close(grads["dx"], np.array([0.5 * da1, 0.5 * da2, 0.5 * da3]).reshape(1, 3, 1))
    assert close(grads["dWh"], [[H2 * da3 + H1 * da2]])  # one term per step; h_0 = 0 drops the third
    assert close(grads["dWx"], [[da1 + da2 + da3]]) and close(grads["db"], [da1 + da2 + da3])
    assert close(grads["dh0"], [[0.5 * da1]])


def test_rnn_backward_adds_the_upstream_to_what_comes_from_the_right(submission):
    dhs = np.array([1.0, 1.0, 0.0]).reshape(1, 3, 1)
    grads = submission.rnn_backward(dhs, lecture_cache())
    da2 = 1.0 - H2**2
    da1 = (1.0 + 0.5 * da2) * (1.0 - H1**2)  # dhs at step 1 plus dh_prev of step 2
    assert close(grads["db"], [da1 + da2]) and close(grads["dWh"], [[H1 * da2]])
    assert close(grads["dx"], np.array([0.5 * da1, 0.5 * da2, 0.0]).reshape(1, 3, 1))
    assert close(grads["dh0"], [[0.5 * da1]])


def test_rnn_backward_zero_upstream_shapes(submission):
    p = {"Wx": np.ones((1, 3)), "Wh": np.ones((3, 3)), "b": np.zeros(3)}
    cache = {
        "x": np.ones((2, 4, 1)),
        "h_prev": np.full((2, 4, 3), 0.5),
        "h": np.full((2, 4, 3), 0.5),
        "p": p,
    }
    grads = submission.rnn_backward(np.zeros((2, 4, 3)), cache)
    shapes = {"dx": (2, 4, 1), "dh0": (2, 3), "dWx": (1, 3), "dWh": (3, 3), "db": (3,)}
    for name, shape in shapes.items():
        assert close(grads[name], np.zeros(shape)), name


# ---------------------------------------------------------------------------------------------------------
# the LSTM
# ---------------------------------------------------------------------------------------------------------


def test_lstm_cell_backward_through_h(submission):
    p = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}  # i = f = o = 1/2, g = 0
    cache = lstm_cache(2.0, 1.0, 0.0, (0.5, 0.5, 0.0, 0.5), p)  # c = 0
    grads = submission.lstm_cell_backward(np.array([[1.0]]), np.array([[0.0]]), cache)
    assert set(grads) == {"dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"}
    # dc_total = 1 * o * (1 - 0) = 1/2; only the g block: dg * (1 - g^2) = dc_total * i = 1/4
    assert close(grads["db"], [0.0, 0.0, 0.25, 0.0])
    assert close(grads["dWx"], [[0.0, 0.0, 0.5, 0.0]]) and close(grads["dWh"], [[0.0, 0.0, 0.25, 0.0]])
    assert close(grads["dc_prev"], [[0.25]])
    assert close(grads["dx"], [[0.0]]) and close(grads["dh_prev"], [[0.0]])  # zero weights


def test_lstm_cell_backward_through_the_cell_state(submission):
    p = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    cache = lstm_cache(2.0, 1.0, 2.0, (0.5, 0.5, 0.0, 0.5), p)  # c = 1
    grads = submission.lstm_cell_backward(np.array([[0.0]]), np.array([[1.0]]), cache)
    assert close(grads["dc_prev"], [[0.5]])  # dc * f
    assert close(grads["db"], [0.0, 0.5, 0.5, 0.0])  # df = dc * c_prev = 2 times 1/4; dg = dc * i = 1/2


def test_lstm_cell_backward_gate_order_and_weights(submission):
    p = {"Wx": np.array([[1.0, 2.0, 3.0, 4.0]]), "Wh": np.array([[-1.0, 1.0, 0.5, 2.0]]), "b": np.zeros(4)}
    cache = lstm_cache(0.0, 0.0, 1.0, (0.5, 0.5, 0.0, 0.5), p)  # a = 0, c = 1/2
    grads = submission.lstm_cell_backward(np.array([[1.0]]), np.array([[0.0]]), cache)
    t = math.tanh(0.5)
    dc_total = 0.5 * (1.0 - t**2)
    da = [0.0, dc_total * 1.0 * 0.25, dc_total * 0.5, t * 0.25]  # blocks i, f, g, o
    assert close(grads["db"], da)
    assert close(grads["dh_prev"], [[-da[0] + da[1] + 0.5 * da[2] + 2.0 * da[3]]])
    assert close(grads["dx"], [[da[0] + 2.0 * da[1] + 3.0 * da[2] + 4.0 * da[3]]])
    assert close(grads["dWx"], np.zeros((1, 4))) and close(grads["dWh"], np.zeros((1, 4)))
    assert close(grads["dc_prev"], [[dc_total * 0.5]])


def test_lstm_backward_accumulator(submission):
    # i = f = o = 1, g_t = tanh(x_t), Wh = 0: c_t = c_{t-1} + tanh(x_t), h_t = tanh(c_t)
    p = {"Wx": np.array([[0.0, 0.0, 1.0, 0.0]]), "Wh": np.zeros((1, 4)), "b": np.array([50.0, 50, 0, 50])}
    xs = [0.5, 0.5, -1.0]
    gs = [math.tanh(value) for value in xs]
    cs = [gs[0], gs[0] + gs[1], gs[0] + gs[1] + gs[2]]
    hs = [math.tanh(c) for c in cs]
    steps = [lstm_cache(xs[t], [0.9, *hs][t], [0.0, *cs][t], (1.0, 1.0, gs[t], 1.0), p) for t in range(3)]
    cache = {key: np.stack([step[key] for step in steps], axis=1) for key in steps[0] if key != "p"}
    cache["p"] = p
    grads = submission.lstm_backward(np.array([0.0, 0.0, 1.0]).reshape(1, 3, 1), cache)
    assert set(grads) == RNN_GRAD_KEYS
    dc = 1.0 - hs[2] ** 2  # enters the cell state at step 3 and is multiplied by f = 1 at every step
    da_g = [dc * (1.0 - g**2) for g in gs]
    assert close(grads["dx"], np.array(da_g).reshape(1, 3, 1))
    assert close(grads["db"], [0.0, 0.0, sum(da_g), 0.0]) and close(grads["dh0"], [[0.0]])
    assert close(grads["dWh"], [[0.0, 0.0, 0.9 * da_g[0] + hs[0] * da_g[1] + hs[1] * da_g[2], 0.0]])
    assert close(grads["dWx"], [[0.0, 0.0, sum(x * d for x, d in zip(xs, da_g, strict=True)), 0.0]])


# ---------------------------------------------------------------------------------------------------------
# the many-to-one loss
# ---------------------------------------------------------------------------------------------------------


def test_many_to_one_loss_zero_output_weights(submission):
    x = np.stack([np.ones((3, 1)), np.zeros((3, 1))])  # N = 2, T = 3, D = 1
    loss, grads = submission.many_to_one_loss(
        x, np.array([0, 2]), np.zeros((2, 1)), lecture_rnn(), np.zeros((1, 3)), np.zeros(3)
    )
    assert math.isclose(loss, math.log(3.0))  # uniform probabilities 1/3
    assert set(grads) == {"dx", "dh0", "dWx", "dWh", "db", "dWy", "dby"}
    assert close(grads["dby"], [-1 / 6, 1 / 3, -1 / 6])
    assert close(grads["dWy"], [[-H3 / 3, H3 / 6, H3 / 6]])  # the second sample's last state is 0
    shapes = {"dx": (2, 3, 1), "dh0": (2, 1), "dWx": (1, 1), "dWh": (1, 1), "db": (1,)}
    for name, shape in shapes.items():
        assert close(grads[name], np.zeros(shape)), name


def test_many_to_one_loss_one_step(submission):
    a = math.tanh(0.5)
    s = 1.0 / (1.0 + math.exp(2 * a))  # softmax([a, -a])[1]
    x, y, h0, wy = np.ones((1, 1, 1)), np.array([0]), np.zeros((1, 1)), np.array([[1.0, -1.0]])
    loss, grads = submission.many_to_one_loss(x, y, h0, lecture_rnn(), wy, np.zeros(2))
    assert math.isclose(loss, math.log(1.0 + math.exp(-2 * a)))
    assert close(grads["dby"], [-s, s]) and close(grads["dWy"], [[-a * s, a * s]])
    da = -2.0 * s * (1.0 - a**2)
    assert close(grads["db"], [da]) and close(grads["dWx"], [[da]]) and close(grads["dWh"], [[0.0]])
    assert close(grads["dx"], [[[0.5 * da]]]) and close(grads["dh0"], [[0.5 * da]])


# ---------------------------------------------------------------------------------------------------------
# clipping
# ---------------------------------------------------------------------------------------------------------


def test_clip_grad_norm_3_4_5(submission):
    clipped, total = submission.clip_grad_norm({"dWx": np.array([[3.0]]), "db": np.array([4.0])}, 1.0)
    assert isinstance(total, float) and math.isclose(total, 5.0)
    assert set(clipped) == {"dWx", "db"}
    assert close(clipped["dWx"], [[0.6]]) and close(clipped["db"], [0.8])


def test_clip_grad_norm_only_shrinks(submission):
    clipped, total = submission.clip_grad_norm({"dWx": np.array([[3.0]]), "db": np.array([4.0])}, 10.0)
    assert math.isclose(total, 5.0) and close(clipped["dWx"], [[3.0]]) and close(clipped["db"], [4.0])
    clipped, _ = submission.clip_grad_norm({"dWx": np.array([[3.0]]), "db": np.array([4.0])}, 5.0)
    assert math.isclose(clipped["db"][0], 4.0 * 5.0 / (5.0 + 1e-6), rel_tol=0, abs_tol=1e-12)  # PyTorch's eps


def test_clip_grad_norm_other_norms(submission):
    grads = {"a": np.array([1.0, -3.0]), "b": np.array([[2.0], [-2.0]])}
    clipped, total = submission.clip_grad_norm(grads, 1.5, norm_type=float("inf"))
    assert math.isclose(total, 3.0)
    assert close(clipped["a"], [0.5, -1.5]) and close(clipped["b"], [[1.0], [-1.0]])
    clipped, total = submission.clip_grad_norm(grads, 4.0, norm_type=1.0)
    assert math.isclose(total, 8.0) and close(clipped["a"], [0.5, -1.5])


def test_clip_grad_value(submission):
    grads = {"dWx": np.array([[3.0, -0.5], [-7.0, 1.0]]), "db": np.array([4.0, 0.25])}
    clipped = submission.clip_grad_value(grads, 1.0)
    assert set(clipped) == {"dWx", "db"}
    assert close(clipped["dWx"], [[1.0, -0.5], [-1.0, 1.0]]) and close(clipped["db"], [1.0, 0.25])
    assert close(submission.clip_grad_value({"g": np.array([3.0, 4.0])}, 0.5)["g"], [0.5, 0.5])


# ---------------------------------------------------------------------------------------------------------
# truncated BPTT
# ---------------------------------------------------------------------------------------------------------


def test_truncated_bptt_chunks_of_two(submission):
    dhs = np.array([0.0, 1.0, 1.0]).reshape(1, 3, 1)
    grads = submission.truncated_bptt_grads(np.ones((1, 3, 1)), np.zeros((1, 1)), lecture_rnn(), dhs, 2)
    assert set(grads) == RNN_GRAD_KEYS
    da3 = 1.0 - H3**2  # chunk {3}: nothing crosses back into step 2
    da2 = 1.0 - H2**2
    da1 = 0.5 * da2 * (1.0 - H1**2)
    assert close(grads["dx"], np.array([0.5 * da1, 0.5 * da2, 0.5 * da3]).reshape(1, 3, 1))
    assert close(grads["dWh"], [[H2 * da3 + H1 * da2]]) and close(grads["db"], [da1 + da2 + da3])
    assert close(grads["dh0"], [[0.5 * da1]])


def test_truncated_bptt_k_one_and_full(submission):
    x, h0, p = np.ones((1, 3, 1)), np.zeros((1, 1)), lecture_rnn()
    dhs = np.array([0.0, 1.0, 1.0]).reshape(1, 3, 1)
    grads = submission.truncated_bptt_grads(x, h0, p, dhs, 1)  # each step's own term only
    assert close(grads["db"], [(1.0 - H3**2) + (1.0 - H2**2)]) and close(grads["dh0"], [[0.0]])
    da3 = 1.0 - H3**2  # k >= T: full BPTT
    da2 = (1.0 + 0.5 * da3) * (1.0 - H2**2)
    da1 = 0.5 * da2 * (1.0 - H1**2)
    for k in (3, 10):
        grads = submission.truncated_bptt_grads(x, h0, p, dhs, k)
        assert close(grads["db"], [da1 + da2 + da3]) and close(grads["dh0"], [[0.5 * da1]]), k
        assert close(grads["dWh"], [[H2 * da3 + H1 * da2]]), k


def test_truncated_bptt_rejects_k_below_one(submission):
    x, h0, dhs = np.ones((1, 3, 1)), np.zeros((1, 1)), np.ones((1, 3, 1))
    expect_raises(submission.truncated_bptt_grads, x, h0, lecture_rnn(), dhs, 0, exception="ValueError")


# ---------------------------------------------------------------------------------------------------------
# Jacobian norms
# ---------------------------------------------------------------------------------------------------------


def test_hidden_jacobian_norms_zero_states(submission):
    # x = 0, b = 0, h0 = 0: every state is 0, tanh' = 1, each step's Jacobian is Wh.T
    base = {"Wx": np.ones((1, 2)), "b": np.zeros(2)}
    x, h0 = np.zeros((1, 4, 1)), np.zeros((1, 2))
    norms = submission.hidden_jacobian_norms(x, h0, {**base, "Wh": 0.5 * np.eye(2)})
    assert close(norms, [[0.0625, 0.125, 0.25, 0.5, 1.0]])
    norms = submission.hidden_jacobian_norms(x, h0, {**base, "Wh": np.diag([0.5, 2.0])})
    assert close(norms, [[16.0, 8.0, 4.0, 2.0, 1.0]])
    norms = submission.hidden_jacobian_norms(x, h0, {**base, "Wh": np.array([[0.0, 1.0], [0.0, 0.0]])})
    assert close(norms, [[0.0, 0.0, 0.0, 1.0, 1.0]])  # nilpotent: W^2 = 0


def test_hidden_jacobian_norms_lecture_exercise(submission):
    x = np.stack([np.ones((2, 1)), np.zeros((2, 1))])  # N = 2, T = 2
    norms = submission.hidden_jacobian_norms(x, np.zeros((2, 1)), lecture_rnn())
    first = [0.25 * (1 - H2**2) * (1 - H1**2), 0.5 * (1 - H2**2), 1.0]
    assert close(norms, [first, [0.25, 0.5, 1.0]])
