"""Markdown feedback for students: a score table per function, then each failure explained."""

from __future__ import annotations

import re

from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult
from seqlab.reports.base import Report, points


def _block(text: str) -> str:
    """A fenced code block that no run of backticks in ``text`` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text.rstrip()}\n{fence}"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def failure_lines(function: FunctionScore) -> list[str]:
    """Markdown lines explaining a function's failed tests: name, points, message, counterexample.

    A hint (the message's last line, see :mod:`seqlab.misconceptions`) is written out once per function;
    later tests with the same hint say so in a line.
    """
    lines: list[str] = []
    shown: set[str] = set()
    hinted: set[str] = set()
    for test in function.tests:
        if test.outcome != FAILED:
            continue
        message = test.message
        if test.hint in hinted and "\n" in message:
            message = message.rsplit("\n", 1)[0] + "\nHint: the same as above."
        hinted.add(test.hint)
        lines.append(f"- ❌ {test.name} ({points(test.max_points)} points)")
        if message in shown and not test.counterexample:
            lines.append("  (same problem as above)")
            continue
        shown.add(message)
        lines += ["", _indent(_block(message))]
        if test.counterexample:
            lines += ["", "  Smallest failing input found:", "", _indent(_block(test.counterexample))]
        lines.append("")
    return lines


class MarkdownReport(Report):
    suffix = ".md"

    def render(self, result: GradeResult) -> str:
        lines = [
            f"# {result.assignment}: {points(result.score)} / {points(result.max_score)} points",
            "",
            f"Submission `{result.submission}` ({result.kind}), {result.suite} tests, seed {result.seed}.",
            "",
        ]
        for message in result.messages:
            lines += [f"> {line}" for line in message.splitlines()] + [""]
        lines += ["| function | points | tests passed |", "|---|---:|---:|"]
        for function in result.functions:
            passed = sum(t.outcome == PASSED for t in function.tests)
            counted = sum(t.outcome != SKIPPED for t in function.tests)
            mark = "✅" if function.score == function.max_score else ("❌" if function.score == 0 else "⚠️")
            lines.append(
                f"| {mark} `{function.name}` | {points(function.score)} / {points(function.max_score)} "
                f"| {passed} / {counted} |"
            )
        failing = [f for f in result.functions if any(t.outcome == FAILED for t in f.tests)]
        if failing:
            lines += ["", "## What to fix", ""]
        for function in failing:
            lines += [f"### `{function.name}`", "", *failure_lines(function), ""]
        skipped = [t for t in result.tests if t.outcome == SKIPPED]
        if skipped:
            lines += ["", "## Skipped (not counted)", ""]
            lines += [f"- `{t.function}` — {t.name}: {t.message}" for t in skipped]
        if result.output:
            lines += ["", "## What your code printed", "", _block(result.output[-4000:])]
        return "\n".join(lines).rstrip() + "\n"
