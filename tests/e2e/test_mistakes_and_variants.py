"""End to end: every known mistake (tests/data/mutants) loses points exactly where it is, and every
correct variant (tests/data/variants) scores full marks, graded by the real engine two at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.model import GradeResult

from .conftest import (
    grade_many,
    header_names,
    mutant_files,
    mutant_target,
    reference_source,
    scores,
    variant_files,
)

pytestmark = pytest.mark.e2e


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
