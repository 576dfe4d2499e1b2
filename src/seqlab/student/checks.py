"""The check cells of a notebook: ``check("tokenize")`` runs that function's public tests and shows a result.

Every graded function's check cell in a released notebook is one call::

    check("tokenize")

It runs the public tests of ``tokenize`` (``tests/`` beside the notebook) with ``seqlab check`` in a
**separate process** (one per kernel, started on its first check and kept warm:
:mod:`seqlab.student.check_server`), on the code of this kernel: the notebook as saved, with each solution
cell replaced by the version this kernel last ran (the cell a function's code came from, read from IPython's
cache of cell sources), plus any other cell of the kernel that defines a function. The student's functions
run in the same isolated worker as in grading, and the comparisons run in that process, never in the
student's kernel, where a solution cell could change them. The cell shows a short result (HTML, with the
same text as plain text for consoles): the pass line, or per failed check the call, what came back and what
was expected, and the catalogue's hint when ``tests/hints.json`` (written by ``seqlab release`` from the
catalogue, see :mod:`seqlab.hints.public`) recognises the output; a stub gets one friendly line.

A check never raises, so "Run All" goes on past a failing check. Under nbgrader:

* ``nbgrader validate`` (and JupyterLab's Validate button) executes the saved notebook with
  ``NBGRADER_EXECUTION=validate``. Each check cell is then the function's nbgrader grade cell, and a check
  that does not pass writes its result to stderr, which nbgrader counts as a failed cell and lists with that
  text. The notebook's public tests run once for all its checks.
* ``nbgrader autograde`` (``NBGRADER_EXECUTION=autograde``): the check does nothing; the cell's hidden-test
  region (:func:`seqlab.integrations.nbgrader.hidden_tests`) grades, so nbgrader's points are the hidden
  suite's.

:func:`ready` guards the demo and plot cells: ``if ready("tokenize"):`` runs its block only when the named
functions are implemented, and says which to write first otherwise.
"""

from __future__ import annotations

import ast
import inspect
import json
import linecache
import os
import sys
import tempfile
import types
from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from seqlab.errors import EXIT_GRADER_FAULT, ChecksUnavailable
from seqlab.model import GradeResult
from seqlab.student.check_result import CheckResult, Line, describe
from seqlab.student.check_server import CheckServer

__all__ = ["CheckResult", "check", "kernel_notebook", "ready", "run_public_checks"]

#: Where a notebook's public tests are: ``tests/`` in a release, ``public_tests/`` beside the instructor's
#: source notebook in ``solutions/<id>/``.
PUBLIC_TESTS = ("tests", "public_tests")
#: ``seqlab check`` bounds the student's time itself; this only stops a grader that is stuck.
CHECK_TIMEOUT = 900


@dataclass(frozen=True)
class KernelNotebook:
    """The notebook as this kernel runs it (see :func:`kernel_notebook`)."""

    notebook: dict[str, Any]
    #: names whose kernel definition is not what the saved notebook holds
    unsaved: tuple[str, ...] = ()


def _cell_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _defined_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]


def _kernel_cell(value: Any) -> str | None:
    """The source of the kernel cell that defined ``value`` (a function, or a class through its methods),
    or None when it was not defined in a cell (imported from a file, built by other means)."""
    functions = [value] if isinstance(value, types.FunctionType) else []
    if isinstance(value, type):
        functions = [v for v in vars(value).values() if isinstance(v, types.FunctionType)]
    for function in functions:
        filename = function.__code__.co_filename
        if os.path.exists(filename):
            return None
        lines = linecache.getlines(filename)
        if lines:
            return "".join(lines)
    return None


def _same(a: str, b: str) -> bool:
    return a.rstrip() == b.rstrip()


def kernel_notebook(saved: Mapping[str, Any], namespace: Mapping[str, Any]) -> KernelNotebook:
    """The saved notebook ``saved`` (its JSON) as the kernel with globals ``namespace`` runs it.

    Each solution cell (``metadata.nbgrader.solution``) whose definitions the kernel holds from another
    cell text (the student edited and ran it, but did not save) gets that text; a kernel cell defining a
    function that no saved cell holds is appended as a code cell. Everything else is as saved.
    """
    notebook = json.loads(json.dumps(saved))
    cells = notebook.get("cells", [])
    saved_texts = [_cell_text(cell) for cell in cells if isinstance(cell, dict)]
    kernel_cells: dict[str, list[str]] = {}  # cell text -> the names it defines in the kernel
    for name, value in namespace.items():
        text = _kernel_cell(value) if not name.startswith("_") else None
        if text is not None:
            kernel_cells.setdefault(text, []).append(name)
    used: set[str] = set()
    unsaved: list[str] = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        names = _defined_names(_cell_text(cell)) or str(meta.get("grade_id", "")).split("__")
        for text, defined in kernel_cells.items():
            if text not in used and set(names) & set(defined):
                used.add(text)
                if not _same(text, _cell_text(cell)):
                    cell["source"] = text
                    unsaved += [n for n in names if n in defined]
                break
    for text, defined in kernel_cells.items():
        if text not in used and not any(_same(text, s) for s in saved_texts):
            cells.append(
                {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}
            )
            unsaved += defined
    return KernelNotebook(notebook, tuple(sorted(set(unsaved))))


def run_public_checks(
    notebook: Mapping[str, Any], assignment: str, tests_dir: Path, function: str | None = None
) -> GradeResult:
    """Run the public tests in ``tests_dir`` on ``notebook`` (its JSON) with ``seqlab check`` in this
    kernel's check process (:class:`~seqlab.student.check_server.CheckServer`, started on the first check),
    for ``function`` alone or for every function. Raises :class:`ChecksUnavailable` when the checks could
    not run (the result would not be the student's)."""
    with tempfile.TemporaryDirectory(prefix="seqlab-check-") as scratch:
        path = Path(scratch) / f"{assignment}.ipynb"
        path.write_text(json.dumps(notebook), encoding="utf-8")
        report = Path(scratch) / "report.json"
        argv = ["check", str(path), "--assignment", assignment]
        # absolute: the check process keeps the directory it started in, the kernel may have moved
        argv += ["--tests", str(tests_dir.absolute()), "--format", "json", "--out", str(report)]
        argv += ["--function", function] if function else []
        code, stderr = _server.run(argv, CHECK_TIMEOUT)
        if code not in (0, 1) or not report.is_file():
            detail = (stderr.strip().splitlines() or ["(no message)"])[-1]
            what = "seqlab cannot run code on this installation" if code == EXIT_GRADER_FAULT else ""
            raise ChecksUnavailable(f"{what or 'the checks could not run'}: {detail}")
        return GradeResult.from_dict(json.loads(report.read_text(encoding="utf-8")))


_server = CheckServer()  # this kernel's check process


# ---------------------------------------------------------------------------------------------------
# The notebook and kernel this check runs in


def _saved_notebook(assignment: str | None, namespace: Mapping[str, Any]) -> Path:
    """The notebook file of this kernel: JupyterLab's session path, else ``<assignment>.ipynb`` here."""
    session = str(namespace.get("__session__") or os.environ.get("JPY_SESSION_NAME") or "")
    for candidate in (Path(session), Path.cwd() / Path(session).name):
        if session and candidate.suffix == ".ipynb" and candidate.is_file():
            return candidate
    from seqlab.course.layout import find_assignment_folder

    folder, found = find_assignment_folder(Path.cwd())
    return folder / f"{assignment or found}.ipynb"


def _assignment_of(notebook: Path) -> str:
    from seqlab.course.layout import find_assignment_folder, known_assignments

    if notebook.stem in (notebook.parent.name, *known_assignments()):  # assignments/<id>/<id>.ipynb
        return notebook.stem
    return find_assignment_folder(notebook.parent)[1]


def _section_of(notebook: Mapping[str, Any], function: str) -> str:
    """The heading of the notebook section that shows ``function``'s solution cell."""
    heading = ""
    for cell in notebook.get("cells", []):
        text = _cell_text(cell)
        if cell.get("cell_type") == "markdown":
            for row in text.splitlines():
                if row.startswith("#"):
                    heading = row.lstrip("#").strip()
        elif cell.get("metadata", {}).get("nbgrader", {}).get("solution") and function in _defined_names(
            text
        ):
            return heading
    return ""


_results: dict[tuple[str, str | None], GradeResult] = {}  # (code digest, function or None for all)


def _checked(
    notebook: KernelNotebook, assignment: str, tests_dir: Path, function: str, every: bool
) -> GradeResult:
    digest = sha256(json.dumps(notebook.notebook, sort_keys=True).encode()).hexdigest()
    for key in ((digest, None), (digest, function)):
        if key in _results:
            return _results[key]
    key = (digest, None if every else function)
    _results[key] = run_public_checks(notebook.notebook, assignment, tests_dir, None if every else function)
    return _results[key]


def _namespace() -> dict[str, Any]:
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    shell = get_ipython() if get_ipython is not None else None
    if shell is not None:
        return shell.user_ns
    main = sys.modules.get("__main__")  # outside IPython: the script's globals
    return vars(main) if main is not None else {}


def _show(result: CheckResult) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display(result)
    else:
        print(result.text())


def check(function: str, assignment: str | None = None) -> None:
    """Run the public tests of ``function`` on this kernel's code and show what they found (see the module
    doc). Never raises; under ``nbgrader validate`` a check that does not pass writes to stderr, which
    nbgrader lists as a failed cell; under ``nbgrader autograde`` it does nothing."""
    mode = os.environ.get("NBGRADER_EXECUTION")
    if mode == "autograde":
        return
    try:
        result = _check(function, assignment, every=mode == "validate")
    except Exception as exc:  # never stop Run All; say what went wrong instead
        result = CheckResult(
            function,
            False,
            (
                Line("title", f"⚠️ The checks of {function} could not run: {exc}"),
                Line("text", "This is not a problem with your code; tell your instructor if it persists."),
            ),
        )
    if mode == "validate":
        if not result.passed:
            print(result.text(), file=sys.stderr)
        return
    _show(result)


def _check(function: str, assignment: str | None, every: bool) -> CheckResult:
    namespace = _namespace()
    if not every and function not in namespace:
        title = f"⬜ {function} is not defined yet."
        advice = Line("text", "Run the cell that defines it (above), then this check again.")
        return CheckResult(function, False, (Line("title", title), advice))
    path = _saved_notebook(assignment, namespace)
    assignment = assignment or _assignment_of(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    current = kernel_notebook(saved, {} if every else namespace)
    tests_dir = next((path.parent / name for name in PUBLIC_TESTS if (path.parent / name).is_dir()), None)
    if tests_dir is None:  # not the student's doing: nothing to check against, so nothing fails here
        folders = " or ".join(f"{name}/" for name in PUBLIC_TESTS)
        title = f"ℹ️ No public tests next to this notebook ({folders}): {function} is not checked here."
        return CheckResult(function, True, (Line("title", title),))
    result = _checked(current, assignment, tests_dir, function, every)
    return describe(function, result, section=_section_of(saved, function), unsaved=current.unsaved)


# ---------------------------------------------------------------------------------------------------
# Demo cells


def _is_stub(value: Any) -> bool:
    """Whether a function's body raises NotImplementedError as a statement of its own."""
    try:
        tree = ast.parse(inspect.getsource(value).strip() if not isinstance(value, str) else value)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    definition = tree.body[0] if tree.body else None
    if not isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    for statement in definition.body:
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                return True
    return False


def ready(*functions: str) -> bool:
    """Whether the named functions are defined and implemented; if not, say which to write first.

    For demo and plot cells: ``if ready("tokenize", "build_token_index"):`` runs its block only when both
    are there, so a stub prints one line instead of a traceback and empty axes."""
    namespace = _namespace()
    missing = [name for name in functions if name not in namespace]
    stubs = [name for name in functions if name in namespace and _is_stub(namespace[name])]
    if not missing and not stubs:
        return True
    parts = []
    if stubs:
        parts.append(f"implement {' and '.join(stubs)} first")
    if missing:
        parts.append(f"run the cell that defines {' and '.join(missing)}")
    print(f"⏭ This cell shows its result once you {'; '.join(parts)}.")
    return False
