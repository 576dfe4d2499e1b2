"""Load a submission: find the student's file and turn it into code chunks for the worker.

A submission is a folder holding ``<assignment>.py`` or ``<assignment>.ipynb`` (or that file itself). A module
is one chunk. A notebook becomes one chunk per kept code cell, named ``<file>, cell N`` so tracebacks point at
the cell. Kept are:

* nbgrader solution cells (``metadata.nbgrader.solution``), whole;
* from every other code cell, only its top-level imports (except those of seqlab, the notebook's checks),
  function and class definitions and constant assignments (``NAME = <literal>``): demo calls, plots and
  prints never run while grading;
* nbgrader test cells (``grade`` without ``solution``) are dropped entirely.

IPython magics (``%...``, ``!...``) are blanked. Nothing here executes student code: notebooks are parsed as
JSON and Python is only parsed with :mod:`ast`.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from seqlab.errors import SubmissionNotFound

__all__ = ["SubmissionSource", "load_submission", "notebook_chunks"]

_MAGIC = re.compile(r"^(\s*)([%!].*)$")


@dataclass(frozen=True)
class SubmissionSource:
    """The student's code, ready to run in a worker.

    Attributes:
        assignment: assignment id, also the module name the code runs under.
        path: the file that was loaded.
        kind: ``"module"`` or ``"notebook"``.
        chunks: ``(filename, source)`` pairs executed in order in one module namespace.
        notes: remarks for the report (skipped cells, ambiguous folders).
    """

    assignment: str
    path: Path
    kind: str
    chunks: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()

    @property
    def module_name(self) -> str:
        return self.assignment


def _find_file(path: Path, assignment: str, prefer: str) -> tuple[Path, list[str]]:
    notes: list[str] = []
    if path.is_file():
        if path.suffix not in (".py", ".ipynb"):
            raise SubmissionNotFound(f"{path.name} is neither a Python module (.py) nor a notebook (.ipynb)")
        return path, notes
    if not path.is_dir():
        raise SubmissionNotFound(f"{path} does not exist")
    module, notebook = path / f"{assignment}.py", path / f"{assignment}.ipynb"
    if module.is_file() and notebook.is_file():
        chosen = module
        if prefer == "newest" and notebook.stat().st_mtime > module.stat().st_mtime:
            chosen = notebook
        rule = "the one saved last" if prefer == "newest" else "the module"
        notes.append(f"both {module.name} and {notebook.name} are there; {chosen.name} ({rule}) was used")
        return chosen, notes
    for candidate in (module, notebook):
        if candidate.is_file():
            return candidate, notes
    present = sorted(p.name for p in path.iterdir() if p.suffix in (".py", ".ipynb"))
    found = f" (found: {', '.join(present)})" if present else ""
    raise SubmissionNotFound(
        f"no {module.name} or {notebook.name} in the submission{found}; rename your file to one of these"
    )


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _without_magics(source: str) -> str:
    """Blank IPython line magics (``%...``, ``!...``), but only when the cell is not valid Python as it is
    (so a continuation line such as ``    % n`` in valid code is never touched)."""
    if _parse(source) is not None:
        return source
    return "\n".join(_MAGIC.sub(r"\1pass  # IPython magic removed", line) for line in source.splitlines())


_KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _binds_names_only(target: ast.expr) -> bool:
    """``x`` or ``x, y`` (a constant's name), not ``q["b"][:3]`` or ``obj.attr`` (a change to some object)."""
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, ast.Tuple | ast.List) and all(_binds_names_only(e) for e in target.elts)


def _imports_seqlab(node: ast.stmt) -> bool:
    """``from seqlab... import ...`` or ``import seqlab...``: the notebook's checks, which are the grader's
    business and never run with the student's code."""
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "seqlab" and not node.level
    return isinstance(node, ast.Import) and any(a.name.split(".")[0] == "seqlab" for a in node.names)


def _is_kept(node: ast.stmt) -> bool:
    if _imports_seqlab(node):
        return False
    if isinstance(node, _KEPT_STATEMENTS):
        return True
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    if not all(target is not None and _binds_names_only(target) for target in targets):
        return False
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        try:
            ast.literal_eval(node.value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return False
        return True
    return False


def _definitions_only(tree: ast.Module, source: str) -> str:
    """The top-level imports, defs, classes and literal constants of a cell, at their own line numbers.

    Statements are cut out by their exact source span, so ``import math; print(f(1))`` keeps only the import.
    """
    lines = source.splitlines()
    kept = [""] * len(lines)
    for node in tree.body:
        if not _is_kept(node):
            continue
        for decorator in getattr(node, "decorator_list", []):
            for number in range(decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1):
                kept[number - 1] = lines[number - 1]
        segment = ast.get_source_segment(source, node) or ""
        for offset, text in enumerate(segment.splitlines()):
            index = node.lineno - 1 + offset
            if offset == 0 and kept[index].strip():  # a second kept statement on the same line
                kept[index] = f"{kept[index]}; {text}"
            else:
                kept[index] = text
    return "\n".join(kept)


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise TypeError("a cell's source is neither text nor a list of text")


def notebook_chunks(raw: str, filename: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Split a notebook's JSON text into the code chunks to grade (see module docstring)."""
    try:
        return _notebook_chunks(raw, filename)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise SubmissionNotFound(
            f"{filename} is not a readable Jupyter notebook ({type(exc).__name__}); open it in JupyterLab "
            "and save it again"
        ) from None


def _notebook_chunks(raw: str, filename: str) -> tuple[list[tuple[str, str]], list[str]]:
    notebook = json.loads(raw)
    cells = notebook["cells"]
    if not isinstance(cells, list):
        raise TypeError("cells is not a list")
    chunks: list[tuple[str, str]] = []
    notes: list[str] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _cell_source(cell)
        metadata = cell.get("metadata", {})
        meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
        meta = meta if isinstance(meta, dict) else {}
        if meta.get("grade") and not meta.get("solution"):
            continue
        if source.lstrip().startswith("%%"):
            notes.append(f"cell {number} is a cell magic and was skipped")
            continue
        source = _without_magics(source)
        label = f"{filename}, cell {number}"
        if meta.get("solution"):
            chunks.append((label, source))
            continue
        tree = _parse(source)
        if tree is None:
            notes.append(f"cell {number} has a syntax error and is not a solution cell; it was skipped")
            continue
        kept = _definitions_only(tree, source)
        if kept.strip():
            chunks.append((label, kept))
    return chunks, notes


#: The largest submission file the grader reads (a notebook with big outputs stays far below it).
MAX_SUBMISSION_BYTES = 64 * 1024 * 1024


def load_submission(path: str | Path, assignment: str, prefer: str = "module") -> SubmissionSource:
    """Find and read a submission; raises :class:`SubmissionNotFound` with a student-readable reason.

    When a folder holds both ``<assignment>.py`` and ``.ipynb``, ``prefer="module"`` (grading) takes the
    module and ``prefer="newest"`` (a student checking work in progress) the one saved last.
    """
    if prefer not in ("module", "newest"):
        raise ValueError(f"prefer must be 'module' or 'newest', not {prefer!r}")
    file, notes = _find_file(Path(path), assignment, prefer)
    if file.is_symlink():  # the grader reads it with its own rights: a link could point at the reference
        raise SubmissionNotFound(f"{file.name} is a symbolic link; submit the file itself")
    size = file.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionNotFound(f"{file.name} is {size} bytes; the limit is {MAX_SUBMISSION_BYTES} bytes")
    try:
        raw = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionNotFound(f"{file.name} is not UTF-8 text") from None
    except OSError as exc:
        raise SubmissionNotFound(f"{file.name} cannot be read ({exc.strerror})") from None
    if file.suffix == ".py":
        return SubmissionSource(assignment, file, "module", ((file.name, raw),), tuple(notes))
    chunks, more = notebook_chunks(raw, file.name)
    return SubmissionSource(assignment, file, "notebook", tuple(chunks), tuple(notes + more))
