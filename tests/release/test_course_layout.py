"""seqlab.course.layout: what a course root is, and finding one from a folder inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.course.layout import course_root_above, find_course_root, is_course_root
from seqlab.errors import CourseError


def make_course(root: Path, assignment: str = "toy") -> Path:
    (root / "grader" / assignment).mkdir(parents=True)
    (root / "solutions" / assignment).mkdir(parents=True)
    (root / "solutions" / assignment / f"{assignment}.py").write_text("def f():\n    return 1\n")
    return root


def test_a_course_root_holds_grader_and_solutions_and_the_named_assignment(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    assert is_course_root(course) and is_course_root(course, "toy")
    assert not is_course_root(course, "other"), "an assignment without its suite and reference"
    (course / "grader" / "half").mkdir()
    assert not is_course_root(course, "half"), "a suite without its reference"
    assert not is_course_root(course / "grader")


def test_the_nearest_course_above_a_notebook_is_found(tmp_path: Path) -> None:
    outer = make_course(tmp_path / "outer", "toy")
    inner = make_course(outer / "autograded" / "alice" / "inner", "other")
    notebook_folder = inner / "autograded" / "bob" / "other"
    notebook_folder.mkdir(parents=True)
    assert course_root_above(notebook_folder) == inner
    assert course_root_above(notebook_folder, "other") == inner
    assert course_root_above(notebook_folder, "toy") == outer, "the nearest course holding the assignment"
    assert course_root_above(tmp_path, "toy") is None


def test_an_explicit_root_that_is_no_course_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="--course-root points to .* no grader/ and solutions/"):
        find_course_root(tmp_path)
    assert find_course_root(make_course(tmp_path / "course")) == (tmp_path / "course").resolve()
