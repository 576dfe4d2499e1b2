"""Broken and adversarial submissions: each gets a written report with a clear message, nothing undeserved,
and the grader itself never crashes. These run the real ``seqlab grade`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import reference_source

pytestmark = pytest.mark.e2e

ASSIGNMENT = "encoding"
TARGET = "ngrams"  # the function the single-function attacks replace

BROKEN = {
    "syntax_error": ("def ngrams(tokens, n)\n    return []\n", "SyntaxError"),
    "top_level_exception": ("raise RuntimeError('boom at import')\n", "boom at import"),
    "top_level_sys_exit": ("import sys\nsys.exit(3)\n", "sys.exit"),
    "top_level_os_exit": ("import os\nos._exit(0)\n", "exited with status 0"),
    "infinite_loop_at_import": ("while True:\n    pass\n", "did not finish"),
}

SINGLE_FUNCTION = {
    "missing_function": ("del ngrams\n", "does not define a function named `ngrams`"),
    "wrong_return_type": ("def ngrams(tokens, n):\n    return object()\n", "not plain data"),
    "infinite_loop": ("def ngrams(tokens, n):\n    while True:\n        pass\n", "did not return in time"),
    "sys_exit_in_function": ("import sys\ndef ngrams(tokens, n):\n    sys.exit(0)\n", "called sys.exit()"),
    "os_exit_in_function": ("import os\ndef ngrams(tokens, n):\n    os._exit(1)\n", "crashed"),
    "prints_megabytes": (
        "def ngrams(tokens, n):\n    print('x' * 5_000_000)\n    return None\n",
        "returned None",
    ),
    "equal_to_everything": (
        "class Liar(list):\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
        "class Anything:\n    def __eq__(self, other):\n        return True\n"
        "def ngrams(tokens, n):\n    return Anything()\n",
        "not plain data",
    ),
    "list_subclass_equal_to_everything": (
        "class Liar(list):\n    def __eq__(self, other):\n        return True\n"
        "def ngrams(tokens, n):\n    return Liar()\n",
        "returned a list of length 0",
    ),
    "patches_numpy_testing_and_isclose": (
        "import numpy, numpy.testing, builtins\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.testing.assert_array_equal = lambda *a, **k: None\n"
        "numpy.isclose = lambda *a, **k: True\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
        "def ngrams(tokens, n):\n    return [('wrong',)]\n",
        "returned a list of length 1",
    ),
}


def run_grade(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "seqlab.cli",
            "grade",
            str(folder),
            "--assignment",
            ASSIGNMENT,
            "--format",
            "json",
            "--out",
            str(out),
            "--call-timeout",
            "2",
            "--timeout",
            "60",
            "--startup-timeout",
            "5",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def graded_report(folder: Path, tmp_path: Path) -> dict:
    out = tmp_path / "report.json"
    completed = run_grade(folder, out)
    assert completed.returncode == 0, completed.stderr
    return json.loads(out.read_text())


def all_messages(report: dict) -> str:
    tests = [t for f in report["functions"] for t in f["tests"]]
    return "\n".join(report["messages"] + [t["message"] for t in tests])


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_submission_that_cannot_load_gets_zero_and_a_clear_report(case: str, tmp_path: Path) -> None:
    source, expected = BROKEN[case]
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.py").write_text(reference_source(ASSIGNMENT) + "\n" + source)
    report = graded_report(folder, tmp_path)
    assert report["score"] == 0 and report["max_score"] > 0
    assert expected in all_messages(report)
    assert any("could not be loaded" in m or "could not be" in m for m in report["messages"])


@pytest.mark.parametrize("case", sorted(SINGLE_FUNCTION))
def test_a_broken_function_earns_nothing_and_the_rest_still_counts(case: str, tmp_path: Path) -> None:
    source, expected = SINGLE_FUNCTION[case]
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.py").write_text(reference_source(ASSIGNMENT) + "\n\n" + source)
    report = graded_report(folder, tmp_path)
    by_function = {f["name"]: f for f in report["functions"]}
    assert by_function[TARGET]["score"] == 0, by_function[TARGET]
    assert all(f["score"] == f["max_score"] for name, f in by_function.items() if name != TARGET)
    target_messages = "\n".join(t["message"] for t in by_function[TARGET]["tests"])
    assert expected in target_messages, target_messages


def test_printing_megabytes_is_capped_in_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.py").write_text(reference_source(ASSIGNMENT) + "\nprint('y' * 8_000_000)\n")
    report = graded_report(folder, tmp_path)
    assert report["score"] == report["max_score"]
    assert report["output_bytes"] >= 8_000_000
    assert len(report["output"]) <= 64 * 1024
    assert any("only the first" in m for m in report["messages"])


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("encoding.ipynb", "{ this is not json", "not a readable Jupyter notebook"),
        ("encoding.ipynb", json.dumps({"cells": "nope"}), "not a readable Jupyter notebook"),
        ("homework.py", "def ngrams(t, n):\n    return []\n", "no encoding.py or encoding.ipynb"),
        ("encoding.py", b"\xff\xfe\x00 not utf-8", "not UTF-8"),
    ],
)
def test_an_unreadable_submission_still_gets_a_report(
    name: str, content: str | bytes, expected: str, tmp_path: Path
) -> None:
    folder = tmp_path / "sub"
    folder.mkdir()
    target = folder / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    report = graded_report(folder, tmp_path)
    assert report["score"] == 0 and report["max_score"] > 0
    assert expected in all_messages(report)


def test_grading_problems_of_the_course_exit_non_zero(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqlab.cli",
            "grade",
            str(tmp_path),
            "--assignment",
            ASSIGNMENT,
            "--course-root",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "no grader/ and solutions/" in completed.stderr


def test_a_submission_cannot_write_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    folder = tmp_path / "sub"
    folder.mkdir()
    attack = (
        f"def ngrams(tokens, n):\n    open({str(out)!r}, 'w').write('{{\"score\": 1000}}')\n    return []\n"
    )
    (folder / f"{ASSIGNMENT}.py").write_text(reference_source(ASSIGNMENT) + "\n\n" + attack)
    completed = run_grade(folder, out)
    assert completed.returncode == 0
    report = json.loads(out.read_text())
    assert report["score"] < report["max_score"]


def test_a_function_that_hangs_on_some_inputs_still_earns_its_other_tests(tmp_path: Path) -> None:
    folder = tmp_path / "sub"
    folder.mkdir()
    hangs_on_empty = (
        "_ngrams = ngrams\n\n"
        "def ngrams(tokens, n):\n"
        "    while not tokens:\n"
        "        pass\n"
        "    return _ngrams(tokens, n)\n"
    )
    (folder / f"{ASSIGNMENT}.py").write_text(reference_source(ASSIGNMENT) + "\n\n" + hangs_on_empty)
    report = graded_report(folder, tmp_path)
    target = next(f for f in report["functions"] if f["name"] == TARGET)
    assert 0 < target["score"] < target["max_score"], target
    assert any("did not return in time" in t["message"] for t in target["tests"])
