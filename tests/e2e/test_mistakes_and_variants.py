"""End to end: every known mistake (tests/data/mutants) loses points exactly where it is and gets the hint
of its misconception (grader/<id>/misconceptions.py) and no other; every correct variant
(tests/data/variants) scores full marks without a hint. Graded by the real engine two at a time."""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS
from seqlab.hints.catalogue import Misconception, load_catalogue
from seqlab.model import FAILED, GradeResult
from seqlab.reports.gradescope import GradescopeReport
from seqlab.reports.json import JsonReport
from seqlab.reports.junit import JunitReport
from seqlab.reports.markdown import MarkdownReport

from .conftest import (
    ROOT,
    affected_functions,
    changed_names,
    grade_fast,
    grade_grouped,
    header_names,
    independent_groups,
    mutant_files,
    mutant_target,
    reference_source,
    scores,
    variant_files,
    write_module,
)

pytestmark = pytest.mark.e2e


def _catalogued() -> dict[str, Misconception]:
    """Every misconception of the course's catalogues, by key."""
    found: dict[str, Misconception] = {}
    for assignment in ASSIGNMENTS:
        catalogue = load_catalogue(ROOT / "grader" / assignment, assignment)
        for misconception in catalogue or ():
            assert misconception.key not in found, f"{misconception.key} is in two catalogues"
            found[misconception.key] = misconception
    return found


MISCONCEPTIONS = _catalogued()


def _with_reference(path: Path) -> tuple[str, str]:
    assignment = path.parent.name
    return assignment, reference_source(assignment) + "\n\n" + path.read_text()


@pytest.fixture(scope="module")
def mutant_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeResult]:
    """Every mutant graded on every function it can change (its own and those built on it:
    :func:`affected_functions`; the others are the reference's code and pass as the reference does), several
    independent mutants in one submission (:func:`grade_grouped`), two submissions at a time."""
    results = grade_grouped(mutant_files(), tmp_path_factory.mktemp("mutants"), affected_functions)
    return {f"{p.parent.name}-{p.stem}": result for (p, _), result in results.items()}


@pytest.fixture(scope="module")
def variant_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GradeResult]:
    results = grade_grouped(variant_files(), tmp_path_factory.mktemp("variants"), affected_functions)
    return {f"{p.parent.name}-{p.stem}": result for (p, _), result in results.items()}


def test_a_mutant_is_graded_on_its_own_function_and_on_those_built_on_it() -> None:
    """What the mutant fixtures grade: a cell's mistake reaches the layers that run the cell (so they are
    graded too), and a change of one size function touches no other."""
    (cell,) = [p for p in mutant_files("cells") if p.stem == "rnn_cell_sigmoid"]
    assert {"rnn_cell_forward", "rnn_forward", "bidirectional_forward", "stacked_forward"} <= set(
        affected_functions(cell)
    )
    (size,) = [p for p in mutant_files("cnn") if mutant_target(p) == "same_padding"][:1]
    assert "same_padding" in affected_functions(size) and "conv_param_count" not in affected_functions(size)


def test_mutants_graded_together_are_independent_and_get_the_verdicts_they_get_alone(
    mutant_results, tmp_path: Path
) -> None:
    """What :func:`grade_grouped` relies on: the members of a group bind different names and none can
    change a function graded for another; and a member graded alone gets the tests and verdicts it got in
    its group (here the group of cnn's size functions with the most members, each graded alone)."""
    groups = independent_groups(mutant_files())
    assert len(groups) < len(mutant_files()), "no two mutants were graded together"
    for members in groups:
        for one, other in itertools.combinations(members, 2):
            assert one.parent == other.parent
            assert not changed_names(one) & changed_names(other), (one.name, other.name)
            assert not set(affected_functions(one)) & set(affected_functions(other)), (one.name, other.name)
    largest = max((g for g in groups if g[0].parent.name == "cnn"), key=len)
    assert len(largest) >= 3
    for mutant in largest:
        folder = write_module(tmp_path / mutant.stem, "cnn", _with_reference(mutant)[1])
        alone = grade_fast(folder, "cnn", functions=affected_functions(mutant))
        beside = mutant_results[f"cnn-{mutant.stem}"]
        verdicts = [[(t.id, t.outcome, t.hint) for t in result.tests] for result in (alone, beside)]
        assert verdicts[0] == verdicts[1], mutant.name


@pytest.mark.parametrize("mutant", mutant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_known_mistake_loses_points_only_in_its_function(mutant: Path, mutant_results) -> None:
    target = mutant_target(mutant)
    result = mutant_results[f"{mutant.parent.name}-{mutant.stem}"]
    by_function = scores(result)
    assert target in affected_functions(mutant) and target in by_function, f"no hidden test grades {target}"
    score, maximum = by_function[target]
    assert score < maximum, f"the mistake in {mutant.name} was not caught"
    # The functions built on the target are graded with the reference's version of it: no double penalty.
    others = {name: s for name, s in by_function.items() if name != target and s[0] != s[1]}
    assert not others, f"{mutant.name} also cost points in {others}"


def test_in_a_cs231n_style_course_a_wrong_cell_cascades_into_the_layers(tmp_path: Path) -> None:
    """grading.toml ``prerequisites = "student"``: the layers run the student's own cell, so the wrong
    cell costs rnn_forward, bidirectional_forward and stacked_forward too (its ``cascades-to`` header)."""
    course = tmp_path / "course"
    for folder in ("grader/cells", "solutions/cells"):
        shutil.copytree(ROOT / folder, course / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (course / "grader" / "cells" / "grading.toml").write_text('prerequisites = "student"\n')
    (mutant,) = [p for p in mutant_files("cells") if p.stem == "rnn_cell_sigmoid"]
    folder = write_module(tmp_path / "student", "cells", _with_reference(mutant)[1])
    result = grade_fast(folder, "cells", course_root=course)
    lost = {name for name, (score, maximum) in scores(result).items() if score < maximum}
    assert lost == {"rnn_cell_forward"} | header_names(mutant, "cascades-to") == {
        "rnn_cell_forward", "rnn_forward", "bidirectional_forward", "stacked_forward"
    }  # fmt: skip
    assert not any("was graded with the grader's own" in message for message in result.messages)


@pytest.mark.parametrize("variant", variant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variants_score_full_marks(variant: Path, variant_results) -> None:
    """Other correct ways to write the functions (a loop, float32, another layout) are never failed."""
    assert header_names(variant, "variant-of"), f"{variant} lacks its '# variant-of:' line"
    result = variant_results[f"{variant.parent.name}-{variant.stem}"]
    lost = {f.name: (f.score, f.max_score) for f in result.functions if f.score != f.max_score}
    assert not lost, f"the correct variant {variant.name} lost points: {lost}\n{result.tests}"
    assert result.hint_counts == {}


@pytest.mark.parametrize("mutant", mutant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_known_mistake_gets_its_hint_and_only_its_hint(mutant: Path, mutant_results) -> None:
    """A mutant marked ``# misconception: KEY`` is diagnosed with KEY in its function's failed tests and with
    nothing else anywhere; an unmarked one (a mistake the catalogue does not know, or wrong in an arbitrary
    way) gets the generic feedback: no hint at all."""
    result = mutant_results[f"{mutant.parent.name}-{mutant.stem}"]
    expected = header_names(mutant, "misconception")
    given = {test.hint for test in result.tests if test.hint}
    assert given == expected, f"{mutant.name}: hints {result.hint_counts}"
    for test in result.tests:
        assert "Hint:" not in test.message, f"{test.id}: a hint inside the message"
        if not test.hint:
            assert not test.hint_text, f"{test.id} has an unkeyed hint"
            continue
        assert test.outcome == FAILED
        # the fixed sentence of the catalogue: no value of the reference's output is shown
        assert test.hint_text == MISCONCEPTIONS[test.hint].hint(), test.hint_text
    for key in expected:
        misconception = MISCONCEPTIONS[key]
        assert misconception.function == mutant_target(mutant)
        assert any(t.hint == key and t.function == misconception.function for t in result.tests)


def test_no_markdown_feedback_says_the_same_as_above_unless_that_hint_was_shown_above(mutant_results) -> None:
    """Over every mutant's Markdown feedback: each "Hint: the same as above." follows, in the same function's
    section, the line that gave that hint; and every hint is a line of its own, outside the code blocks."""
    for name, result in mutant_results.items():
        text = MarkdownReport().render(result)
        for section in text.split("\n### ")[1:]:
            function = section.split("`")[1]
            hints = {t.hint_text for t in result.tests if t.function == function and t.hint_text}
            for index in [m.start() for m in re.finditer("Hint: the same as above", section)]:
                assert any(0 <= section.find(hint) < index for hint in hints), f"{name}: {function}"
            for hint in hints:
                assert f"\n  💡 {hint}\n" in section, f"{name}: {function}'s hint"


def test_every_misconception_is_proven_by_a_mutant_and_there_are_at_least_25() -> None:
    proven = {key for path in mutant_files() for key in header_names(path, "misconception")}
    assert set(MISCONCEPTIONS) == proven, set(MISCONCEPTIONS) ^ proven
    assert len(MISCONCEPTIONS) >= 25
    assert {m.key for m in MISCONCEPTIONS.values()} == set(MISCONCEPTIONS)


def test_hints_reach_every_report_and_turning_them_off_changes_only_the_feedback(
    mutant_results, tmp_path: Path
) -> None:
    key = "gru-update-gate-swapped"
    (mutant,) = [p for p in mutant_files("cells") if header_names(p, "misconception") == {key}]
    hinted = mutant_results[f"cells-{mutant.stem}"]
    sentence = MISCONCEPTIONS[key].hint()
    document = json.loads(JsonReport().render(hinted))
    assert document["hints"] == hinted.hint_counts and document["hints"]["gru_cell_forward"][key] >= 1
    assert sentence in MarkdownReport().render(hinted)
    assert sentence in html.unescape(JunitReport().render(hinted))
    assert any(sentence in test["output"] for test in json.loads(GradescopeReport().render(hinted))["tests"])

    folder = write_module(tmp_path, "cells", _with_reference(mutant)[1])
    plain = grade_fast(folder, "cells", hints=False, functions=affected_functions(mutant))
    assert [(t.id, t.outcome) for t in plain.tests] == [(t.id, t.outcome) for t in hinted.tests]
    assert plain.hint_counts == {} and not any(t.hint_text for t in plain.tests)
    assert plain.extra["hints"] == {"given": False, "why_not": "hints were turned off for this grading"}


#: The seeds besides the standard one (0) at which every known mistake must get the same verdicts.
OTHER_SEEDS = (1, 2, 3, 4)


@pytest.fixture(scope="module")
def other_seed_results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], GradeResult]:
    """Every mutant's own function graded again at seeds 1-4 (only that function's tests), without
    shrinking: only verdicts are compared, and a test that fails before shrinking fails after it
    (tests/engine/suite/test_plugin.py proves the option keeps the verdict)."""
    settings = tuple({"seed": seed, "shrink": False} for seed in OTHER_SEEDS)
    results = grade_grouped(
        mutant_files(), tmp_path_factory.mktemp("seeds"), lambda p: (mutant_target(p),), settings
    )
    return {(f"{p.parent.name}-{p.stem}", OTHER_SEEDS[i]): result for (p, i), result in results.items()}


@pytest.mark.parametrize("mutant", mutant_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_known_mistake_gets_the_same_verdicts_at_seeds_0_to_4(
    mutant: Path, mutant_results, other_seed_results
) -> None:
    """No known mistake is caught at one seed and missed at another: every test of the mutant's function
    has the same verdict at --seed 0, 1, 2, 3 and 4 (an edge that matters is an explicit example)."""
    name = f"{mutant.parent.name}-{mutant.stem}"
    target = mutant_target(mutant)

    def verdicts(result: GradeResult) -> dict[str, str]:
        return {t.id: t.outcome for t in result.tests if t.function == target}

    standard = verdicts(mutant_results[name])
    for seed in OTHER_SEEDS:
        other = verdicts(other_seed_results[name, seed])
        changed = {
            test: (standard.get(test), other.get(test))
            for test in standard | other
            if standard.get(test) != other.get(test)
        }
        assert not changed, (
            f"{mutant.name} at --seed {seed}: verdicts (seed 0, seed {seed}) differ: {changed}"
        )
