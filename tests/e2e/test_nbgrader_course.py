"""End to end: a temporary nbgrader course graded with stock nbgrader equals `seqlab grade`, every assignment.

The course is this repository's ``nbgrader_config.py``, ``solutions/`` and ``grader/`` copied to a temporary
folder. Stock nbgrader commands run in it, as an instructor types them: ``generate_assignment`` for every
assignment; for ``encoding`` the whole exchange (``release_assignment``, three ``submit --student``,
``collect``); for the others the notebooks are put in ``submitted/<student>/<assignment>/`` as a zip
collector would; then ``autograde``, ``generate_feedback`` and ``export``. Three students per assignment:

* ``ada`` fills every solution cell with the reference (full marks);
* ``bo`` fills them from one of the course's mutants (a classic mistake in one function: partial marks);
* ``cy`` starts a solution cell with an import that fails, so the notebook's code cannot be loaded (zero).

The gradebook's scores, cell by cell (one autograder test cell per graded function), must equal
``seqlab grade``'s function scores on the submitted notebooks, with the policy the cells use
(``--gpu-policy award``); the feedback explains the failures without showing hidden test code; and the
Gradescope autograder of each assignment grades ``bo``'s notebook (partial marks: the telling case; the
reference and a mutant through the autograder are also in test_gradescope_export.py) to the same score.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from seqlab.cli import main
from seqlab.course.layout import ASSIGNMENTS
from seqlab.course.reference_source import extract_definitions

from .conftest import MUTANTS, PLUMBING_EXAMPLES, ROOT, reference_source
from .test_gradescope_export import gradescope_tree, run_autograder

pytestmark = pytest.mark.e2e

STUDENTS = ("ada", "bo", "cy")
#: Whose notebooks the Gradescope autograder grades too.
GRADESCOPE_STUDENTS = ("bo",)
#: The mistake `bo` makes in each assignment (tests/data/mutants/<assignment>/<name>.py).
MUTANT = {
    "encoding": "tokenize_whitespace_split",
    "windowing": "make_windows_off_by_one",
    "cells": "gru_cell_swapped_update",
    "bptt": "rnn_backward_dh_prev_dropped",
    "cnn": "conv_output_size_no_floor",
}
BROKEN_IMPORT = "from keras.layers import LSTM  # not installed on the grading machine\n\n"
#: What the notebooks' test cells use (seqlab.integrations.nbgrader's default, --gpu-policy award) with the
#: plumbing budget of hypothesis examples: the cells get it through SEQLAB_GRADE_OPTIONS (see start_nbgrader),
#: `seqlab grade`, `seqlab reconcile` and the Gradescope export as flags.
GRADE_OPTIONS = ["--gpu-policy", "award", "--max-examples", str(PLUMBING_EXAMPLES)]
CELL_OPTIONS = shlex.join(GRADE_OPTIONS)


def start_nbgrader(
    course: Path, *args: str, cwd: Path | None = None, **extra_env: str
) -> subprocess.Popen[str]:
    """Start a stock nbgrader command in the course (or ``cwd``), without user-level configuration, with
    the test cells' options in SEQLAB_GRADE_OPTIONS (as an instructor sets them)."""
    env = dict(
        os.environ,
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        JUPYTER_CONFIG_DIR=str(course / ".jupyter-config"),
        MPLBACKEND="Agg",
        SEQLAB_GRADE_OPTIONS=CELL_OPTIONS,
    )
    env.update(extra_env)
    env.pop("SEQLAB_COURSE_ROOT", None)
    return subprocess.Popen(
        [sys.executable, "-m", "nbgrader", *args, "--NbGrader.logfile="],
        cwd=cwd or course,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    """Wait for an nbgrader command; fail the test with its output when it failed."""
    stdout, stderr = process.communicate(timeout=1200)
    assert process.returncode == 0, f"{' '.join(map(str, process.args))} failed:\n{stdout}\n{stderr[-6000:]}"
    return stdout + stderr


def nbgrader(course: Path, *args: str, cwd: Path | None = None) -> str:
    """Run a stock nbgrader command to its end."""
    return finish(start_nbgrader(course, *args, cwd=cwd))


def student_notebook(released: Path, sources: list[str], out: Path, prefix: str = "") -> Path:
    """The released notebook with each solution cell holding the definitions of its names from ``sources``
    (the last source that defines a name wins): what a student who wrote them would have typed into the
    cells. ``prefix`` goes at the top of the first solution cell."""
    definitions: dict[str, str] = {}
    for source in sources:
        definitions.update(extract_definitions(source))
    data = json.loads(released.read_text(encoding="utf-8"))
    first = True
    for cell in data["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        source = "\n\n\n".join(definitions[name] for name in meta["grade_id"].split("__"))
        cell["source"] = (prefix if first else "") + source
        first = False
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return out


def submissions(course: Path, assignment: str, folder: Path) -> dict[str, Path]:
    released = course / "assignments" / assignment / f"{assignment}.ipynb"
    mutant = (MUTANTS / assignment / f"{MUTANT[assignment]}.py").read_text(encoding="utf-8")
    reference = reference_source(assignment)
    name = f"{assignment}.ipynb"
    return {
        "ada": student_notebook(released, [reference], folder / "ada" / assignment / name),
        "bo": student_notebook(released, [reference, mutant], folder / "bo" / assignment / name),
        "cy": student_notebook(released, [reference], folder / "cy" / assignment / name, BROKEN_IMPORT),
    }


@dataclass
class GradedCourse:
    """The course after the whole nbgrader workflow, and the other graders' verdicts on the same notebooks."""

    root: Path
    reports: dict[tuple[str, str], dict]  # (student, assignment) -> `seqlab grade --format json`
    gradescope: dict[tuple[str, str], dict]  # (student, assignment) -> the autograder's results.json


def seqlab_grade(notebook: Path, assignment: str, course: Path, cache: Path, out: Path) -> dict:
    """`seqlab grade` (the command, in this process) with the cells' options."""
    argv = ["grade", str(notebook), "-a", assignment, "--course-root", str(course), "--cache-dir", str(cache)]
    assert main([*argv, "--format", "json", "--out", str(out), *GRADE_OPTIONS]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def gradescope_results(notebook: Path, assignment: str, zipped: Path, cache: Path, where: Path) -> dict:
    """The Gradescope autograder of ``assignment`` run on the notebook in a Gradescope-like tree."""
    root = gradescope_tree(where, zipped)
    shutil.copytree(cache, root / "source" / ".seqlab-cache")  # examples recorded, as by setup.sh's grading
    shutil.copyfile(notebook, root / "submission" / notebook.name)
    return run_autograder(root)  # also validates results.json against Gradescope's schema


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """Generate, (exchange,) autograde, generate_feedback and export every assignment with stock nbgrader;
    while nbgrader autogrades, grade the same notebooks with `seqlab grade` and the Gradescope autograder."""
    scratch = tmp_path_factory.mktemp("nbgrader")
    root = scratch / "course"
    root.mkdir()
    shutil.copyfile(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for folder in ("solutions", "grader"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    exchange = [f"--Exchange.root={scratch / 'exchange'}", "--CourseDirectory.course_id=seqlab"]
    (scratch / "exchange").mkdir()
    for assignment in ASSIGNMENTS:
        nbgrader(root, "generate_assignment", assignment, "--force")
        work = submissions(root, assignment, scratch / "drafts")
        if assignment == "encoding":  # the exchange, as students and instructors use it on one machine
            nbgrader(root, "release_assignment", assignment, *exchange)
            for student, notebook in work.items():
                home = notebook.parents[1]  # drafts/<student>/, holding the assignment's folder
                nbgrader(root, "submit", assignment, f"--student={student}", *exchange, cwd=home)
            nbgrader(root, "collect", assignment, *exchange)
        else:
            for student, notebook in work.items():
                target = root / "submitted" / student / assignment / notebook.name
                target.parent.mkdir(parents=True)
                shutil.copyfile(notebook, target)
    autograde = start_nbgrader(root, "autograde", "*", "--create")  # every assignment, every student

    reports, gradescope = {}, {}
    cache = scratch / "examples"  # seqlab grade's recorded examples, apart from the course's own
    for assignment in ASSIGNMENTS:
        for student in STUDENTS:
            notebook = root / "submitted" / student / assignment / f"{assignment}.ipynb"
            out = scratch / "reports" / f"{student}-{assignment}.json"
            out.parent.mkdir(exist_ok=True)
            reports[student, assignment] = seqlab_grade(notebook, assignment, root, cache, out)
        zipped = scratch / f"{assignment}-gradescope.zip"
        assert main(["export", "gradescope", assignment, "--out", str(zipped), *GRADE_OPTIONS]) == 0
        for student in GRADESCOPE_STUDENTS:
            notebook = root / "submitted" / student / assignment / f"{assignment}.ipynb"
            where = scratch / "gradescope" / student / assignment
            gradescope[student, assignment] = gradescope_results(notebook, assignment, zipped, cache, where)

    finish(autograde)
    nbgrader(root, "generate_feedback", "*")
    nbgrader(root, "export")
    return GradedCourse(root, reports, gradescope)


def gradebook_cells(course: Path, student: str, assignment: str) -> dict[str, tuple[float, float]]:
    """``{grade_id: (auto_score, max_score)}`` of a student's autograded notebook, from nbgrader's API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: (grade.auto_score, grade.max_score) for grade in notebook.grades}


def scores_to_compare(cells: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    return {name: (round(score, 6), round(maximum, 6)) for name, (score, maximum) in cells.items()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_gradebook_holds_seqlab_grades_function_scores(graded: GradedCourse, assignment: str):
    for student in STUDENTS:
        report = graded.reports[student, assignment]
        expected = {
            f"tests_{f['name']}": (f["score"], sum(t["max_points"] for t in f["tests"]))
            for f in report["functions"]
        }
        cells = gradebook_cells(graded.root, student, assignment)
        assert scores_to_compare(cells) == scores_to_compare(expected), student
    scores = {s: graded.reports[s, assignment]["score"] for s in STUDENTS}
    assert scores["ada"] == graded.reports["ada", assignment]["max_score"] == 100
    assert 0 < scores["bo"] < 100
    assert scores["cy"] == 0
    assert "could not be loaded" in " ".join(graded.reports["cy", assignment]["messages"])


def test_the_exchange_collected_the_encoding_submissions(graded: GradedCourse):
    for student in STUDENTS:
        folder = graded.root / "submitted" / student / "encoding"
        assert (folder / "timestamp.txt").is_file()  # written by `nbgrader submit`, kept by `collect`
        assert (folder / "encoding.ipynb").is_file()


def test_nbgrader_export_writes_the_same_totals(graded: GradedCourse):
    with (graded.root / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    assert set(rows) == {(s, a) for s in STUDENTS for a in ASSIGNMENTS}
    for key, row in rows.items():
        assert float(row["raw_score"]) == pytest.approx(graded.reports[key]["score"])
        assert float(row["max_score"]) == 100


def _hidden_test_lines(assignment: str) -> set[str]:
    """Distinctive lines of the hidden suite's code that students never see (lines the release shows too,
    such as the lecture's example data, do not count): none may reach the feedback."""
    released = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "assignments" / assignment).rglob("*")
        if path.suffix in (".py", ".ipynb")
    )
    lines = set()
    for path in (ROOT / "grader" / assignment).rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            code = not text.startswith(("#", '"', "'", "from ", "import ", "@"))
            if len(text) > 30 and code and "(" in text and text not in released:
                lines.add(text)
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_explains_failures_and_never_shows_hidden_test_code(graded: GradedCourse, assignment: str):
    secret = _hidden_test_lines(assignment)
    assert len(secret) > 20
    for student in STUDENTS:
        page = (graded.root / "feedback" / student / assignment / f"{assignment}.html").read_text()
        text = unescape(re.sub(r"<[^>]+>", "", page))
        assert "hidden_tests(" not in text and "HIDDEN TESTS" not in text
        own = (graded.root / "submitted" / student / assignment / f"{assignment}.ipynb").read_text()
        leaked = [line for line in secret if line in text and json.dumps(line)[1:-1] not in own]
        assert not leaked, f"{student}: hidden test code in the feedback: {leaked[:3]}"
        report = graded.reports[student, assignment]
        for function in report["functions"]:
            total = sum(t["max_points"] for t in function["tests"])
            assert f"{function['name']}: {function['score']:g} / {total:g} points" in text
        failed = [t for f in report["functions"] for t in f["tests"] if t["outcome"] == "failed"]
        if student == "bo":
            assert failed and failed[0]["name"] in text  # the failure is named and explained
            assert failed[0]["message"].splitlines()[0][:60] in text
        if student == "cy":
            assert "could not be loaded" in text and "ModuleNotFoundError" in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_gradescope_autograder_gives_the_same_scores(graded: GradedCourse, assignment: str):
    for student in GRADESCOPE_STUDENTS:
        document, report = graded.gradescope[student, assignment], graded.reports[student, assignment]
        assert document["score"] == pytest.approx(report["score"]), student
        assert sum(test["max_score"] for test in document["tests"]) == pytest.approx(report["max_score"])


def test_a_grader_fault_in_autograde_records_no_grade_and_a_rerun_grades(graded: GradedCourse):
    """The grading installation fails (here: the sandbox is required and bubblewrap is not on the kernel's
    PATH, so no student code runs): nbgrader's autograde fails for the notebook, the cause goes to the
    course's seqlab-grader-faults.log, and the gradebook holds no grade for it, not a zero; once the
    installation works, autograde grades it."""
    from nbgrader.api import Gradebook, MissingEntry

    submitted = graded.root / "submitted" / "dee" / "encoding" / "encoding.ipynb"
    submitted.parent.mkdir(parents=True)
    shutil.copyfile(graded.root / "submitted" / "ada" / "encoding" / "encoding.ipynb", submitted)
    broken = start_nbgrader(
        graded.root,
        "autograde",
        "encoding",
        "--student=dee",
        "--create",
        SEQLAB_GRADE_OPTIONS=f"{CELL_OPTIONS} --sandbox require",
        PATH=str(Path(sys.executable).parent),  # the virtual environment's bin/: no bwrap there
    )
    stdout, stderr = broken.communicate(timeout=600)
    assert broken.returncode != 0 and "error processing assignment 'encoding' for student 'dee'" in stderr
    fault = (graded.root / "seqlab-grader-faults.log").read_text(encoding="utf-8")
    assert "dee" in fault and "grader fault" in fault and "the sandbox is required but incomplete" in fault
    with Gradebook(f"sqlite:///{graded.root / 'gradebook.db'}") as gradebook:
        try:
            notebook = gradebook.find_submission_notebook("encoding", "encoding", "dee")
        except MissingEntry:
            notebook = None
        assert notebook is None or all(grade.auto_score is None for grade in notebook.grades)
    nbgrader(graded.root, "autograde", "encoding", "--student=dee", "--create")
    cells = gradebook_cells(graded.root, "dee", "encoding")
    assert cells == gradebook_cells(graded.root, "ada", "encoding") and cells
