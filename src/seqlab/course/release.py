"""Release an assignment: solutions/<id>/ (instructor's source) -> assignments/<id>/ (what students get).

The release of assignment ``<id>`` is, in this order:

1. ``solutions/<id>/<id>.ipynb``: the nbgrader source notebook, built from ``lesson.py`` and the reference
   ``<id>.py`` (:func:`seqlab.course.notebook.build_notebook`);
2. ``assignments/<id>/<id>.ipynb``: the student notebook, made by stock ``nbgrader generate_assignment``
   with the course's ``nbgrader_config.py`` (solution regions replaced by nbgrader's stub);
3. ``assignments/<id>/<id>.py``: the student module, :func:`stub_module` of the reference;
4. ``assignments/<id>/tests/``: the public tests, copied from ``solutions/<id>/public_tests/``, and the
   catalogue's diagnoses of their inputs (:data:`seqlab.hints.public.HINTS_FILE`);
5. ``assignments/<id>/conftest.py``: gives those tests the ``submission`` fixture.

Every step is deterministic, so the committed release is byte-stable and :func:`check_release_in_sync`
can compare it with a fresh one.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from seqlab.course.layout import CACHE_FOLDERS, CACHE_SUFFIXES, Assignment, course_files, load_reference
from seqlab.course.notebook import build_notebook, notebook_text, write_notebook
from seqlab.errors import CourseError
from seqlab.hints.catalogue import load_catalogue
from seqlab.hints.guide import GUIDE_FILE, student_guide
from seqlab.hints.public import HINTS_FILE, write_public_hints

__all__ = ["CONFTEST", "check_release_in_sync", "release_assignment", "stub_module"]

CONFTEST = (
    '"""Gives the public tests the `submission` fixture: your functions, from notebook or module."""\n'
    "\n"
    "from seqlab.student import submission  # noqa: F401\n"
)

_MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<which>BEGIN|END) SOLUTION[ \t]*$")
# Files that never belong to a release, wherever they turn up.


def _scopes(tree: ast.Module, line_count: int) -> list[tuple[int, int, int, str]]:
    """(first line, last line, column, name) of every function, its scope running to the next statement
    at its own indentation or less (so comment lines after its last statement still belong to it)."""
    statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    scopes = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        end = node.end_lineno or node.lineno
        following = [
            other.lineno for other in statements if other.lineno > end and other.col_offset <= node.col_offset
        ]
        scopes.append((node.lineno, min(following, default=line_count + 1) - 1, node.col_offset, node.name))
    return scopes


def stub_module(source: str, filename: str = "<reference>") -> str:
    """Return the student stub of a reference module.

    Every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region, marker lines included, becomes one line
    ``raise NotImplementedError("<function> is not implemented yet")`` at the BEGIN marker's indentation,
    ``<function>`` being the innermost function around the region. Everything else is kept verbatim.

    Raises :class:`CourseError` (with the line number) for a BEGIN without END, an END without BEGIN,
    nested regions, a region outside any function, a line that mentions ``BEGIN SOLUTION`` or
    ``END SOLUTION`` without being exactly a marker (nbgrader would take it for one), or a stub that is
    not valid Python.
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise CourseError(f"{filename}:{error.lineno}: syntax error: {error.msg}") from error
    lines = source.splitlines(keepends=True)
    scopes = _scopes(tree, len(lines))
    out: list[str] = []
    open_at: int | None = None
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n")
        if "BEGIN SOLUTION" not in text and "END SOLUTION" not in text:
            if open_at is None:
                out.append(line)
            continue
        match = _MARKER.match(text)
        if match is None:
            raise CourseError(
                f"{filename}:{number}: this line mentions a solution marker but is not exactly "
                f"'### BEGIN SOLUTION' or '### END SOLUTION': {text.strip()!r}"
            )
        if match["which"] == "END":
            if open_at is None:
                raise CourseError(f"{filename}:{number}: ### END SOLUTION without a ### BEGIN SOLUTION")
            open_at = None
            continue
        if open_at is not None:
            raise CourseError(
                f"{filename}:{number}: ### BEGIN SOLUTION inside the region opened at line {open_at} "
                "(regions cannot nest)"
            )
        open_at = number
        indent = match["indent"]
        around = [s for s in scopes if s[0] < number <= s[1] and s[2] < len(indent.expandtabs())]
        if not around:
            raise CourseError(f"{filename}:{number}: a solution region must be inside a function")
        name = max(around)[3]
        newline = line[len(text) :] or "\n"
        out.append(f'{indent}raise NotImplementedError("{name} is not implemented yet"){newline}')
    if open_at is not None:
        raise CourseError(f"{filename}:{open_at}: ### BEGIN SOLUTION without a matching ### END SOLUTION")
    stub = "".join(out)
    try:
        ast.parse(stub, filename=f"{filename} (stub)")
    except SyntaxError as error:
        raise CourseError(
            f"{filename}: the stub is not valid Python (line {error.lineno}: {error.msg})"
        ) from error
    return stub


def _run_nbgrader(assignment_id: str, course_root: Path, extra: list[str]) -> None:
    """Run stock ``nbgrader generate_assignment`` in the course root, isolated from user-level config."""
    with tempfile.TemporaryDirectory(prefix="seqlab-jupyter-config-") as config_dir:
        # nbgrader's gradebook shells out to `alembic`: find it beside this interpreter even when the
        # virtual environment is not activated.
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = dict(os.environ, JUPYTER_CONFIG_DIR=config_dir, PATH=path)
        command = [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            assignment_id,
            "--force",
            "--log-level=WARN",
            "--NbGrader.logfile=",
            *extra,
        ]
        result = subprocess.run(
            command, cwd=course_root, env=env, capture_output=True, text=True, check=False
        )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-4000:]
        raise CourseError(
            f"nbgrader generate_assignment {assignment_id} failed (exit {result.returncode}):\n{output}"
        )


def _check_nbgrader_copies(release_dir: Path, reference_name: str) -> None:
    """nbgrader copies every file of solutions/<id>/ that the config does not ignore: none of ours."""
    for relative, path in course_files(release_dir).items():
        if Path(relative).name in ("lesson.py", reference_name) or relative.startswith("public_tests/"):
            raise CourseError(
                f"nbgrader copied the instructor file {path} into the release; nbgrader_config.py must "
                "ignore lesson.py, the reference module and public_tests/"
            )


def _check_no_solution(release_dir: Path) -> None:
    """Fail closed: no released text file may still hold a solution or hidden-tests region."""
    for path in course_files(release_dir).values():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            if marker in text:
                raise CourseError(f"{path}: the release still holds a {marker!r} region")


def release_assignment(
    assignment_id: str, course_root: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Release one assignment and return its release folder.

    Without ``out_dir``: writes ``solutions/<id>/<id>.ipynb`` (only if its text changed) and runs
    ``nbgrader generate_assignment <id> --force`` in ``course_root`` with the course's
    ``nbgrader_config.py`` as is (source ``solutions/``, release ``assignments/``, the course gradebook),
    then writes ``assignments/<id>/<id>.py``, ``tests/``, ``conftest.py`` and, from the hidden suite's
    misconceptions catalogue, ``MISTAKES.md`` (see :func:`seqlab.hints.catalogue.student_guide`) beside
    the notebook.

    With ``out_dir``: leaves the course untouched; the fresh source notebook is staged in a temporary copy
    of ``solutions/<id>/``, nbgrader runs with ``--no-db`` and the release lands in ``out_dir/<id>/``.

    Raises :class:`CourseError` if a source is missing or malformed, nbgrader fails, or the release would
    contain an instructor file or a solution region.
    """
    root = Path(course_root).resolve()
    assignment = Assignment(assignment_id, root)
    source_dir, reference_path = assignment.source_dir, assignment.reference_path
    if not (root / "nbgrader_config.py").is_file():
        raise CourseError(f"{root} has no nbgrader_config.py; the release runs stock nbgrader with it")
    if not reference_path.is_file():
        raise CourseError(f"{reference_path} is missing")

    notebook = build_notebook(source_dir)
    stub = stub_module(
        reference_path.read_text(encoding="utf-8"), f"solutions/{assignment_id}/{assignment_id}.py"
    )

    with tempfile.TemporaryDirectory(prefix="seqlab-release-") as staging:
        if out_dir is None:
            write_notebook(notebook, assignment.source_notebook)
            release_root = assignment.release_dir.parent
            _run_nbgrader(assignment_id, root, [])
        else:
            release_root = Path(out_dir).resolve()
            staged = Path(staging) / "source" / assignment_id
            shutil.copytree(
                source_dir,
                staged,
                ignore=shutil.ignore_patterns(*CACHE_FOLDERS, *(f"*{suffix}" for suffix in CACHE_SUFFIXES)),
            )
            write_notebook(notebook, staged / f"{assignment_id}.ipynb")
            _run_nbgrader(
                assignment_id,
                root,
                [
                    "--no-db",
                    f"--CourseDirectory.source_directory={staged.parent}",
                    f"--CourseDirectory.release_directory={release_root}",
                ],
            )

    release_dir = release_root / assignment_id
    if not (release_dir / f"{assignment_id}.ipynb").is_file():
        raise CourseError(f"nbgrader did not write {release_dir / f'{assignment_id}.ipynb'}")
    try:
        _check_nbgrader_copies(release_dir, f"{assignment_id}.py")
        (release_dir / f"{assignment_id}.py").write_text(stub, encoding="utf-8")
        (release_dir / "conftest.py").write_text(CONFTEST, encoding="utf-8")
        catalogue = load_catalogue(assignment.suite_dir, assignment_id)
        if catalogue is not None:
            (release_dir / GUIDE_FILE).write_text(student_guide(catalogue), encoding="utf-8")
        tests_dir = release_dir / "tests"
        if tests_dir.exists():
            shutil.rmtree(tests_dir)
        for relative, path in course_files(source_dir / "public_tests").items():
            target = tests_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        write_public_hints(catalogue, load_reference(assignment_id, root), tests_dir, tests_dir / HINTS_FILE)
        _check_no_solution(release_dir)
    except CourseError:
        shutil.rmtree(release_dir)  # fail closed: never leave a leaking release behind
        raise
    return release_dir


def check_release_in_sync(assignment_id: str, course_root: str | os.PathLike[str]) -> list[str]:
    """Return the release files that differ from a fresh release (empty when in sync).

    Compares ``solutions/<id>/<id>.ipynb`` with a fresh :func:`build_notebook` and every file of
    ``assignments/<id>/`` with a release made into a temporary folder; a file missing on either side counts
    as differing. Paths are relative to the course root: the source notebook first, then the release files
    in sorted order. The course is not modified.
    """
    root = Path(course_root).resolve()
    assignment = Assignment(assignment_id, root)
    differing: list[str] = []
    source_notebook = assignment.source_notebook
    fresh = notebook_text(build_notebook(assignment.source_dir))
    if not source_notebook.is_file() or source_notebook.read_text(encoding="utf-8") != fresh:
        differing.append(source_notebook.relative_to(root).as_posix())
    with tempfile.TemporaryDirectory(prefix="seqlab-release-check-") as scratch:
        expected = course_files(release_assignment(assignment_id, root, out_dir=scratch))
        committed = course_files(assignment.release_dir)
        for relative in sorted(set(expected) | set(committed)):
            if (
                relative not in expected
                or relative not in committed
                or expected[relative].read_bytes() != committed[relative].read_bytes()
            ):
                differing.append(f"assignments/{assignment_id}/{relative}")
    return differing
