"""Diagnosis: name the known mistake a failed test's outputs show, or nothing.

Diagnosis (:class:`Diagnoser`) happens in the grader after a test failed. The submission proxy keeps the
test's latest calls that returned (arguments and the student's output, see
:class:`seqlab.isolate.proxy.RecordedCall`). A misconception is the diagnosis of the failed test of function
``F`` when, for every recorded call of ``F`` whose output the reference disagrees with, the mistaken
reference's
``F`` returns the student's output (:func:`seqlab.testing.close_enough`), and no other misconception of the
catalogue does so too. Nothing of the reference's output is shown: a hint is the catalogue's fixed text.
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Sequence
from types import ModuleType, SimpleNamespace
from typing import Any

from seqlab.errors import CourseError
from seqlab.hints.catalogue import Catalogue, Misconception
from seqlab.testing import close_enough

__all__ = ["NOT_COMPARABLE", "Ask", "Diagnoser", "mistaken_reference"]


def mistaken_reference(reference: ModuleType, function: str, mistake: Callable[..., Any]) -> SimpleNamespace:
    """The reference's names, with ``function`` replaced by ``mistake(ref, ...)``, where ``ref`` is this
    namespace, and every function defined in the reference rebuilt to look names up here (so callers of
    ``function`` call the mistake); ``correct`` is the untouched reference.

    Raises:
        CourseError: when the reference itself defines ``correct``.
    """
    if hasattr(reference, "correct"):
        raise CourseError(f"{reference.__name__} defines `correct`, the name mistakes use for the reference")
    names: dict[str, Any] = dict(vars(reference))
    namespace = SimpleNamespace()
    for name, value in list(names.items()):
        if isinstance(value, types.FunctionType) and value.__module__ == reference.__name__:
            rebuilt = types.FunctionType(
                value.__code__, names, value.__name__, value.__defaults__, value.__closure__
            )
            rebuilt.__kwdefaults__ = value.__kwdefaults__
            names[name] = rebuilt

    def mistaken(*args: Any, **kwargs: Any) -> Any:
        return mistake(namespace, *args, **kwargs)

    mistaken.__name__ = function
    names[function] = mistaken
    namespace.__dict__.update(names)
    namespace.correct = reference
    return namespace


#: Asks the student's function for its output on an input: ``ask(function, args, kwargs)`` returns the
#: value, :data:`NOT_COMPARABLE` (an iterator) or raises :class:`LookupError` (the call failed).
Ask = Callable[[str, tuple[Any, ...], dict[str, Any]], Any]
NOT_COMPARABLE = object()


class Diagnoser:
    """Names the misconception behind a failed test, from the calls the test made and the catalogue's
    probes (see the module doc and :meth:`diagnose`)."""

    def __init__(self, catalogue: Catalogue, reference: ModuleType) -> None:
        self.catalogue = catalogue
        self.reference = reference
        self._mistaken = {
            (m.key, index): mistaken_reference(reference, m.function, form)
            for m in catalogue.misconceptions
            for index, form in enumerate(catalogue.implementations(m.key))
        }
        self._asked: dict[tuple[str, int], Any] = {}  # (function, probe index) -> the student's output

    def _output(self, namespace: Any, function: str, args: tuple, kwargs: dict, items: int | None) -> Any:
        """What ``namespace``'s ``function`` returns for the input, as the catalogue observes it."""
        value = getattr(namespace, function)(*args, **kwargs)
        if items is not None:
            value = list(itertools.islice(value, items))
        return self.catalogue.observe(function, value)

    def forms(self, key: str) -> list[Any]:
        """The mistaken references of every form of misconception ``key``."""
        return [namespace for (k, _), namespace in self._mistaken.items() if k == key]

    def predict(self, namespace: Any, function: str, args: tuple, kwargs: dict, items: int | None) -> Any:
        """``namespace``'s observed output for the input (``items`` of an iterator), or NOT_COMPARABLE."""
        try:
            return self._output(namespace, function, args, kwargs, items)
        except Exception:  # the mistake does not apply to these inputs (a shape it cannot take, ...)
            return NOT_COMPARABLE

    @staticmethod
    def agree(a: Any, b: Any) -> bool:
        """Whether two observed outputs are the same within tolerance (NOT_COMPARABLE agrees with nothing)."""
        return a is not NOT_COMPARABLE and b is not NOT_COMPARABLE and close_enough(a, b)

    def diagnose(self, function: str, calls: Sequence[Any], ask: Ask | None = None) -> Misconception | None:
        """The misconception the failed test's outputs of ``function`` show, or None.

        A candidate is a misconception one of whose forms returns the student's output for every recorded
        call of ``function`` whose output the reference disagrees with; there must be exactly one. It is
        named only when the evidence discriminates: on every probe of the catalogue where the candidate's
        output is wrong (the student's output comes from ``ask``), the student's output is the candidate's;
        and on at least one input, recorded or probed, the student's output is the candidate's and differs
        from the reference's and from every other misconception's of the function. Shrunk inputs on which
        several mistakes coincide (a one-column index, a kernel whose rows are equal) name nothing alone.
        """
        wrong: list[tuple[tuple[Any, ...], dict[str, Any], int | None, Any]] = []
        for call in calls:
            if call.function != function or not hasattr(self.reference, function):
                continue
            items = len(call.value) if call.iterator else None
            try:
                student = self.catalogue.observe(function, call.value)
                expected = self._output(self.reference, function, call.args, call.kwargs, items)
            except Exception:  # an output the catalogue cannot read: nothing to diagnose from it
                continue
            if not close_enough(student, expected):
                wrong.append((call.args, call.kwargs, items, student))
        if not wrong:
            return None
        applicable = [m for m in self.catalogue.misconceptions if m.cascades or m.function == function]
        candidates = [m for m in applicable if self._explains_all(m, function, wrong)]
        if len(candidates) != 1:
            return None
        (candidate,) = candidates
        evidence = list(wrong)
        for index, (args, kwargs) in enumerate(self.catalogue.probes.get(function, ())):
            student = self._ask(ask, function, index, args, kwargs)
            if student is not NOT_COMPARABLE:
                evidence.append((args, kwargs, None, student))
        others = [namespace for m in applicable if m is not candidate for namespace in self.forms(m.key)]
        discriminated = False
        for args, kwargs, items, student in evidence:
            expected = self.predict(self.reference, function, args, kwargs, items)
            predicted = [
                p
                for form in self.forms(candidate.key)
                if (p := self.predict(form, function, args, kwargs, items)) is not NOT_COMPARABLE
            ]
            matches = any(self.agree(student, p) for p in predicted)
            if not matches and any(not self.agree(p, expected) for p in predicted):
                return None  # the mistake gives a wrong output here, and the student's is another
            if (
                matches
                and not self.agree(student, expected)
                and not any(
                    self.agree(student, self.predict(o, function, args, kwargs, items)) for o in others
                )
            ):
                discriminated = True
        return candidate if discriminated else None

    def _explains_all(self, misconception: Misconception, function: str, wrong: list) -> bool:
        """Whether one form of the misconception returns the student's output for every wrong call."""
        return any(
            all(self.agree(student, self.predict(form, function, a, k, n)) for a, k, n, student in wrong)
            for form in self.forms(misconception.key)
        )

    def _ask(self, ask: Ask | None, function: str, index: int, args: tuple, kwargs: dict) -> Any:
        """The student's observed output for probe ``index`` of ``function`` (asked once per grading)."""
        if ask is None:
            return NOT_COMPARABLE
        if (function, index) not in self._asked:
            try:
                value = ask(function, args, kwargs)
                observed = value if value is NOT_COMPARABLE else self.catalogue.observe(function, value)
            except LookupError:
                observed = _FAILED
            except Exception:  # an output the catalogue cannot read
                observed = NOT_COMPARABLE
            self._asked[function, index] = observed
        return self._asked[function, index]


#: The student's function failed on a probe (raised, hung): it does not show the candidate mistake there.
_FAILED = object()
