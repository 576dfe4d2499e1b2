"""The committed release of every assignment matches a fresh one, and its notebooks behave.

If a test here fails after editing solutions/<id>/, run `seqlab release <id>` and commit assignments/<id>/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS
from seqlab.course.release import check_release_in_sync

from .tiny import REPO_ROOT

NOT_IMPLEMENTED = "is not implemented yet"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _meta(cell: dict) -> dict:
    return cell["metadata"].get("nbgrader", {})


def _exec(cell: dict, namespace: dict) -> None:
    exec(compile("".join(cell["source"]), f"<cell {cell['id']}>", "exec"), namespace)


@pytest.mark.e2e
@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_release_is_in_sync_with_solutions(assignment_id: str):
    differing = check_release_in_sync(assignment_id, REPO_ROOT)
    assert differing == [], (
        f"out of sync with solutions/{assignment_id}/ (run `seqlab release {assignment_id}`)"
    )


@pytest.mark.e2e
def test_sync_check_fails_when_the_release_is_stale(tmp_path: Path):
    assignment_id = ASSIGNMENTS[0]
    course = tmp_path / "course"
    for folder in ("solutions", "assignments", "grader"):
        shutil.copytree(
            REPO_ROOT / folder / assignment_id,
            course / folder / assignment_id,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copyfile(REPO_ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    reference = course / "solutions" / assignment_id / f"{assignment_id}.py"
    source = reference.read_text(encoding="utf-8")
    assert '"""' in source
    # Edit the first docstring after the module docstring: a function's, which the stub and notebook show.
    first, rest = source.split("def ", 1)
    reference.write_text(first + "def " + rest.replace('"""', '"""Edited. ', 1), encoding="utf-8")
    differing = check_release_in_sync(assignment_id, course)
    assert f"solutions/{assignment_id}/{assignment_id}.ipynb" in differing
    assert f"assignments/{assignment_id}/{assignment_id}.py" in differing
    assert f"assignments/{assignment_id}/{assignment_id}.ipynb" in differing


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_each_graded_function_has_one_check_cell_that_is_its_autograder_test_cell(assignment_id: str):
    cells = _cells(REPO_ROOT / "assignments" / assignment_id / f"{assignment_id}.ipynb")
    tests = [cell for cell in cells if _meta(cell).get("grade")]
    assert sum(_meta(cell)["points"] for cell in tests) == 100  # the hidden suite's total
    checked = ["".join(cell["source"]).splitlines()[-1] for cell in tests]
    assert checked == [f'check("{_meta(cell)["grade_id"].removeprefix("tests_")}")' for cell in tests]
    assert (REPO_ROOT / "assignments" / assignment_id / "tests" / "hints.seqlab").is_file()


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_student_module_defines_every_function_as_not_implemented(assignment_id: str):
    stub = (REPO_ROOT / "assignments" / assignment_id / f"{assignment_id}.py").read_text(encoding="utf-8")
    reference = (REPO_ROOT / "solutions" / assignment_id / f"{assignment_id}.py").read_text(encoding="utf-8")
    assert "SOLUTION" not in stub
    assert stub.count(NOT_IMPLEMENTED) == reference.count("### BEGIN SOLUTION") > 0
    namespace: dict = {}
    exec(compile(stub, f"assignments/{assignment_id}/{assignment_id}.py", "exec"), namespace)
