"""Feedback for a terminal (``seqlab check``, ``seqlab grade --format terminal``): each failure explained,
then the summary a student reads when the command ends: one line per function, what to fix first and the
total, last.

Colour (green, red, yellow, bold) only where asked, which :func:`wants_colour` decides as most tools do:
a terminal, no ``NO_COLOR`` (https://no-color.org), no ``TERM=dumb``. What a student's code wrote reaches
the terminal with its control characters replaced (:func:`seqlab.text_safety.clean`), so no escape
sequence of theirs moves the cursor or changes the colours.
"""

from __future__ import annotations

import os
import textwrap
from typing import TextIO

from seqlab.isolate.proxy import NOT_IMPLEMENTED
from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult, TestOutcome
from seqlab.reports.base import Report, points
from seqlab.text_safety import clean

#: A hint's lines are wrapped at this width (after its indentation), so it reads in an 80-column terminal
#: too; messages, which can be code, never are.
HINT_WIDTH = 92
_STYLES = {"pass": "\033[32m", "fail": "\033[31m", "part": "\033[33m", "bold": "\033[1m", "dim": "\033[2m"}
_RESET = "\033[0m"


def wants_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Whether to colour what is written to ``stream``: it is a terminal, ``NO_COLOR`` is unset or empty and
    ``TERM`` is not ``dumb``."""
    environ = dict(os.environ) if environ is None else environ
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _indent(text: str, prefix: str) -> list[str]:
    return [f"{prefix}{line}".rstrip() for line in clean(text).split("\n")]


def _first_line(text: str) -> str:
    return clean(text).strip().split("\n")[0]


class TerminalReport(Report):
    """Plain text, coloured when ``colour`` (see :func:`wants_colour`)."""

    suffix = ".txt"

    def __init__(self, colour: bool = False) -> None:
        self.colour = colour

    def _style(self, text: str, style: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.colour else text

    def _mark(self, function: FunctionScore) -> str:
        if function.score == function.max_score:
            return self._style("✓", "pass")
        return self._style("✗", "fail") if function.score == 0 else self._style("~", "part")

    def render(self, result: GradeResult) -> str:
        lines = [
            self._style(
                f"{clean(result.assignment)}: {result.suite} checks of {clean(result.submission)}", "bold"
            )
        ]
        lines.append("")
        for message in result.messages:
            if result.load_error and message.endswith(result.load_error):
                continue
            lines += _indent(message, "note: ") + [""]
        if result.load_error:
            lines += [self._style("Your code could not be loaded, so no check could run:", "fail"), ""]
            lines += _indent(result.load_error, "    ") + [""]
            lines += ["Fix this first (the file and line are named above), then run the checks again.", ""]
        else:
            lines += self._failures(result)
        lines += self._summary(result)
        return "\n".join(lines).rstrip() + "\n"

    def _failures(self, result: GradeResult) -> list[str]:
        lines: list[str] = []
        for function in result.functions:
            failed = [t for t in function.tests if t.outcome == FAILED]
            if not failed:
                continue
            if all(NOT_IMPLEMENTED in t.message for t in failed):  # a stub: the summary's line says it
                continue
            lines.append(
                self._style(f"{clean(function.name)}: {_plural(len(failed), 'failed check')}", "bold")
            )
            shown: set[str] = set()
            hinted: set[str] = set()
            for test in failed:
                lines += self._failure(test, shown, hinted)
            lines.append("")
        return lines

    def _failure(self, test: TestOutcome, shown: set[str], hinted: set[str]) -> list[str]:
        head = f"  {self._style('✗', 'fail')} {clean(test.name)} ({_plural_points(test.max_points)})"
        if test.message in shown and not test.counterexample:
            return [f"{head}: the same problem as above"]
        shown.add(test.message)
        lines = [head, *_indent(test.message, "      ")]
        if test.counterexample:
            lines += ["      smallest failing input found:", *_indent(test.counterexample, "        ")]
        if test.hint_text:
            same = test.hint in hinted
            hinted.add(test.hint)
            hint = "Hint: the same as above." if same else clean(test.hint_text)
            lines += ["      " + self._style(row, "part") for row in textwrap.wrap(hint, HINT_WIDTH)]
        return lines

    def _summary(self, result: GradeResult) -> list[str]:
        width = max((len(clean(f.name)) for f in result.functions), default=0)
        lines = [self._style("Summary", "bold")]
        for function in result.functions:
            counted = [t for t in function.tests if t.outcome != SKIPPED]
            passed = sum(t.outcome == PASSED for t in counted)
            failed = next((t for t in counted if t.outcome == FAILED), None)
            why = self._style(f"  {_reason(failed, 60)}", "dim") if failed and not result.load_error else ""
            name, count = clean(function.name), _plural(len(counted), "check")
            line = f"  {self._mark(function)} {name:<{width}}  passed {passed} of {count:<9}{why}"
            lines.append(line.rstrip())
        skipped = [t for t in result.tests if t.outcome == SKIPPED]
        if skipped:
            lines.append(f"  ({_plural(len(skipped), 'check')} not run: {_first_line(skipped[0].message)})")
        first = next((f for f in result.functions if f.score < f.max_score), None)
        if first is not None and not result.load_error:
            lines += ["", f"Fix first: {clean(first.name)}, the first function above that fails a check."]
        tests = [t for t in result.tests if t.outcome != SKIPPED]
        total = (
            f"Total: {points(result.score)} / {points(result.max_score)} points, "
            f"{sum(t.outcome == PASSED for t in tests)} of {len(tests)} checks pass"
        )
        style = "pass" if result.score == result.max_score else "fail"
        return [*lines, "", self._style(total, style)]


def _reason(test: TestOutcome, width: int) -> str:
    """Why ``test`` failed, in a few words: its message's first line without the function's name."""
    if NOT_IMPLEMENTED in test.message:
        return "not implemented yet"
    line = _first_line(test.message).removeprefix(f"`{test.function}` ")
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _plural_points(value: float) -> str:
    return f"{points(value)} point" if value == 1 else f"{points(value)} points"
