"""End to end: grading is deterministic: the same submission gets the same report when graded again,
and replaying recorded examples (seqlab.suite.replay) changes no report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS
from seqlab.reports import GradescopeReport, JsonReport, MarkdownReport

from .conftest import ROOT, grade_fast, mutant_files, reference_source, write_module

pytestmark = pytest.mark.e2e


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


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_replaying_recorded_examples_changes_no_report(assignment: str, tmp_path: Path) -> None:
    """seqlab.suite.replay: the reference, a stub and a known mistake get the same report with and without
    it."""
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
    # With an empty cache hypothesis generates every example (and the passing tests' are recorded).
    generated = {"reference": grade_fast(submissions["reference"], assignment, cache_dir=cache)}
    assert any(cache.rglob("*.examples"))
    for name, path in submissions.items():
        replayed = JsonReport().render(grade_fast(path, assignment, cache_dir=cache))
        if name not in generated:
            generated[name] = grade_fast(path, assignment, example_cache=False)
        assert _without_timing(replayed) == _without_timing(JsonReport().render(generated[name])), name
