"""An assignment is a folder: a course that adds ``grader/tiny/`` and ``solutions/tiny/`` can release, grade,
check and export it, with no list of assignments to edit anywhere."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from seqlab.cli import main
from seqlab.course.layout import course_assignments

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]


def with_project_files(course: Path) -> Path:
    """The tiny course as a course repository: the Gradescope zip carries the seqlab project itself."""
    for name in ("pyproject.toml", "README.md", "constraints.txt"):
        shutil.copyfile(REPO_ROOT / name, course / name)
    shutil.copytree(
        REPO_ROOT / "src" / "seqlab", course / "src" / "seqlab", ignore=shutil.ignore_patterns("__pycache__")
    )
    return course


def test_a_new_assignment_folder_is_released_graded_checked_and_exported(
    tiny_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = with_project_files(tiny_course)
    monkeypatch.setenv("SEQLAB_COURSE_ROOT", str(course))
    assert course_assignments(course) == ("tiny",)  # pyproject's order names the five others, not here

    assert main(["release"]) == 0  # every assignment of the course: tiny
    released = course / "assignments" / "tiny"
    assert (released / "tiny.ipynb").is_file() and (released / "tiny.py").is_file()
    assert main(["release", "--check", "tiny"]) == 0

    report = tmp_path / "grade.json"
    reference = course / "solutions" / "tiny" / "tiny.py"
    assert (
        main(["grade", str(reference), "-a", "tiny", "-f", "json", "-o", str(report), "--sandbox", "off"])
        == 0
    )
    graded = json.loads(report.read_text())
    assert graded["max_score"] == 3.5 and graded["score"] == graded["max_score"]

    shutil.copyfile(reference, released / "tiny.py")  # a student who wrote the reference
    (released / "tiny.ipynb").unlink()
    checked = tmp_path / "check.json"
    assert main(["check", str(released), "--format", "json", "--out", str(checked)]) == 0
    assert json.loads(checked.read_text())["assignment"] == "tiny"

    zipped = tmp_path / "tiny.zip"
    assert main(["export", "gradescope", "tiny", "--out", str(zipped)]) == 0
    names = zipfile.ZipFile(zipped).namelist()
    assert "grader/tiny/test_tiny.py" in names and "solutions/tiny/tiny.py" in names


def test_an_unknown_assignment_is_refused_with_the_course_s_list(tiny_course: Path, capsys) -> None:
    for command in (["release", "nope"], ["export", "gradescope", "nope"]):
        assert main([*command, "--course-root", str(tiny_course)]) == 2
        assert "unknown assignment 'nope'; the course has: tiny" in capsys.readouterr().err


def test_the_course_declares_the_order_and_other_folders_follow(tmp_path: Path) -> None:
    for name in ("zeta", "alpha", "mid"):
        (tmp_path / "grader" / name).mkdir(parents=True)
        (tmp_path / "solutions" / name).mkdir(parents=True)
        (tmp_path / "solutions" / name / f"{name}.py").write_text("")
    (tmp_path / "grader" / "no_reference").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.seqlab]\nassignments = ["zeta", "gone"]\n')
    assert course_assignments(tmp_path) == ("zeta", "alpha", "mid")
