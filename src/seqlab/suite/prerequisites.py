"""Prerequisites: a function built on other graded functions is graded with the reference's versions of them.

``rnn_forward`` runs ``rnn_cell_forward`` at every step; a student whose cell is wrong would lose the
layer's points too, and the bidirectional and stacked layers' on top (a double penalty for one mistake).
So, by default, while a test of ``rnn_forward`` runs, the student's calls of ``rnn_cell_forward`` are
answered by the grader with the reference's cell (see :class:`seqlab.isolate.worker.Worker`; the reference's
code never enters the worker). A function's prerequisites are the other graded functions its reference calls,
directly or through helpers that are not graded themselves, read from the reference's code.

An assignment's hidden-suite folder may hold ``grading.toml`` to grade dependants with the student's own
prerequisites instead (CS231n-style cascading: a wrong cell costs the layers' points too)::

    prerequisites = "student"   # default "reference"
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from seqlab.errors import CourseError

__all__ = ["GRADING_FILE", "PREREQUISITE_POLICIES", "prerequisite_policy", "reference_prerequisites"]

GRADING_FILE = "grading.toml"
PREREQUISITE_POLICIES = ("reference", "student")


def prerequisite_policy(suite_dir: Path) -> str:
    """``"reference"`` (the default) or ``"student"``, from ``suite_dir/grading.toml``.

    Raises:
        CourseError: for a file that is not TOML, an unknown key or an unknown policy.
    """
    path = Path(suite_dir) / GRADING_FILE
    if not path.is_file():
        return "reference"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"prerequisites"})
    if unknown:
        raise CourseError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: prerequisites")
    policy = data.get("prerequisites", "reference")
    if policy not in PREREQUISITE_POLICIES:
        choices = ", ".join(map(repr, PREREQUISITE_POLICIES))
        raise CourseError(f"{path}: prerequisites must be one of {choices} (got {policy!r})")
    return str(policy)


def _names_used(function: types.FunctionType) -> set[str]:
    """The global names a function's code (nested functions included) refers to."""
    names: set[str] = set()
    pending = [function.__code__]
    while pending:
        code = pending.pop()
        names.update(code.co_names)
        pending += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return names


def reference_prerequisites(reference: ModuleType, graded: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each graded function, the other graded functions the reference's version calls, directly or
    through functions of the reference that are not graded (sorted names; functions without any are left
    out). ``graded`` are the functions the hidden suite has tests for."""
    graded = set(graded)
    own = {
        name: value
        for name, value in vars(reference).items()
        if isinstance(value, types.FunctionType) and value.__module__ == reference.__name__
    }
    calls = {name: _names_used(function) & set(own) - {name} for name, function in own.items()}
    result: dict[str, tuple[str, ...]] = {}
    for function in sorted(graded & set(own)):
        found: set[str] = set()
        pending, seen = list(calls[function]), {function}
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in graded:
                found.add(name)
            pending += calls.get(name, ())  # through graded ones too: the student may call either level
        if found:
            result[function] = tuple(sorted(found))
    return result
