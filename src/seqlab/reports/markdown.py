"""Markdown feedback for students: a score table per function, then each failure explained.

Nothing a student controls becomes markup (see :mod:`seqlab.text_safety`): failure messages,
counterexamples and printed output are fenced code blocks no line can close, names are code spans no
backtick can end, and the messages above the table and the reasons for skipped tests are literal text
(HTML metacharacters as entities, Markdown markers escaped), so the report has exactly one title.
"""

from __future__ import annotations

from collections.abc import Iterable

from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult, TestOutcome
from seqlab.reports.base import Report, points
from seqlab.text_safety import code_block, code_span, markdown_literal


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.split("\n"))


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
        lines.append(f"- ❌ {markdown_literal(test.name, inline=True)} ({points(test.max_points)} points)")
        if message in shown and not test.counterexample:
            lines.append("  (same problem as above)")
            continue
        shown.add(message)
        lines += ["", _indent(code_block(message))]
        if test.counterexample:
            lines += ["", "  Smallest failing input found:", "", _indent(code_block(test.counterexample))]
        lines.append("")
    return lines


def message_lines(messages: Iterable[str]) -> list[str]:
    """Each message as a blockquote of literal text (one ``>`` line per line), then a blank line."""
    lines: list[str] = []
    for message in messages:
        lines += [f"> {line}".rstrip() for line in markdown_literal(message).split("\n")] + [""]
    return lines


def skipped_lines(tests: Iterable[TestOutcome]) -> list[str]:
    """A list item per skipped test: its function, name and reason (literal text)."""
    return [
        f"- {code_span(t.function)} — {markdown_literal(t.name, inline=True)}: "
        f"{markdown_literal(t.message, inline=True)}"
        for t in tests
    ]


class MarkdownReport(Report):
    suffix = ".md"

    def render(self, result: GradeResult) -> str:
        title = markdown_literal(result.assignment, inline=True)
        lines = [
            f"# {title}: {points(result.score)} / {points(result.max_score)} points",
            "",
            f"Submission {code_span(result.submission)} ({markdown_literal(result.kind, inline=True)}), "
            f"{markdown_literal(result.suite, inline=True)} tests, seed {result.seed}.",
            "",
        ]
        lines += message_lines(result.messages)
        lines += ["| function | points | tests passed |", "|---|---:|---:|"]
        for function in result.functions:
            passed = sum(t.outcome == PASSED for t in function.tests)
            counted = sum(t.outcome != SKIPPED for t in function.tests)
            mark = "✅" if function.score == function.max_score else ("❌" if function.score == 0 else "⚠️")
            name = code_span(function.name, in_table=True)
            lines.append(
                f"| {mark} {name} | {points(function.score)} / {points(function.max_score)} "
                f"| {passed} / {counted} |"
            )
        failing = [f for f in result.functions if any(t.outcome == FAILED for t in f.tests)]
        if failing:
            lines += ["", "## What to fix", ""]
        for function in failing:
            lines += [f"### {code_span(function.name)}", "", *failure_lines(function), ""]
        skipped = [t for t in result.tests if t.outcome == SKIPPED]
        if skipped:
            lines += ["", "## Skipped (not counted)", ""]
            lines += skipped_lines(skipped)
        if result.output:
            lines += ["", "## What your code printed", "", code_block(result.output[-4000:])]
        return "\n".join(lines).rstrip() + "\n"
