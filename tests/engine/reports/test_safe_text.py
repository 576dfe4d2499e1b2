"""seqlab.text_safety: what a student controls is shown as itself in every format, and never breaks one.

The Markdown rules are checked by rendering with a real Markdown parser (mistune, which nbconvert brings
with the ``course`` extra) with raw HTML allowed, as a careless viewer would: what comes out must be the
student's text, as text.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seqlab.text_safety import (
    REPLACEMENT,
    clean,
    clean_data,
    code_block,
    code_span,
    csv_cell,
    csv_row,
    html_text,
    markdown_literal,
    printable,
    safe_file_stem,
    valid_unicode,
)

SETTINGS = settings(max_examples=60, deadline=None)

#: Text made mostly of what Markdown, HTML and spreadsheets treat specially, with letters, digits,
#: whitespace, control characters and surrogates among it.
SPECIAL = "`*_[]()<>&#+-=@!|~$\\:;.'\"/ \t\n\r\x00\x1b\x85\u202e\ud800\udcff"
tricky = st.text(
    st.sampled_from(SPECIAL) | st.characters(codec="utf-8") | st.sampled_from("ab1"), max_size=40
)

EDGES = [
    "\udcff",
    "a\ud800b",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-1+1",
    "@x",
    "\t=1+1",
    "\r=1+1",
    "x" + "`" * 7 + "y",
    "`" * 5,
    "</code>",
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "a/b",
    "nul\x00byte",
]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def edges(test):
    for text in reversed(EDGES):
        test = example(text)(test)
    return test


def markdown_html(text: str) -> str:
    mistune = pytest.importorskip("mistune")
    return mistune.html(text)


def squeeze(text: str) -> str:
    """Whitespace-insensitive form: Markdown strips and joins lines of a paragraph."""
    return " ".join(text.replace("\u00a0", " ").split())


# -- clean ---------------------------------------------------------------------------------------------------


@SETTINGS
@given(tricky)
@edges
def test_clean_gives_encodable_text_without_control_characters(text: str) -> None:
    cleaned = clean(text)
    cleaned.encode("utf-8")  # never raises
    assert not _CONTROL.search(cleaned) and "\r" not in cleaned
    assert clean(cleaned) == cleaned
    assert len(cleaned) <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\udcff", REPLACEMENT),
        ("a\x00b\x1b[31mc", f"a{REPLACEMENT}b{REPLACEMENT}[31mc"),
        ("one\r\ntwo\rthree\n", "one\ntwo\nthree\n"),
        ("tab\tand ünïcode €", "tab\tand ünïcode €"),
        ("\u202eevil", REPLACEMENT + "evil"),
    ],
)
def test_clean_replaces_only_what_cannot_be_shown(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_valid_unicode_replaces_only_surrogates() -> None:
    assert valid_unicode("a\udcff\x00\r") == "a\ufffd\x00\r"


def test_clean_data_cleans_every_string_keys_too() -> None:
    data = {"k\udcff": ["a\x00", ("b\ud800",), {"n": 1.5, "t": True, "z": None}]}
    assert clean_data(data) == {"k\ufffd": ["a\ufffd", ["b\ufffd"], {"n": 1.5, "t": True, "z": None}]}
    json.dumps(clean_data(data), ensure_ascii=False).encode("utf-8")


@SETTINGS
@given(tricky)
@edges
def test_printable_is_what_an_id_must_be(text: str) -> None:
    assert printable(text) == (clean(text) == text and "\t" not in text and "\n" not in text)


# -- Markdown ------------------------------------------------------------------------------------------------


@SETTINGS
@given(tricky)
@edges
@example("# encoding: 100 / 100 points")
@example("x\n===\n- item\n1. one\n2) two\n    indented code\n> quote\n| a | b |\n|---|---|")
def test_markdown_literal_renders_as_the_text_itself(text: str) -> None:
    for inline in (False, True):
        rendered = markdown_html(markdown_literal(text, inline=inline))
        tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", rendered))
        assert tags <= {"p", "br"}, (text, rendered)
        shown = html.unescape(re.sub(r"</?(p|br)\s*/?>", " ", rendered))
        assert squeeze(shown) == squeeze(clean(text)), (text, rendered)


def test_markdown_literal_keeps_plain_text_plain() -> None:
    plain = "cell 4 is a cell magic and was skipped (see 1.5: it's fine)"
    assert markdown_literal(plain) == plain
    assert "<" not in markdown_literal("<img src=x onerror=alert(1)>")
    assert markdown_literal("a\n# forged title", inline=True) == "a # forged title"  # no line to head
    assert markdown_literal("x\n# forged title").split("\n")[1] == "\\# forged title"


@SETTINGS
@given(tricky)
@edges
@example("` leading backtick")
@example(" both spaces ")
@example("")
def test_code_span_shows_the_text_verbatim_and_cannot_be_closed(text: str) -> None:
    span = code_span(text)
    assert "\n" not in span
    rendered = markdown_html(f"before {span} after")
    match = re.fullmatch(r"<p>before <code>(.*)</code> after</p>\n", rendered, re.S)
    assert match, (text, rendered)
    assert html.unescape(match.group(1)) == (clean(text).replace("\n", " ") or " ")


def test_code_span_in_a_table_escapes_the_cell_separator() -> None:
    """GitHub's tables split on ``|`` even inside code spans unless it is escaped (and then show ``|``;
    mistune shows the backslash too): the row keeps one cell either way."""
    assert code_span("a|b", in_table=True) == "`a\\|b`"
    rendered = markdown_html(f"| name |\n|---|\n| {code_span('a|b', in_table=True)} |\n")
    assert rendered.count("<td>") == 1 and re.search(r"<td><code>a\\?\|b</code></td>", rendered)


@SETTINGS
@given(tricky)
@edges
@example("```\n# 100 / 100 points\n```")
@example("~~~\n<script>alert(1)</script>")
def test_code_block_shows_the_text_verbatim_and_cannot_be_closed(text: str) -> None:
    rendered = markdown_html(code_block(text) + "\n\n# after")
    match = re.fullmatch(r"<pre><code>(.*)</code></pre>\n<h1>after</h1>\n", rendered, re.S)
    assert match, (text, rendered)
    shown = html.unescape(match.group(1))
    assert shown.rstrip("\n") == clean(text).rstrip()


# -- HTML ----------------------------------------------------------------------------------------------------


@SETTINGS
@given(tricky)
@edges
def test_html_text_escapes_markup_and_reads_back(text: str) -> None:
    escaped = html_text(text)
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == clean(text)
    ET.fromstring(f'<p title="{escaped}">{escaped}</p>')  # well-formed as text and as attribute


# -- CSV -----------------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@SETTINGS
@given(tricky)
@edges
def test_csv_cells_never_start_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_START)
    assert cell in (clean(text), "'" + clean(text))
    assert (cell != clean(text)) == clean(text).startswith(FORMULA_START)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell, "next"])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [cell, "next"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-1+1", "'-1+1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("alice", "alice"),
        ("O'Brien", "O'Brien"),
        (2.5, "2.5"),
        (-1.0, "-1"),
        (3, "3"),
        (None, ""),
    ],
)
def test_csv_cell_neutralises_text_and_keeps_numbers(value, expected) -> None:
    assert csv_cell(value) == expected


def test_csv_row_mixes_text_and_numbers() -> None:
    assert csv_row(['=HYPERLINK("http://x")', 12.5, None, -2]) == [
        '\'=HYPERLINK("http://x")',
        "12.5",
        "",
        "-2",
    ]


# -- file names ----------------------------------------------------------------------------------------------

FOLDER = Path(tempfile.mkdtemp(prefix="seqlab-safe-stem-"))


@SETTINGS
@given(tricky)
@edges
@example(".")
@example("..")
@example("...")
@example("CON")
@example("nul.txt")
@example("trailing dot.")
@example("€" * 120)
@example("\U0001f600" * 100)
def test_safe_file_stem_stays_in_its_folder_and_can_be_created(name: str) -> None:
    stem = safe_file_stem(name)
    assert stem and stem not in (".", "..") and not stem.startswith(".")
    assert not set("/\\\x00") & set(stem) and printable(stem)
    assert len((stem + ".json").encode("utf-8")) <= 255
    path = FOLDER / f"{stem}.json"
    assert path.resolve().parent == FOLDER.resolve()
    path.write_text("{}", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "{}"
    os.unlink(path)


@SETTINGS
@given(tricky, tricky)
@example("a/b", "a_b")
@example("a/b", "a\\b")
@example("../x", "__x")
def test_safe_file_stem_keeps_different_names_apart(one: str, other: str) -> None:
    if one != other:
        assert safe_file_stem(one) != safe_file_stem(other)


def test_safe_file_stem_keeps_ordinary_ids() -> None:
    for name in ("alice", "jean-luc.picard_2", "+SUM(1,2)", "@evil", "x`y`z", "Zoë"):
        assert safe_file_stem(name) == name
    assert re.fullmatch(r"___\.\._etc_passwd-[0-9a-f]{8}", safe_file_stem("../../etc/passwd"))
