"""The writer interface shared by every report format."""

from __future__ import annotations

from abc import ABC, abstractmethod

from seqlab.model import FAILED, SKIPPED, GradeResult, TestOutcome


class Report(ABC):
    """Renders a :class:`GradeResult` as text in one format."""

    suffix = ".txt"

    @abstractmethod
    def render(self, result: GradeResult) -> str:
        """The whole report as text."""


def points(value: float) -> str:
    """Points without a trailing ``.0``: 2, 2.5."""
    return f"{value:g}"


def test_feedback(test: TestOutcome) -> str:
    """Plain-text feedback for one test: its message, its hint and counterexample."""
    if test.outcome == SKIPPED:
        return f"Skipped: {test.message}" if test.message else "Skipped"
    if test.outcome != FAILED:
        return ""
    text = test.message + (f"\n{test.hint_text}" if test.hint_text else "")
    if test.counterexample:
        text += f"\n\nSmallest failing input found:\n{test.counterexample}"
    return text
