# mutant-of: lstm_cell_backward
# cascades-to: lstm_backward
# mistake: the cell state's gradient forgets the path through h = o * tanh(c) (dc_all = dc)
# misconception: lstm-cell-state-misses-the-tanh-path
import numpy as np


def lstm_cell_backward(dh, dc, cache):
    i, f, g, o, tanh_c = (cache[key] for key in ("i", "f", "g", "o", "tanh_c"))
    p = cache["p"]
    dc_all = dc
    da = np.concatenate(
        [
            dc_all * g * i * (1 - i),
            dc_all * cache["c_prev"] * f * (1 - f),
            dc_all * i * (1 - g**2),
            dh * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    return {
        "dx": da @ p["Wx"].T,
        "dh_prev": da @ p["Wh"].T,
        "dc_prev": dc_all * f,
        "dWx": cache["x"].T @ da,
        "dWh": cache["h_prev"].T @ da,
        "db": da.sum(axis=0),
    }
