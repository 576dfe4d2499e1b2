"""Build an assignment's instructor notebook from its lesson source and its reference module.

An assignment folder ``solutions/<id>/`` holds two hand-written sources:

``lesson.py``
    The narrative, in percent format. Each cell starts with a marker line::

        # %% [markdown]              markdown; each following line is "# text" or "#"
        # %% [imports]               locked code cell with the imports students need
        # %% [solution] NAME [NAME]  solution cell; the body is ignored, the cell gets the exact source of
                                     the named top-level definitions of <id>.py
        # %% [check] NAME            the check cell of function NAME, left empty: it is written for you,
                                     check("NAME"), which runs NAME's public tests (public_tests/)
        # %%                         plain demo code cell (ungraded, never sent to the grader)

``<id>.py``
    The reference solution, whose function bodies carry nbgrader's ``### BEGIN SOLUTION`` /
    ``### END SOLUTION`` markers.

:func:`build_notebook` combines them into the nbgrader *source* notebook (solutions/<id>/<id>.ipynb) with
nbgrader cell metadata (schema 3). Each function the hidden suite ``grader/<id>/`` grades gets one
autograder test cell, worth what the suite's ``@graded`` markers give that function: its check cell, whose
visible part runs the public tests (:mod:`seqlab.student.checks`, so nbgrader's validate lists a function
whose checks fail) and whose hidden-tests region grades it (:mod:`seqlab.integrations.nbgrader`); a graded
function without a check cell gets a hidden-tests cell after its solution cell. The output is deterministic:
cell ids derive from grade ids, so the committed notebook is byte-stable and a test can compare it with a
fresh build.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from seqlab.course.lesson import LessonCell, check_coverage, check_imports, parse_lesson
from seqlab.course.reference_source import extract_definitions, parse_source
from seqlab.errors import CourseError

__all__ = [
    "CHECK_SOURCE",
    "CHECKS_IMPORT",
    "HIDDEN_TESTS_REGION",
    "HIDDEN_TESTS_SOURCE",
    "build_notebook",
    "hidden_suite_points",
    "notebook_text",
    "write_notebook",
]

# nbformat 4.5: cell ids match ^[a-zA-Z0-9-_]+$ and are 1..64 characters long.
_MAX_CELL_ID = 64

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell_id(grade_id: str, index: int) -> str:
    return grade_id if len(grade_id) <= _MAX_CELL_ID else f"cell_{index}"


HIDDEN_TESTS_REGION = """\
### BEGIN HIDDEN TESTS
from seqlab.nbgrader_cell import hidden_tests

hidden_tests("{assignment}", "{function}")
### END HIDDEN TESTS"""

HIDDEN_TESTS_SOURCE = (
    "# Hidden tests of `{function}` ({points} points): nbgrader runs them when it grades your notebook.\n"
    + HIDDEN_TESTS_REGION
)

#: A check cell: the function's public tests (see :mod:`seqlab.student.checks`); for a graded function the
#: cell is also its autograder test cell, whose hidden-test region follows.
CHECK_SOURCE = """\
# Run this cell to check `{function}` on the lecture's examples.
# {where}
check("{function}")"""

#: What the first [imports] cell gains: the checks and the demo cells' guard.
CHECKS_IMPORT = "from seqlab.inline_checks import check, ready  # run the checks; guard the demo cells"


def hidden_suite_points(assignment_dir: Path) -> dict[str, float]:
    """The points each function is worth in the hidden suite of ``solutions/<id>`` (``grader/<id>``)."""
    from seqlab.suite.runner import collect_points  # pytest is imported only when a notebook is built

    assignment_dir = Path(assignment_dir)
    return collect_points(assignment_dir.resolve().parents[1] / "grader" / assignment_dir.name)


def _points_value(points: float) -> int | float:
    return int(points) if float(points).is_integer() else float(points)


def _hidden_test_anchors(
    cells: list[LessonCell], points: Mapping[str, float], lesson: str
) -> dict[int, list[str]]:
    """Which functions' autograder cells follow which lesson cell: the last check of the function, or
    the solution cell that shows it when it has no check."""
    anchor: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell.kind == "solution":
            for name in cell.names:
                if name in points:
                    anchor[name] = index
    for index, cell in enumerate(cells):
        if cell.kind == "check" and cell.names[0] in points:
            anchor[cell.names[0]] = index
    missing = [name for name in points if name not in anchor]
    if missing:
        raise CourseError(
            f"the hidden suite grades {', '.join(missing)}, which no [solution] cell of {lesson} shows"
        )
    by_cell: dict[int, list[str]] = {}
    for cell_index in sorted(set(anchor.values())):
        names = [name for name in anchor if anchor[name] == cell_index]
        cell = cells[cell_index]
        order = list(cell.names) if cell.kind == "solution" else names
        by_cell[cell_index] = [name for name in order if name in names]
    return by_cell


def build_notebook(assignment_dir: Path, points: Mapping[str, float] | None = None) -> NotebookNode:
    """Build the instructor (nbgrader source) notebook of ``assignment_dir`` (``solutions/<id>``).

    Reads ``lesson.py`` and ``<id>.py`` (``<id>`` is the folder's name) and returns an nbformat 4.5
    notebook whose cells follow the lesson:

    - markdown and imports cells: locked read-only (grade ids ``markdown_<n>``, ``imports_<n>``);
    - solution cells: the verbatim source of the named definitions, joined by two blank lines, with
      ``{"solution": true, "grade": false, "locked": false, "grade_id": <names joined by "__">}``;
    - the check cell of a graded function: ``check("<name>")`` (:data:`CHECK_SOURCE`), and the autograder
      test cell ``{"grade": true, "solution": false, "locked": true, "points": P, "grade_id":
      "tests_<name>"}``, whose hidden-test region calls :func:`seqlab.integrations.nbgrader.hidden_tests`;
      a graded function without a check cell gets that test cell after its solution cell;
    - the check cell of a function the suite does not grade: locked read-only, ``"grade_id":
      "check_<name>"``, it earns nothing;
    - the first imports cell ends with :data:`CHECKS_IMPORT`;
    - demo cells: plain code cells without nbgrader metadata.

    ``points`` maps each graded function to its points; by default they are collected from the hidden
    suite ``grader/<id>/`` beside ``solutions/`` (:func:`hidden_suite_points`), so the notebook's total is
    the suite's. Cell ids equal grade ids (``demo_<n>`` for demo cells), so the result is deterministic.
    Raises :class:`CourseError` when a file is missing, a named definition does not exist, a top-level
    definition or import of the reference is missing from the notebook, a graded function is not shown, or
    a solution cell has no solution region.
    """
    assignment_dir = Path(assignment_dir)
    assignment_id = assignment_dir.name
    lesson_path = assignment_dir / "lesson.py"
    reference_path = assignment_dir / f"{assignment_id}.py"
    for path in (lesson_path, reference_path):
        if not path.is_file():
            raise CourseError(f"{path} is missing; an assignment needs lesson.py and {assignment_id}.py")
    lesson_name = f"solutions/{assignment_id}/lesson.py"
    reference_name = f"solutions/{assignment_id}/{assignment_id}.py"

    cells = parse_lesson(lesson_path.read_text(encoding="utf-8"), lesson_name)
    reference_source = reference_path.read_text(encoding="utf-8")
    tree = parse_source(reference_source, reference_name)
    definitions = extract_definitions(reference_source, reference_name)
    check_coverage(cells, tree, definitions, lesson_name, reference_name)
    check_imports(cells, tree, lesson_name, reference_name)
    if points is None:
        points = hidden_suite_points(assignment_dir)
    hidden_tests_after = _hidden_test_anchors(cells, points, lesson_name)
    hidden_tests_in_check = {c.names[0] for c in cells if c.kind == "check" and c.names[0] in points}

    counters: dict[str, int] = {}
    checks: dict[str, int] = {}
    nb_cells = []
    for index, cell in enumerate(cells):
        counters[cell.kind] = counters.get(cell.kind, 0) + 1
        number = counters[cell.kind]
        if cell.kind == "markdown":
            grade_id = f"markdown_{number}"
            meta = _nbgrader(grade_id, solution=False, grade=False, locked=True)
            nb_cells.append(
                nbformat.v4.new_markdown_cell(cell.source, id=_cell_id(grade_id, index), metadata=meta)
            )
            continue
        if cell.kind == "imports":
            grade_id = f"imports_{number}"
            meta = _nbgrader(grade_id, solution=False, grade=False, locked=True)
            source = cell.source if number > 1 else f"{cell.source}\n\n{CHECKS_IMPORT}"
        elif cell.kind == "solution":
            grade_id = "__".join(cell.names)
            meta = _nbgrader(grade_id, solution=True, grade=False, locked=False)
            source = "\n\n\n".join(definitions[name] for name in cell.names)
            if "### BEGIN SOLUTION" not in source:
                raise CourseError(
                    f"{lesson_name}:{cell.line}: the solution cell for {' '.join(cell.names)} has no "
                    "### BEGIN SOLUTION region; nbgrader would replace the whole cell"
                )
        elif cell.kind == "check":
            name = cell.names[0]
            if name in checks:
                raise CourseError(
                    f"{lesson_name}:{cell.line}: {name} has a check cell already, at line "
                    f"{checks[name]}; one check cell runs all of a function's public tests"
                )
            checks[name] = cell.line
            if cell.source.strip():
                raise CourseError(
                    f"{lesson_name}:{cell.line}: a [check] cell is written for you (it runs the public tests "
                    f"of {name}); leave it empty and put its cases in solutions/{assignment_id}/public_tests/"
                )
            if name in hidden_tests_in_check:
                value = _points_value(points[name])
                grade_id = f"tests_{name}"
                meta = _nbgrader(grade_id, solution=False, grade=True, locked=True, points=value)
                where = f"Its hidden tests, worth {value} points, run when your notebook is graded."
                source = (
                    CHECK_SOURCE.format(function=name, where=where)
                    + "\n"
                    + HIDDEN_TESTS_REGION.format(function=name, assignment=assignment_id)
                )
                nb_cells.append(
                    nbformat.v4.new_code_cell(source, id=_cell_id(grade_id, index), metadata=meta)
                )
                continue
            grade_id = f"check_{name}"
            meta = _nbgrader(grade_id, solution=False, grade=False, locked=True)
            source = CHECK_SOURCE.format(function=name, where="This check earns no points.")
        else:
            grade_id = f"demo_{number}"
            meta = {}
            source = cell.source
        if "### BEGIN HIDDEN TESTS" in source:
            raise CourseError(
                f"{lesson_name}:{cell.line}: a hidden-tests region outside an autograder test cell; hidden "
                f"tests belong in grader/{assignment_id}/, whose tests the notebook's test cells run"
            )
        nb_cells.append(nbformat.v4.new_code_cell(source, id=_cell_id(grade_id, index), metadata=meta))
        for function in (f for f in hidden_tests_after.get(index, []) if f not in hidden_tests_in_check):
            value = _points_value(points[function])
            grade_id = f"tests_{function}"
            meta = _nbgrader(grade_id, solution=False, grade=True, locked=True, points=value)
            source = HIDDEN_TESTS_SOURCE.format(function=function, points=value, assignment=assignment_id)
            nb_cells.append(nbformat.v4.new_code_cell(source, id=_cell_id(grade_id, index), metadata=meta))

    notebook = nbformat.v4.new_notebook(
        cells=nb_cells,
        metadata={"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
    )
    nbformat.validate(notebook)
    return notebook


def notebook_text(notebook: NotebookNode) -> str:
    """Serialise a notebook exactly as :func:`write_notebook` writes it (nbformat's layout, final newline)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(notebook: NotebookNode, path: Path) -> bool:
    """Write ``notebook`` to ``path`` unless the file already holds the same text; return whether it wrote."""
    path = Path(path)
    text = notebook_text(notebook)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
