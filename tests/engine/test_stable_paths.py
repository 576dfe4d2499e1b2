"""The import paths that live outside this repository keep working: in every released notebook and
conftest, in nbgrader gradebooks (which store the test cells' source), in the Dask workers' command line and
in the Gradescope bundle's scripts."""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from importlib import resources

import pytest

from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.course.notebook import CHECKS_IMPORT, HIDDEN_TESTS_SOURCE
from seqlab.course.release import CONFTEST

ROOT = find_course_root()


def seqlab_imports(source: str) -> list[tuple[str, str]]:
    """(module, name) of every ``from seqlab... import name`` and (module, "") of ``import seqlab...``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("seqlab"):
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("seqlab")]
    return found


def assert_importable(module: str, name: str) -> None:
    imported = importlib.import_module(module)
    if name:
        assert hasattr(imported, name), f"from {module} import {name} no longer works"


def released_sources() -> dict[str, str]:
    """Every code cell of the released notebooks and every released conftest.py, by where it is."""
    sources = {}
    for assignment in ASSIGNMENTS:
        folder = ROOT / "assignments" / assignment
        notebook = json.loads((folder / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        for number, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] == "code":
                text = "".join(cell["source"])
                # IPython magics and the hidden-tests markers are not Python; keep the rest
                text = "\n".join(
                    line for line in text.splitlines() if not line.lstrip().startswith(("%", "!"))
                )
                sources[f"{assignment}.ipynb cell {number}"] = text
        sources[f"{assignment}/conftest.py"] = (folder / "conftest.py").read_text(encoding="utf-8")
    return sources


def test_every_seqlab_import_of_the_released_assignments_works() -> None:
    checked = 0
    for source in released_sources().values():
        for module, name in seqlab_imports(source):
            assert_importable(module, name)
            checked += 1
    assert checked >= 2 * len(ASSIGNMENTS)  # a conftest and a notebook's check import each, at least


def test_what_the_build_writes_uses_only_the_stable_paths() -> None:
    hidden = HIDDEN_TESTS_SOURCE.format(function="tokenize", points=1, assignment="encoding")
    assert ("seqlab.nbgrader_cell", "hidden_tests") in seqlab_imports(hidden)
    assert seqlab_imports(CHECKS_IMPORT) == [
        ("seqlab.inline_checks", "check"),
        ("seqlab.inline_checks", "ready"),
    ]
    assert seqlab_imports(CONFTEST) == [("seqlab.student", "submission")]


def test_the_shims_are_the_code_they_stand_for() -> None:
    import seqlab.classroom.dask_cluster
    import seqlab.cluster
    import seqlab.inline_checks
    import seqlab.integrations.nbgrader
    import seqlab.nbgrader_cell
    import seqlab.student
    import seqlab.student.checks
    import seqlab.student.fixture

    assert seqlab.nbgrader_cell.hidden_tests is seqlab.integrations.nbgrader.hidden_tests
    assert seqlab.inline_checks.check is seqlab.student.checks.check
    assert seqlab.inline_checks.ready is seqlab.student.checks.ready
    assert seqlab.student.submission is seqlab.student.fixture.submission
    assert seqlab.cluster.dask_setup is seqlab.classroom.dask_cluster.dask_setup
    with pytest.raises(AttributeError):
        seqlab.student.no_such_name  # noqa: B018


def test_the_check_cells_import_does_not_load_pytest_into_the_kernel() -> None:
    code = "import sys\nfrom seqlab.inline_checks import check, ready\nprint('pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["seqlab", "seqlab.cli"])
def test_python_dash_m_entry_points_run(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("seqlab ")


def test_the_gradescope_scripts_run_modules_that_exist() -> None:
    scripts = resources.files("seqlab") / "data" / "gradescope"
    targets = set()
    for script in scripts.iterdir():
        targets |= set(re.findall(r"-m\s+(seqlab[\w.]*)", script.read_text(encoding="utf-8")))
    assert "seqlab.cli" in targets
    for target in targets:
        assert_importable(target, "")


def test_the_dask_preload_module_warms_a_worker() -> None:
    """``dask worker --preload seqlab.cluster`` calls the module's ``dask_setup`` (a real cluster started
    that way grades in tests/e2e/test_class_grading.py): it imports what grading needs."""
    code = (
        "import sys, seqlab.cluster\n"
        "seqlab.cluster.dask_setup(None)\n"
        "print(all(m in sys.modules for m in ('numpy', 'pytest', 'seqlab.grading.pipeline')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
