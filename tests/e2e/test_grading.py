"""End to end: the course's references, released stubs and known mistakes graded by the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seqlab.course import ASSIGNMENTS
from seqlab.model import FAILED, PASSED, GradeResult
from seqlab.reports import GradescopeReport, JsonReport, MarkdownReport

from .conftest import (
    ROOT,
    grade_fast,
    grade_many,
    header_names,
    mutant_files,
    mutant_target,
    notebook_with_extra_cell,
    ran,
    reference_source,
    scores,
    variant_files,
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


def _with_reference(path: Path) -> tuple[str, str]:
    assignment = path.parent.name
    return assignment, reference_source(assignment) + "\n\n" + path.read_text()


@pytest.fixture(scope="module")
def mutant_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeResult]:
    """Every mutant graded once, two at a time (seqlab's class grader; each exactly as grade_fast would)."""
    sources = {f"{p.parent.name}-{p.stem}": _with_reference(p) for p in mutant_files()}
    return grade_many(sources, tmp_path_factory.mktemp("mutants"))


@pytest.fixture(scope="module")
def variant_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeResult]:
    sources = {f"{p.parent.name}-{p.stem}": _with_reference(p) for p in variant_files()}
    return grade_many(sources, tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize("mutant", mutant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_known_mistake_loses_points_only_in_its_function(mutant: Path, mutant_results) -> None:
    target = mutant_target(mutant)
    result = mutant_results[f"{mutant.parent.name}-{mutant.stem}"]
    by_function = scores(result)
    assert target in by_function, f"no hidden test grades {target}"
    score, maximum = by_function[target]
    assert score < maximum, f"the mistake in {mutant.name} was not caught"
    cascades = header_names(mutant, "cascades-to")  # functions that call the target lose points too
    others = {
        name: s for name, s in by_function.items() if name != target and name not in cascades and s[0] != s[1]
    }
    assert not others, f"{mutant.name} also cost points in {others}"


@pytest.mark.parametrize("variant", variant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variants_score_full_marks(variant: Path, variant_results) -> None:
    """Other correct ways to write the functions (a loop, float32, another layout) are never failed."""
    assert header_names(variant, "variant-of"), f"{variant} lacks its '# variant-of:' line"
    result = variant_results[f"{variant.parent.name}-{variant.stem}"]
    lost = {f.name: (f.score, f.max_score) for f in result.functions if f.score != f.max_score}
    assert not lost, f"the correct variant {variant.name} lost points: {lost}\n{result.tests}"


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
    reference = grade_fast(
        write_module(tmp_path / "ref", assignment, reference_source(assignment)), assignment
    )
    result = grade_fast(
        write_module(tmp_path / "wrong", assignment, reference_source(assignment) + "\n\n" + wrong_body),
        assignment,
    )
    lost = {name: m - s for name, (s, m) in scores(result).items() if s != m}
    assert lost == {function: scores(reference)[function][1]}
    assert result.score == result.max_score - scores(reference)[function][1]
    failures = [t for t in result.tests if t.outcome == FAILED]
    assert failures and all(t.function == function for t in failures)
    assert any(t.counterexample for t in failures), "no minimal counterexample shown"
    feedback = MarkdownReport().render(result)
    assert f"`{function}`" in feedback and "Smallest failing input found" in feedback


def _without_timing(text: str) -> dict:
    data = json.loads(text)
    data.pop("execution_time")
    return data


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_twice_gives_identical_reports(assignment: str, tmp_path: Path) -> None:
    mutant = mutant_files(assignment)[-1]
    folder = write_module(tmp_path, assignment, reference_source(assignment) + "\n\n" + mutant.read_text())
    first, second = grade_fast(folder, assignment), grade_fast(folder, assignment)
    for writer in (JsonReport(), GradescopeReport()):
        one, two = writer.render(first), writer.render(second)
        assert _without_timing(one) == _without_timing(two)
        strip = [line for line in one.splitlines() if "execution_time" not in line]
        assert strip == [line for line in two.splitlines() if "execution_time" not in line]
    assert MarkdownReport().render(first) == MarkdownReport().render(second)


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
    """The sample notebook swaps z and 1 - z: the GRU cell, sequence and layers lose points, with a hint."""
    result = grade_fast(ROOT / "examples" / "submissions" / "cells-student", "cells")
    assert result.kind == "notebook"
    lost = {name for name, (score, maximum) in scores(result).items() if score < maximum}
    assert lost == {"gru_cell_forward", "gru_forward", "bidirectional_forward", "stacked_forward"}
    gru_cell = [t for t in result.tests if t.function == "gru_cell_forward"]
    assert any("z and 1 - z swapped" in t.message for t in gru_cell)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_replaying_recorded_examples_changes_no_report(assignment: str, tmp_path: Path) -> None:
    """seqlab.replay: the reference, a stub and a known mistake get the same report with and without it."""
    cache = tmp_path / "examples"
    submissions = {
        "reference": write_module(tmp_path / "ref", assignment, reference_source(assignment)),
        "stub": ROOT / "assignments" / assignment / f"{assignment}.py",
        "mistake": write_module(
            tmp_path / "wrong",
            assignment,
            reference_source(assignment) + "\n\n" + mutant_files(assignment)[0].read_text(),
        ),
    }
    grade_fast(submissions["reference"], assignment, cache_dir=cache)  # records
    assert any(cache.rglob("*.examples"))
    for name, path in submissions.items():
        replayed = JsonReport().render(grade_fast(path, assignment, cache_dir=cache))
        generated = JsonReport().render(grade_fast(path, assignment, example_cache=False))
        assert _without_timing(replayed) == _without_timing(generated), name
