"""Where the course lives: the assignment ids, their reference modules and hidden suites.

The course root is the folder holding ``solutions/`` and ``grader/``. It is found, in order, from an explicit
argument, the ``SEQLAB_COURSE_ROOT`` environment variable, or the repository this package was installed
from (editable installs), and is checked before use.

An assignment is a folder: ``grader/<id>/`` with its reference ``solutions/<id>/<id>.py``. Nothing else
registers it; the course's ``pyproject.toml`` may give the order they are listed in (``[tool.seqlab]
assignments = [...]``), and folders it does not name follow in alphabetical order.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from seqlab.errors import CourseError, SubmissionNotFound

#: The file of a course root that may declare the order of its assignments.
COURSE_CONFIG = "pyproject.toml"
#: Folders made by running code (caches), never part of what the course ships.
CACHE_FOLDERS = frozenset(
    {"__pycache__", ".pytest_cache", ".hypothesis", ".seqlab-cache", ".ipynb_checkpoints"}
)
#: Files made by running code (compiled modules), never part of what the course ships.
CACHE_SUFFIXES = (".pyc", ".pyo")


def _imported_packages(nodes: Iterable[ast.AST]) -> tuple[str, ...]:
    names: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            names.append(str(node.module).split(".")[0])
    return tuple(dict.fromkeys(names))


def _is_type_checking_block(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith("TYPE_CHECKING")


def _module_level_nodes(tree: ast.Module) -> list[ast.AST]:
    """Every node of the statements that run when the module is imported: those outside functions and
    classes, without ``if TYPE_CHECKING:`` blocks."""
    statements = [node for node in tree.body if not isinstance(node, ast.FunctionDef | ast.ClassDef)]
    return [n for top in statements if not _is_type_checking_block(top) for n in ast.walk(top)]


def module_level_imports(sources: Iterable[str]) -> tuple[str, ...]:
    """The top-level packages that code run as one module (``sources``, e.g. a notebook's cells) imports
    when it is loaded, read without running it; a source that does not parse adds none."""
    nodes: list[ast.AST] = []
    for source in sources:
        try:
            nodes += _module_level_nodes(ast.parse(source))
        except (SyntaxError, ValueError):
            continue
    return _imported_packages(nodes)


def walk_tree(root: str | os.PathLike[str]) -> list[tuple[str, os.DirEntry[str]]]:
    """Regular files and symlinks under ``root`` as ``(relative posix path, entry)``, sorted by path: the one
    walk that decides what a suite, a course's shipped files and a submission are.

    Caches are left out (:data:`CACHE_FOLDERS`, :data:`CACHE_SUFFIXES`); symlinks are listed but not
    followed (a link to a folder is not entered); sockets, FIFOs and devices are left out.
    """
    found: list[tuple[str, os.DirEntry[str]]] = []

    def walk(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name in CACHE_FOLDERS or entry.name.endswith(CACHE_SUFFIXES):
                    continue
                relative = prefix + entry.name
                if entry.is_symlink() or entry.is_file(follow_symlinks=False):
                    found.append((relative, entry))
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path, relative + "/")

    walk(os.fspath(root), "")
    return sorted(found, key=lambda item: item[0])


def course_files(folder: Path, prefix: str = "") -> dict[str, Path]:
    """Every file under ``folder`` (:func:`walk_tree`) as ``{"prefix/relative/path": path}`` (without a
    prefix: the relative path); none when ``folder`` is not a folder.

    Raises:
        CourseError: for a symbolic link (what is shipped to another machine must be regular files).
    """
    if not folder.is_dir():
        return {}
    files: dict[str, Path] = {}
    for relative, entry in walk_tree(folder):
        path = Path(entry.path)
        if entry.is_symlink():
            raise CourseError(f"{path} is a symbolic link; a shipped course carries regular files only")
        files[f"{prefix}/{relative}" if prefix else relative] = path
    return files


def is_course_root(folder: Path, assignment: str | None = None) -> bool:
    """Whether ``folder`` is a course root (it holds ``grader/`` and ``solutions/``), one with
    ``assignment`` (its hidden suite and its reference) when one is named."""
    if assignment is None:
        return (folder / "grader").is_dir() and (folder / "solutions").is_dir()
    return (
        Assignment(assignment, folder).suite_dir.is_dir()
        and Assignment(assignment, folder).reference_path.is_file()
    )


def course_root_above(start: Path, assignment: str | None = None) -> Path | None:
    """The nearest course root (:func:`is_course_root`) at or above ``start``, or None."""
    return next((folder for folder in (start, *start.parents) if is_course_root(folder, assignment)), None)


def find_course_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the course root, or raise :class:`CourseError` saying where we looked."""
    candidates: list[tuple[str, Path]] = []
    if explicit is not None:
        candidates.append(("--course-root", Path(explicit)))
    env = os.environ.get("SEQLAB_COURSE_ROOT")
    if env:
        candidates.append(("SEQLAB_COURSE_ROOT", Path(env)))
    candidates.append(("the seqlab source tree", Path(__file__).resolve().parents[3]))
    for origin, path in candidates:
        if is_course_root(path):
            return path.resolve()
        if origin != "the seqlab source tree":
            raise CourseError(f"{origin} points to {path}, which has no grader/ and solutions/ folders")
    raise CourseError(
        "cannot find the course (a folder with grader/ and solutions/); pass --course-root or set "
        "SEQLAB_COURSE_ROOT"
    )


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course and the paths that belong to it."""

    id: str
    root: Path

    @property
    def source_dir(self) -> Path:
        """``solutions/<id>/``: the instructor's source (reference, lesson, public tests, data)."""
        return self.root / "solutions" / self.id

    @property
    def reference_path(self) -> Path:
        return self.source_dir / f"{self.id}.py"

    @property
    def lesson_path(self) -> Path:
        return self.source_dir / "lesson.py"

    @property
    def source_notebook(self) -> Path:
        """The instructor's notebook, built from the lesson and the reference (``seqlab release``)."""
        return self.source_dir / f"{self.id}.ipynb"

    def reference_imports(self, functions: Collection[str] = ()) -> tuple[str, ...]:
        """The top-level packages the reference solution imports (absolute imports, read from its source
        without importing it), e.g. ``("numpy", "torch")``: what a submission needs too.

        With ``functions``, only what running those functions needs: the module's own imports (those under
        ``if TYPE_CHECKING:`` left out) and the imports inside those functions and the reference's
        functions they call, directly or not. Empty: every import anywhere in the reference.
        """
        tree = ast.parse(self.reference_path.read_text(encoding="utf-8"))
        if not functions:
            return _imported_packages(ast.walk(tree))
        defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        needed, pending = set(), [name for name in functions if name in defined]
        while pending:
            name = pending.pop()
            if name not in needed:
                needed.add(name)
                called = {n.id for n in ast.walk(defined[name]) if isinstance(n, ast.Name)}
                pending += sorted(called & set(defined) - needed)
        nodes = _module_level_nodes(tree)
        nodes += [n for name in sorted(needed) for n in ast.walk(defined[name])]
        return _imported_packages(nodes)

    @property
    def suite_dir(self) -> Path:
        return self.root / "grader" / self.id

    def grading_files(self) -> dict[str, Path]:
        """What grading this assignment reads from the course, by path relative to the course root: the
        reference module and every file of the hidden suite (see :func:`course_files`)."""
        files = {f"solutions/{self.id}/{self.id}.py": self.reference_path}
        return files | course_files(self.suite_dir, f"grader/{self.id}")

    @property
    def release_dir(self) -> Path:
        return self.root / "assignments" / self.id

    @property
    def public_tests_dir(self) -> Path:
        return self.release_dir / "tests"


def _declared_order(root: Path) -> list[str]:
    path = root / COURSE_CONFIG
    if not path.is_file():
        return []
    try:
        order = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("seqlab", {})
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from exc
    names = order.get("assignments", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise CourseError(f"[tool.seqlab] assignments in {path} must be a list of assignment ids")
    return names


def course_assignments(root: Path) -> tuple[str, ...]:
    """The assignments of the course at ``root``: every folder ``grader/<id>/`` whose reference
    ``solutions/<id>/<id>.py`` exists, in the order ``[tool.seqlab] assignments`` of the course's
    ``pyproject.toml`` gives, then the others alphabetically."""
    grader = root / "grader"
    found = {
        folder.name
        for folder in (grader.iterdir() if grader.is_dir() else ())
        if folder.is_dir()
        and not folder.name.startswith((".", "_"))
        and (root / "solutions" / folder.name / f"{folder.name}.py").is_file()
    }
    declared = [name for name in _declared_order(root) if name in found]
    return (*declared, *sorted(found - set(declared)))


def known_assignments(course_root: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The assignments of the course found from ``course_root`` (see :func:`find_course_root`); none when
    there is no course (a student's copy of seqlab without one)."""
    try:
        return course_assignments(find_course_root(course_root))
    except CourseError:
        return ()


def __getattr__(name: str) -> tuple[str, ...]:
    if name == "ASSIGNMENTS":  # the assignments of the course found by default (this repository's)
        return known_assignments()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def assignments_in(folder: Path) -> list[str]:
    """The assignments whose ``<id>.py`` or ``<id>.ipynb`` ``folder`` holds: the one it is named after (a
    released assignment's folder, ``assignments/encoding/``), then the course's where a course is found."""
    candidates = dict.fromkeys((folder.name, *known_assignments()))
    return [a for a in candidates if (folder / f"{a}.py").is_file() or (folder / f"{a}.ipynb").is_file()]


def find_assignment_folder(start: Path) -> tuple[Path, str]:
    """The nearest folder at or above ``start`` holding an assignment's file, and the assignment's id.

    Raises:
        SubmissionNotFound: when no folder there holds one.
    """
    for folder in (start, *start.parents):
        found = assignments_in(folder)
        if found:
            return folder, found[0]
    raise SubmissionNotFound(f"no assignment file found in {start} or above it")


def get_assignment(assignment_id: str, course_root: str | os.PathLike[str] | None = None) -> Assignment:
    """Look up an assignment by id, with a clear error listing the known ids."""
    root = find_course_root(course_root)
    known = course_assignments(root)
    if assignment_id not in known:
        raise CourseError(f"unknown assignment {assignment_id!r}; the course has: {', '.join(known)}")
    assignment = Assignment(assignment_id, root)
    if not assignment.reference_path.is_file():
        raise CourseError(f"the reference solution {assignment.reference_path} is missing")
    return assignment


@cache
def _import_path(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CourseError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def load_reference(assignment_id: str, course_root: str | os.PathLike[str] | None = None) -> ModuleType:
    """Import the reference solution of an assignment (trusted code, in this process)."""
    assignment = get_assignment(assignment_id, course_root)
    return _import_path(assignment.reference_path, f"seqlab_reference_{assignment_id}")
