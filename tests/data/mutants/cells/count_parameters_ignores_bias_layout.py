# mutant-of: count_parameters
# cascades-to: count_bidirectional_parameters
# mistake: always one bias per gate, whatever `biases` says (PyTorch's two-bias layout counted wrong)
# misconception: count-parameters-one-bias-always
def count_parameters(cell, input_size, hidden_size, biases=1):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}
    if cell not in gates or input_size < 0 or hidden_size < 0 or biases not in (0, 1, 2):
        raise ValueError("bad arguments")
    return gates[cell] * (input_size * hidden_size + hidden_size * hidden_size + hidden_size)
