"""The students' page of a catalogue (``MISTAKES.md`` in a release): every known mistake, its explanation and
where to read about it, and never a mistake's code."""

from __future__ import annotations

from seqlab.hints.catalogue import Catalogue

__all__ = ["GUIDE_FILE", "student_guide"]

#: The student-facing page ``seqlab release`` writes from the catalogue into the assignment's release.
GUIDE_FILE = "MISTAKES.md"


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
