"""What a check cell shows: a function's public checks as a short result, HTML with the same text as plain
text (wrapped at :data:`TEXT_WIDTH`): the pass line, or per failed check the call, what came back, what was
expected and the hint; a stub gets one friendly line."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from seqlab.isolate.proxy import NOT_IMPLEMENTED
from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult

__all__ = ["TEXT_WIDTH", "CheckResult", "Line", "describe"]

#: Where plain-text results wrap (nbgrader's validate shows 90 characters a line, indented by 4).
TEXT_WIDTH = 84


@dataclass(frozen=True)
class Line:
    """One part of a check's result: ``kind`` is ``title``, ``text``, ``code``, ``hint`` or ``note``."""

    kind: str
    text: str
    link: str = ""  # for a note: the notebook section it points to


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check` shows: ``passed`` is whether nothing needs fixing; rendered as HTML in
    JupyterLab and as plain text elsewhere (and for nbgrader's validate)."""

    function: str
    passed: bool
    lines: tuple[Line, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """Plain text, prose wrapped at :data:`TEXT_WIDTH` (nbgrader's validate cuts longer lines)."""
        parts: list[str] = []
        for line in self.lines:
            if line.kind == "code":
                parts += ["    " + row for row in line.text.split("\n")]
                continue
            text = f"{line.text} (section “{line.link}”)" if line.kind == "note" and line.link else line.text
            first, rest = {"title": ("", ""), "hint": ("  💡 ", "     ")}.get(line.kind, ("  ", "  "))
            parts.append(
                textwrap.fill(text, TEXT_WIDTH, initial_indent=first, subsequent_indent=rest or "  ")
            )
        return "\n".join(parts)

    def html(self) -> str:
        parts: list[str] = [
            f'<div class="seqlab-check" role="status" aria-label="check of {html.escape(self.function)}">'
        ]
        for line in self.lines:
            text = html.escape(line.text)
            if line.kind == "title":
                parts.append(f"<p><strong>{text}</strong></p>")
            elif line.kind == "code":
                parts.append(f'<pre style="white-space: pre-wrap; margin-left: 1.5em">{text}</pre>')
            elif line.kind == "hint":
                parts.append(f'<p style="margin-left: 1.5em">💡 {text}</p>')
            elif line.kind == "note" and line.link:
                anchor = html.escape(line.link.replace(" ", "-"), quote=True)
                parts.append(f'<p>{text} (section <a href="#{anchor}">{html.escape(line.link)}</a>)</p>')
            else:
                parts.append(f'<p style="margin-left: 1.5em">{text}</p>')
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.html(), "text/plain": self.text()}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe(
    function: str, result: GradeResult, *, section: str = "", unsaved: Iterable[str] = ()
) -> CheckResult:
    """The check cell's result for ``function`` from a public-tests ``result``."""
    notes = (
        [
            Line(
                "note",
                "ℹ️ This check ran the code of your kernel, which is not what the notebook file holds for "
                f"{', '.join(unsaved)}: save the notebook (Ctrl+S) before you submit.",
            )
        ]
        if tuple(unsaved)
        else []
    )
    if result.load_error:
        lines = [
            Line("title", f"❌ {function}: your code could not be loaded, so no check could run"),
            Line("code", result.load_error),
            Line("text", "Fix this first (the cell and line are named above), then run this check again."),
        ]
        return CheckResult(function, False, (*lines, *notes))
    scores = {score.name: score for score in result.functions}
    if function not in scores:
        title = f"ℹ️ {function} has no public checks; its hidden tests run when your notebook is graded."
        return CheckResult(function, True, (Line("title", title), *notes))
    return _describe_function(scores[function], section, notes)


def _describe_function(score: FunctionScore, section: str, notes: list[Line]) -> CheckResult:
    counted = [t for t in score.tests if t.outcome != SKIPPED]
    passed = sum(t.outcome == PASSED for t in counted)
    failed = [t for t in counted if t.outcome == FAILED]
    name = score.name
    if not failed:
        title = f"✅ {name}: {passed} of {_plural(len(counted), 'check')} pass"
        return CheckResult(name, True, (Line("title", title), *notes))
    if all(NOT_IMPLEMENTED in t.message for t in failed):
        title = f"⬜ {name} is not implemented yet."
        advice = Line("text", "Write its body in the cell that defines it, then run this check again.")
        return CheckResult(name, False, (Line("title", title), advice, *notes))
    lines = [Line("title", f"❌ {name}: {passed} of {_plural(len(counted), 'check')} pass")]
    shown_messages: set[str] = set()
    shown_hints: set[str] = set()
    for test in failed:
        lines.append(Line("text", f"✗ {test.name}"))
        if test.message in shown_messages:
            lines.append(Line("text", "the same problem as above"))
        else:
            shown_messages.add(test.message)
            lines.append(Line("code", test.message.replace("`", "")))
        if test.hint_text:
            lines.append(
                Line("hint", "the same hint as above" if test.hint in shown_hints else test.hint_text)
            )
            shown_hints.add(test.hint)
    if section:
        lines.append(Line("note", f"📖 {name} is explained in this notebook", link=section))
    return CheckResult(name, False, (*lines, *notes))
