"""End to end: `seqlab reconcile` finds and corrects what a solution cell faked in nbgrader's kernel.

A temporary course (this repository's ``nbgrader_config.py``, ``solutions/`` and ``grader/``) with one
assignment, ``encoding``, generated and autograded by stock nbgrader, two students:

* ``bo`` is honest and makes one classic mistake (a mutant of ``tokenize``): partial marks, the same in
  the gradebook and in ``seqlab grade``;
* ``eve`` leaves every function a stub and starts her first solution cell with
  ``tests/attacks/nbgrader/patch_hidden_tests.py``, which replaces
  ``seqlab.integrations.nbgrader.hidden_tests`` in the kernel: every autograder test cell then shows nothing,
  which nbgrader counts as full credit.

After ``nbgrader autograde`` the gradebook gives ``eve`` 100. ``seqlab reconcile`` lists each of her cells
(not ``bo``'s) and exits 1; ``seqlab reconcile --fix`` writes ``seqlab grade``'s points as manual scores,
so nbgrader's totals, ``nbgrader export`` and ``generate_feedback`` (with the comment saying why) say 0 for
``eve`` and keep ``bo``'s; a second run finds nothing. A grader fault during reconcile leaves the gradebook
as it was.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

import seqlab.grading.pipeline
from seqlab.cli import main

from .conftest import MUTANTS, ROOT, reference_source
from .test_nbgrader_course import GRADE_OPTIONS, MUTANT, finish, nbgrader, seqlab_grade, start_nbgrader
from .test_nbgrader_course import student_notebook as honest_notebook

pytestmark = pytest.mark.e2e

ASSIGNMENT = "encoding"
CHEAT = Path(__file__).resolve().parents[1] / "attacks" / "nbgrader" / "patch_hidden_tests.py"
CELLS = 10  # autograder test cells of the encoding notebook: one per graded function

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from broken_install import numpy_hidden_plan  # noqa: E402


def cheating_notebook(released: Path, out: Path) -> Path:
    """The released notebook, its functions left as stubs, with the cheat atop the first solution cell."""
    data = json.loads(released.read_text(encoding="utf-8"))
    first = next(c for c in data["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    stub = "".join(first["source"]) if isinstance(first["source"], list) else first["source"]
    first["source"] = CHEAT.read_text(encoding="utf-8") + "\n\n" + stub
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return out


@dataclass(frozen=True)
class Run:
    """One `seqlab reconcile` command."""

    status: int
    stdout: str
    stderr: str


def reconcile(course: Path, *args: str) -> Run:
    """`seqlab reconcile` as an instructor types it in the course directory, in a process of its own."""
    env = dict(os.environ)
    env.pop("SEQLAB_COURSE_ROOT", None)
    done = subprocess.run(
        # the cells' options (given to them in SEQLAB_GRADE_OPTIONS), the course's own example cache
        [sys.executable, "-m", "seqlab", "reconcile", ASSIGNMENT, *GRADE_OPTIONS, *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def gradebook_state(course: Path, student: str) -> dict[str, tuple]:
    """``{cell: (auto_score, manual_score, score)}`` of a student's notebook, and its total under ``""``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        state = {g.name: (g.auto_score, g.manual_score, g.score) for g in notebook.grades}
        state[""] = (notebook.score,)
        return state


def comments(course: Path, student: str) -> dict[str, str | None]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {c.name: c.comment for c in notebook.comments}


def exported_totals(course: Path) -> dict[str, float]:
    nbgrader(course, "export")  # grades.csv in the course directory
    with (course / "grades.csv").open(newline="", encoding="utf-8") as handle:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}


@dataclass
class Course:
    root: Path
    reports: dict[str, dict]  # student -> `seqlab grade --format json` of the submitted notebook
    before: dict[str, dict[str, tuple]]  # student -> gradebook_state after autograde


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """generate_assignment and autograde with stock nbgrader; `seqlab grade` the same notebooks meanwhile."""
    root = tmp_path_factory.mktemp("reconcile") / "course"
    root.mkdir()
    shutil.copyfile(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for folder in ("solutions", "grader"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    released = root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    submitted = root / "submitted"
    name = f"{ASSIGNMENT}.ipynb"
    mutant = (MUTANTS / ASSIGNMENT / f"{MUTANT[ASSIGNMENT]}.py").read_text(encoding="utf-8")
    honest_notebook(released, [reference_source(ASSIGNMENT), mutant], submitted / "bo" / ASSIGNMENT / name)
    cheating_notebook(released, submitted / "eve" / ASSIGNMENT / name)
    autograde = start_nbgrader(root, "autograde", ASSIGNMENT, "--create")
    reports = {
        student: seqlab_grade(
            submitted / student / ASSIGNMENT / name,
            ASSIGNMENT,
            root,
            root / "examples",
            root.parent / f"{student}.json",
        )
        for student in ("bo", "eve")
    }
    finish(autograde)
    before = {student: gradebook_state(root, student) for student in ("bo", "eve")}
    return Course(root, reports, before)


def test_autograde_gives_the_cheat_full_marks_and_seqlab_grade_gives_nothing(course: Course):
    assert course.before["eve"][""] == (100,)
    assert course.reports["eve"]["score"] == 0 and course.reports["eve"]["max_score"] == 100
    honest = course.reports["bo"]["score"]
    assert 0 < honest < 100 and course.before["bo"][""] == (pytest.approx(honest),)


def test_a_grader_fault_leaves_the_gradebook_untouched(
    course: Course, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """The installation is broken for the worker's user (numpy.random unreadable to it, see
    tests/engine/broken_install.py): reconcile, run in this process, reports both submissions as not
    checked, exits 3 and, even with --fix, changes nothing."""
    plan = numpy_hidden_plan()
    monkeypatch.setattr(seqlab.grading.pipeline, "plan_sandbox", lambda mode="auto": plan)
    monkeypatch.delenv("SEQLAB_COURSE_ROOT", raising=False)
    earlier = {student: gradebook_state(course.root, student) for student in ("bo", "eve")}
    status = main(["reconcile", ASSIGNMENT, "--course-dir", str(course.root), "--fix"])
    out, err = capsys.readouterr()
    assert status == 3, err
    assert err.count("not checked: grader fault") == 2, err
    assert out.strip() == "0 submissions checked, 0 cells disagree, 0 corrected, 2 could not be checked"
    assert {student: gradebook_state(course.root, student) for student in ("bo", "eve")} == earlier


@pytest.fixture(scope="module")
def reconciled(course: Course) -> dict[str, object]:
    """Check, fix, check again; the gradebook and nbgrader's export after the fix."""
    found = reconcile(course.root)
    fixed = reconcile(course.root, "--fix")
    after = {student: gradebook_state(course.root, student) for student in ("bo", "eve")}
    again = reconcile(course.root)
    nbgrader(course.root, "generate_feedback", ASSIGNMENT, "--student=eve")
    page = (course.root / "feedback" / "eve" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    return {
        "found": found,
        "fixed": fixed,
        "again": again,
        "after": after,
        "export": exported_totals(course.root),
        "feedback": unescape(re.sub(r"<[^>]+>", "", page)),
    }


def table_rows(run: Run) -> list[list[str]]:
    """The rows of the disagreement table (header and rule left out)."""
    lines = run.stdout.splitlines()
    return [line.split() for line in lines[2:] if line.split() and "submissions checked" not in line]


def test_reconcile_flags_every_cell_of_the_cheat_and_none_of_the_honest_student(reconciled):
    found: Run = reconciled["found"]
    assert found.status == 1, found.stderr
    rows = table_rows(found)
    assert found.stdout.splitlines()[0].split() == [
        "student",
        "notebook",
        "cell",
        "gradebook",
        "seqlab",
        "max",
        "corrected",
    ]
    assert {row[0] for row in rows} == {"eve"}
    assert len(rows) == CELLS and all(row[1] == f"{ASSIGNMENT}/{ASSIGNMENT}" for row in rows)
    for _, _, cell, gradebook, ours, maximum, corrected in rows:
        assert cell.startswith("tests_") and gradebook == maximum and ours == "0" and corrected == "no"
    assert f"2 submissions checked, {CELLS} cells disagree, 0 corrected" in found.stdout


def test_fix_makes_the_gradebook_hold_seqlab_grades_scores(course: Course, reconciled):
    fixed: Run = reconciled["fixed"]
    assert fixed.status == 0, fixed.stderr
    assert f"2 submissions checked, {CELLS} cells disagree, {CELLS} corrected" in fixed.stdout
    after = reconciled["after"]
    assert after["eve"][""] == (pytest.approx(course.reports["eve"]["score"]),) == (0,)
    assert after["bo"] == course.before["bo"]  # the honest student's gradebook is not touched at all
    for function in course.reports["eve"]["functions"]:
        auto, manual, score = after["eve"][f"tests_{function['name']}"]
        assert auto > 0 and manual == score == function["score"] == 0  # nbgrader's own score is kept
    assert reconciled["export"] == {
        "bo": pytest.approx(course.reports["bo"]["score"]),
        "eve": pytest.approx(course.reports["eve"]["score"]),
    }
    notes = {cell: text for cell, text in comments(course.root, "eve").items() if text}
    assert notes and all("seqlab reconcile: tests_" in text for text in notes.values())
    explained = " ".join(notes.values())
    for function in course.reports["eve"]["functions"]:
        assert f"tests_{function['name']} recorded" in explained


def test_the_feedback_shows_seqlab_grades_score_and_why(reconciled):
    feedback: str = reconciled["feedback"]
    assert "Score: 0.0 / 100.0" in feedback
    assert "seqlab reconcile: tests_tokenize recorded 12 points in the notebook" in feedback


def test_a_second_reconcile_finds_nothing(course: Course, reconciled):
    again: Run = reconciled["again"]
    assert again.status == 0, again.stderr
    assert again.stdout.strip() == "2 submissions checked, 0 cells disagree, 0 corrected"
    assert gradebook_state(course.root, "eve") == reconciled["after"]["eve"]
