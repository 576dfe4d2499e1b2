"""Public tests for the cells assignment: small cases with answers you can check by hand.

Run them with ``pytest`` (or ``seqlab check``); each function's check cell in the notebook runs that
function's tests from this file. They compare the whole return value, caches included. Passing them is
necessary, not sufficient: the hidden tests compare every function with PyTorch on many random shapes and
values, run the torch functions on a GPU where there is one and check that they are batched.
"""

import math

import numpy as np
import pytest

from seqlab.testing import assert_returns, assert_tensor_matches, call_text

# The lecture's exercise (12.3.16): inputs 1, weights 0.5, tanh, no bias, zero initial state.
H1 = math.tanh(0.5)
H2 = math.tanh(0.5 + 0.5 * H1)
H3 = math.tanh(0.5 + 0.5 * H2)


def sig(a):
    """The logistic sigmoid 1 / (1 + exp(-a)), element-wise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def rows(*values):
    """A (1, H) array: one sample's state."""
    return np.array([values], dtype=float)


def sequence(*values):
    """A (1, T, 1) array: one sample, one feature per step."""
    return np.array(values, dtype=float).reshape(1, -1, 1)


def rnn_cache(x, h_prev, h, p):
    return {"x": x, "h_prev": h_prev, "h": h, "p": p}


def lstm_cache(x, h_prev, c_prev, i, f, g, o, c, h, p):
    """The LSTM cache; tanh_c = tanh(c)."""
    gates = {"i": i, "f": f, "g": g, "o": o}
    return {"x": x, "h_prev": h_prev, "c_prev": c_prev, **gates, "c": c, "tanh_c": np.tanh(c), "h": h, "p": p}


def gru_cache(x, h_prev, r, z, n, h, p):
    return {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "h": h, "p": p}


def lecture_rnn():
    return {"Wx": np.array([[0.5]]), "Wh": np.array([[0.5]]), "b": np.array([0.0])}


def accumulator_lstm():
    """i = f = o = 1 (saturated), g = tanh(x): C_t = C_{t-1} + tanh(x_t), h_t = tanh(C_t)."""
    return {
        "Wx": np.array([[0.0, 0.0, 1.0, 0.0]]),
        "Wh": np.zeros((1, 4)),
        "b": np.array([50.0, 50.0, 0.0, 50.0]),
    }


def zero_gru(hidden, inputs=1):
    """r = z = 1/2, n = 0: every step halves the state."""
    return {
        "Wx": np.zeros((inputs, 3 * hidden)),
        "Wh": np.zeros((hidden, 3 * hidden)),
        "b": np.zeros(3 * hidden),
    }


def reset_gru():
    """H = 2: r = [1, 0], z = [1, 1], Un swaps the units, so h' = n = tanh((r * h_prev) @ Un)."""
    un = np.array([[0.0, 1.0], [1.0, 0.0]])
    return {
        "Wx": np.zeros((1, 6)),
        "Wh": np.hstack([np.zeros((2, 4)), un]),
        "b": np.array([50.0, -50.0, 50.0, 50.0, 0.0, 0.0]),
    }


# sigma(50) is 1.0 and sigma(-50) is 0.0 to float64's precision: saturated gates are fully open or closed.
OPEN, CLOSED = 1.0, 0.0


# ---------------------------------------------------------------------------------------------------------
# the vanilla RNN
# ---------------------------------------------------------------------------------------------------------


def test_rnn_cell_zero_and_identity_weights(submission):
    """rnn_cell_forward with zero weights (h = 0) and with Wx = I, Wh = 0 (h = tanh(x))"""
    x = np.array([[1.0, -2.0], [3.0, 4.0]])
    zero = {"Wx": np.zeros((2, 3)), "Wh": np.zeros((3, 3)), "b": np.zeros(3)}
    h_prev, h = np.ones((2, 3)), np.zeros((2, 3))
    assert_returns(submission.rnn_cell_forward, x, h_prev, zero, expected=(h, rnn_cache(x, h_prev, h, zero)))
    identity = {"Wx": np.eye(2), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}
    h_prev, h = np.zeros((2, 2)), np.tanh(x)
    assert_returns(
        submission.rnn_cell_forward, x, h_prev, identity, expected=(h, rnn_cache(x, h_prev, h, identity))
    )


def test_rnn_cell_scalar_and_cache(submission):
    """rnn_cell_forward with scalar weights: h = tanh(0.5 * 1 + 0.5 * 1 + 0.1), and its cache"""
    p = {"Wx": np.array([[0.5]]), "Wh": np.array([[0.5]]), "b": np.array([0.1])}
    x, h_prev, h = rows(1.0), rows(1.0), rows(math.tanh(1.1))
    assert_returns(submission.rnn_cell_forward, x, h_prev, p, expected=(h, rnn_cache(x, h_prev, h, p)))


def test_rnn_forward_lecture_exercise(submission):
    """rnn_forward of the lecture's exercise: inputs 1, weights 0.5, h0 = 0 give tanh(0.5), ..."""
    x, h = sequence(1.0, 1.0, 1.0), sequence(H1, H2, H3)
    cache = rnn_cache(x, sequence(0.0, H1, H2), h, lecture_rnn())  # h_prev: the state entering each step
    assert_returns(submission.rnn_forward, x, np.zeros((1, 1)), lecture_rnn(), expected=(h, cache))


def test_rnn_forward_batch_rows_are_independent(submission):
    """rnn_forward of a batch of two sequences: the second one sees only zeros and stays at 0"""
    x = np.array([[[1.0], [1.0]], [[0.0], [0.0]]])
    h = np.array([[[H1], [H2]], [[0.0], [0.0]]])
    h_prev = np.array([[[0.0], [H1]], [[0.0], [0.0]]])
    cache = rnn_cache(x, h_prev, h, lecture_rnn())
    assert_returns(submission.rnn_forward, x, np.zeros((2, 1)), lecture_rnn(), expected=(h, cache))


# ---------------------------------------------------------------------------------------------------------
# the LSTM and the peephole LSTM
# ---------------------------------------------------------------------------------------------------------


def test_lstm_cell_zero_weights(submission):
    """lstm_cell_forward with zero weights: i = f = o = 1/2, g = 0, so c = c_prev / 2"""
    p = {"Wx": np.zeros((2, 8)), "Wh": np.zeros((2, 8)), "b": np.zeros(8)}
    x, h_prev, c_prev = rows(1.0, 2.0), rows(0.3, -0.7), rows(1.0, -2.0)
    half, zero = rows(0.5, 0.5), rows(0.0, 0.0)
    c = rows(0.5, -1.0)
    h = 0.5 * np.tanh(c)
    cache = lstm_cache(x, h_prev, c_prev, half, half, zero, half, c, h, p)
    assert_returns(submission.lstm_cell_forward, x, h_prev, c_prev, p, expected=(h, c, cache))


def test_lstm_cell_notes_example_forget_open_input_closed(submission):
    """lstm_cell_forward of the notes' example: forget gate open, input gate closed keep c = c_prev"""
    b = np.concatenate([np.full(3, -50.0), np.full(3, 50.0), np.full(3, 1.0), np.full(3, 50.0)])  # i f g o
    p = {"Wx": np.zeros((1, 12)), "Wh": np.zeros((3, 12)), "b": b}
    x, h_prev, c = np.ones((1, 1)), np.ones((1, 3)), rows(4.0, 5.0, 6.0)
    h = np.tanh(c)  # the output gate is open
    closed, opened, g = np.full((1, 3), CLOSED), np.full((1, 3), OPEN), np.full((1, 3), math.tanh(1.0))
    cache = lstm_cache(x, h_prev, c, closed, opened, g, opened, c, h, p)  # c_prev = c
    assert_returns(submission.lstm_cell_forward, x, h_prev, c, p, expected=(h, c, cache))


def test_lstm_cell_gate_order_scalar(submission):
    """lstm_cell_forward with H = 1 and Wx = [1, 2, 3, 4]: the gates in the order i, f, g, o"""
    p = {"Wx": np.array([[1.0, 2.0, 3.0, 4.0]]), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    x, h_prev, c_prev = rows(0.5), rows(9.0), rows(1.0)
    i, f, g, o = sig(0.5), sig(1.0), math.tanh(1.5), sig(2.0)
    c = rows(f * 1.0 + i * g)
    h = o * np.tanh(c)
    cache = lstm_cache(x, h_prev, c_prev, rows(i), rows(f), rows(g), rows(o), c, h, p)
    assert_returns(submission.lstm_cell_forward, x, h_prev, c_prev, p, expected=(h, c, cache))


def test_lstm_forward_accumulator(submission):
    """lstm_forward of an accumulator LSTM: c_t = c_{t-1} + tanh(x_t) from c = 0, h_t = tanh(c_t)"""
    x = sequence(0.5, 0.5, -1.0)
    c = np.cumsum(np.tanh(x), axis=1)
    h = np.tanh(c)
    ones = np.ones((1, 3, 1))
    h_prev = sequence(0.9, h[0, 0, 0], h[0, 1, 0])
    c_prev = sequence(0.0, c[0, 0, 0], c[0, 1, 0])
    p = accumulator_lstm()
    cache = lstm_cache(x, h_prev, c_prev, ones, ones, np.tanh(x), ones, c, h, p)
    assert_returns(submission.lstm_forward, x, rows(0.9), p, expected=(h, cache))


def test_peephole_lstm_cell(submission):
    """peephole_lstm_cell_forward: i and f peek at c_prev, o at the new c"""
    zeros = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    x, h_prev, c_prev = rows(0.3), rows(0.2), rows(1.0)
    p = {**zeros, "Pi": np.array([1.0]), "Pf": np.array([1.0]), "Po": np.array([1.0])}
    s = sig(1.0)  # i = f = sigma(1 * c_prev), g = tanh(0) = 0, so c = sigma(1)
    c = rows(s)
    o = rows(sig(s))  # the output gate sees the NEW cell state
    h = o * np.tanh(c)
    cache = lstm_cache(x, h_prev, c_prev, rows(s), rows(s), rows(0.0), o, c, h, p)
    assert_returns(submission.peephole_lstm_cell_forward, x, h_prev, c_prev, p, expected=(h, c, cache))
    p = {**zeros, "b": np.array([0.0, 0.0, 1.0, 0.0]), "Pi": np.array([0.0]), "Pf": np.array([2.0])}
    p["Po"] = np.array([-1.0])
    i, f, g = 0.5, sig(2.0), math.tanh(1.0)
    c = rows(f * 1.0 + i * g)
    o = sig(-c)
    h = o * np.tanh(c)
    cache = lstm_cache(x, h_prev, c_prev, rows(i), rows(f), rows(g), o, c, h, p)
    assert_returns(submission.peephole_lstm_cell_forward, x, h_prev, c_prev, p, expected=(h, c, cache))


# ---------------------------------------------------------------------------------------------------------
# the lecture's GRU
# ---------------------------------------------------------------------------------------------------------


def test_gru_cell_zero_weights_halve_the_state(submission):
    """gru_cell_forward with zero weights: r = z = 1/2, n = 0, so h = h_prev / 2"""
    p = zero_gru(2)
    x, h_prev, h = rows(3.0), rows(1.0, -2.0), rows(0.5, -1.0)
    half = rows(0.5, 0.5)
    cache = gru_cache(x, h_prev, half, half, rows(0.0, 0.0), h, p)
    assert_returns(submission.gru_cell_forward, x, h_prev, p, expected=(h, cache))


def test_gru_cell_closed_update_gate_keeps_the_state(submission):
    """gru_cell_forward with the update gate closed (z = 0) keeps h = h_prev"""
    p = {"Wx": np.ones((1, 3)), "Wh": np.ones((1, 3)), "b": np.array([0.0, -50.0, 0.0])}
    x, h_prev = rows(0.5), rows(0.25)
    r = sig(0.75)
    n = math.tanh(0.5 + r * 0.25)
    cache = gru_cache(x, h_prev, rows(r), rows(CLOSED), rows(n), h_prev, p)
    assert_returns(
        submission.gru_cell_forward, x, h_prev, p, expected=(h_prev, cache)
    )  # h = 1 * h_prev + 0 * n


def test_gru_cell_reset_before_the_hidden_product(submission):
    """gru_cell_forward applies the reset gate before the hidden product: n = tanh((r * h_prev) @ Un)"""
    p = reset_gru()
    x, h_prev = rows(0.0), rows(0.5, -1.0)
    h = rows(0.0, math.tanh(0.5))  # (r * h_prev) @ Un = [0.5, 0] @ Un = [0, 0.5], and z = 1: h = n
    cache = gru_cache(x, h_prev, rows(OPEN, CLOSED), rows(OPEN, OPEN), h, h, p)
    assert_returns(submission.gru_cell_forward, x, h_prev, p, expected=(h, cache))


def test_gru_cell_scalar(submission):
    """gru_cell_forward with H = 1: h = (1 - z) * h_prev + z * tanh(x Wn + (r * h_prev) Un)"""
    p = {"Wx": np.array([[1.0, 2.0, 3.0]]), "Wh": np.array([[0.5, -0.5, 1.0]]), "b": np.zeros(3)}
    x, h_prev = rows(0.5), rows(1.0)
    r, z = sig(0.5 + 0.5), sig(1.0 - 0.5)
    n = math.tanh(1.5 + r * 1.0)
    h = rows((1 - z) * 1.0 + z * n)
    cache = gru_cache(x, h_prev, rows(r), rows(z), rows(n), h, p)
    assert_returns(submission.gru_cell_forward, x, h_prev, p, expected=(h, cache))


def test_gru_forward(submission):
    """gru_forward with zero weights (the state halves every step) and with z = 1 (h_t = tanh(x_t))"""
    p = zero_gru(2)
    x, h0 = sequence(1.0, 1.0, 1.0), rows(1.0, -2.0)
    h = np.array([[[0.5, -1.0], [0.25, -0.5], [0.125, -0.25]]])
    h_prev = np.array([[[1.0, -2.0], [0.5, -1.0], [0.25, -0.5]]])
    half, zero = np.full((1, 3, 2), 0.5), np.zeros((1, 3, 2))
    assert_returns(
        submission.gru_forward, x, h0, p, expected=(h, gru_cache(x, h_prev, half, half, zero, h, p))
    )
    p = {"Wx": np.array([[0.0, 0.0, 1.0]]), "Wh": np.zeros((1, 3)), "b": np.array([0.0, 50.0, 0.0])}  # z = 1
    x = sequence(0.5, -1.0, 2.0)
    h = np.tanh(x)
    h_prev = sequence(7.0, h[0, 0, 0], h[0, 1, 0])
    cache = gru_cache(x, h_prev, np.full((1, 3, 1), 0.5), np.full((1, 3, 1), OPEN), h, h, p)
    assert_returns(submission.gru_forward, x, rows(7.0), p, expected=(h, cache))


# ---------------------------------------------------------------------------------------------------------
# bidirectional and stacked layers
# ---------------------------------------------------------------------------------------------------------


def test_bidirectional_rnn_stores_backward_states_at_their_step(submission):
    """bidirectional_forward of an RNN: the backward states are stored at the step they belong to"""
    p = {"Wx": np.array([[1.0]]), "Wh": np.array([[1.0]]), "b": np.array([0.0])}  # h_t = tanh(x_t + h_prev)
    t1 = math.tanh(1.0)
    t2 = math.tanh(t1)
    t3 = math.tanh(t2)
    # forwards nothing happens until x_2 = 1; backwards x_2 is read first
    expected = np.array([[[0.0, t3], [0.0, t2], [t1, t1]]])
    assert_returns(
        submission.bidirectional_forward,
        sequence(0.0, 0.0, 1.0),
        np.zeros((1, 1)),
        np.zeros((1, 1)),
        p,
        p,
        "rnn",
        expected=expected,
    )


def test_bidirectional_gru_and_lstm(submission):
    """bidirectional_forward of a GRU that halves its state and of an accumulator LSTM"""
    g = zero_gru(1)
    expected = np.array([[[0.5, 0.125], [0.25, 0.25], [0.125, 0.5]]])
    assert_returns(
        submission.bidirectional_forward,
        sequence(1.0, 1.0, 1.0),
        np.ones((1, 1)),
        np.ones((1, 1)),
        g,
        g,
        "gru",
        expected=expected,
    )
    p = accumulator_lstm()
    a, b = math.tanh(0.5), math.tanh(1.0)
    forward_c = [a, 2 * a, 2 * a - b]  # running sums from the left
    backward_c = [2 * a - b, a - b, -b]  # running sums from the right
    expected = np.tanh(np.array([forward_c, backward_c]).T[None])
    x = sequence(0.5, 0.5, -1.0)
    assert_returns(
        submission.bidirectional_forward,
        x,
        np.zeros((1, 1)),
        np.zeros((1, 1)),
        p,
        p,
        "lstm",
        expected=expected,
    )


def test_stacked_forward_two_rnn_layers(submission):
    """stacked_forward of two RNN layers (1 -> 2 -> 1 units): the second reads the first one's states"""
    x = sequence(0.5, 1.0)
    layer1 = {"Wx": np.array([[1.0, 2.0]]), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}
    layer2 = {"Wx": np.array([[1.0], [-1.0]]), "Wh": np.zeros((1, 1)), "b": np.zeros(1)}
    expected = sequence(
        math.tanh(math.tanh(0.5) - math.tanh(1.0)), math.tanh(math.tanh(1.0) - math.tanh(2.0))
    )
    assert_returns(
        submission.stacked_forward,
        x,
        [np.zeros((1, 2)), np.zeros((1, 1))],
        [layer1, layer2],
        "rnn",
        expected=expected,
    )


def test_stacked_forward_gru_layers_and_no_layers(submission):
    """stacked_forward of two halving GRU layers, and of no layers at all (the input itself)"""
    x = np.ones((1, 2, 1))
    assert_returns(
        submission.stacked_forward,
        x,
        [np.ones((1, 1)), np.ones((1, 1))],
        [zero_gru(1), zero_gru(1)],
        "gru",
        expected=sequence(0.5, 0.25),  # the top layer only sees its own halving state
    )
    assert_returns(submission.stacked_forward, x, [], [], "rnn", expected=x)


# ---------------------------------------------------------------------------------------------------------
# parameter counts
# ---------------------------------------------------------------------------------------------------------


def test_count_parameters(submission):
    """count_parameters of RNN, LSTM and GRU layers with 0, 1 and 2 bias vectors per gate"""
    assert_returns(submission.count_parameters, "rnn", 3, 5, expected=45)  # 15 + 25 + 5
    assert_returns(submission.count_parameters, "lstm", 3, 5, expected=180)
    assert_returns(submission.count_parameters, "gru", 3, 5, expected=135)
    assert_returns(submission.count_parameters, "lstm", 3, 5, biases=2, expected=200)  # PyTorch's layout
    assert_returns(
        submission.count_parameters, "gru", 3, 4, expected=96
    )  # the notes' GRU example: D = 3, H = 4
    assert_returns(submission.count_parameters, "gru", 3, 4, biases=2, expected=108)
    assert_returns(submission.count_parameters, "lstm", 3, 4, expected=128)  # one gate (3*4 + 4*4 + 4) more
    assert_returns(submission.count_parameters, "rnn", 3, 4, biases=0, expected=28)
    assert_returns(submission.count_parameters, "rnn", 8, 10, expected=190)  # the notes' complexity 190


def test_count_bidirectional_parameters(submission):
    """count_bidirectional_parameters: twice one direction's, e.g. the notes' 190 -> 380"""
    assert_returns(submission.count_bidirectional_parameters, "rnn", 8, 10, expected=380)
    assert_returns(submission.count_bidirectional_parameters, "lstm", 3, 4, expected=256)
    assert_returns(submission.count_bidirectional_parameters, "gru", 3, 4, biases=2, expected=216)


def test_concat_weight_shape(submission):
    """concat_weight_shape: the notes' W_C of 7 x 4 (D = 3, H = 4), and (2, 1) for D = H = 1"""
    assert_returns(submission.concat_weight_shape, 3, 4, expected=(7, 4))
    assert_returns(submission.concat_weight_shape, 1, 1, expected=(2, 1))


# ---------------------------------------------------------------------------------------------------------
# torch (run here on the CPU; the hidden tests also run them on a GPU where there is one)
# ---------------------------------------------------------------------------------------------------------


def tensors(params, torch, dtype):
    return {key: torch.tensor(value, dtype=dtype) for key, value in params.items()}


def assert_tensor_returns(function, *args, expected, dtype):
    """Call the student's torch ``function`` and check that it returns a CPU tensor of ``dtype`` and the
    values ``expected`` (within the precision of ``dtype``)."""
    value = function(*args)
    what = call_text(function.__name__, args, {})
    assert_tensor_matches(value, np.asarray(expected, dtype=float), what=what, device="cpu", dtype=dtype)


def test_rnn_forward_torch_lecture_exercise(submission):
    """rnn_forward_torch of the lecture's exercise in float64"""
    torch = pytest.importorskip("torch")
    assert_tensor_returns(
        submission.rnn_forward_torch,
        torch.ones(1, 3, 1, dtype=torch.float64),
        torch.zeros(1, 1, dtype=torch.float64),
        tensors(lecture_rnn(), torch, torch.float64),
        expected=sequence(H1, H2, H3),
        dtype=torch.float64,
    )


def test_rnn_forward_torch_keeps_float32_and_batch(submission):
    """rnn_forward_torch of a float32 batch of two sequences returns float32"""
    torch = pytest.importorskip("torch")
    assert_tensor_returns(
        submission.rnn_forward_torch,
        torch.tensor([[[1.0], [1.0]], [[0.0], [0.0]]]),
        torch.zeros(2, 1),
        tensors(lecture_rnn(), torch, torch.float32),
        expected=[[[H1], [H2]], [[0.0], [0.0]]],
        dtype=torch.float32,
    )


def test_lstm_forward_torch_accumulator(submission):
    """lstm_forward_torch of the accumulator LSTM in float32 and float64, one and two sequences"""
    torch = pytest.importorskip("torch")
    h = np.tanh(np.cumsum(np.tanh([0.5, 0.5, -1.0]))).reshape(1, 3, 1)
    x = torch.tensor([0.5, 0.5, -1.0]).reshape(1, 3, 1)
    p = tensors(accumulator_lstm(), torch, torch.float32)
    assert_tensor_returns(
        submission.lstm_forward_torch, x, torch.tensor([[0.9]]), p, expected=h, dtype=torch.float32
    )
    for dtype, h0 in ((torch.float64, 0.0), (torch.float64, 0.9), (torch.float32, 0.9)):
        assert_tensor_returns(
            submission.lstm_forward_torch,
            x.to(dtype).repeat(2, 1, 1),
            torch.full((2, 1), h0, dtype=dtype),
            tensors(accumulator_lstm(), torch, dtype),
            expected=np.concatenate([h, h]),
            dtype=dtype,
        )


def test_gru_forward_torch(submission):
    """gru_forward_torch with zero weights in float32 and with the reset gate before the product in float64"""
    torch = pytest.importorskip("torch")
    assert_tensor_returns(
        submission.gru_forward_torch,
        torch.ones(1, 3, 1),
        torch.tensor([[1.0, -2.0]]),
        tensors(zero_gru(2), torch, torch.float32),
        expected=[[[0.5, -1.0], [0.25, -0.5], [0.125, -0.25]]],
        dtype=torch.float32,
    )
    assert_tensor_returns(
        submission.gru_forward_torch,
        torch.zeros(1, 1, 1, dtype=torch.float64),
        torch.tensor([[0.5, -1.0]], dtype=torch.float64),
        tensors(reset_gru(), torch, torch.float64),
        expected=[[[0.0, math.tanh(0.5)]]],
        dtype=torch.float64,
    )
