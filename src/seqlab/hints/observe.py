"""What of a function's return value known mistakes are compared on, declared as data.

A catalogue (:class:`seqlab.hints.catalogue.Catalogue`) compares a student's output with each mistake's
after ``observe(function, value)``. Declared as an :class:`Observe`, the rule is plain data that
``seqlab release`` writes into the public hints (:mod:`seqlab.hints.public`), so the public checks on a
student's machine, which have no grader code, observe the student's output exactly as the grader does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["EVERY_FUNCTION", "Observe"]

#: In a list of functions: every function.
EVERY_FUNCTION = "*"


def _applies(functions: tuple[str, ...], function: str) -> bool:
    return function in functions or EVERY_FUNCTION in functions


@dataclass(frozen=True)
class Observe:
    """The parts of return values compared, per function (each rule applies to the functions it names,
    ``"*"`` for all; with no rule the whole value is compared).

    Attributes:
        without_cache: a returned tuple or list whose last item is a dict (a cache of intermediates) is
            compared without that dict.
        empty_alike: in a returned tuple or list, every empty array is the same empty array (a window
            count one off must not pass for another mistake through the shape of nothing).
        with_float_flag: the value is compared together with whether it is a float (an ``int`` size
            returned as ``float`` is its own mistake).
        keys: function -> the keys of a returned dict that are compared (of the value, or of the last item of
            a returned tuple or list).
    """

    without_cache: tuple[str, ...] = ()
    empty_alike: tuple[str, ...] = ()
    with_float_flag: tuple[str, ...] = ()
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __call__(self, function: str, value: Any) -> Any:
        sequence = isinstance(value, tuple | list)
        if _applies(self.without_cache, function) and sequence and value and isinstance(value[-1], dict):
            value, sequence = tuple(value[:-1]), True
        if _applies(self.empty_alike, function) and sequence:
            value = tuple(np.empty(0) if isinstance(v, np.ndarray) and v.size == 0 else v for v in value)
        names = self.keys.get(function)
        if names is not None:
            if isinstance(value, Mapping):
                value = _picked(value, names)
            elif sequence and value and isinstance(value[-1], Mapping):
                value = (*value[:-1], _picked(value[-1], names))
        if _applies(self.with_float_flag, function):
            value = (value, isinstance(value, float | np.floating))
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists and dicts of strings) that :meth:`from_dict` reads back."""
        return {
            "without_cache": list(self.without_cache),
            "empty_alike": list(self.empty_alike),
            "with_float_flag": list(self.with_float_flag),
            "keys": {function: list(names) for function, names in sorted(self.keys.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observe:
        """The rules :meth:`to_dict` wrote (what a release's public hints carry)."""
        return cls(
            without_cache=tuple(str(f) for f in data.get("without_cache", ())),
            empty_alike=tuple(str(f) for f in data.get("empty_alike", ())),
            with_float_flag=tuple(str(f) for f in data.get("with_float_flag", ())),
            keys={str(f): tuple(str(n) for n in names) for f, names in dict(data.get("keys", {})).items()},
        )


def _picked(grads: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: grads[name] for name in names if name in grads}
