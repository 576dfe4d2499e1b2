# mutant-of: rnn_cell_backward
# cascades-to: rnn_backward, many_to_one_loss, truncated_bptt_grads
# mistake: the derivative of tanh written as 1 - h instead of 1 - h**2
# misconception: rnn-tanh-derivative-one-minus-h
def rnn_cell_backward(dh, cache):
    p = cache["p"]
    da = dh * (1.0 - cache["h"])
    return {
        "dx": da @ p["Wx"].T,
        "dh_prev": da @ p["Wh"].T,
        "dWx": cache["x"].T @ da,
        "dWh": cache["h_prev"].T @ da,
        "db": da.sum(axis=0),
    }
