"""End to end: the course's references, released stubs and known mistakes graded by the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS
from seqlab.model import FAILED, PASSED
from seqlab.reports import GradescopeReport, MarkdownReport
from seqlab.suite.runner import collect_points

from .conftest import (
    ROOT,
    grade_fast,
    mutant_files,
    notebook_with_extra_cell,
    ran,
    reference_source,
    scores,
    write_module,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_module_and_notebook_score_full_marks(assignment: str, tmp_path: Path) -> None:
    module = grade_fast(
        write_module(tmp_path / "module", assignment, reference_source(assignment)), assignment
    )
    notebook = grade_fast(ROOT / "solutions" / assignment / f"{assignment}.ipynb", assignment)
    assert module.max_score > 0
    failed = [(t.id, t.message) for t in ran(module) if t.outcome != PASSED]
    assert not failed
    assert module.score == module.max_score
    assert module.hint_counts == {}  # hints on, none given
    assert module.extra["hints"] == {"given": True, "why_not": ""}
    assert notebook.kind == "notebook"
    assert [(t.id, t.outcome) for t in notebook.tests] == [(t.id, t.outcome) for t in module.tests]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("form", ["py", "ipynb"])
def test_released_stub_scores_zero_with_not_implemented_feedback(assignment: str, form: str) -> None:
    result = grade_fast(ROOT / "assignments" / assignment / f"{assignment}.{form}", assignment)
    assert result.max_score > 0
    assert result.score == 0
    assert all("not implemented" in t.message for t in ran(result)), [
        t.message for t in ran(result) if "not implemented" not in t.message
    ]
    assert "not implemented yet" in MarkdownReport().render(result)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_module_and_notebook_forms_of_a_mistake_score_identically(assignment: str, tmp_path: Path) -> None:
    mutant = mutant_files(assignment)[0]
    module = grade_fast(
        write_module(tmp_path / "m", assignment, reference_source(assignment) + "\n\n" + mutant.read_text()),
        assignment,
    )
    notebook_path = notebook_with_extra_cell(
        ROOT / "solutions" / assignment / f"{assignment}.ipynb",
        mutant.read_text(),
        tmp_path / "n" / f"{assignment}.ipynb",
    )
    notebook = grade_fast(notebook_path, assignment)
    assert notebook.score < notebook.max_score
    assert [(t.id, t.outcome, t.message, t.counterexample) for t in notebook.tests] == [
        (t.id, t.outcome, t.message, t.counterexample) for t in module.tests
    ]


@pytest.mark.parametrize(
    ("assignment", "function", "wrong_body"),
    [
        (
            "encoding",
            "ngrams",
            "def ngrams(tokens, n):\n    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n)]\n",
        ),
        ("windowing", "make_windows", None),
    ],
)
def test_one_wrong_function_loses_exactly_its_points_and_is_named_with_a_counterexample(
    assignment: str, function: str, wrong_body: str | None, tmp_path: Path
) -> None:
    if wrong_body is None:  # right shapes, wrong values, and no error for invalid arguments
        wrong_body = (
            f"_right_{function} = {function}\n\n"
            f"def {function}(*args, **kwargs):\n"
            "    try:\n"
            f"        X, y = _right_{function}(*args, **kwargs)\n"
            "    except ValueError:\n"
            "        return np.zeros(0), np.zeros(0)\n"
            "    return X, y + 1\n"
        )
    worth = collect_points(ROOT / "grader" / assignment)[function]  # its tests' @graded points
    result = grade_fast(
        write_module(tmp_path / "wrong", assignment, reference_source(assignment) + "\n\n" + wrong_body),
        assignment,
    )
    lost = {name: m - s for name, (s, m) in scores(result).items() if s != m}
    assert lost == {function: worth} and worth > 0
    assert result.score == result.max_score - worth
    failures = [t for t in result.tests if t.outcome == FAILED]
    assert failures and all(t.function == function for t in failures)
    assert any(t.counterexample for t in failures), "no minimal counterexample shown"
    feedback = MarkdownReport().render(result)
    assert f"`{function}`" in feedback and "Smallest failing input found" in feedback


def test_another_seed_draws_other_examples_and_still_passes_the_reference(tmp_path: Path) -> None:
    folder = write_module(tmp_path, "encoding", reference_source("encoding"))
    result = grade_fast(folder, "encoding", seed=12345)
    assert result.seed == 12345 and result.score == result.max_score


@pytest.mark.parametrize(
    ("example", "assignment", "wrong"),
    [("encoding-student", "encoding", "one_hot_encode"), ("cells-student", "cells", "gru_cell_forward")],
)
def test_gradescope_results_of_a_real_grading_validate_against_the_schema(
    example: str, assignment: str, wrong: str
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).parents[1] / "data" / "gradescope_schema.json").read_text())
    result = grade_fast(ROOT / "examples" / "submissions" / example, assignment)
    document = json.loads(GradescopeReport().render(result))
    jsonschema.validate(document, schema)
    assert document["score"] == result.score < result.max_score
    assert sum(t["max_score"] for t in document["tests"]) == result.max_score
    assert any(t["status"] == "failed" and wrong in t["name"] for t in document["tests"])


def test_the_cells_example_loses_points_only_where_its_gru_mistake_reaches() -> None:
    """The sample notebook swaps z and 1 - z: only the GRU cell loses points, with a hint; the layers built
    on it are graded with the reference's cell, and the report says they would fail with the student's."""
    result = grade_fast(ROOT / "examples" / "submissions" / "cells-student", "cells")
    assert result.kind == "notebook"
    lost = {name for name, (score, maximum) in scores(result).items() if score < maximum}
    assert lost == {"gru_cell_forward"}
    for layer in ("gru_forward", "bidirectional_forward", "stacked_forward"):
        assert any(f"`{layer}` was graded with the grader's own" in message for message in result.messages)
    gru_cell = [t for t in result.tests if t.function == "gru_cell_forward"]
    assert any(t.hint == "gru-update-gate-swapped" and "z and 1 − z swapped" in t.hint_text for t in gru_cell)
    assert {t.hint for t in result.tests if t.hint} == {"gru-update-gate-swapped"}
