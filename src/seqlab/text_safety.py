"""Text a student controls, made safe for each format seqlab writes.

Student code decides much of what a report shows: exception messages, printed output, and in class grading
the student id itself (a flat folder's file name, a Gradescope submitter's name). Every writer takes its
escaping from here, so each rule exists once:

* :func:`clean` — for every format: lone surrogates (which no UTF-8 file can hold), control characters
  (C0 but tab and newline, DEL, C1), bidirectional overrides and U+FFFE/U+FFFF become U+FFFD; CR LF and
  a lone CR become LF. :func:`valid_unicode` does only the first part (what the result model keeps).
* Markdown — :func:`markdown_literal` (text that renders as itself: HTML metacharacters as entities,
  inline markup and line-start markers backslash-escaped), :func:`code_span` and :func:`code_block`
  (delimited by more backticks than the text holds in a row, so nothing inside can close them).
* HTML — :func:`html_text`; CSV — :func:`csv_cell` and :func:`csv_row` (OWASP's CSV-injection rule: a
  text cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a leading ``'``; numbers
  seqlab writes stay numbers); JSON — :func:`clean_data`; file names — :func:`safe_file_stem`;
  student ids — :func:`printable` (the class finder refuses the others).

JUnit XML needs nothing more than :func:`clean`: ElementTree escapes markup, and what :func:`clean`
leaves is what XML 1.0 can hold.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "REPLACEMENT",
    "clean",
    "clean_data",
    "code_block",
    "code_span",
    "csv_cell",
    "csv_row",
    "html_text",
    "markdown_literal",
    "printable",
    "safe_file_stem",
    "valid_unicode",
]

#: What a character that cannot be shown becomes.
REPLACEMENT = "\ufffd"

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings, overrides and isolates (they
#: reorder how a line reads), and the two non-characters XML 1.0 refuses.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_NEWLINE = re.compile("\r\n?")


def valid_unicode(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD: a string any UTF-8 file or database can hold.

    Lone surrogates reach seqlab from student code (``raise ValueError("\\udcff")`` crosses the worker
    boundary as a JSON escape) and from file names that are not UTF-8 (``os.fsdecode`` maps each bad byte
    to one).
    """
    return _SURROGATE.sub(REPLACEMENT, text)


def clean(text: str) -> str:
    """``text`` safe to put in any report: valid Unicode with no control characters but tab and newline.

    Lone surrogates, C0 controls (NUL, ESC of ANSI colours, ...) except ``\\t`` and ``\\n``, DEL, C1
    controls, the bidirectional controls (U+202A-U+202E, U+2066-U+2069) and U+FFFE/U+FFFF become U+FFFD;
    CR LF and a lone CR become LF (a CR would start a line in Markdown that the writer never indented).
    """
    return _CONTROL.sub(REPLACEMENT, _NEWLINE.sub("\n", valid_unicode(text)))


def printable(text: str) -> bool:
    """Whether ``text`` has no lone surrogate, no control character and no tab or line break: what a
    student id must be (it becomes a file name, a CSV cell and a database key)."""
    return not (_SURROGATE.search(text) or _CONTROL.search(text) or any(c in text for c in "\t\n\r"))


def clean_data(value: Any) -> Any:
    """``value`` (plain JSON data) with :func:`clean` applied to every string in it, dictionary keys too."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(item) for item in value]
    return value


# -- Markdown -----------------------------------------------------------------------------------------------

#: Inline markup: escapes, code spans, emphasis, links and images, table cells, strikethrough, math.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~$])")
#: A line's indentation, and what would open a block after it: ATX headings, list items, setext underlines
#: (``=`` and ``-``), ordered list items (``1.``, ``1)``).
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+[.)])?", re.M)
_NBSP = "\u00a0"


def _line_start(match: re.Match[str]) -> str:
    indent = match.group(1).replace("\t", "    ").replace(" ", _NBSP)
    marker = match.group(2) or ""
    return indent + (marker[:-1] + "\\" + marker[-1] if marker else "")


def markdown_literal(text: str, *, inline: bool = False) -> str:
    """Markdown that renders as ``text`` itself, with no markup and no HTML of its own.

    ``&``, ``<`` and ``>`` become entities (so no tag, autolink or blockquote marker survives, and the
    output holds no raw ``<``); backslashes, backticks, ``*``, ``_``, ``[``, ``]``, ``|``, ``~`` and ``$``
    are backslash-escaped everywhere; a line's first character that would start a heading, a list item or
    a setext underline (``#``, ``+``, ``-``, ``=``, ``1.``, ``1)``) is escaped too, and its indentation
    becomes no-break spaces (kept as shown, never an indented code block). ``inline=True`` also joins the
    lines with spaces, for text inside a list item or a table. The text is :func:`clean`-ed first.
    """
    text = clean(text)
    if inline:
        text = text.replace("\n", " ")
    text = html.escape(text, quote=False)
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(_line_start, text)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def code_span(text: str, *, in_table: bool = False) -> str:
    """An inline code span showing ``text`` verbatim (one line), which nothing in ``text`` can end.

    The span is delimited by one backtick more than the longest run inside, and padded with a space where
    ``text`` starts or ends with a backtick or a space (CommonMark strips one such space on each side).
    Line breaks become spaces. ``in_table=True`` escapes ``|``, which GitHub's tables split cells on even
    inside code spans.
    """
    text = clean(text).replace("\n", " ")
    fence = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.strip() and (text[0] in "` " or text[-1] in "` ") else ""
    span = f"{fence}{pad}{text or ' '}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def code_block(text: str) -> str:
    """A fenced code block showing ``text`` verbatim, with a fence longer than any backtick run in it (at
    least three), so no line of ``text`` can close it. The text is :func:`clean`-ed and right-stripped."""
    text = clean(text).rstrip()
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}\n{text}\n{fence}"


# -- HTML ---------------------------------------------------------------------------------------------------


def html_text(value: object) -> str:
    """``str(value)`` for HTML text or a quoted attribute value: :func:`clean`-ed, ``& < > " '`` escaped."""
    return html.escape(clean(str(value)), quote=True)


# -- CSV ----------------------------------------------------------------------------------------------------

#: First characters a spreadsheet reads as the start of a formula (OWASP's list, with LF and the
#: full-width forms some spreadsheets also accept).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: str | float | None) -> str:
    """One CSV cell: a number (``int``/``float``, written ``:g``) stays a number; ``None`` is empty; text is
    :func:`clean`-ed and, when it starts with ``=``, ``+``, ``-``, ``@``, a tab, CR or LF (or a full-width
    ``=+-@``), prefixed with ``'`` so that no spreadsheet runs it as a formula (OWASP's CSV injection rule).
    Quoting of commas and quotes is left to :mod:`csv`.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return f"{value:g}"
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(values: Iterable[str | float | None]) -> list[str]:
    """:func:`csv_cell` of every value, for :func:`csv.writer`'s ``writerow``."""
    return [csv_cell(value) for value in values]


# -- file names ---------------------------------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff/\\:*?\"<>|]")
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{port}{i}" for port in ("COM", "LPT") for i in range(10))}
#: Most characters and UTF-8 bytes a stem keeps (file systems allow 255 bytes; the suffix needs room).
STEM_CHARS = 100
STEM_BYTES = 200


def safe_file_stem(name: str) -> str:
    """A file or folder name made from ``name`` (a student id, an assignment id) that stays in its folder.

    Path separators, control characters, lone surrogates, bidirectional controls and the characters
    Windows refuses become ``_``; leading dots become ``_`` (no ``.``, ``..`` or hidden files), trailing
    dots and spaces are dropped, Windows device names (``CON``, ``NUL``, ...) get a leading ``_``, and the
    name is cut to 100 characters and 200 UTF-8 bytes. A name that had to be changed gets ``-`` and 8 hex
    digits of its sha256 appended, so two different names never share a file (``a/b`` and ``a_b`` stay
    apart). The result is never empty and never contains a path separator.
    """
    cleaned = _UNSAFE_IN_NAME.sub("_", name)
    cleaned = re.sub(r"^\.+", lambda match: "_" * len(match.group()), cleaned).strip().rstrip(". ") or "_"
    if cleaned.split(".")[0].upper() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    cleaned = cleaned[:STEM_CHARS]
    while len(cleaned.encode("utf-8")) > STEM_BYTES:
        cleaned = cleaned[:-1]
    if cleaned != name:
        cleaned += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return cleaned
