"""Every notebook runs top to bottom in a real Jupyter kernel (nbclient), as a student or instructor would.

The instructor's source notebook (solutions/<id>/<id>.ipynb) runs without any error. The released student
notebook (assignments/<id>/<id>.ipynb) runs with its stubs: the only errors allowed are the stubs'
NotImplementedError, and only in cells that call a student function (checks and demos); the imports and
every exercise cell (which defines the functions) run clean, so a student starts from a notebook that works.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from seqlab.course import ASSIGNMENTS, find_course_root

pytestmark = pytest.mark.e2e

ROOT = find_course_root()
CELL_TIMEOUT = 300


def run(path, *, allow_errors: bool) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def errors(notebook: nbformat.NotebookNode) -> list[tuple[int, dict, str]]:
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((index, cell.metadata.get("nbgrader", {}), output["ename"]))
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_instructor_notebook_runs_clean(assignment: str) -> None:
    run(ROOT / "solutions" / assignment / f"{assignment}.ipynb", allow_errors=False)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_released_notebook_fails_only_where_a_stub_is_called(assignment: str) -> None:
    notebook = run(ROOT / "assignments" / assignment / f"{assignment}.ipynb", allow_errors=True)
    found = errors(notebook)
    assert found, "the stubs raised nothing: is the release a solution?"
    for index, nbgrader, name in found:
        assert name == "NotImplementedError", f"cell {index} raised {name}, not a stub's NotImplementedError"
        assert not nbgrader.get("solution"), (
            f"the exercise cell {index} itself fails: it must only define functions"
        )
