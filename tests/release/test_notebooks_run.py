"""Every notebook runs top to bottom in a real Jupyter kernel (nbclient), as a student or instructor would.

The instructor's source notebook (solutions/<id>/<id>.ipynb) runs without any error. The released student
notebook (assignments/<id>/<id>.ipynb) runs without any error too, stubs and all, so "Run All" goes to the
end: a check of a stub says so in one line, and a demo or plot cell guarded by ``ready(...)`` says which
function to write first instead of raising (or drawing empty axes).
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from seqlab.course.layout import ASSIGNMENTS, find_course_root

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
def test_the_released_notebook_runs_to_the_end_and_says_what_to_write(assignment: str) -> None:
    notebook = run(ROOT / "assignments" / assignment / f"{assignment}.ipynb", allow_errors=True)
    assert errors(notebook) == []
    checks = [_text(cell) for cell in notebook.cells if cell.cell_type == "code" and 'check("' in cell.source]
    assert checks and all("is not implemented yet" in text for text in checks)
    guarded = [cell for cell in notebook.cells if "if ready(" in cell.source]
    assert guarded, "no demo cell is guarded by ready(...)"
    for cell in guarded:
        assert "first" in _text(cell) and not any(
            o.get("output_type") == "display_data" for o in cell.outputs
        )


def _text(cell: nbformat.NotebookNode) -> str:
    """What a code cell shows as text: its streams and the plain text of its results."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "".join(parts)
