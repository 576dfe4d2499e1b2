"""Known misconceptions: when a function fails, name the mistake its outputs show.

Each assignment of a course may ship a catalogue, ``grader/<id>/misconceptions.py``, that defines
``catalogue``, a :class:`Catalogue`. Every :class:`Misconception` in it is a mistake students make in one
function, implemented in trusted grader code::

    catalogue = Catalogue("cells", observe=Observe(without_cache=("*",)))

    @catalogue.mistake(
        "rnn-sigmoid",
        "rnn_cell_forward",
        title="an RNN cell with a sigmoid activation",
        explanation="h_t = tanh(x_t W_x + h_{t-1} W_h + b) ...",
        where="cells notebook, section 1 (The RNN cell)",
    )
    def _(ref, x, h_prev, p):
        h = ref.sigmoid(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"])
        return h, {...}

The mistake receives ``ref``, the reference solution in which ``function`` *is* this mistake: every reference
function that calls it (a layer that runs the cell, a bidirectional layer that runs the layer) calls the
mistaken one, so a mistake in a cell is also recognised in the layers built on it.
``ref.<function>`` is the mistake itself; ``ref.correct`` is the untouched reference, for a mistake that
is the right function applied to altered arguments (``ref.correct.conv2d_forward(x, w, 0 * b)``: a layer
that forgets its biases). Mistakes receive the test's own argument objects and must not modify them.

Diagnosis (:class:`Diagnoser`) happens in the grader after a test failed. The submission proxy keeps the
test's latest calls that returned (arguments and the student's output, see
:class:`seqlab.proxy.RecordedCall`). A misconception is the diagnosis of the failed test of function ``F``
when, for every recorded call of ``F`` whose output the reference disagrees with, the mistaken reference's
``F`` returns the student's output (:func:`seqlab.testing.close_enough`), and no other misconception of the
catalogue does so too. Nothing of the reference's output is shown: a hint is the catalogue's fixed text.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from seqlab.errors import CourseError
from seqlab.testing import close_enough

__all__ = [
    "NOT_COMPARABLE",
    "Ask",
    "CATALOGUE_FILE",
    "GUIDE_FILE",
    "Catalogue",
    "Diagnoser",
    "Misconception",
    "load_catalogue",
    "student_guide",
]

#: The catalogue's file in an assignment's hidden-suite folder.
CATALOGUE_FILE = "misconceptions.py"
#: The student-facing page ``seqlab release`` writes from the catalogue into the assignment's release.
GUIDE_FILE = "MISTAKES.md"


@dataclass(frozen=True)
class Misconception:
    """One known mistake in one student function.

    Attributes:
        key: a stable id, e.g. ``"gru-update-gate-swapped"`` (what reports count).
        function: the student function the mistake is made in.
        title: what the output matches, completing "your output matches ...".
        explanation: for the student: what is wrong and what is right (an equation, a convention).
        where: where the notebook or the lecture explains it.
        mistake: ``mistake(ref, *args, **kwargs)``, ``function`` as written with the mistake.
        cascades: whether the failed tests of functions that call ``function`` may be diagnosed with it
            too (True), or only ``function``'s own tests (for a mistake whose effect on a caller is exactly
            another entry's mistake in that caller).
    """

    key: str
    function: str
    title: str
    explanation: str
    where: str
    mistake: Callable[..., Any] = field(repr=False, compare=False)
    cascades: bool = True

    def hint(self) -> str:
        """The sentence a student reads under a failed test."""
        return f"Hint: your output matches {self.title}. {self.explanation} (See {self.where}.)"


def _whole(function: str, value: Any) -> Any:
    return value


@dataclass
class Catalogue:
    """The misconceptions of one assignment, in the order they are tried.

    ``observe(function, value)`` picks what of a function's return value is compared (for instance the
    outputs without a cache dict of intermediates); by default the whole value. Declared as a
    :class:`seqlab.observe.Observe` (plain data), it also serves the public checks' hints
    (:mod:`seqlab.public_hints`); any other callable serves the hidden suite only.
    """

    assignment: str
    observe: Callable[[str, Any], Any] = _whole
    misconceptions: list[Misconception] = field(default_factory=list)
    #: key -> further implementations of the same mistake (its common forms), see :meth:`form`
    forms: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)
    #: function -> inputs on which to confirm a diagnosis, see :meth:`probe`
    probes: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = field(default_factory=dict)

    def form(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator adding another way of writing the mistake ``key`` (accumulating the first step or the
        last; a softmax that overflows to inf or to nan): a student's output matching any one form, on every
        input, is that mistake."""

        if not any(m.key == key for m in self.misconceptions):
            raise ValueError(f"a form of {key!r}, which the {self.assignment} catalogue does not have")

        def add(mistake: Callable[..., Any]) -> Callable[..., Any]:
            self.forms.setdefault(key, []).append(mistake)
            return mistake

        return add

    def probe(self, function: str, *args: Any, **kwargs: Any) -> None:
        """Add ``function(*args, **kwargs)`` to the inputs the grader calls the student's ``function`` with
        to confirm a diagnosis (typical, not degenerate inputs: several rows, distinct values, on which the
        function's mistakes differ from the reference and from each other). The student's output on every
        probe where a mistake's output is wrong must be that mistake's for the hint to be given."""
        self.probes.setdefault(function, []).append((args, kwargs))

    def implementations(self, key: str) -> list[Callable[..., Any]]:
        """Every form of the mistake ``key``: the one it was declared with, then :meth:`form`'s."""
        (entry,) = [m for m in self.misconceptions if m.key == key]
        return [entry.mistake, *self.forms.get(key, [])]

    def mistake(
        self, key: str, function: str, *, title: str, explanation: str, where: str, cascades: bool = True
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator adding the decorated function as the mistake of a new :class:`Misconception`."""

        def add(mistake: Callable[..., Any]) -> Callable[..., Any]:
            if any(m.key == key for m in self.misconceptions):
                raise ValueError(f"misconception {key!r} is in the {self.assignment} catalogue twice")
            entry = Misconception(key, function, title, explanation, where, mistake, cascades)
            self.misconceptions.append(entry)
            return mistake

        return add

    def __iter__(self) -> Iterator[Misconception]:
        return iter(self.misconceptions)

    def __len__(self) -> int:
        return len(self.misconceptions)


def load_catalogue(suite_dir: Path, assignment: str) -> Catalogue | None:
    """The catalogue in ``suite_dir/misconceptions.py``, or None when the suite has none.

    Raises:
        CourseError: when the file exists but does not import or defines no :class:`Catalogue`.
    """
    path = Path(suite_dir) / CATALOGUE_FILE
    if not path.is_file():
        return None
    name = f"seqlab_misconceptions_{assignment}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CourseError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken catalogue is the course's fault; say where
        raise CourseError(f"the misconceptions catalogue {path} does not import: {exc!r}") from exc
    finally:
        sys.modules.pop(name, None)
    catalogue = getattr(module, "catalogue", None)
    if not isinstance(catalogue, Catalogue):
        raise CourseError(f"{path} must define `catalogue`, a seqlab.misconceptions.Catalogue")
    return catalogue


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


def student_guide(catalogue: Catalogue) -> str:
    """The catalogue as a Markdown page for students: every misconception with its explanation and where
    to read about it, grouped by function in catalogue order (no mistake implementations)."""
    lines = [
        f"# {catalogue.assignment}: common mistakes and the grader's hints",
        "",
        "When a graded function fails and its outputs are exactly what one of these mistakes produces, the",
        "feedback names it in a line starting with `Hint: your output matches ...`. A hint never shows the",
        "expected values; your instructor may turn hints off for an assignment or after a deadline.",
    ]
    function = None
    for misconception in catalogue.misconceptions:
        if misconception.function != function:
            function = misconception.function
            lines += ["", f"## `{function}`"]
        lines += [
            "",
            f"### Your output matches {misconception.title} (`{misconception.key}`)",
            "",
            misconception.explanation,
            "",
            f"Read: {misconception.where}.",
        ]
    return "\n".join(lines) + "\n"
