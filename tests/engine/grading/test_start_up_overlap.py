"""While a worker starts, the grader imports what the suite will need, so the two start-ups overlap."""

from __future__ import annotations

import subprocess
import sys

import pytest

from seqlab.course.layout import find_course_root

PROBE = """
import sys
from seqlab.grading.pipeline import GradingPlan, load_and_start
from seqlab.options import GradeOptions

plan = GradingPlan.resolve(sys.argv[1], sys.argv[2], GradeOptions(suite="public"))
loaded = load_and_start(plan)
try:
    print(loaded.failure is None, "torch" in sys.modules, "pytest" in sys.modules)
finally:
    loaded.close()
"""


@pytest.mark.parametrize(("assignment", "torch_needed"), [("cells", True), ("windowing", False)])
def test_the_grader_imports_the_references_packages_while_the_worker_starts(
    assignment: str, torch_needed: bool
) -> None:
    """A public suite has no reference module to import torch early; the grader imports it (a package the
    reference imports and the graded functions need) before it waits for the worker, and imports no torch
    for an assignment that does not use it."""
    stub = find_course_root() / "assignments" / assignment / f"{assignment}.py"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(stub), assignment], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", str(torch_needed), "True"]
