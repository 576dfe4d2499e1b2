"""Attacks on the reports: a submission whose messages and output are markup, formulas or bad Unicode.

The submissions in ``reports/`` are graded by the real engine, then written by every writer: the Markdown
report keeps exactly one title and shows no live HTML (also rendered with a real Markdown parser, raw HTML
allowed), JSON parses and is valid UTF-8, JUnit parses, the class report's only images are its own plots,
and nothing raises. A class run through the real CLI, with student ids that are formulas, markup and
backticks, writes a neutral ``grades.csv``, the class report and every student's feedback inside the
feedback folder, even when one student's message holds a lone surrogate.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seqlab.classroom.report import render_class_report
from seqlab.course.layout import find_course_root
from seqlab.grading.pipeline import grade
from seqlab.integrations.nbgrader import feedback_markdown
from seqlab.isolate.limits import GIB, MIB, Limits
from seqlab.model import GradeResult
from seqlab.options import GradeOptions
from seqlab.reports import WRITERS
from seqlab.text_safety import safe_file_stem

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent / "reports"
ROOT = find_course_root()
#: A generous start-up time: these tests run beside the rest of the suite on every core.
LIMITS = Limits(
    call_timeout=2.0,
    submission_timeout=30.0,
    startup_timeout=30.0,
    memory_bytes=2 * GIB,
    file_size_bytes=16 * MIB,
    processes=64,
)
ATTACKS = ("load_error_markup", "call_errors_markup")
#: What the attacks write, which every report must still show (as text).
SHOWN = "<img src=x onerror=alert(1)>"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def submission(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "encoding.py").write_text((HERE / f"{name}.py").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeResult]:
    base = tmp_path_factory.mktemp("report-attacks")
    options = GradeOptions(limits=LIMITS, course_root=ROOT, example_cache=False, max_examples=5)
    return {name: grade(submission(name, base / name), "encoding", options) for name in ATTACKS}


# -- checks shared by the tests -----------------------------------------------------------------------------


def outside_code(markdown: str) -> str:
    """The Markdown's lines that are not inside a fenced code block, less their code spans (code shows
    text as it is)."""
    kept, fence = [], ""
    for line in markdown.split("\n"):
        stripped = line.strip()
        run = re.match(r"`{3,}", stripped)
        if fence:
            if run and stripped == run.group() and len(run.group()) >= len(fence):
                fence = ""
        elif run:
            fence = run.group()
        else:
            kept.append(re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", line))
    assert not fence, "a code block is never closed"
    return "\n".join(kept)


def rendered(markdown: str) -> str:
    mistune = pytest.importorskip("mistune")
    return mistune.html(markdown)  # raw HTML passes through, as in a careless viewer


def assert_markdown_is_inert(markdown: str, titles: int) -> None:
    markdown.encode("utf-8")
    literal = outside_code(markdown)
    lines = literal.split("\n")
    assert sum(line.startswith("# ") for line in lines) == titles, [ln for ln in lines if ln.startswith("#")]
    assert "<img" not in literal and "<script" not in literal.lower(), literal
    page = rendered(markdown)
    assert page.count("<h1>") == titles, page
    assert not re.search(r"<(img|script|iframe|a)\b", page, re.I), page
    assert "100 / 100 points" not in "".join(re.findall(r"<h[1-6]>(.*?)</h[1-6]>", page))


def assert_class_report_is_inert(page: str) -> None:
    page.encode("utf-8")
    images = re.findall(r"<img\b[^>]*>", page)
    ours = re.compile(r"<img class=\"(histogram|pass-rates)\" src=\"data:image/png;base64,[A-Za-z0-9+/=]+\"")
    assert images and all(ours.match(image) for image in images), images
    assert "<script" not in page.lower() and "<iframe" not in page.lower()


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# -- one submission, every writer ---------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_writer_shows_the_attack_as_text(results: dict[str, GradeResult], attack: str) -> None:
    result = results[attack]
    assert result.score == 0 and result.max_score == 100
    texts = {name: writer().render(result) for name, writer in WRITERS.items()}
    for text in texts.values():
        text.encode("utf-8")  # strict: no lone surrogate reaches a file or a terminal
    assert_markdown_is_inert(texts["markdown"], titles=1)
    assert SHOWN in html.unescape(rendered(texts["markdown"])), "the student's text is shown, not dropped"
    for name in ("json", "gradescope"):
        document = json.loads(texts[name])
        for text in strings(document):
            text.encode("utf-8")
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text), (name, text)
    assert any(SHOWN in text for text in strings(json.loads(texts["gradescope"])))
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((HERE.parents[1] / "data" / "gradescope_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(texts["gradescope"]), schema, cls=jsonschema.Draft202012Validator)
    root = ET.fromstring(texts["junit"])
    failures = [failure.text or "" for failure in root.iter("failure")]
    assert failures and any(SHOWN in text for text in failures)
    assert_class_report_is_inert(render_class_report({("student", "encoding"): result}))
    for function in result.functions:
        assert_markdown_is_inert(feedback_markdown(result, function, messages=True), titles=0)


def test_the_forged_lines_of_a_load_error_stay_inside_the_messages(results: dict[str, GradeResult]) -> None:
    result = results["load_error_markup"]
    assert any("\ufffd" in message for message in result.messages), "the lone surrogate became U+FFFD"
    markdown = WRITERS["markdown"]().render(result)
    # the load error is shown once, inside a code block no line of it can close
    fence = markdown.split("## Your code could not be loaded", 1)[1].split("\n| function |", 1)[0]
    opening = next(line for line in fence.split("\n") if line.startswith("```"))
    inside = fence.split(opening + "\n", 1)[1].rsplit("\n" + opening, 1)[0]
    assert "# encoding: 100 / 100 points" in inside
    assert "# carriage-return title" in inside, "a CR starts no line of its own"
    assert "| tokenize | 12 / 12 |" in inside, "no forged table row"
    outside = markdown.replace(inside, "")
    assert "100 / 100 points" not in outside and "carriage-return title" not in outside


def test_seqlab_grade_writes_the_markdown_report_of_a_lone_surrogate(tmp_path: Path) -> None:
    folder = submission("load_error_markup", tmp_path / "submission")
    done = subprocess.run(
        [sys.executable, "-m", "seqlab", "grade", str(folder), "-a", "encoding", "-f", "markdown",
         "--course-root", str(ROOT), "--no-example-cache", "--call-timeout", "2", "--timeout", "30",
         "--startup-timeout", "30"],
        capture_output=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    markdown = done.stdout.decode("utf-8")  # strict
    assert markdown.startswith("# encoding: 0 / 100 points\n")
    assert_markdown_is_inert(markdown, titles=1)


# -- a class ------------------------------------------------------------------------------------------------

#: Student id -> the submission it hands in, in the order the feedback is written (sorted ids): the lone
#: surrogate of ``+SUM(1,2)``'s message comes before the others.
CLASS = {
    "+SUM(1,2)": "load_error_markup",
    '=HYPERLINK("x")<img src=x onerror=alert(1)>': "call_errors_markup",
    "@evil": "plain_student",
    "a``b`": "plain_student",
}


def test_a_class_of_hostile_ids_gets_a_neutral_sheet_and_everyone_their_feedback(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for student, source in CLASS.items():
        (folder / f"{student}.py").write_text((HERE / f"{source}.py").read_text(encoding="utf-8"))
    with open(os.path.join(os.fsencode(folder), b"latin-1 \xe9l\xe8ve.py"), "wb") as file:
        file.write(b"def tokenize(text, level='word'):\n    return []\n")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "seqlab", "grade-class", str(folder), "-a", "encoding", "--workers", "2",
         "--out", str(out), "--course-root", str(ROOT), "--no-example-cache", "--call-timeout", "2",
         "--timeout", "30", "--startup-timeout", "30", "--no-progress"],
        capture_output=True, timeout=600, check=False, cwd=tmp_path,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8", errors="replace")
    assert done.returncode == 0, stderr
    assert "is not a usable student id; skipped" in stderr, "the file name that is not UTF-8 is refused"

    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header[:2] == ["student", "encoding"]
    assert [row[0] for row in rows] == sorted(
        ("'" + student if student.startswith(FORMULA_START) else student) for student in CLASS
    )
    for row in rows:
        for cell in row[1:]:
            assert cell == "" or float(cell) >= 0, row  # numbers seqlab wrote stay numbers
    for cell in header + [row[0] for row in rows]:
        assert not cell.startswith(FORMULA_START), cell

    page = (out / "class-report.html").read_text(encoding="utf-8")
    assert_class_report_is_inert(page)
    assert all(student in html.unescape(page) for student in CLASS), "every id is shown, as text"

    feedback = out / "feedback"
    written = sorted(feedback.rglob("*.md"))
    assert [path.parent.name for path in written] == sorted(safe_file_stem(student) for student in CLASS)
    for path in written:
        assert path.resolve().parent.parent == feedback.resolve()
        assert_markdown_is_inert(path.read_text(encoding="utf-8"), titles=1)
    elsewhere = {path.name for path in tmp_path.iterdir()} - {"class", "out", ".hypothesis"}
    assert not elsewhere, f"written outside the output folder: {elsewhere}"
