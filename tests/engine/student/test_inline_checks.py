"""The check cells' parts that need no kernel: which code a check runs, what it shows, the demo guard."""

from __future__ import annotations

import linecache

import pytest

from seqlab.isolate.proxy import NOT_IMPLEMENTED
from seqlab.model import FAILED, PASSED, FunctionScore, GradeResult
from seqlab.model import TestOutcome as Outcome
from seqlab.student.check_result import CheckResult, Line, describe
from seqlab.student.checks import _is_stub, kernel_notebook, ready


def _cell(source: str, *, solution: bool = False, grade_id: str = "") -> dict:
    meta = {"nbgrader": {"solution": solution, "grade": False, "grade_id": grade_id}} if grade_id else {}
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": [], "execution_count": None}


def _kernel_function(source: str, name: str, cell: str) -> object:
    """A function defined as IPython defines one: compiled from a cell whose text only linecache has."""
    filename = f"/tmp/ipykernel_0/{cell}.py"  # never a file on disk
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


STUB = 'def tokenize(text):\n    """Split."""\n    raise NotImplementedError("not implemented yet")\n'
DONE = "def tokenize(text):\n    return text.split()\n"


def test_the_kernel_s_version_of_a_solution_cell_replaces_the_saved_one_and_is_named():
    saved = {"cells": [_cell(STUB, solution=True, grade_id="tokenize"), _cell('check("tokenize")')]}
    current = kernel_notebook(saved, {"tokenize": _kernel_function(DONE, "tokenize", "a1")})
    assert current.notebook["cells"][0]["source"] == DONE
    assert current.unsaved == ("tokenize",)
    assert saved["cells"][0]["source"] == STUB  # the saved notebook is left as it was


def test_a_kernel_that_ran_the_saved_cells_changes_nothing():
    saved = {"cells": [_cell(DONE, solution=True, grade_id="tokenize")]}
    current = kernel_notebook(saved, {"tokenize": _kernel_function(DONE, "tokenize", "a2")})
    assert current.notebook == saved and current.unsaved == ()


def test_a_helper_from_a_new_kernel_cell_is_added_and_imported_functions_are_not():
    saved = {
        "cells": [_cell("def tokenize(text):\n    return helper(text)\n", solution=True, grade_id="tokenize")]
    }
    helper = _kernel_function("def helper(text):\n    return text.split()\n", "helper", "a3")
    current = kernel_notebook(saved, {"helper": helper, "dumps": __import__("json").dumps})
    assert [cell["source"] for cell in current.notebook["cells"][1:]] == [
        "def helper(text):\n    return text.split()\n"
    ]
    assert current.unsaved == ("helper",)


def _result(*tests: Outcome, load_error: str = "") -> GradeResult:
    return GradeResult(
        assignment="encoding",
        submission="encoding.ipynb",
        kind="notebook",
        functions=(FunctionScore("tokenize", tests),) if tests else (),
        suite="public",
        load_error=load_error,
    )


def _test(outcome: str, message: str = "", hint: str = "", name: str = "tokenize of a text") -> Outcome:
    return Outcome(
        id=name,
        name=name,
        function="tokenize",
        outcome=outcome,
        max_points=1.0,
        message=message,
        hint="k" if hint else "",
        hint_text=hint,
    )


def test_a_pass_is_one_line_and_a_stub_one_friendly_line():
    passed = describe("tokenize", _result(_test(PASSED), _test(PASSED, name="b")))
    assert passed.passed and passed.text() == "✅ tokenize: 2 of 2 checks pass"
    stub = describe("tokenize", _result(_test(FAILED, f"`tokenize` {NOT_IMPLEMENTED} (it raises ...)")))
    assert not stub.passed
    assert stub.text().splitlines()[0] == "⬜ tokenize is not implemented yet."


def test_a_failure_shows_the_message_the_hint_once_and_the_section():
    message = "tokenize('a.') returned ['a.']; expected ['a']\n  got:      ['a.']\n  expected: ['a']"
    hint = "Hint: your output matches text.split(). Use the regular expression."
    shown = describe(
        "tokenize",
        _result(
            _test(FAILED, message, hint), _test(FAILED, message, hint, name="b"), _test(PASSED, name="c")
        ),
        section="1. Tokenization",
    )
    text = shown.text()
    assert text.splitlines()[0] == "❌ tokenize: 1 of 3 checks pass"
    assert "    tokenize('a.') returned ['a.']; expected ['a']" in text
    assert text.count("your output matches") == 1 and "the same hint as above" in text
    assert "the same problem as above" in text
    assert 'href="#1.-Tokenization"' in shown.html()


def test_what_a_student_wrote_is_never_markup_in_the_html():
    shown = describe("tokenize", _result(_test(FAILED, "returned '<script>alert(1)</script>'")))
    assert "<script>" not in shown.html() and "&lt;script&gt;" in shown.html()
    assert "<script>" in shown.text()


def test_a_submission_that_does_not_load_is_said_once():
    shown = describe("tokenize", _result(load_error="encoding.ipynb, cell 3, line 2: SyntaxError"))
    assert shown.text().splitlines()[0].startswith("❌ tokenize: your code could not be loaded")
    assert "SyntaxError" in shown.text()


def test_plain_text_wraps_prose_for_nbgrader_validate_but_not_code():
    long_code = "x" * 150
    result = CheckResult("f", False, (Line("title", "word " * 40), Line("code", long_code)))
    lines = result.text().splitlines()
    assert all(len(line) <= 84 for line in lines if "x" * 10 not in line)
    assert "    " + long_code in lines


@pytest.mark.parametrize(
    ("source", "stub"),
    [
        (STUB, True),
        ("def f():\n    raise NotImplementedError\n", True),
        ("def f(x):\n    if x:\n        raise NotImplementedError\n    return 1\n", False),
        (DONE, False),
    ],
)
def test_a_stub_is_a_body_that_raises_not_implemented_error(source: str, stub: bool):
    assert _is_stub(source) is stub


def test_ready_names_what_to_write_first(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    import seqlab.student.checks as inline

    namespace = {
        "tokenize": _kernel_function(STUB, "tokenize", "b1"),
        "done": _kernel_function(DONE, "tokenize", "b2"),
    }
    monkeypatch.setattr(inline, "_namespace", lambda: namespace)
    assert ready("done") is True and capsys.readouterr().out == ""
    assert ready("tokenize", "done", "ngrams") is False
    out = capsys.readouterr().out
    assert "implement tokenize first" in out and "run the cell that defines ngrams" in out


def test_a_notebook_without_public_tests_beside_it_is_not_failed(tmp_path, monkeypatch: pytest.MonkeyPatch):
    import json

    import seqlab.student.checks as inline

    (tmp_path / "encoding.ipynb").write_text(
        json.dumps({"cells": [_cell(DONE, solution=True, grade_id="tokenize")]})
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(inline, "_namespace", lambda: {})
    shown = inline._check("tokenize", "encoding", every=True)
    assert shown.passed and "No public tests next to this notebook (tests/ or public_tests/)" in shown.text()
