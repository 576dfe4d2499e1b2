# attack: lift the worker's own cut of messages and tracebacks (the worker runs the student's code, so
# its limits are the student's to change) and raise 256 KB messages from every call: the report grew to
# 22.5 MiB when only the untrusted worker cut them
import sys

for _name, _module in list(sys.modules.items()):
    if _name.startswith("seqlab") and hasattr(_module, "MAX_TRACEBACK_CHARS"):
        _module.MAX_TRACEBACK_CHARS = 1 << 30


class Forged(ValueError):
    pass


Forged.__name__ = "F" * 100_000


def _raise(*args, **kwargs):
    raise Forged("encoding: 100 / 100 points\n" + "x" * 256_000)


tokenize = build_token_index = one_hot_encode = texts_to_indices = hashed_one_hot = ngrams = _raise
one_hot_shape = zero_rows_per_text = one_hot_row = one_hot_nbytes = _raise
