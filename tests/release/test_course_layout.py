"""seqlab.course.layout: what a course root is, and finding one from a folder inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.course.layout import course_root_above, find_course_root, is_course_root, module_level_imports
from seqlab.errors import CourseError


def make_course(root: Path, assignment: str = "toy") -> Path:
    (root / "grader" / assignment).mkdir(parents=True)
    (root / "solutions" / assignment).mkdir(parents=True)
    (root / "solutions" / assignment / f"{assignment}.py").write_text("def f():\n    return 1\n")
    return root


def test_a_course_root_holds_grader_and_solutions_and_the_named_assignment(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    assert is_course_root(course) and is_course_root(course, "toy")
    assert not is_course_root(course, "other"), "an assignment without its suite and reference"
    (course / "grader" / "half").mkdir()
    assert not is_course_root(course, "half"), "a suite without its reference"
    assert not is_course_root(course / "grader")


def test_the_nearest_course_above_a_notebook_is_found(tmp_path: Path) -> None:
    outer = make_course(tmp_path / "outer", "toy")
    inner = make_course(outer / "autograded" / "alice" / "inner", "other")
    notebook_folder = inner / "autograded" / "bob" / "other"
    notebook_folder.mkdir(parents=True)
    assert course_root_above(notebook_folder) == inner
    assert course_root_above(notebook_folder, "other") == inner
    assert course_root_above(notebook_folder, "toy") == outer, "the nearest course holding the assignment"
    assert course_root_above(tmp_path, "toy") is None


def test_an_explicit_root_that_is_no_course_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="--course-root points to .* no grader/ and solutions/"):
        find_course_root(tmp_path)
    assert find_course_root(make_course(tmp_path / "course")) == (tmp_path / "course").resolve()


def test_the_imports_a_module_makes_when_it_loads_are_read_without_running_it() -> None:
    cells = [
        "import torch\nimport numpy as np\n",
        "def helper():\n    import scipy\n",  # only when called
        "from os import path\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas\n",
        "try:\n    import matplotlib.pyplot as plt\nexcept ImportError:\n    plt = None\n",
        "from . import sibling\ndef broken(:\n",  # does not parse: adds nothing
    ]
    assert module_level_imports(cells) == ("torch", "numpy", "os", "typing", "matplotlib")


def test_the_worker_warms_the_reference_packages_a_submission_imports_when_it_loads() -> None:
    """A notebook that starts with ``import torch``, graded on a numpy function of cells: torch is
    imported once in the warm parent instead of in every test's process; a package the reference does not
    import (the student's own module, say) never is."""
    from seqlab.grading.loader import SubmissionSource
    from seqlab.grading.pipeline import GradingPlan, warm_imports
    from seqlab.options import GradeOptions

    root = find_course_root()
    plan = GradingPlan.resolve(
        root / "solutions" / "cells", "cells", GradeOptions(functions=("count_parameters",))
    )

    def source(code: str) -> SubmissionSource:
        return SubmissionSource("cells", root / "cells.py", "notebook", (("cell 1", code),))

    assert "torch" not in warm_imports(plan, source("import numpy as np\n"))
    assert "torch" in warm_imports(plan, source("import numpy as np\nimport torch\n"))
    assert "mystuff" not in warm_imports(plan, source("import mystuff\nimport torch\n"))
