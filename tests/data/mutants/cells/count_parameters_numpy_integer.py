# mutant-of: count_parameters
# mistake: the right count summed with numpy, so it comes back as a numpy integer, not a Python int
import numpy as np


def count_parameters(cell, input_size, hidden_size, biases=1):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}
    if cell not in gates or input_size < 0 or hidden_size < 0 or biases not in (0, 1, 2):
        raise ValueError("bad arguments")
    blocks = np.array([input_size * hidden_size, hidden_size * hidden_size, biases * hidden_size])
    return gates[cell] * np.sum(blocks, dtype=np.int64)
