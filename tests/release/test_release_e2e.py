"""release_assignment with real nbgrader on the tiny course: what students get, and nothing more."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seqlab.course.release import CONFTEST, check_release_in_sync, release_assignment
from seqlab.errors import CourseError

from .tiny import make_tiny_course

pytestmark = pytest.mark.e2e

RELEASED = ["conftest.py", "data/series.csv", "tests/test_tiny_public.py", "tiny.ipynb", "tiny.py"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _run_cells(cells: list[dict], kinds: tuple[str, ...] = ("code",)) -> dict:
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] in kinds:
            exec(compile("".join(cell["source"]), cell["id"], "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny course released once with the default path (stock config, course gradebook); read-only."""
    root = make_tiny_course(tmp_path_factory.mktemp("released") / "course")
    release_assignment("tiny", root)
    return root


@pytest.fixture(scope="module")
def released(course: Path) -> Path:
    return course / "assignments" / "tiny"


@pytest.fixture
def course_copy(course: Path, tmp_path: Path) -> Path:
    """A private copy of the released course, for tests that change it."""
    return Path(shutil.copytree(course, tmp_path / "course", ignore=shutil.ignore_patterns("gradebook.db")))


def test_release_writes_exactly_the_student_files(course: Path, released: Path):
    assert released == course / "assignments" / "tiny"
    assert sorted(_snapshot(released)) == RELEASED
    assert (course / "solutions" / "tiny" / "tiny.ipynb").is_file()
    assert (released / "conftest.py").read_text(encoding="utf-8") == CONFTEST
    assert "from seqlab.student import submission  # noqa: F401\n" in CONFTEST
    assert (released / "tests" / "test_tiny_public.py").read_bytes() == (
        course / "solutions" / "tiny" / "public_tests" / "test_tiny_public.py"
    ).read_bytes()


def test_no_solution_code_reaches_the_students(released: Path):
    for relative, content in _snapshot(released).items():
        text = content.decode("utf-8")
        assert "SENTINEL" not in text, relative
        assert "SOLUTION" not in text, relative
        assert "HIDDEN" not in text, relative


def test_student_notebook_keeps_the_lesson_and_stubs_the_solutions(course: Path, released: Path):
    source = _cells(course / "solutions" / "tiny" / "tiny.ipynb")
    student = _cells(released / "tiny.ipynb")
    assert [cell["id"] for cell in student] == [cell["id"] for cell in source]
    for before, after in zip(source, student, strict=True):
        meta = before["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            assert 'raise NotImplementedError("not implemented yet' in "".join(after["source"])
            assert after["metadata"]["nbgrader"]["solution"] is True
        elif meta.get("grade"):  # a check and autograder test cell: nbgrader drops its hidden-tests region
            kept = "".join(before["source"]).split("### BEGIN HIDDEN TESTS")[0].rstrip("\n")
            assert "".join(after["source"]) == kept
            assert kept.splitlines()[-1].startswith('check("') and "hidden_tests(" not in kept
        else:
            assert after["source"] == before["source"], before["id"]
        if meta.get("locked"):
            assert after["metadata"]["editable"] is False
            assert "checksum" in after["metadata"]["nbgrader"]
    solution_cells = [cell for cell in student if cell["metadata"].get("nbgrader", {}).get("solution")]
    assert "".join(solution_cells[0]["source"]).startswith("SCALE = 2\n\n\ndef double(x: np.ndarray)")


def test_the_release_ships_the_public_tests_and_their_hints_only_with_a_catalogue(released: Path):
    assert sorted(p.name for p in (released / "tests").iterdir()) == ["test_tiny_public.py"]  # no catalogue
    student = _cells(released / "tiny.ipynb")
    checks = ["".join(cell["source"]).splitlines()[-1] for cell in student if cell["id"].startswith("tests_")]
    assert checks == ['check("double")', 'check("checksum")']


def test_student_module_is_the_stub_of_the_reference(released: Path):
    namespace = _run_cells(
        [{"cell_type": "code", "id": "tiny.py", "source": [(released / "tiny.py").read_text()]}]
    )
    assert namespace["SCALE"] == 2
    for name in ("double", "checksum", "_increment"):
        with pytest.raises(NotImplementedError, match=f"^{name} is not implemented yet$"):
            namespace[name]("x")
    assert "Shapes: x (N,) -> (N,)." in namespace["double"].__doc__


def test_release_is_byte_stable_and_in_sync_and_checking_changes_nothing(course: Path, released: Path):
    before = _snapshot(course)
    # A second, independent release (out_dir path, staged source, no gradebook) gives the same bytes.
    assert check_release_in_sync("tiny", course) == []
    assert _snapshot(course) == before


def test_out_dir_release_goes_to_out_dir(course: Path, released: Path, tmp_path: Path):
    elsewhere = release_assignment("tiny", course, out_dir=tmp_path / "elsewhere")
    assert elsewhere == tmp_path / "elsewhere" / "tiny"
    assert _snapshot(elsewhere) == _snapshot(released)


def test_sync_check_names_every_file_that_drifted(course_copy: Path):
    reference = course_copy / "solutions" / "tiny" / "tiny.py"
    reference.write_text(reference.read_text().replace("Shapes: x (N,)", "Shapes: x (M,)"), encoding="utf-8")
    release = course_copy / "assignments" / "tiny"
    (release / "tests" / "test_tiny_public.py").unlink()
    (release / "notes.txt").write_text("hand edit\n", encoding="utf-8")
    assert check_release_in_sync("tiny", course_copy) == [
        "solutions/tiny/tiny.ipynb",
        "assignments/tiny/notes.txt",
        "assignments/tiny/tests/test_tiny_public.py",
        "assignments/tiny/tiny.ipynb",
        "assignments/tiny/tiny.py",
    ]


def test_a_config_that_lets_nbgrader_copy_the_answers_is_refused(course_copy: Path, tmp_path: Path):
    config = course_copy / "nbgrader_config.py"
    config.write_text(config.read_text().replace('    "*.py",\n', ""), encoding="utf-8")
    with pytest.raises(CourseError, match="nbgrader copied the instructor file"):
        release_assignment("tiny", course_copy, out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "tiny").exists()  # the leaking release was removed


def test_release_needs_the_course_config_and_reports_nbgrader_failures(course_copy: Path, tmp_path: Path):
    config = course_copy / "nbgrader_config.py"
    saved = config.read_text()
    config.unlink()
    with pytest.raises(CourseError, match="has no nbgrader_config.py"):
        release_assignment("tiny", course_copy)
    config.write_text(saved + "\nc.ClearSolutions.code_stub = {'R': 'stop()'}\n", encoding="utf-8")
    with pytest.raises(CourseError, match="nbgrader generate_assignment tiny failed"):
        release_assignment("tiny", course_copy, out_dir=tmp_path / "out")


def test_stock_nbgrader_autogrades_the_release(course: Path, released: Path):
    """The instructor workflow: `seqlab release`, then stock `nbgrader autograde` with the course config."""
    for student, notebook in [
        ("ref", course / "solutions" / "tiny" / "tiny.ipynb"),
        ("stub", released / "tiny.ipynb"),
    ]:
        target = course / "submitted" / student / "tiny" / "tiny.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(notebook, target)
    env = dict(
        os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", "tiny", "--NbGrader.logfile="],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission("tiny", s).score for s in ("ref", "stub")}
        assert gradebook.find_assignment("tiny").max_score == 3.5  # the hidden suite's total
    assert scores == {"ref": 3.5, "stub": 0.0}
