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
    """Markdown lines explaining a function's failed tests: name, points, message, counterexample, hint.

    A message shown for an earlier test is not repeated ("same problem as above"). A hint is a line of its
    own under the message, outside the code block, written out once per function: a later test with
    another message and the same hint says "Hint: the same as above."
    """
    lines: list[str] = []
    shown: set[str] = set()
    hinted: set[str] = set()
    for test in function.tests:
        if test.outcome != FAILED:
            continue
        lines.append(f"- ❌ {markdown_literal(test.name, inline=True)} ({points(test.max_points)} points)")
        if test.message in shown and not test.counterexample:
            lines += ["  (same problem as above)", ""]
            continue
        shown.add(test.message)
        lines += ["", _indent(code_block(test.message))]
        if test.counterexample:
            lines += ["", "  Smallest failing input found:", "", _indent(code_block(test.counterexample))]
        if test.hint_text:
            same = test.hint in hinted
            hinted.add(test.hint)
            # the catalogue's sentence, written by the course (not by the student): Markdown as written
            sentence = "Hint: the same as above." if same else " ".join(test.hint_text.split())
            lines += ["", f"  💡 {sentence}"]
        lines.append("")
    return lines


def load_error_lines(result: GradeResult) -> list[str]:
    """For a submission that could not be loaded: one explanation (the error with its file, line and caret,
    in a code block so that the caret stays under the column) and what to do, instead of one per test."""
    return [
        "## Your code could not be loaded",
        "",
        "No test could run, so every test failed for this one reason. Fix it first (the file and line are "
        "named below; run the file or the notebook cell to see the same error), then check again.",
        "",
        code_block(result.load_error),
        "",
    ]


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
        if result.load_error:
            lines += load_error_lines(result)
        lines += message_lines(
            m for m in result.messages if not (result.load_error and m.endswith(result.load_error))
        )
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
        if result.load_error:
            failing = []  # each failed for the reason above
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
