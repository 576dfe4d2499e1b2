"""Hand-built grading results for the report, gradebook and class-report tests (no grading runs)."""

from __future__ import annotations

from seqlab import model


def outcome(
    function: str,
    test: str,
    points: float,
    result: str,
    message: str = "",
    counterexample: str = "",
    hint: str = "",
    hint_text: str = "",
) -> model.TestOutcome:
    """One test of ``function`` named ``test`` (``test_...``), worth ``points``, with ``result`` (and the key
    of the misconception it was diagnosed with, ``hint``, and its sentence, ``hint_text``)."""
    return model.TestOutcome(
        id=f"test_{function}.py::{test}",
        name=test.removeprefix("test_").replace("_", " "),
        function=function,
        max_points=points,
        outcome=result,
        message=message,
        counterexample=counterexample,
        hint=hint,
        hint_text=hint_text,
    )
