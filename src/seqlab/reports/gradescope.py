"""Gradescope's autograder ``results.json``.

Top-level keys used: ``score``, ``execution_time``, ``output``, ``output_format``, ``visibility``,
``stdout_visibility``, ``tests``; each test has ``score``, ``max_score``, ``status`` (``passed``/``failed``),
``name``, ``number``, ``output``, ``output_format`` and ``visibility``. Outputs are ``text`` (Gradescope
shows them as plain text, no HTML or Markdown), and every string is :func:`~seqlab.text_safety.clean`-ed.
"""

from __future__ import annotations

import json
from typing import Any

from seqlab.model import PASSED, SKIPPED, GradeResult
from seqlab.reports.base import Report, test_feedback
from seqlab.text_safety import clean_data


class GradescopeReport(Report):
    suffix = ".json"

    def __init__(self, visibility: str = "visible") -> None:
        self.visibility = visibility

    def render(self, result: GradeResult) -> str:
        tests: list[dict[str, Any]] = []
        for number, test in enumerate(result.tests, start=1):
            if test.outcome == SKIPPED:
                continue
            tests.append(
                {
                    "score": test.points,
                    "max_score": test.max_points,
                    "status": "passed" if test.outcome == PASSED else "failed",
                    "name": f"{test.function}: {test.name}",
                    "number": str(number),
                    "output": test_feedback(test),
                    "output_format": "text",
                    "visibility": self.visibility,
                }
            )
        summary = [f"{result.assignment}: {result.score:g} / {result.max_score:g} points."]
        summary += list(result.messages)
        skipped = [t for t in result.tests if t.outcome == SKIPPED]
        if skipped:
            summary.append(
                f"{len(skipped)} test(s) skipped and excluded from the maximum: "
                + "; ".join(f"{t.function}: {t.message}" for t in skipped)
            )
        document = {
            "score": result.score,
            "execution_time": result.execution_time,
            "output": "\n\n".join(summary),
            "output_format": "text",
            "visibility": self.visibility,
            "stdout_visibility": "hidden",
            "tests": tests,
        }
        return json.dumps(clean_data(document), indent=2) + "\n"
