"""seqlab.reports: every writer renders one hand-built GradeResult correctly and deterministically."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from builders import outcome

from seqlab import model
from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult
from seqlab.reports import (
    WRITERS,
    GradescopeReport,
    HtmlReport,
    JsonReport,
    JunitReport,
    MarkdownReport,
    TerminalReport,
)
from seqlab.reports.terminal import wants_colour

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "data" / "gradescope_schema.json").read_text(encoding="utf-8")
)
JUNIT_XSD = Path(__file__).parents[2] / "data" / "junit.xsd"

WINDOWS_MESSAGE = (
    "make_windows(x, 3) returned shape (4, 3); expected shape (5, 3)\n"
    "(is the last window dropped? the count is len(x) - size + 1)"
)


@pytest.fixture
def result() -> GradeResult:
    tokenize = FunctionScore(
        "tokenize",
        (
            outcome("tokenize", "test_lowercases", 2, PASSED),
            outcome("tokenize", "test_splits", 1.5, PASSED),
        ),
    )
    windows = FunctionScore(
        "make_windows",
        (
            outcome(
                "make_windows",
                "test_shapes",
                3,
                FAILED,
                WINDOWS_MESSAGE,
                "x=array([0., 1.]),\nsize=3,",
                hint="windows-last-target-missed",
            ),
            outcome("make_windows", "test_values", 2, PASSED),
            outcome("make_windows", "test_stride", 1, FAILED, "`make_windows` raised IndexError: boom"),
            outcome("make_windows", "test_stride_again", 1, FAILED, "`make_windows` raised IndexError: boom"),
        ),
    )
    gru = FunctionScore(
        "gru_step",
        (
            outcome("gru_step", "test_cpu", 4, FAILED, "`gru_step` is not implemented yet"),
            outcome("gru_step", "test_cuda", 2, SKIPPED, "no CUDA device"),
        ),
    )
    return GradeResult(
        assignment="windowing",
        submission="alice",
        kind="notebook",
        functions=(tokenize, windows, gru),
        messages=("cell 4 is a cell magic and was skipped",),
        output="hello from the student\n",
        output_bytes=23,
        seed=7,
        suite="hidden",
        seqlab_version="0.1.0",
        execution_time=12.345,
    )


def test_result_model_adds_up(result):
    assert result.score == 5.5
    assert result.max_score == 14.5  # the skipped CUDA test is excluded
    assert [f.score for f in result.functions] == [3.5, 2.0, 0.0]
    assert len(result.tests) == 8


# -- gradescope --------------------------------------------------------------------------------------------


def test_schema_is_strict_enough_to_catch_mistakes():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.check_schema(SCHEMA)
    assert validator.is_valid({"score": 1, "tests": []})
    assert not validator.is_valid({"score": 1, "typo": 1})
    assert not validator.is_valid({"tests": [{"score": 1, "status": "ok"}]})
    assert not validator.is_valid({"tests": [{"max_score": 1}]})  # no score anywhere
    assert not validator.is_valid({"score": 1, "visibility": "public"})
    assert not validator.is_valid({"score": 1, "tests": [{"score": 1, "number": 1}]})


@pytest.mark.parametrize("visibility", ["visible", "hidden", "after_due_date", "after_published"])
def test_gradescope_validates_against_the_documented_format(result, visibility):
    document = json.loads(GradescopeReport(visibility=visibility).render(result))
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert document["visibility"] == visibility
    assert {t["visibility"] for t in document["tests"]} == {visibility}


def test_gradescope_scores_statuses_and_feedback(result):
    document = json.loads(GradescopeReport().render(result))
    tests = document["tests"]
    assert len(tests) == 7, "skipped tests are left out"
    assert document["score"] == result.score == sum(t["score"] for t in tests)
    assert sum(t["max_score"] for t in tests) == result.max_score
    assert [t["status"] for t in tests] == [
        "passed",
        "passed",
        "failed",
        "passed",
        "failed",
        "failed",
        "failed",
    ]
    assert len({t["number"] for t in tests}) == 7
    shapes = tests[2]
    assert shapes["name"] == "make_windows: shapes"
    assert (shapes["score"], shapes["max_score"]) == (0, 3)
    assert shapes["output"].startswith(WINDOWS_MESSAGE)
    assert "Smallest failing input found:\nx=array([0., 1.]),\nsize=3," in shapes["output"]
    assert tests[0]["output"] == ""
    assert document["output"].startswith("windowing: 5.5 / 14.5 points.")
    assert "cell 4 is a cell magic" in document["output"]
    assert "1 test(s) skipped" in document["output"] and "no CUDA device" in document["output"]
    assert document["stdout_visibility"] == "hidden"
    assert "hello from the student" not in json.dumps(document)


def test_gradescope_with_no_tests_is_still_valid():
    empty = GradeResult("encoding", "bob", "unknown", (), messages=("Your submission could not be read",))
    document = json.loads(GradescopeReport().render(empty))
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert document["score"] == 0 and document["tests"] == []


# -- junit -------------------------------------------------------------------------------------------------


def junit_schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def test_junit_validates_against_the_junit_schema_of_ci_dashboards(result):
    schema = junit_schema()
    schema.validate(JunitReport().render(result))
    nasty = dataclasses.replace(
        result,
        execution_time=1234.5,
        functions=(
            FunctionScore("f", (outcome("f", "test_x", 1, FAILED, '<b>&"]]> \x1b[31mred\x00 ünï'),)),
            FunctionScore("g", (outcome("g", "test_y", 1, SKIPPED, "no CUDA device"),)),
            FunctionScore("h", ()),
        ),
    )
    schema.validate(JunitReport().render(nasty))


@pytest.mark.parametrize(
    ("edit", "what"),
    [
        (lambda xml: xml.replace(' failures="4"', ""), "a suite without its failure count"),
        (lambda xml: xml.replace('time="0"', 'time="soon"', 1), "a testcase time that is not seconds"),
        (
            lambda xml: xml.replace("<failure ", "<failed ", 1).replace("</failure>", "</failed>", 1),
            "unknown",
        ),
        (
            lambda xml: re.sub(r'<testcase classname="[^"]*" name="[^"]*"', "<testcase", xml, count=1),
            "no name",
        ),
    ],
    ids=["failures", "time", "element", "name"],
)
def test_the_junit_schema_rejects_what_dashboards_reject(result, edit, what):
    """The schema is not vacuous: each edit breaks a rule CI dashboards rely on."""
    schema = junit_schema()
    broken = edit(JunitReport().render(result))
    assert broken != JunitReport().render(result), what
    assert not schema.is_valid(broken), what


def test_junit_parses_and_counts_are_consistent(result):
    root = ET.fromstring(JunitReport().render(result))
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("name") == "windowing"
    assert int(suite.get("tests")) == len(cases) == 8
    assert int(suite.get("failures")) == len(suite.findall("testcase/failure")) == 4
    assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped")) == 1
    assert int(suite.get("errors")) == 0
    properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert properties == {"score": "5.5", "max_score": "14.5"}
    shapes = next(c for c in cases if c.get("name") == "shapes")
    assert shapes.get("classname") == "windowing.make_windows"
    failure = shapes.find("failure")
    assert failure.get("message") == WINDOWS_MESSAGE.splitlines()[0]
    assert failure.text == WINDOWS_MESSAGE + "\n\nSmallest failing input found:\nx=array([0., 1.]),\nsize=3,"
    assert cases[-1].find("skipped").get("message") == "no CUDA device"


def test_junit_escapes_markup_in_messages(result):
    nasty = '<script>&amp; "quotes" ]]> </failure>'
    broken = dataclasses.replace(
        result,
        functions=(FunctionScore("f", (outcome("f", "test_x", 1, FAILED, nasty),)),),
    )
    root = ET.fromstring(JunitReport().render(broken))
    assert root.find("testsuite/testcase/failure").text == nasty


def test_junit_survives_control_characters_in_messages(result):
    colour = dataclasses.replace(
        result,
        functions=(
            FunctionScore(
                "f", (outcome("f", "test_x", 1, FAILED, "`f` raised ValueError: \x1b[31mred\x1b[0m\x00"),)
            ),
        ),
    )
    ET.fromstring(JunitReport().render(colour))


# -- markdown ----------------------------------------------------------------------------------------------


def test_markdown_shows_scores_failures_and_counterexamples(result):
    text = MarkdownReport().render(result)
    assert text.startswith("# windowing: 5.5 / 14.5 points\n")
    assert "Submission `alice` (notebook), hidden tests, seed 7." in text
    assert "> cell 4 is a cell magic and was skipped" in text
    assert "| ✅ `tokenize` | 3.5 / 3.5 | 2 / 2 |" in text
    assert "| ⚠️ `make_windows` | 2 / 7 | 1 / 4 |" in text
    assert "| ❌ `gru_step` | 0 / 4 | 0 / 1 |" in text
    assert "## What to fix" in text and "### `make_windows`" in text and "### `gru_step`" in text
    assert "### `tokenize`" not in text
    for line in WINDOWS_MESSAGE.splitlines():
        assert f"  {line}" in text
    assert "Smallest failing input found:" in text and "  x=array([0., 1.]),\n  size=3," in text
    assert "- ❌ stride again (1 points)\n  (same problem as above)" in text
    assert "## Skipped (not counted)" in text and "`gru_step` — cuda: no CUDA device" in text
    assert "## What your code printed" in text and "hello from the student" in text
    assert "lowercases" not in text, "passed tests are not listed as failures"


def longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def test_markdown_writes_a_functions_hint_once_on_its_own_line():
    hint = "Hint: your output matches pre-padding. Post-pad. (See section 3.)"
    tests = (
        outcome(
            "one_hot", "test_lecture", 4, FAILED, "wrong values at 22 positions", hint="pre", hint_text=hint
        ),
        outcome("one_hot", "test_random", 5, FAILED, "wrong values at 2 positions", "x=1,", "pre", hint),
        outcome(
            "one_hot", "test_unknown", 3, FAILED, "wrong values at 14 positions\n+ where False = close(a)"
        ),
        outcome("one_hot", "test_again", 3, FAILED, "wrong values at 9 positions\n+ where False = close(b)"),
    )
    result = GradeResult("encoding", "s", "module", (FunctionScore("one_hot", tests),))
    text = MarkdownReport().render(result)
    assert text.count(hint) == 1 and text.count("Hint: the same as above.") == 1
    assert "  ```\n\n  💡 Hint: your output matches pre-padding" in text, "the hint is outside the code block"
    assert text.index(hint) < text.index("wrong values at 2 positions") < text.index("the same as above")
    # tests without a hint keep every line of their message, and no hint is said to be "the same"
    assert "+ where False = close(a)" in text and "+ where False = close(b)" in text
    assert text.rindex("the same as above") < text.index("wrong values at 14 positions")


def test_markdown_explains_a_submission_that_cannot_be_loaded_once():
    error = "SyntaxError: '(' was never closed (encoding.py, line 4)\n    return f(x\n            ^"
    tests = tuple(
        outcome(f, f"test_{f}_{i}", 1, FAILED, f"`{f}` could not be graded: {error}")
        for f in "abc"
        for i in range(3)
    )
    result = GradeResult(
        "encoding",
        "s",
        "module",
        tuple(FunctionScore(f, tuple(t for t in tests if t.function == f)) for f in "abc"),
        messages=(f"Your code could not be loaded, so no function could be graded: {error}", "another note"),
        load_error=error,
    )
    text = MarkdownReport().render(result)
    assert text.count("was never closed") == 1 and text.count("            ^") == 1
    assert "## Your code could not be loaded" in text and "```\nSyntaxError: '(' was never closed" in text
    assert "## What to fix" not in text and "> another note" in text
    assert "| ❌ `a` | 0 / 3 | 0 / 3 |" in text


@pytest.mark.parametrize(
    "message",
    [
        "plain message",
        "has ``` a fence",
        pytest.param(
            "closes ```` the fence\n# 10 / 10 points",
        ),
    ],
)
def test_markdown_keeps_messages_inside_their_code_block(result, message):
    text = MarkdownReport().render(
        dataclasses.replace(
            result, functions=(FunctionScore("f", (outcome("f", "test_x", 1, FAILED, message),)),)
        )
    )
    lines = text.splitlines()
    first = lines.index(f"  {message.splitlines()[0]}")
    fence = lines[first - 1].strip()
    assert set(fence) == {"`"} and len(fence) > longest_backtick_run(message)
    closing = lines.index(lines[first - 1], first)
    assert closing == first + len(message.splitlines())


# -- json --------------------------------------------------------------------------------------------------


def test_json_round_trips_the_result_model(result):
    text = JsonReport().render(result)
    document = json.loads(text)
    assert document == json.loads(json.dumps(result.to_dict()))
    assert list(document) == sorted(document), "keys are written in a stable (sorted) order"
    assert document["score"] == 5.5 and document["max_score"] == 14.5
    assert [f["score"] for f in document["functions"]] == [3.5, 2.0, 0.0]
    assert document["functions"][1]["tests"][0]["counterexample"] == "x=array([0., 1.]),\nsize=3,"
    rebuilt = GradeResult(
        **{
            **{
                k: v
                for k, v in document.items()
                if k not in ("score", "max_score", "hints", "functions", "messages")
            },
            "messages": tuple(document["messages"]),
            "functions": tuple(
                FunctionScore(f["name"], tuple(model.TestOutcome(**t) for t in f["tests"]))
                for f in document["functions"]
            ),
        }
    )
    assert rebuilt == result
    assert GradeResult.from_dict(document) == result
    assert document["hints"] == {"make_windows": {"windows-last-target-missed": 1}}
    assert document["functions"][1]["tests"][0]["hint"] == "windows-last-target-missed"


# -- all writers -------------------------------------------------------------------------------------------

TIMING = {
    "json": re.compile(r'"execution_time": [0-9.]+'),
    "gradescope": re.compile(r'"execution_time": [0-9.]+'),
    "junit": re.compile(r'\btime="[0-9.]+"'),
    "markdown": re.compile(r"(?!)"),
    "terminal": re.compile(r"(?!)"),
    "html": re.compile(r"(?!)"),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_two_renders_differ_only_in_timing(result, name):
    writer = WRITERS[name]()
    first = writer.render(result)
    assert writer.render(result) == first
    slower = writer.render(dataclasses.replace(result, execution_time=99.5))
    assert slower != first or name in ("html", "markdown", "terminal")  # for people: no timing at all
    assert TIMING[name].sub("T", slower) == TIMING[name].sub("T", first)


def test_every_writer_is_registered_with_a_suffix():
    assert set(WRITERS) == {"json", "gradescope", "html", "junit", "markdown", "terminal"}
    assert {name: cls.suffix for name, cls in WRITERS.items()} == {
        "json": ".json",
        "gradescope": ".json",
        "junit": ".xml",
        "markdown": ".md",
        "terminal": ".txt",
        "html": ".html",
    }


def _stub_and_mistake() -> GradeResult:
    hint = "Hint: your output matches tokens not lowercased. Lower-case first. (See section 1.)"
    tokenize = (
        outcome(
            "tokenize", "test_lecture", 1, FAILED, "tokenize('A b') returned ['A', 'b']", "", "lower", hint
        ),
        outcome(
            "tokenize",
            "test_random",
            1,
            FAILED,
            "tokenize('Cc') returned ['Cc']\n  \x1b[2J",
            "",
            "lower",
            hint,
        ),
        outcome("tokenize", "test_empty", 1, PASSED),
    )
    stub = tuple(
        outcome(
            "ngrams",
            f"test_{i}",
            1,
            FAILED,
            "`ngrams` is not implemented yet (it raises NotImplementedError)",
        )
        for i in range(3)
    )
    return GradeResult(
        "encoding",
        "work",
        "module",
        (FunctionScore("tokenize", tokenize), FunctionScore("ngrams", stub)),
        suite="public",
    )


def _unloadable(error: str, tests: int) -> GradeResult:
    """A submission that could not be loaded, with ``error``: each of its ``tests`` failed for it."""
    failed = tuple(
        outcome("f", f"test_{i}", 1, FAILED, f"`f` could not be graded: {error}") for i in range(tests)
    )
    return GradeResult(
        "encoding",
        "work",
        "module",
        (FunctionScore("f", failed),),
        messages=(f"Your code could not be loaded, so no function could be graded: {error}",),
        load_error=error,
    )


def test_terminal_report_explains_failures_and_ends_with_the_summary_and_the_total():
    text = TerminalReport().render(_stub_and_mistake())
    lines = text.splitlines()
    assert lines[0] == "encoding: public checks of work"
    assert lines[-1] == "Total: 1 / 6 points, 1 of 6 checks pass", "the total comes last"
    assert text.index("tokenize: 2 failed checks") < text.index("Summary") < text.index("Fix first: tokenize")
    assert (
        "      tokenize('A b') returned ['A', 'b']" in text
        and "      Hint: your output matches tokens" in text
    )
    assert text.count("Hint: your output matches") == 1 and "Hint: the same as above." in text
    assert "  ~ tokenize  passed 1 of 3 checks   tokenize('A b') returned ['A', 'b']" in lines
    assert "  ✗ ngrams    passed 0 of 3 checks   not implemented yet" in lines
    assert "ngrams: " not in text, "a stub gets its summary line only, not one line per check"
    assert "\x1b" not in text, "no colour unless asked, and the student's escape sequence is replaced"


def test_terminal_report_colours_only_where_asked_and_explains_a_load_error_once():
    coloured = TerminalReport(colour=True).render(_stub_and_mistake())
    assert "\x1b[31m✗\x1b[0m ngrams" in coloured and "\x1b[2J" not in coloured
    broken = _unloadable("SyntaxError: invalid syntax (encoding.py, line 3)\n    def f(:\n          ^", 4)
    text = TerminalReport().render(broken)
    assert text.count("invalid syntax") == 1 and "              ^" in text
    assert text.splitlines()[-1] == "Total: 0 / 4 points, 0 of 4 checks pass"


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {"TERM": "xterm-256color"}, True),
        (False, {"TERM": "xterm-256color"}, False),
        (True, {"TERM": "xterm", "NO_COLOR": "1"}, False),
        (True, {"TERM": "xterm", "NO_COLOR": ""}, True),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_colour_only_on_a_terminal_without_no_color(tty, environ, expected):
    assert wants_colour(_Stream(tty), environ) is expected


class _Page(HTMLParser):
    """Text of a page by element, and every tag seen (to prove that no markup of a student's got in)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_feedback_is_one_accessible_page_with_no_markup_of_the_student_s():
    nasty = '<img src=x onerror="alert(1)"> </pre><script>x</script>'
    result = _stub_and_mistake()
    tokenize = result.functions[0]
    tests = (dataclasses.replace(tokenize.tests[0], message=f"returned {nasty}"), *tokenize.tests[1:])
    result = dataclasses.replace(result, functions=(FunctionScore("tokenize", tests), result.functions[1]))
    text = HtmlReport().render(result)
    page = _Page()
    page.feed(text)
    assert "script" not in page.tags and "img" not in page.tags, "a student's markup became markup"
    assert nasty in "".join(page.text), "and it is shown as text"
    assert (
        text.startswith('<!DOCTYPE html>\n<html lang="en">')
        and "<caption>Points per function</caption>" in text
    )
    assert 'aria-label="failed">✗</span> <code>ngrams</code>' in text and "http" not in text
    assert text.count("Hint:</strong> your output matches tokens not lowercased") == 1
    assert "Hint:</strong> the same as above." in text


def test_html_feedback_explains_a_load_error_once():
    text = HtmlReport().render(_unloadable("SyntaxError: invalid syntax (encoding.py, line 3)", 3))
    assert text.count("invalid syntax") == 1 and "<h2>Your code could not be loaded</h2>" in text
    assert "What to fix" not in text
