"""The autograder test cells of the course notebooks: stock nbgrader runs them, seqlab's engine grades.

Every function the hidden suite grades has a locked autograder test cell in the notebook (built by
:func:`seqlab.course.notebook.build_notebook`) whose hidden-test region is::

    from seqlab.nbgrader_cell import hidden_tests

    hidden_tests("encoding", "tokenize")

``nbgrader generate_assignment`` strips the region from the student's copy; ``nbgrader autograde`` puts it
back and executes the notebook. The first of these cells to run then grades the whole notebook with
``seqlab grade`` in a **fresh process**: the engine loads the notebook nbgrader is grading (the sanitised
copy in ``autograded/<student>/<assignment>/``, whose locked cells nbgrader restored) exactly as it loads
any submission, so the student's functions run in the isolated worker and every comparison happens in that
grader process, not in the notebook's kernel. The report is kept for the kernel's other cells. Each cell
shows the feedback for its function (what failed, why, the smallest failing input; never the hidden test
code) and evaluates to the points the function earned, which nbgrader records as the cell's partial credit
(a number as a test cell's result). The gradebook's total is therefore ``seqlab grade``'s score.

What the kernel cannot give: nbgrader runs the student's cells in the same kernel *before* the test cells,
so a student who patches this module, ``subprocess`` or IPython's display inside a solution cell can fake a
cell's result, and no check inside the kernel can be trusted. ``seqlab reconcile``
(:mod:`seqlab.integrations.nbgrader_reconcile`), run after ``nbgrader autograde``, grades the submitted
notebooks outside the kernel, lists every cell whose gradebook points differ and, with ``--fix``, makes the
gradebook hold ``seqlab grade``'s points.

A grader fault (``seqlab grade`` exits 3: the worker cannot run on this installation) ends the kernel, so
nbgrader's autograde fails for that submission and records no grade for it, instead of a zero; the cause
is appended to ``seqlab-grader-faults.log`` in the course root.

Configuration, through the environment nbgrader runs in: ``SEQLAB_GRADE_OPTIONS`` holds extra options for
``seqlab grade`` (default ``--gpu-policy award``, since a notebook's cells have fixed maxima, see
:mod:`seqlab.suite.gpu`); ``SEQLAB_COURSE_ROOT`` names the course when it is not a folder above the notebook.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seqlab.course.layout import course_root_above
from seqlab.declare import to_arguments
from seqlab.errors import EXIT_GRADER_FAULT, GradingUnavailable
from seqlab.model import PASSED, SKIPPED, FunctionScore, GradeResult
from seqlab.options import GradeOptions
from seqlab.reports.base import points
from seqlab.reports.markdown import failure_lines, load_error_lines, message_lines
from seqlab.text_safety import clean, code_span, markdown_literal

__all__ = ["DEFAULT_OPTIONS", "NBGRADER_DEFAULTS", "NBGRADER_MODES", "hidden_tests"]

NBGRADER_MODES = ("autograde", "validate")  # values of NBGRADER_EXECUTION when nbgrader runs a notebook
#: How the test cells grade unless ``SEQLAB_GRADE_OPTIONS`` says otherwise (and what ``seqlab reconcile``
#: assumes): a notebook's GPU checks count as earned where its CPU tests pass, as nbgrader has no "not run".
NBGRADER_DEFAULTS = {"gpu_policy": "award"}
DEFAULT_OPTIONS = shlex.join(
    to_arguments(GradeOptions(**NBGRADER_DEFAULTS), exported_only=False, changed_only=True)
)
#: Where a grader fault's cause is written (in the course root) when it ends an nbgrader kernel.
FAULT_LOG = "seqlab-grader-faults.log"
GRADING_TIMEOUT = 1800  # s; seqlab grade bounds the student's time itself, this only stops a stuck grader

_reports: dict[tuple[Any, ...], GradeResult] = {}  # one grading per notebook version and options per kernel
_shown_messages: set[tuple[Any, ...]] = set()


def _cell_points(notebook: Path, function: str) -> float | None:
    """The points nbgrader recorded for ``function``'s test cell (``None`` when the notebook has none)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if meta.get("grade_id") == f"tests_{function}" and meta.get("grade"):
            return float(meta.get("points", 0))
    return None


def _grade(notebook: Path, assignment: str, options: list[str], course_root: Path | None) -> GradeResult:
    command = [sys.executable, "-m", "seqlab", "grade", str(notebook), "--assignment", assignment]
    if course_root is not None:
        command += ["--course-root", str(course_root)]
    with tempfile.TemporaryDirectory(prefix="seqlab-nbgrader-") as scratch:
        report = Path(scratch) / "report.json"
        command += ["--format", "json", "--out", str(report), *options]
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=GRADING_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise GradingUnavailable(f"seqlab grade did not finish within {GRADING_TIMEOUT} s") from exc
        if finished.returncode == EXIT_GRADER_FAULT:
            _stop_the_kernel(finished.stderr, notebook, course_root)
        if finished.returncode != 0 or not report.is_file():
            detail = (finished.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise GradingUnavailable(f"seqlab could not grade this notebook: {detail}")
        return GradeResult.from_dict(json.loads(report.read_text(encoding="utf-8")))


def _stop_the_kernel(cause: str, notebook: Path, course_root: Path | None) -> None:
    """A grader fault (the worker could not run on this installation) is not the student's zero: end the
    kernel, so that nbgrader's autograde fails for this submission ("Kernel died"), records no grade for
    it and exits non-zero; once the installation is fixed, autograde grades it again. The cause is
    appended to :data:`FAULT_LOG` in the course root (nbgrader shows nothing a dying kernel prints)."""
    root = course_root or Path(os.environ.get("SEQLAB_COURSE_ROOT") or notebook.parent)
    line = f"{datetime.now(UTC).isoformat(timespec='seconds')} {notebook}: {clean(cause.strip())}\n"
    try:
        with open(root / FAULT_LOG, "a", encoding="utf-8") as log:
            log.write(line)
    except OSError:
        pass
    os._exit(EXIT_GRADER_FAULT)


def _report(assignment: str) -> tuple[GradeResult, Path, tuple[Any, ...]]:
    notebook = Path.cwd() / f"{assignment}.ipynb"
    if not notebook.is_file():
        raise GradingUnavailable(
            f"cannot find {notebook.name} in {notebook.parent}: nbgrader runs a notebook in its own folder"
        )
    options = shlex.split(os.environ.get("SEQLAB_GRADE_OPTIONS", DEFAULT_OPTIONS))
    stat = notebook.stat()
    key = (str(notebook), stat.st_mtime_ns, stat.st_size, assignment, tuple(options))
    if key not in _reports:
        given = os.environ.get("SEQLAB_COURSE_ROOT")
        root = None if given else course_root_above(notebook.parent, assignment)
        _reports[key] = _grade(notebook, assignment, options, root)
    return _reports[key], notebook, key


def feedback_markdown(result: GradeResult, function: FunctionScore, messages: bool) -> str:
    """The feedback one test cell shows: the function's score, then each failure explained, escaped as the
    Markdown report is (:mod:`seqlab.reports.markdown`): nothing a student wrote becomes markup."""
    counted = [t for t in function.tests if t.outcome != SKIPPED]
    passed = sum(t.outcome == PASSED for t in counted)
    mark = "✅" if function.score == function.max_score else ("❌" if function.score == 0 else "⚠️")
    lines = [
        f"{mark} **{code_span(function.name)}: {points(function.score)} / {points(function.max_score)} "
        f"points** ({passed} of {len(counted)} hidden tests passed)",
        "",
    ]
    if result.load_error:  # one explanation (in the first graded cell), not one per test
        if messages:
            lines += load_error_lines(result)
            lines += message_lines(m for m in result.messages if not m.endswith(result.load_error))
        else:
            lines += ["No test could run: your code could not be loaded (see the first graded cell).", ""]
    else:
        if messages:
            lines += message_lines(result.messages)
        lines += failure_lines(function)
    skipped = [t for t in function.tests if t.outcome == SKIPPED]
    lines += [
        f"- not counted: {markdown_literal(t.name, inline=True)}: {markdown_literal(t.message, inline=True)}"
        for t in skipped
    ]
    return "\n".join(lines).rstrip() + "\n"


def _show(markdown: str) -> None:
    """Markdown output of the cell in a Jupyter kernel (plain text beside it); printed elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is None or get_ipython() is None:
        print(markdown)
        return
    display({"text/markdown": markdown, "text/plain": markdown}, raw=True)


def hidden_tests(assignment: str, function: str) -> float | None:
    """Grade ``function`` of this notebook with the hidden suite of ``assignment``; return its points.

    Only when nbgrader executes the notebook (``NBGRADER_EXECUTION`` is ``autograde`` or ``validate``);
    elsewhere it shows a note and returns ``None`` (nbgrader is not looking). The returned float is the
    cell's result, which nbgrader reads as partial credit: 0 <= points <= the cell's points. Raises
    :class:`GradingUnavailable` (the cell then earns nothing) when grading cannot happen or the notebook's
    points for the cell differ from the hidden suite's (the release is older than the suite).
    """
    if os.environ.get("NBGRADER_EXECUTION") not in NBGRADER_MODES:
        _show(f"The hidden tests of {code_span(function)} run when nbgrader grades this notebook.")
        return None
    with warnings.catch_warnings():  # nbgrader gives no credit to a cell that writes to stderr
        warnings.simplefilter("ignore")
        result, notebook, key = _report(assignment)
    graded = {f.name: f for f in result.functions}
    if function not in graded:
        raise GradingUnavailable(f"the hidden suite of {assignment} has no tests for {function}")
    score = graded[function]
    cell_points = _cell_points(notebook, function)
    full = sum(t.max_points for t in score.tests)
    if cell_points is not None and abs(cell_points - full) > 1e-9:
        raise GradingUnavailable(
            f"this cell is worth {points(cell_points)} points but the hidden tests of {function} give "
            f"{points(full)}: the notebook was released from an older hidden suite (run `seqlab release`)"
        )
    _show(feedback_markdown(result, score, messages=key not in _shown_messages))
    _shown_messages.add(key)
    return float(score.score)
