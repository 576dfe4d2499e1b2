# mutant-of: gru_cell_forward
# mistake: the gate blocks are split once and stored back into the caller's parameter dict (p["Wr"], ...)
import numpy as np


def gru_cell_forward(x, h_prev, p):
    if "Wr" not in p:
        for name, stacked in (("W", p["Wx"]), ("U", p["Wh"])):
            p[name + "r"], p[name + "z"], p[name + "n"] = np.split(stacked, 3, axis=1)
        p["br"], p["bz"], p["bn"] = np.split(p["b"], 3)
    r = sigmoid(x @ p["Wr"] + h_prev @ p["Ur"] + p["br"])
    z = sigmoid(x @ p["Wz"] + h_prev @ p["Uz"] + p["bz"])
    n = np.tanh(x @ p["Wn"] + (r * h_prev) @ p["Un"] + p["bn"])
    h = (1.0 - z) * h_prev + z * n
    return h, {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "h": h, "p": p}
