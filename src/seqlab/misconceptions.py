"""Known misconceptions: when a function fails, name the mistake its outputs show.

Each assignment of a course may ship a catalogue, ``grader/<id>/misconceptions.py``, that defines
``catalogue``, a :class:`Catalogue`. Every :class:`Misconception` in it is a mistake students make in one
function, implemented in trusted grader code::

    catalogue = Catalogue("cells", observe=outputs_without_cache)

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
    outputs without a cache dict of intermediates); by default the whole value.
    """

    assignment: str
    observe: Callable[[str, Any], Any] = _whole
    misconceptions: list[Misconception] = field(default_factory=list)

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


class Diagnoser:
    """Names the misconception behind a failed test, from the calls the test made (see the module doc)."""

    def __init__(self, catalogue: Catalogue, reference: ModuleType) -> None:
        self.catalogue = catalogue
        self.reference = reference
        self._mistaken = {
            m.key: mistaken_reference(reference, m.function, m.mistake) for m in catalogue.misconceptions
        }

    def _output(self, namespace: Any, call: Any) -> Any:
        """What ``namespace``'s version of the call returns, as the catalogue observes it."""
        value = getattr(namespace, call.function)(*call.args, **call.kwargs)
        if call.iterator:
            value = list(itertools.islice(value, len(call.value)))
        return self.catalogue.observe(call.function, value)

    def _explains(self, key: str, call: Any, student: Any) -> bool:
        try:
            return close_enough(student, self._output(self._mistaken[key], call))
        except Exception:  # the mistake does not apply to these inputs (a shape it cannot take, ...)
            return False

    def diagnose(self, function: str, calls: Sequence[Any]) -> Misconception | None:
        """The one misconception that explains every wrong output of ``function`` among ``calls``, or None
        (no wrong output recorded, none explains them all, or more than one does)."""
        wrong: list[tuple[Any, Any]] = []
        for call in calls:
            if call.function != function or not hasattr(self.reference, function):
                continue
            try:
                student = self.catalogue.observe(function, call.value)
                expected = self._output(self.reference, call)
            except Exception:  # an output the catalogue cannot read: nothing to diagnose from it
                continue
            if not close_enough(student, expected):
                wrong.append((call, student))
        if not wrong:
            return None
        found = [
            m
            for m in self.catalogue.misconceptions
            if (m.cascades or m.function == function)
            and all(self._explains(m.key, call, student) for call, student in wrong)
        ]
        return found[0] if len(found) == 1 else None


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
