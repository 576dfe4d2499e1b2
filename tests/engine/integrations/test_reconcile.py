"""seqlab.integrations.nbgrader_reconcile without an nbgrader run: the course's settings, the test-cell tie,
the comparison, the comments and the report (tests/e2e/test_nbgrader_reconcile.py runs the command on a
gradebook that stock nbgrader autograded)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import outcome

from seqlab.cli import main
from seqlab.course.layout import find_course_root
from seqlab.course.notebook import HIDDEN_TESTS_SOURCE
from seqlab.errors import ReconcileError
from seqlab.integrations.nbgrader_gradebook import (
    AutograderCell,
    NbgraderCourse,
    SubmittedNotebook,
    hidden_tests_call,
    open_course,
)
from seqlab.integrations.nbgrader_reconcile import (
    COMMENT_MARK,
    EXIT_CLEAN,
    EXIT_DISAGREES,
    EXIT_UNCHECKED,
    Disagreement,
    Reconciliation,
    Unchecked,
    _comment_text,
    _compare,
)
from seqlab.model import FAILED, PASSED, FunctionScore, GradeResult


def test_the_test_cell_source_names_its_assignment_and_function():
    source = HIDDEN_TESTS_SOURCE.format(function="tokenize", points=12, assignment="encoding")
    assert hidden_tests_call(source) == ("encoding", "tokenize")
    assert hidden_tests_call("import seqlab.nbgrader_cell as c\nc.hidden_tests('cells', 'gru_forward')") == (
        "cells",
        "gru_forward",
    )
    assert hidden_tests_call("assert answer == 42") is None  # an instructor's own grade cell: not seqlab's
    assert hidden_tests_call("%%time\nhidden_tests('a', 'b')") is None  # a magic cell is not seqlab's
    assert hidden_tests_call("hidden_tests(assignment, 'b')") is None


def test_the_course_settings_come_from_its_nbgrader_config(tmp_path: Path):
    shutil.copyfile(find_course_root() / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    course = open_course(tmp_path)
    assert course.root == tmp_path.resolve()
    assert course.db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert course.submitted_notebook("eve", "encoding", "encoding") == (
        tmp_path.resolve() / "submitted" / "eve" / "encoding" / "encoding.ipynb"
    )
    assert open_course(tmp_path, "sqlite:////elsewhere/gb.db").db_url == "sqlite:////elsewhere/gb.db"


def test_a_course_config_may_move_the_gradebook_and_the_submissions(tmp_path: Path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.db_url = 'sqlite:////srv/course/gb.db'\n"
        "c.CourseDirectory.submitted_directory = 'handed_in'\n"
        "c.CourseDirectory.course_id = 'seq101'\n"
    )
    course = open_course(tmp_path)
    assert (course.db_url, course.course_id) == ("sqlite:////srv/course/gb.db", "seq101")
    assert course.submitted_notebook("bo", "cnn", "cnn").parts[-4:] == ("handed_in", "bo", "cnn", "cnn.ipynb")


def test_a_missing_gradebook_is_an_error_and_none_is_created(tmp_path: Path, capsys):
    course = NbgraderCourse(root=tmp_path, db_url=f"sqlite:///{tmp_path / 'gradebook.db'}")
    with pytest.raises(ReconcileError, match="run nbgrader autograde first"):
        course.gradebook()
    assert main(["reconcile", "--course-dir", str(tmp_path)]) == 2
    assert "no nbgrader gradebook" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.db").exists()


def _cell(function: str, maximum: float, auto: float | None, manual: float | None = None) -> AutograderCell:
    return AutograderCell(f"tests_{function}", "encoding", function, maximum, auto, manual)


def _result(**functions: tuple[float, float]) -> dict[str, GradeResult]:
    """``{"encoding": result}`` where each function has a passed and a failed test worth the given points."""
    scores = tuple(
        FunctionScore(
            name, (outcome(name, "test_right", right, PASSED), outcome(name, "test_wrong", wrong, FAILED))
        )
        for name, (right, wrong) in functions.items()
    )
    return {"encoding": GradeResult("encoding", "eve.ipynb", "notebook", scores)}


def _work(*cells: AutograderCell) -> SubmittedNotebook:
    return SubmittedNotebook("eve", "encoding", "encoding", Path("eve.ipynb"), cells, ("tokenize",))


def test_a_cell_disagrees_unless_the_points_nbgrader_counts_are_seqlabs():
    results = _result(tokenize=(4, 8), ngrams=(10, 0), one_hot_row=(0, 3))
    work = _work(
        _cell("tokenize", 12, 12),  # faked: full marks in the kernel
        _cell("ngrams", 10, 10),  # agrees
        _cell("one_hot_row", 3, None),  # nbgrader recorded nothing
    )
    disagree, problem = _compare(work, results)
    assert problem is None
    assert [(cell.name, points) for cell, points in disagree] == [
        ("tests_tokenize", 4),
        ("tests_one_hot_row", 0),
    ]
    corrected = _work(
        _cell("tokenize", 12, 12, manual=4), _cell("ngrams", 10, 10), _cell("one_hot_row", 3, None, 0)
    )
    assert _compare(corrected, results) == ([], None)  # the manual score is what nbgrader counts


def test_cells_whose_maxima_are_not_the_suites_are_not_compared():
    disagree, problem = _compare(_work(_cell("tokenize", 10, 10)), _result(tokenize=(4, 8)))
    assert disagree == [] and "worth 10 points in the gradebook but seqlab grade gives tokenize 12" in problem
    disagree, problem = _compare(_work(_cell("stem", 5, 5)), _result(tokenize=(4, 8)))
    assert disagree == [] and "no tests for stem" in problem


def test_a_comment_keeps_the_graders_words_and_replaces_its_own_earlier_line():
    line = f"{COMMENT_MARK} tests_tokenize recorded 12 points ..."
    assert _comment_text(None, {"tests_tokenize": line}) == line
    first = _comment_text("Nice variable names.", {"tests_tokenize": line})
    assert first == f"Nice variable names.\n\n{line}"
    newer = f"{COMMENT_MARK} tests_tokenize recorded 4 points ..."
    assert _comment_text(first, {"tests_tokenize": newer}) == f"Nice variable names.\n\n{newer}"
    both = _comment_text(first, {"tests_ngrams": f"{COMMENT_MARK} tests_ngrams recorded 10 points ..."})
    assert both.count(COMMENT_MARK) == 2 and both.startswith("Nice variable names.")


def test_the_exit_status_and_the_report():
    clean = Reconciliation(checked=2)
    assert clean.exit_status == EXIT_CLEAN and clean.table() == ""
    assert clean.summary() == "2 submissions checked, 0 cells disagree, 0 corrected"
    found = Reconciliation(
        checked=2, disagreements=[Disagreement("eve", "encoding", "encoding", "tests_x", 12, 0, 12)]
    )
    assert found.exit_status == EXIT_DISAGREES
    header, rule, row = found.table().splitlines()
    assert header.split() == ["student", "notebook", "cell", "gradebook", "seqlab", "max", "corrected"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.split() == ["eve", "encoding/encoding", "tests_x", "12", "0", "12", "no"]
    fixed = Reconciliation(
        checked=1,
        disagreements=[Disagreement("eve", "encoding", "encoding", "tests_x", None, 0, 12, corrected=True)],
        unchecked=[Unchecked("bo", "encoding", "encoding", "grader fault")],
    )
    assert fixed.exit_status == EXIT_UNCHECKED and fixed.table().splitlines()[2].split()[3] == "none"
    assert fixed.summary() == "1 submissions checked, 1 cells disagree, 1 corrected, 1 could not be checked"
