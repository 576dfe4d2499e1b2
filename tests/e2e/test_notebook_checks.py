"""End to end: a notebook's check cells in a real kernel, and stock ``nbgrader validate`` on them.

A released notebook's check cells (``check("tokenize")``) run the function's public tests in another
process on the code the kernel last ran. ``nbgrader validate`` executes the saved notebook; each check cell
is the function's grade cell and a check that does not pass writes its result to stderr, which nbgrader
lists: every function of the released stub notebook, none of a notebook holding the reference, the wrong
function (with what it returned, what was expected and the catalogue's hint) of a notebook with a mistake.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from seqlab.course.layout import ASSIGNMENTS

from .conftest import MUTANTS, ROOT, reference_source
from .test_nbgrader_course import student_notebook

pytestmark = pytest.mark.e2e


def _release_copy(assignment: str, folder: Path) -> Path:
    """A student's copy of the release (notebook, public tests, hints): ``folder/<assignment>``."""
    target = folder / assignment
    shutil.copytree(ROOT / "assignments" / assignment, target)
    (target / f"{assignment}.py").unlink()  # the notebook is the work here
    return target


def _validate(notebook: Path) -> str:
    finished = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", notebook.name],
        cwd=notebook.parent,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return finished.stdout + finished.stderr


def _graded_functions(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    ids = [cell["metadata"].get("nbgrader", {}).get("grade_id", "") for cell in cells]
    return [grade_id.removeprefix("tests_") for grade_id in ids if grade_id.startswith("tests_")]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_lists_every_function_of_the_released_stub(assignment: str, tmp_path: Path) -> None:
    notebook = _release_copy(assignment, tmp_path) / f"{assignment}.ipynb"
    output = _validate(notebook)
    functions = _graded_functions(notebook)
    assert f"VALIDATION FAILED ON {len(functions)} CELL(S)" in output, output[-3000:]
    for function in functions:
        assert f'check("{function}")' in output
        assert f"{function} is not implemented yet" in output


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_passes_the_reference(assignment: str, tmp_path: Path) -> None:
    folder = _release_copy(assignment, tmp_path)
    notebook = folder / f"{assignment}.ipynb"
    student_notebook(notebook, [reference_source(assignment)], notebook)
    output = _validate(notebook)
    assert "Success! Your notebook passes all the tests." in output, output[-3000:]


def test_validate_names_the_mistake_with_values_and_hint(tmp_path: Path) -> None:
    folder = _release_copy("encoding", tmp_path)
    notebook = folder / "encoding.ipynb"
    mistake = (MUTANTS / "encoding" / "tokenize_whitespace_split.py").read_text(encoding="utf-8")
    student_notebook(notebook, [reference_source("encoding"), mistake], notebook)
    output = _validate(notebook)
    assert 'check("tokenize")' in output and "VALIDATION FAILED" in output
    assert "returned 'queen.'; expected 'queen'" in output
    assert "💡 Hint: your output matches text.lower().split()" in output
    assert 'check("ngrams")' not in output  # ngrams does not call tokenize: its checks pass


def _run(notebook: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,  # a demo cell may fail on wrong code, as in a student's "Run All"
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return notebook


def _shown(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """A cell's (HTML, plain text) results, the text's line breaks as spaces."""
    data = [output.get("data", {}) for output in cell.outputs if output.output_type == "display_data"]
    text = "".join(d.get("text/plain", "") for d in data)
    return "".join(d.get("text/html", "") for d in data), " ".join(text.split())


def test_a_check_runs_the_code_the_kernel_ran_and_teaches(tmp_path: Path) -> None:
    """The saved file holds the stubs; the kernel ran a correct tokenize and a catalogued mistake in
    build_token_index (an index numbered from 1): the checks judge the kernel's code, say that it is not
    saved, show got and expected and the hint, and none of them stops "Run All"."""
    folder = _release_copy("encoding", tmp_path)
    saved = folder / "encoding.ipynb"
    mistake = (MUTANTS / "encoding" / "index_one_based.py").read_text(encoding="utf-8")
    edited = student_notebook(saved, [reference_source("encoding"), mistake], tmp_path / "edited.ipynb")
    notebook = nbformat.read(edited, as_version=4)
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    _run(notebook, folder)

    html, text = _shown(cells["tests_tokenize"])
    assert text.startswith("✅ tokenize:") and "checks pass" in text
    assert "is not what the notebook file holds" in text and "Ctrl+S" in text
    assert "<strong>✅ tokenize:" in html
    html, text = _shown(cells["tests_build_token_index"])
    assert text.startswith("❌ build_token_index:")
    assert "build_token_index(['I am from Germany" in text and "expected" in text
    assert "💡 Hint: your output matches a token index numbered from 1" in text
    assert 'href="#2.-The-token-index"' in html
    assert "&lt;" not in text and "<pre" in html
    checks = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert all(_shown(cell)[1] for cell in checks)  # no check raised: Run All reached every one
    assert not any(o.output_type == "error" for cell in checks for o in cell.outputs)
