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

Diagnosis is :mod:`seqlab.hints.diagnosis`; the students' page of the catalogue, :mod:`seqlab.hints.guide`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab.errors import CourseError

__all__ = ["CATALOGUE_FILE", "Catalogue", "Misconception", "load_catalogue", "observe_whole"]

#: The catalogue's file in an assignment's hidden-suite folder.
CATALOGUE_FILE = "misconceptions.py"


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


def observe_whole(function: str, value: Any) -> Any:
    """The default of :attr:`Catalogue.observe`: a function's whole return value is compared."""
    return value


@dataclass
class Catalogue:
    """The misconceptions of one assignment, in the order they are tried.

    ``observe(function, value)`` picks what of a function's return value is compared (for instance the
    outputs without a cache dict of intermediates); by default the whole value. Declared as a
    :class:`seqlab.hints.observe.Observe` (plain data), it also serves the public checks' hints
    (``seqlab.hints.public``); any other callable serves the hidden suite only.
    """

    assignment: str
    observe: Callable[[str, Any], Any] = observe_whole
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
