"""Submissions that do nothing, made from the released stubs and the reference: they must earn nothing.

- ``raises-ValueError`` / ``raises-TypeError``: the stub with every ``raise NotImplementedError(...)`` turned
  into that exception (a function that "handles errors" by raising on everything);
- ``returns-None``: every stub body returns None;
- ``zeros``: every graded function returns zeros of exactly the documented shape, type and dtype (the
  reference's output with every number set to zero, every string emptied, every tensor zeroed): right
  shapes, no computation.
"""

from __future__ import annotations

import re

from .conftest import ROOT, reference_source

KINDS = ("raises-ValueError", "raises-TypeError", "returns-None", "zeros")
_STUB = re.compile(r"raise NotImplementedError\((?P<text>[^)]*)\)")

_ZEROED = '''

import types as _types

def _zeroed(value):
    """The same structure with nothing computed: zero numbers, empty strings, zero arrays and tensors."""
    if type(value).__module__.startswith("torch") and hasattr(value, "new_zeros"):
        return value.detach().new_zeros(value.shape)
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if isinstance(value, (bool, np.bool_)):
        return type(value)(False)
    if isinstance(value, (int, float, np.number)):
        return type(value)(0)
    if isinstance(value, str):
        return ""
    if isinstance(value, (list, tuple)):
        return type(value)(_zeroed(v) for v in value)
    if isinstance(value, dict):
        return {k: _zeroed(v) for k, v in value.items()}
    if isinstance(value, _types.GeneratorType):
        return (_zeroed(v) for v in value)
    return value


def _doing_nothing(name):
    def wrapper(*args, **kwargs):
        return _zeroed(_reference[name](*args, **kwargs))

    wrapper.__name__ = name
    return wrapper
'''


def stub_source(assignment: str) -> str:
    return (ROOT / "assignments" / assignment / f"{assignment}.py").read_text()


def graded_functions(assignment: str) -> list[str]:
    """The functions the stub leaves to the student (those that raise NotImplementedError)."""
    names = []
    for block in re.split(r"\ndef ", stub_source(assignment))[1:]:
        if _STUB.search(block):
            names.append(block.split("(", 1)[0])
    return names


def trivial_source(assignment: str, kind: str) -> str:
    """The submission of ``kind`` (see the module doc) for ``assignment``."""
    if kind == "zeros":  # the stub, whose functions return the zeroed output of a private reference copy
        reference = reference_source(assignment)
        private = f"_reference = {{'__name__': '_reference'}}\nexec({reference!r}, _reference)\n"
        wrapped = "\n".join(f"{f} = _doing_nothing({f!r})" for f in graded_functions(assignment))
        return stub_source(assignment) + _ZEROED + private + wrapped + "\n"
    if kind == "returns-None":
        return _STUB.sub("return None", stub_source(assignment))
    exception = kind.removeprefix("raises-")
    return _STUB.sub(lambda m: f"raise {exception}({m['text']})", stub_source(assignment))
