"""The feedback text of a test: its readable name, what its failure says, hypothesis' shrunk example."""

from __future__ import annotations

import re

import hypothesis.errors
import pytest

from seqlab.errors import SubmissionFailed, SubmissionUnavailable

__all__ = ["counterexample", "failure_message", "readable_name"]

_COUNTEREXAMPLE_PREFIXES = ("Falsifying example", "Failing test case")


def readable_name(item: pytest.Item) -> str:
    """The first docstring line of a test, or its function name made readable."""
    doc = (getattr(item, "obj", None).__doc__ or "").strip() if hasattr(item, "obj") else ""
    if doc:
        return doc.splitlines()[0].strip()
    name = getattr(item, "originalname", None) or item.name
    return name.removeprefix("test_").replace("_", " ")


def failure_message(exc: BaseException) -> str:
    """What a failed test says to the student: the failure's own sentence, pytest's assertion explanation
    without its advice, or what could not be checked."""
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return failure_message(exc.exceptions[0])
    if isinstance(exc, (SubmissionFailed, SubmissionUnavailable)):
        return exc.student_message
    if isinstance(exc, hypothesis.errors.Flaky):  # FlakyStrategyDefinition, FlakyReplay, ...
        return (
            "the function gave different results for the same input (does it use randomness or keep state?)"
        )
    if isinstance(exc, AssertionError):
        return _without_pytest_advice(str(exc)) or "a check on the returned value failed"
    if isinstance(exc, pytest.fail.Exception):
        return str(exc)
    return f"the returned value could not be checked ({type(exc).__name__}: {exc})"


#: pytest's advice in an assertion's explanation, about options that a grading has no use for
_PYTEST_ADVICE = re.compile(r"(?i)(, )?use -vv? to (get|show)[^\n]*|\n *\.\.\.full output truncated[^\n]*")


def _without_pytest_advice(text: str) -> str:
    """An assertion's explanation without pytest's "use -vv to show" advice, and the lines left empty."""
    lines = [line.rstrip() for line in _PYTEST_ADVICE.sub("", text).split("\n")]
    return "\n".join(line for index, line in enumerate(lines) if line or (index and lines[index - 1])).strip()


_FIXTURE_ARGUMENT = re.compile(r"^\s+(submission|reference|data=data\(\.\.\.\)).*,$")
_DRAW = re.compile(r"^Draw [0-9]+ \((?P<label>[^)]*)\): (?P<value>.*)$", re.DOTALL)


def counterexample(exc: BaseException) -> str:
    """Hypothesis' failing example without the fixtures, e.g. ``texts=['a b'],`` (one argument a line).

    Values drawn inside the test with ``data.draw(strategy, label="problem")`` follow as ``problem=...``.
    """
    notes = getattr(exc, "__notes__", None) or []
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions and not notes:
        return counterexample(exc.exceptions[0])
    kept: list[str] = []
    found = False
    for note in notes:
        if not isinstance(note, str):
            continue
        if note.startswith(_COUNTEREXAMPLE_PREFIXES) and not found:
            found = True
            lines = note.splitlines()[1:-1]  # drop "Falsifying example: test(" and ")"
            kept += [line[4:].rstrip() for line in lines if not _FIXTURE_ARGUMENT.match(line)]
        elif found and (draw := _DRAW.match(note)):
            kept.append(f"{draw['label'] or 'drawn'}={draw['value']}")
    return "\n".join(kept)
