"""Public tests for the cells assignment: small cases with answers you can check by hand.

Run them with ``pytest`` (or ``seqlab check``). Passing them is necessary, not sufficient: the hidden tests
compare every function with PyTorch on many random shapes and values, check the caches in full, run the
torch functions on a GPU where there is one and check that they are batched.
"""

import math

import numpy as np
import pytest

LSTM_KEYS = {"x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c", "h", "p"}
GRU_KEYS = {"x", "h_prev", "r", "z", "n", "h", "p"}
# The lecture's exercise (12.3.16): inputs 1, weights 0.5, tanh, no bias, zero initial state.
H1 = math.tanh(0.5)
H2 = math.tanh(0.5 + 0.5 * H1)
H3 = math.tanh(0.5 + 0.5 * H2)


def sig(a):
    return 1.0 / (1.0 + math.exp(-a))


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


# ---------------------------------------------------------------------------------------------------------
# the vanilla RNN
# ---------------------------------------------------------------------------------------------------------


def test_rnn_cell_zero_and_identity_weights(submission):
    x = np.array([[1.0, -2.0], [3.0, 4.0]])
    zero = {"Wx": np.zeros((2, 3)), "Wh": np.zeros((3, 3)), "b": np.zeros(3)}
    h, _ = submission.rnn_cell_forward(x, np.ones((2, 3)), zero)
    assert np.shape(h) == (2, 3) and np.allclose(h, 0.0)
    identity = {"Wx": np.eye(2), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}
    h, _ = submission.rnn_cell_forward(x, np.zeros((2, 2)), identity)
    assert np.allclose(h, np.tanh(x))


def test_rnn_cell_scalar_and_cache(submission):
    p = {"Wx": np.array([[0.5]]), "Wh": np.array([[0.5]]), "b": np.array([0.1])}
    h, cache = submission.rnn_cell_forward(np.array([[1.0]]), np.array([[1.0]]), p)
    assert np.allclose(h, [[math.tanh(1.1)]])
    assert set(cache) == {"x", "h_prev", "h", "p"}
    assert np.allclose(cache["x"], [[1.0]]) and np.allclose(cache["h_prev"], [[1.0]])
    assert np.allclose(cache["h"], h) and np.allclose(cache["p"]["b"], [0.1])


def test_rnn_forward_lecture_exercise(submission):
    h, cache = submission.rnn_forward(np.ones((1, 3, 1)), np.zeros((1, 1)), lecture_rnn())
    assert np.shape(h) == (1, 3, 1)
    assert np.allclose(h[0, :, 0], [H1, H2, H3])
    assert set(cache) == {"x", "h_prev", "h", "p"}
    assert np.shape(cache["x"]) == (1, 3, 1) and np.allclose(cache["h_prev"][0, :, 0], [0.0, H1, H2])
    assert np.allclose(cache["h"], h)


def test_rnn_forward_batch_rows_are_independent(submission):
    x = np.array([[[1.0], [1.0]], [[0.0], [0.0]]])
    h, _ = submission.rnn_forward(x, np.zeros((2, 1)), lecture_rnn())
    assert np.allclose(h, [[[H1], [H2]], [[0.0], [0.0]]])


# ---------------------------------------------------------------------------------------------------------
# the LSTM and the peephole LSTM
# ---------------------------------------------------------------------------------------------------------


def test_lstm_cell_zero_weights(submission):
    p = {"Wx": np.zeros((2, 8)), "Wh": np.zeros((2, 8)), "b": np.zeros(8)}
    h, c, cache = submission.lstm_cell_forward(
        np.array([[1.0, 2.0]]), np.array([[0.3, -0.7]]), np.array([[1.0, -2.0]]), p
    )
    assert np.allclose(c, [[0.5, -1.0]])  # i = f = o = 1/2, g = 0
    assert np.allclose(h, [[0.5 * math.tanh(0.5), 0.5 * math.tanh(-1.0)]])
    assert set(cache) == LSTM_KEYS
    for gate in ("i", "f", "o"):
        assert np.allclose(cache[gate], 0.5)
    assert np.allclose(cache["g"], 0.0) and np.allclose(cache["c_prev"], [[1.0, -2.0]])


def test_lstm_cell_notes_example_forget_open_input_closed(submission):
    b = np.concatenate([np.full(3, -50.0), np.full(3, 50.0), np.full(3, 1.0), np.full(3, 50.0)])  # i f g o
    p = {"Wx": np.zeros((1, 12)), "Wh": np.zeros((3, 12)), "b": b}
    h, c, _ = submission.lstm_cell_forward(np.ones((1, 1)), np.ones((1, 3)), np.array([[4.0, 5.0, 6.0]]), p)
    assert np.allclose(c, [[4.0, 5.0, 6.0]])
    assert np.allclose(h, [[math.tanh(4.0), math.tanh(5.0), math.tanh(6.0)]])


def test_lstm_cell_gate_order_scalar(submission):
    p = {"Wx": np.array([[1.0, 2.0, 3.0, 4.0]]), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    h, c, cache = submission.lstm_cell_forward(np.array([[0.5]]), np.array([[9.0]]), np.array([[1.0]]), p)
    i, f, g, o = sig(0.5), sig(1.0), math.tanh(1.5), sig(2.0)
    assert np.allclose(c, [[f + i * g]])
    assert np.allclose(h, [[o * math.tanh(f + i * g)]])
    assert np.allclose([cache["i"][0, 0], cache["f"][0, 0], cache["g"][0, 0], cache["o"][0, 0]], [i, f, g, o])
    assert np.allclose(cache["tanh_c"], [[math.tanh(f + i * g)]])


def test_lstm_forward_accumulator(submission):
    x = np.array([0.5, 0.5, -1.0]).reshape(1, 3, 1)
    h, cache = submission.lstm_forward(x, np.array([[0.9]]), accumulator_lstm())
    c = [math.tanh(0.5), 2 * math.tanh(0.5), 2 * math.tanh(0.5) - math.tanh(1.0)]
    assert np.shape(h) == (1, 3, 1)
    assert np.allclose(h[0, :, 0], np.tanh(c))
    assert set(cache) == LSTM_KEYS
    assert np.allclose(cache["c"][0, :, 0], c) and np.allclose(cache["c_prev"][0, :, 0], [0.0, c[0], c[1]])
    assert np.allclose(cache["h_prev"][0, :, 0], [0.9, math.tanh(c[0]), math.tanh(c[1])])


def test_peephole_lstm_cell(submission):
    zeros = {"Wx": np.zeros((1, 4)), "Wh": np.zeros((1, 4)), "b": np.zeros(4)}
    p = {**zeros, "Pi": np.array([1.0]), "Pf": np.array([1.0]), "Po": np.array([1.0])}
    h, c, cache = submission.peephole_lstm_cell_forward(
        np.array([[0.3]]), np.array([[0.2]]), np.array([[1.0]]), p
    )
    s = sig(1.0)
    assert np.allclose(c, [[s]]) and np.allclose(h, [[sig(s) * math.tanh(s)]])
    assert set(cache) == LSTM_KEYS
    p = {**zeros, "b": np.array([0.0, 0.0, 1.0, 0.0]), "Pi": np.array([0.0]), "Pf": np.array([2.0])}
    p["Po"] = np.array([-1.0])
    h, c, _ = submission.peephole_lstm_cell_forward(
        np.array([[0.3]]), np.array([[0.2]]), np.array([[1.0]]), p
    )
    c_new = sig(2.0) + 0.5 * math.tanh(1.0)
    assert np.allclose(c, [[c_new]]) and np.allclose(h, [[sig(-c_new) * math.tanh(c_new)]])


# ---------------------------------------------------------------------------------------------------------
# the lecture's GRU
# ---------------------------------------------------------------------------------------------------------


def test_gru_cell_zero_weights_halve_the_state(submission):
    h, cache = submission.gru_cell_forward(np.array([[3.0]]), np.array([[1.0, -2.0]]), zero_gru(2))
    assert np.shape(h) == (1, 2) and np.allclose(h, [[0.5, -1.0]])
    assert set(cache) == GRU_KEYS
    assert np.allclose(cache["r"], 0.5) and np.allclose(cache["z"], 0.5) and np.allclose(cache["n"], 0.0)


def test_gru_cell_closed_update_gate_keeps_the_state(submission):
    p = {"Wx": np.ones((1, 3)), "Wh": np.ones((1, 3)), "b": np.array([0.0, -50.0, 0.0])}
    h, _ = submission.gru_cell_forward(np.array([[0.5]]), np.array([[0.25]]), p)
    assert np.allclose(h, [[0.25]])  # the lecture's h = (1 - z) h_prev + z n with z = 0


def test_gru_cell_reset_before_the_hidden_product(submission):
    h, _ = submission.gru_cell_forward(np.array([[0.0]]), np.array([[0.5, -1.0]]), reset_gru())
    assert np.allclose(h, [[0.0, math.tanh(0.5)]])


def test_gru_cell_scalar(submission):
    p = {"Wx": np.array([[1.0, 2.0, 3.0]]), "Wh": np.array([[0.5, -0.5, 1.0]]), "b": np.zeros(3)}
    h, cache = submission.gru_cell_forward(np.array([[0.5]]), np.array([[1.0]]), p)
    r, z = sig(1.0), sig(0.5)
    n = math.tanh(1.5 + r)
    assert np.allclose(h, [[(1 - z) + z * n]])
    assert np.allclose([cache["r"][0, 0], cache["z"][0, 0], cache["n"][0, 0]], [r, z, n])


def test_gru_forward(submission):
    h, cache = submission.gru_forward(np.ones((1, 3, 1)), np.array([[1.0, -2.0]]), zero_gru(2))
    assert np.shape(h) == (1, 3, 2)
    assert np.allclose(h[0], [[0.5, -1.0], [0.25, -0.5], [0.125, -0.25]])
    assert set(cache) == GRU_KEYS
    assert np.allclose(cache["h_prev"][0], [[1.0, -2.0], [0.5, -1.0], [0.25, -0.5]])
    p = {"Wx": np.array([[0.0, 0.0, 1.0]]), "Wh": np.zeros((1, 3)), "b": np.array([0.0, 50.0, 0.0])}  # z = 1
    h, _ = submission.gru_forward(np.array([0.5, -1.0, 2.0]).reshape(1, 3, 1), np.array([[7.0]]), p)
    assert np.allclose(h[0, :, 0], [math.tanh(0.5), math.tanh(-1.0), math.tanh(2.0)])


# ---------------------------------------------------------------------------------------------------------
# bidirectional and stacked layers
# ---------------------------------------------------------------------------------------------------------


def test_bidirectional_rnn_stores_backward_states_at_their_step(submission):
    p = {"Wx": np.array([[1.0]]), "Wh": np.array([[1.0]]), "b": np.array([0.0])}
    x = np.array([0.0, 0.0, 1.0]).reshape(1, 3, 1)
    out = submission.bidirectional_forward(x, np.zeros((1, 1)), np.zeros((1, 1)), p, p, "rnn")
    t1 = math.tanh(1.0)
    t2 = math.tanh(t1)
    t3 = math.tanh(t2)
    assert np.shape(out) == (1, 3, 2)
    assert np.allclose(out[0], [[0.0, t3], [0.0, t2], [t1, t1]])


def test_bidirectional_gru_and_lstm(submission):
    g = zero_gru(1)
    out = submission.bidirectional_forward(np.ones((1, 3, 1)), np.ones((1, 1)), np.ones((1, 1)), g, g, "gru")
    assert np.allclose(out[0], [[0.5, 0.125], [0.25, 0.25], [0.125, 0.5]])
    p = accumulator_lstm()
    x = np.array([0.5, 0.5, -1.0]).reshape(1, 3, 1)
    out = submission.bidirectional_forward(x, np.zeros((1, 1)), np.zeros((1, 1)), p, p, "lstm")
    a, b = math.tanh(0.5), math.tanh(1.0)
    forward_c = [a, 2 * a, 2 * a - b]  # running sums from the left
    backward_c = [2 * a - b, a - b, -b]  # running sums from the right
    assert np.shape(out) == (1, 3, 2)
    assert np.allclose(out[0, :, 0], np.tanh(forward_c)) and np.allclose(out[0, :, 1], np.tanh(backward_c))


def test_stacked_forward_two_rnn_layers(submission):
    x = np.array([0.5, 1.0]).reshape(1, 2, 1)
    layer1 = {"Wx": np.array([[1.0, 2.0]]), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}
    layer2 = {"Wx": np.array([[1.0], [-1.0]]), "Wh": np.zeros((1, 1)), "b": np.zeros(1)}
    out = submission.stacked_forward(x, [np.zeros((1, 2)), np.zeros((1, 1))], [layer1, layer2], "rnn")
    assert np.shape(out) == (1, 2, 1)
    expected = [math.tanh(math.tanh(0.5) - math.tanh(1.0)), math.tanh(math.tanh(1.0) - math.tanh(2.0))]
    assert np.allclose(out[0, :, 0], expected)


def test_stacked_forward_gru_layers_and_no_layers(submission):
    x = np.ones((1, 2, 1))
    out = submission.stacked_forward(x, [np.ones((1, 1)), np.ones((1, 1))], [zero_gru(1), zero_gru(1)], "gru")
    assert np.allclose(out[0, :, 0], [0.5, 0.25])  # the top layer only sees its own halving state
    assert np.array_equal(submission.stacked_forward(x, [], [], "rnn"), x)


# ---------------------------------------------------------------------------------------------------------
# parameter counts
# ---------------------------------------------------------------------------------------------------------


def test_count_parameters(submission):
    assert submission.count_parameters("rnn", 3, 5) == 45
    assert submission.count_parameters("lstm", 3, 5) == 180
    assert submission.count_parameters("gru", 3, 5) == 135
    assert submission.count_parameters("lstm", 3, 5, biases=2) == 200
    assert submission.count_parameters("gru", 3, 4) == 96  # the notes' GRU example: D = 3, H = 4
    assert submission.count_parameters("gru", 3, 4, biases=2) == 108
    assert submission.count_parameters("rnn", 3, 4, biases=0) == 28


def test_count_bidirectional_parameters(submission):
    assert submission.count_bidirectional_parameters("rnn", 8, 10) == 380  # the notes' 190 -> 380
    assert submission.count_bidirectional_parameters("lstm", 3, 4) == 256
    assert submission.count_bidirectional_parameters("gru", 3, 4, biases=2) == 216


def test_concat_weight_shape(submission):
    assert tuple(submission.concat_weight_shape(3, 4)) == (7, 4)  # the notes' W_C (7 x 4)
    assert tuple(submission.concat_weight_shape(1, 1)) == (2, 1)


# ---------------------------------------------------------------------------------------------------------
# torch (run here on the CPU; the hidden tests also run them on a GPU where there is one)
# ---------------------------------------------------------------------------------------------------------


def tensors(params, torch, dtype):
    return {key: torch.tensor(value, dtype=dtype) for key, value in params.items()}


def as_numpy(tensor):
    return tensor.detach().cpu().double().numpy()


def test_rnn_forward_torch_lecture_exercise(submission):
    torch = pytest.importorskip("torch")
    x = torch.ones(1, 3, 1, dtype=torch.float64)
    h = submission.rnn_forward_torch(
        x, torch.zeros(1, 1, dtype=torch.float64), tensors(lecture_rnn(), torch, torch.float64)
    )
    assert isinstance(h, torch.Tensor) and tuple(h.shape) == (1, 3, 1)
    assert h.dtype == torch.float64 and h.device.type == "cpu"
    assert np.allclose(as_numpy(h)[0, :, 0], [H1, H2, H3])


def test_rnn_forward_torch_keeps_float32_and_batch(submission):
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[1.0], [1.0]], [[0.0], [0.0]]])
    h = submission.rnn_forward_torch(x, torch.zeros(2, 1), tensors(lecture_rnn(), torch, torch.float32))
    assert isinstance(h, torch.Tensor) and h.dtype == torch.float32
    assert np.allclose(as_numpy(h), [[[H1], [H2]], [[0.0], [0.0]]], atol=1e-6)


def test_lstm_forward_torch_accumulator(submission):
    torch = pytest.importorskip("torch")
    for dtype, atol in ((torch.float64, 1e-12), (torch.float32, 1e-6)):
        x = torch.tensor([0.5, 0.5, -1.0], dtype=dtype).reshape(1, 3, 1).repeat(2, 1, 1)
        h = submission.lstm_forward_torch(
            x, torch.full((2, 1), 0.9, dtype=dtype), tensors(accumulator_lstm(), torch, dtype)
        )
        assert isinstance(h, torch.Tensor) and tuple(h.shape) == (2, 3, 1) and h.dtype == dtype
        c = np.cumsum(np.tanh([0.5, 0.5, -1.0]))
        assert np.allclose(as_numpy(h)[:, :, 0], [np.tanh(c), np.tanh(c)], atol=atol)


def test_gru_forward_torch(submission):
    torch = pytest.importorskip("torch")
    h = submission.gru_forward_torch(
        torch.ones(1, 3, 1), torch.tensor([[1.0, -2.0]]), tensors(zero_gru(2), torch, torch.float32)
    )
    assert isinstance(h, torch.Tensor) and tuple(h.shape) == (1, 3, 2) and h.dtype == torch.float32
    assert np.allclose(as_numpy(h)[0], [[0.5, -1.0], [0.25, -0.5], [0.125, -0.25]])
    x = torch.zeros(1, 1, 1, dtype=torch.float64)
    h0 = torch.tensor([[0.5, -1.0]], dtype=torch.float64)
    h = submission.gru_forward_torch(x, h0, tensors(reset_gru(), torch, torch.float64))
    assert h.dtype == torch.float64 and np.allclose(as_numpy(h)[0, 0], [0.0, math.tanh(0.5)])
