"""End to end: a broken installation never grades. ``seqlab grade`` exits non-zero naming the cause and
writes no report; ``grade-class`` stores nothing and grades the student once the installation works.

The installation is really broken for the worker's user (numpy's ``random`` folder unreadable to it, see
tests/engine/broken_install.py): the grading code runs unchanged, only the sandbox it is given differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import seqlab.grading.pipeline
from seqlab.classroom.gradebook import Gradebook
from seqlab.classroom.run import grade_class, grade_job
from seqlab.classroom.submissions import find_submissions
from seqlab.cli import main
from seqlab.errors import EXIT_GRADER_FAULT
from seqlab.options import GradeOptions

from .conftest import FAST_LIMITS, reference_source, write_module

pytestmark = pytest.mark.e2e

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from broken_install import numpy_hidden_plan  # noqa: E402

ASSIGNMENT = "encoding"


@pytest.fixture
def broken_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every grading in this process gets the sandbox in which the worker's user cannot read numpy.random."""
    plan = numpy_hidden_plan()
    monkeypatch.setattr(seqlab.grading.pipeline, "plan_sandbox", lambda mode="auto": plan)


class InThisProcess:
    """A class runner that grades one job after another here (so the test's broken sandbox applies)."""

    def run(self, jobs, options):
        for job in jobs:
            yield grade_job(job, options)


def test_seqlab_grade_of_the_reference_exits_with_the_cause_and_writes_no_score(
    broken_install: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reference"
    write_module(folder, ASSIGNMENT, reference_source(ASSIGNMENT))
    out = tmp_path / "results.json"
    status = main(
        ["grade", str(folder), "--assignment", ASSIGNMENT, "--format", "gradescope", "--out", str(out)]
    )
    error = capsys.readouterr().err
    assert status == EXIT_GRADER_FAULT != 0
    assert "grader fault" in error and "numpy/random" in error and "not the student's doing" in error
    assert "could not be loaded" not in error and not out.exists()


def test_grade_class_stores_nothing_and_grades_the_student_once_the_installation_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    classroom = tmp_path / "class"
    write_module(classroom / "ada", ASSIGNMENT, reference_source(ASSIGNMENT))
    submissions, _ = find_submissions(classroom, [ASSIGNMENT], layout="flat")
    options = GradeOptions(limits=FAST_LIMITS, example_cache=False)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.sqlite'}") as gradebook:
        plan = numpy_hidden_plan()
        with monkeypatch.context() as broken:
            broken.setattr(seqlab.grading.pipeline, "plan_sandbox", lambda mode="auto": plan)
            run = grade_class(submissions, options, gradebook, runner=InThisProcess())
        assert run.graded == 0 and len(run.failed) == 1
        assert "GraderFault" in run.failed[0][1] and "numpy/random" in run.failed[0][1]
        assert gradebook.latest() == {}
        fixed = grade_class(submissions, options, gradebook, runner=InThisProcess())
        assert fixed.graded == 1 and not fixed.failed and fixed.already_graded == 0
        (result,) = gradebook.latest().values()
        assert result.score == result.max_score > 0
