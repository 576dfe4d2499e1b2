"""seqlab.classroom.report: a hand-built class renders to one self-contained, escaped, deterministic page.

The class is 12 students over two assignments; every expected number below is computed here from the
GradeResult objects themselves, and the page is read back with the standard library's html.parser.
"""

from __future__ import annotations

import base64
import re
import statistics
import sys
from collections import Counter
from html.parser import HTMLParser

import pytest

from seqlab import model
from seqlab.classroom import statistics as class_statistics
from seqlab.classroom.report import render_class_report, write_class_report
from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult

pytest.importorskip("matplotlib")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCRIPT_STUDENT = "<script>alert(1)</script>"
STUDENTS = [f"student{i:02d}" for i in range(11)] + [SCRIPT_STUDENT]

LOWER = ("lowercase-forgotten", "Hint: your output matches tokens not lowercased. <b>Lower</b> first.")
COUNT = ("window-count-off-by-one", "Hint: your output matches one window too few. len(x) - size + 1.")
OFFSET = ("window-start-off-by-one", "Hint: your output matches windows starting one step late.")
TANH = ("rnn-no-tanh", "Hint: your output matches an RNN without tanh. Keep |h| < 1.")
NO_HINT = ("", "")

# (function, test name, points, indices of the students who fail it, failure message, (hint key, hint line))
WINDOWING = [
    ("tokenize", "lowercases", 2, {0, 4, 8}, "tokenize('A') returned ['A']", LOWER),
    ("tokenize", "splits", 1, {0, 6}, "expected 3 tokens, got 1", LOWER),
    ("make_windows", "shapes", 3, {0, 2, 4, 6, 8, 10}, "shape (4, 3); expected (5, 3)", COUNT),
    ("make_windows", "values", 2, {0, 3, 6, 9}, "values differ: <script>alert('x')</script>", OFFSET),
    ("make_windows", "stride", 1, {0, 10, 11}, "`make_windows` raised IndexError: boom", NO_HINT),
]
# Only students 0-9 submitted rnn; bptt's CUDA test is skipped for everyone (no GPU while grading).
RNN = [
    ("rnn_step", "shape", 2, {1, 2}, "shape mismatch", NO_HINT),
    ("rnn_step", "gradient", 3, {1, 2, 3, 4, 5}, "gradient differs at index 3", TANH),
    ("bptt", "cpu", 4, {1, 7}, "`bptt` is not implemented yet", NO_HINT),
    ("bptt", "cuda", 2, set(), "skip", NO_HINT),
]


def grade(assignment: str, index: int, spec: list) -> GradeResult:
    functions: dict[str, list[model.TestOutcome]] = {}
    for function, name, points, failing, message, (hint, sentence) in spec:
        if name == "cuda":
            outcome, text, key, hint_text = SKIPPED, "no CUDA device", "", ""
        elif index in failing:
            outcome, text, key, hint_text = FAILED, message, hint, sentence
        else:
            outcome, text, key, hint_text = PASSED, "", "", ""
        functions.setdefault(function, []).append(
            model.TestOutcome(
                f"test_{function}.py::test_{name}",
                name,
                function,
                points,
                outcome,
                text,
                hint=key,
                hint_text=hint_text,
            )
        )
    return GradeResult(
        assignment=assignment,
        submission=STUDENTS[index],
        kind="notebook",
        functions=tuple(FunctionScore(name, tuple(tests)) for name, tests in functions.items()),
        execution_time=100.0 - index,  # student00 is the slowest by execution_time
    )


def make_class() -> tuple[dict[tuple[str, str], GradeResult], dict[tuple[str, str], float]]:
    grades = {(STUDENTS[i], "windowing"): grade("windowing", i, WINDOWING) for i in range(12)}
    grades |= {(STUDENTS[i], "rnn"): grade("rnn", i, RNN) for i in range(10)}
    seconds = {key: 1.0 + 0.5 * STUDENTS.index(key[0]) for key in grades}
    seconds[SCRIPT_STUDENT, "windowing"] = 99.5  # the slowest windowing submission
    seconds["student07", "rnn"] = 50.25  # the slowest rnn submission
    return grades, seconds


class Page(HTMLParser):
    """Every tag with its attributes, every <img>, and every table's rows as text, by section and class."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.images: list[dict[str, str | None]] = []
        self.tables: dict[tuple[str | None, str | None], list[list[str]]] = {}
        self.text: list[str] = []
        self._section: str | None = None
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_body_row = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "img":
            self.images.append(attributes | {"section": self._section})
        elif tag == "section":
            self._section = attributes.get("data-assignment")
        elif tag == "table":
            self._table = self.tables.setdefault((self._section, attributes.get("class")), [])
        elif tag == "tbody":
            self._in_body_row = True
        elif tag == "tr" and self._table is not None and self._in_body_row:
            self._table.append([])
        elif tag == "td" and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        elif tag == "table":
            self._table, self._in_body_row = None, False
        elif tag == "td" and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, section: str | None, css_class: str) -> list[list[str]]:
        return self.tables[section, css_class]


@pytest.fixture(scope="module")
def klass() -> tuple[dict[tuple[str, str], GradeResult], dict[tuple[str, str], float]]:
    return make_class()


@pytest.fixture(scope="module")
def page_text(klass) -> str:
    grades, seconds = klass
    return render_class_report(grades, seconds=seconds, title="Spring <term> report")


@pytest.fixture(scope="module")
def page(page_text) -> Page:
    return Page(page_text)


def results_of(grades, assignment: str) -> list[GradeResult]:
    return [result for (_, a), result in sorted(grades.items()) if a == assignment]


def test_the_class_is_what_the_tests_assume(klass):
    grades, _ = klass
    windowing = {r.submission: r for r in results_of(grades, "windowing")}
    assert windowing["student00"].score == 0
    assert windowing["student01"].score == windowing["student01"].max_score == 9
    assert {r.max_score for r in results_of(grades, "rnn")} == {9}  # the skipped CUDA test is not counted
    assert len(results_of(grades, "rnn")) == 10


def test_every_image_is_an_embedded_png(page):
    assert len(page.images) == 4  # a histogram and a pass-rate chart per assignment
    assert {image["section"] for image in page.images} == {"rnn", "windowing"}
    for image in page.images:
        src = image["src"]
        assert src is not None and src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.removeprefix("data:image/png;base64,"), validate=True)
        assert png.startswith(PNG_SIGNATURE)
        assert b"Software" not in png and b"matplotlib" not in png, "no version string in the PNG"
        assert image["alt"], "every plot has alt text"


def test_the_page_is_self_contained(page, page_text):
    assert "http://" not in page_text and "https://" not in page_text
    assert not {"script", "link", "iframe", "object", "embed"} & {tag for tag, _ in page.tags}
    for _, attributes in page.tags:
        for name in ("src", "href"):
            value = attributes.get(name)
            assert value is None or value.startswith(("data:", "#")), value
    assert page_text.startswith("<!DOCTYPE html>")
    assert "<style>" in page_text


def test_student_text_is_escaped(page, page_text):
    assert "<script" not in page_text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text
    assert "Spring &lt;term&gt; report" in page_text
    # ...and the escaped text reads back as what the student wrote.
    assert SCRIPT_STUDENT in [row[0] for row in page.table("windowing", "slowest")]
    examples = [row[3] for row in page.table("windowing", "failures")]
    assert "values differ: <script>alert('x')</script>" in examples


def test_summary_numbers(klass, page):
    grades, _ = klass
    rows = {row[0]: row for row in page.table(None, "summary")}
    assert list(rows) == ["rnn", "windowing"]
    for assignment, row in rows.items():
        scores = [r.score for r in results_of(grades, assignment)]
        full = sum(r.score == r.max_score and r.max_score > 0 for r in results_of(grades, assignment))
        graded, mean, median, low, high, out_of, full_marks, zeros = row[1:]
        assert int(graded) == len(scores)
        assert float(mean) == pytest.approx(sum(scores) / len(scores), abs=0.005)
        assert float(median) == pytest.approx(statistics.median(scores), abs=0.005)
        assert (float(low), float(high)) == (min(scores), max(scores))
        assert float(out_of) == 9
        assert int(full_marks) == full
        assert int(zeros) == scores.count(0)
    assert rows["windowing"][7:] == ["3", "1"]  # students 1, 5 and 7 full; student 0 zero
    assert rows["rnn"][7:] == ["4", "1"]  # students 0, 6, 8, 9 full; student 1 zero


def test_histogram_alt_text_counts_every_score(klass, page):
    grades, _ = klass
    for image in page.images:
        if image["class"] != "histogram":
            continue
        scores = [r.score for r in results_of(grades, image["section"])]
        bins = re.findall(r"\[([\d.]+), ([\d.]+)[\])]: (\d+)", image["alt"])
        assert len(bins) == 9  # one bin per point from 0 to 9
        assert float(bins[0][0]) == 0 and float(bins[-1][1]) == 9
        expected = Counter(min(int(score), 8) for score in scores)  # 9 points falls into the last bin
        assert [int(count) for _, _, count in bins] == [expected[k] for k in range(9)]


def test_pass_rates_per_function(klass, page):
    grades, _ = klass
    for assignment, functions in [("windowing", ["tokenize", "make_windows"]), ("rnn", ["rnn_step", "bptt"])]:
        results = results_of(grades, assignment)
        rows = page.table(assignment, "pass-rates")
        assert [row[0] for row in rows] == functions, "functions in the order the results list them"
        for function, row in zip(functions, rows, strict=True):
            scores = [f for r in results for f in r.functions if f.name == function]
            full = sum(
                all(t.outcome == PASSED for t in f.tests if t.outcome != SKIPPED) and f.max_score > 0
                for f in scores
            )
            assert row[1] == f"{full} / {len(results)}"
            assert row[2] == f"{100 * full / len(results):.0f}%"
            mean, maximum = row[3].split(" / ")
            assert float(mean) == pytest.approx(sum(f.score for f in scores) / len(results), abs=0.005)
            assert float(maximum) == max(f.max_score for f in scores)
    windowing = page.table("windowing", "pass-rates")
    assert [row[1] for row in windowing] == ["8 / 12", "3 / 12"]


def test_most_frequent_failures_and_hints(klass, page):
    grades, _ = klass
    for assignment in ("windowing", "rnn"):
        failed = [t for r in results_of(grades, assignment) for t in r.tests if t.outcome == FAILED]
        counts = Counter((t.function, t.name) for t in failed)
        students = Counter(  # a submission counts once per function and misconception
            group
            for r in results_of(grades, assignment)
            for group in {(t.function, t.hint) for t in r.tests if t.outcome == FAILED and t.hint}
        )
        rows = page.table(assignment, "failures")
        assert sum(int(row[2]) for row in rows) == sum(counts.values())
        (top, top_count), (_, second_count) = counts.most_common(2)
        assert top_count > second_count
        assert (rows[0][0], rows[0][1], int(rows[0][2])) == (*top, top_count)
        hint_rows = page.table(assignment, "hints")
        assert {(row[0], row[1]): int(row[2]) for row in hint_rows} == dict(students)
    failures = page.table("windowing", "failures")
    assert failures[0] == ["make_windows", "shapes", "6", "shape (4, 3); expected (5, 3)"]
    # tokenize: students 0, 4, 8 (lowercases) and 0, 6 (splits) -> 4 submissions, student 0 counted once
    assert page.table("windowing", "hints") == [
        ["make_windows", COUNT[0], "6", COUNT[1]],
        ["make_windows", OFFSET[0], "4", OFFSET[1]],
        ["tokenize", LOWER[0], "4", LOWER[1]],
    ]
    assert page.table("rnn", "hints") == [["rnn_step", TANH[0], "5", TANH[1]]]


def test_slowest_submissions(klass, page):
    grades, seconds = klass
    for assignment in ("windowing", "rnn"):
        rows = page.table(assignment, "slowest")
        keys = [key for key in grades if key[1] == assignment]
        assert len(rows) == min(10, len(keys))
        slowest = max(keys, key=lambda key: seconds[key])
        assert rows[0][:3] == [slowest[0], assignment, f"{seconds[slowest]:.2f}"]
        result = grades[slowest]
        assert rows[0][3] == f"{result.score:g} / {result.max_score:g}"
        taken = [float(row[2]) for row in rows]
        assert taken == sorted(taken, reverse=True)


def test_slowest_falls_back_to_execution_time(klass):
    grades, _ = klass
    page = Page(render_class_report(grades))
    rows = page.table("windowing", "slowest")
    assert [row[0] for row in rows[:2]] == ["student00", "student01"]
    assert rows[0][2] == "100.00"


def test_rendering_is_deterministic(klass, page_text):
    grades, seconds = klass
    had_pyplot = "matplotlib.pyplot" in sys.modules
    reversed_grades = dict(reversed(list(grades.items())))
    again = render_class_report(reversed_grades, seconds=seconds, title="Spring <term> report")
    assert again == page_text
    if not had_pyplot:
        assert "matplotlib.pyplot" not in sys.modules, "only matplotlib.figure.Figure is used"


def test_an_empty_class_renders():
    text = render_class_report({})
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "no submissions were graded" in "".join(page.text).lower()
    assert page.images == [] and page.tables == {}


def test_a_class_without_failures_says_so():
    tests = (model.TestOutcome("test_t.py::test_ok", "ok", "tokenize", 1, PASSED),)
    grades = {("ada", "toy"): GradeResult("toy", "ada", "module", (FunctionScore("tokenize", tests),))}
    page = Page(render_class_report(grades))
    text = "".join(page.text).lower()
    assert "no hints were given" in text and "no test failed" in text
    assert page.table(None, "summary") == [["toy", "1", "1.00", "1.00", "1", "1", "1", "1", "0"]]
    assert page.table("toy", "pass-rates") == [["tokenize", "1 / 1", "100%", "1.00 / 1"]]


def test_write_class_report(tmp_path, klass):
    grades, seconds = klass
    path = write_class_report(tmp_path / "reports" / "class.html", grades, seconds=seconds)
    assert path == tmp_path / "reports" / "class.html"
    assert path.read_text(encoding="utf-8") == render_class_report(grades, seconds=seconds)


def test_an_example_message_is_taken_from_the_failures_of_other_causes_than_a_stub():
    stub = "`tokenize` is not implemented yet (it raises NotImplementedError)"

    def one(student: str, message: str) -> GradeResult:
        test = model.TestOutcome("t.py::test_lecture", "lecture", "tokenize", 1, FAILED, message)
        return GradeResult("encoding", student, "module", (FunctionScore("tokenize", (test,)),))

    results = [one("a", stub), one("b", "tokenize('A') returned ['A']"), one("c", stub)]
    assert class_statistics.frequent_failures(results) == [
        ("tokenize", "lecture", 3, "tokenize('A') returned ['A']")
    ]
    assert class_statistics.frequent_failures([results[0]]) == [("tokenize", "lecture", 1, stub)]
    assert (
        class_statistics.problems(results[0]) == ["nothing implemented"]
        and class_statistics.problems(results[1]) == []
    )
    assert (
        class_statistics.plural(1, "assignment") == "1 assignment"
        and class_statistics.plural(2, "class", "classes") == "2 classes"
    )
