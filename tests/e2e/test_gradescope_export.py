"""End to end: `seqlab export gradescope` builds an autograder zip whose run_autograder grades like seqlab.

The zip is unpacked into a tree laid out like Gradescope's (``<tmp>/autograder/source`` the zip,
``submission/``, ``results/``, ``run_autograder`` copied beside them) and ``run_autograder`` runs there with
``SEQLAB_AUTOGRADER_ROOT=<tmp>/autograder``. setup.sh is never run (it installs system packages): the
scripts get this test's Python through ``SEQLAB_PYTHON``, or a virtual environment holding a
non-editable install of the zip's own project, as setup.sh makes one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from seqlab.cli import main
from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.grading.pipeline import grade
from seqlab.isolate.limits import Limits
from seqlab.options import GradeOptions
from seqlab.reports import GradescopeReport

from .conftest import (
    PLUMBING_EXAMPLES,
    ROOT,
    catalogued_mutants,
    notebook_with_extra_cell,
    reference_source,
    write_module,
)

pytestmark = pytest.mark.e2e

ASSIGNMENT = "encoding"
SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "gradescope_schema.json").read_text())
#: Grading options given to the export (not all defaults, so that passing them through is checked).
EXPORT_OPTIONS = ["--call-timeout", "5", "--timeout", "120", "--gpu-policy", "award"]
EXPORT_OPTIONS += ["--max-examples", str(PLUMBING_EXAMPLES)]
GRADE_OPTIONS = GradeOptions(
    limits=Limits(call_timeout=5.0, submission_timeout=120.0),
    gpu_policy="award",
    sandbox="auto",
    max_examples=PLUMBING_EXAMPLES,
)
CRASHING = 'import os\n\nprint("about to leave")\nos._exit(3)\n'


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    assert main(["export", "gradescope", ASSIGNMENT, "--out", str(folder), *EXPORT_OPTIONS]) == 0
    return folder / f"seqlab-{ASSIGNMENT}-gradescope.zip"


def unpack(archive: Path, destination: Path) -> Path:
    """Unzip keeping the Unix modes (Python's zipfile drops them; Gradescope's unzip keeps them)."""
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = Path(zipped.extract(info, destination))
            if info.external_attr >> 16:
                path.chmod(stat.S_IMODE(info.external_attr >> 16))
    return destination


def gradescope_tree(tmp_path: Path, archive: Path) -> Path:
    root = tmp_path / "autograder"
    unpack(archive, root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")  # where Gradescope runs it
    return root


def run_autograder(root: Path, python: str = sys.executable, **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SEQLAB_")}
    environment |= {"SEQLAB_AUTOGRADER_ROOT": str(root), "SEQLAB_PYTHON": python, **env}
    done = subprocess.run(
        [str(root / "run_autograder")], env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(document, SCHEMA)
    return document


def without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "execution_time"}


def in_process(folder: Path, tmp_path: Path) -> dict:
    """seqlab.grading.pipeline.grade's verdict on the folder, with the exported options and the repository's
    course."""
    options = dataclasses.replace(GRADE_OPTIONS, course_root=ROOT, cache_dir=tmp_path / "cache")
    return json.loads(GradescopeReport().render(grade(folder, ASSIGNMENT, options)))


def test_the_zip_holds_the_scripts_the_project_and_this_assignment_only(
    exported: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported) as zipped:
        infos = {info.filename: info for info in zipped.infolist()}
    names = set(infos)
    assert {"setup.sh", "run_autograder", "pyproject.toml", "README.md", "constraints.txt"} <= names
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
    assert {n.split("/")[0] for n in names} == {
        "setup.sh",
        "run_autograder",
        "pyproject.toml",
        "README.md",
        "constraints.txt",
        "src",
        "solutions",
        "grader",
    }
    assert {n for n in names if n.startswith("solutions/")} == {f"solutions/{ASSIGNMENT}/{ASSIGNMENT}.py"}
    suite = {
        f"grader/{ASSIGNMENT}/{p.relative_to(ROOT / 'grader' / ASSIGNMENT).as_posix()}"
        for p in (ROOT / "grader" / ASSIGNMENT).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert suite and {n for n in names if n.startswith("grader/")} == suite
    others = set(ASSIGNMENTS) - {ASSIGNMENT}
    assert not [n for n in names if n.startswith(("solutions/", "grader/")) and others & set(n.split("/"))]
    assert not [n for n in names if n.startswith(("tests/", ".git")) or "/.git" in n or "__pycache__" in n]
    assert "src/seqlab/data/grading.ini" in names and "src/seqlab/cli.py" in names
    # The options reach the script; the zip is reproducible.
    script = (unpack(exported, tmp_path / "u") / "run_autograder").read_text()
    expected = f"--call-timeout 5 --timeout 120 --startup-timeout 30 --max-examples {PLUMBING_EXAMPLES} "
    assert expected + "--gpu-policy award" in script
    assert "@@" not in script and "@@" not in (tmp_path / "u" / "setup.sh").read_text()
    for name in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / "u" / name)], check=True)
    again = tmp_path / "again.zip"
    assert main(["export", "gradescope", ASSIGNMENT, "--out", str(again), *EXPORT_OPTIONS]) == 0
    assert again.read_bytes() == exported.read_bytes()
    # The unpacked zip is a course root of its own.
    assert find_course_root(tmp_path / "u") == (tmp_path / "u").resolve()


def _reference(submission: Path) -> None:
    write_module(submission, ASSIGNMENT, reference_source(ASSIGNMENT))


def _partly_wrong(submission: Path) -> None:
    notebook_with_extra_cell(
        ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        catalogued_mutants(ASSIGNMENT)[0].read_text(),
        submission / f"{ASSIGNMENT}.ipynb",
    )


def _crashing(submission: Path) -> None:
    write_module(submission, ASSIGNMENT, CRASHING)


@pytest.mark.parametrize(
    ("student", "expected"),
    [(_reference, "full"), (_partly_wrong, "partial"), (_crashing, "zero")],
    ids=["reference", "mutant-notebook", "crash"],
)
def test_run_autograder_writes_the_score_seqlab_gives(
    student, expected: str, exported: Path, tmp_path: Path
) -> None:
    root = gradescope_tree(tmp_path, exported)
    student(root / "submission")
    document = run_autograder(root)
    maximum = sum(test["max_score"] for test in document["tests"])
    assert maximum > 0
    if expected == "full":
        assert document["score"] == maximum
    elif expected == "partial":
        assert 0 < document["score"] < maximum
        assert any(test["status"] == "failed" for test in document["tests"])
    else:
        assert document["score"] == 0
        assert "could not be loaded" in document["output"]
    # Graded with the unpacked zip as the course: passing tests record their examples there.
    assert (root / "source" / ".seqlab-cache").is_dir() == (expected != "zero")
    assert without_time(document) == without_time(in_process(root / "submission", tmp_path))


@pytest.mark.parametrize(("created_at", "hinted"), [("2025-12-31T23:58:59.5+01:00", True), (None, False)])
def test_the_submission_time_gradescope_records_decides_a_hint_deadline(
    created_at: str | None, hinted: bool, exported: Path, tmp_path: Path
) -> None:
    """The suite's feedback.toml gives hints until a deadline; run_autograder passes the submission's
    created_at from submission_metadata.json, so work submitted before it gets its hint and work graded
    without a recorded time (now, after the deadline) does not."""
    root = gradescope_tree(tmp_path, exported)
    (root / "source" / "grader" / ASSIGNMENT / "feedback.toml").write_text(
        "hints_until = 2025-12-31T23:59:00+01:00\n"
    )
    if created_at is not None:
        (root / "submission_metadata.json").write_text(json.dumps({"id": 1, "created_at": created_at}))
    _partly_wrong(root / "submission")
    document = run_autograder(root)
    outputs = "\n".join(test.get("output", "") for test in document["tests"])
    assert 0 < document["score"] < sum(test["max_score"] for test in document["tests"])
    assert ("Hint: your output matches" in outputs) is hinted


def test_a_non_editable_install_of_the_zips_project_grades_a_nested_upload(
    exported: Path, tmp_path: Path
) -> None:
    """setup.sh's install, offline: the zip's own project as a wheel in a fresh virtual environment."""
    root = gradescope_tree(tmp_path, exported)
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
    subprocess.run([*build, "-w", str(wheels), str(root / "source")], check=True, capture_output=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    venv_python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site)]
    subprocess.run([*install, *map(str, wheels.glob("*.whl"))], check=True, capture_output=True)
    # numpy, pytest, hypothesis from this environment, after the venv's own seqlab (no editable path).
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run(
        [str(venv_python), "-c", "import seqlab; print(seqlab.__file__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(site)), where
    nested = root / "submission" / "my-repo" / "work"
    _reference(nested)
    document = run_autograder(root, python=str(venv_python))
    assert document["score"] == sum(test["max_score"] for test in document["tests"]) > 0
    assert without_time(document) == without_time(in_process(nested, tmp_path))


def test_when_grading_cannot_run_results_json_still_says_why(exported: Path, tmp_path: Path) -> None:
    root = gradescope_tree(tmp_path, exported)
    _reference(root / "submission")
    (root / "results" / "results.json").write_text('{"score": 100}')  # a stale file is never left
    missing = str(tmp_path / 'no "such" \\ python')
    document = run_autograder(root, python=missing)
    assert document["score"] == 0 and document["tests"] == []
    assert "could not grade" in document["output"] and "status 127" in document["output"]
    # Neither that Python nor any python3: the JSON is written by bash alone.
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "python3").write_text("#!/bin/sh\nexit 1\n")
    (fake / "python3").chmod(0o755)
    bare = run_autograder(root, python=missing, PATH=f"{fake}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    assert bare["score"] == 0 and "could not grade" in bare["output"] and 'no "such"' in bare["output"]
    # Past the deadline: stopped, and said so.
    late = run_autograder(root, SEQLAB_DEADLINE="0.5")
    assert late["score"] == 0 and "longer than 0.5 seconds" in late["output"]


def test_a_grader_fault_gives_a_results_json_that_says_the_autograder_failed(
    exported: Path, tmp_path: Path
) -> None:
    """The worker's user cannot read numpy.random (tests/engine/broken_install.py): the results say the
    autograder failed and why, with no test verdicts, instead of grading the reference 0/100."""
    engine_tests = Path(__file__).resolve().parents[1] / "engine"
    sys.path.insert(0, str(engine_tests))
    from broken_install import numpy_hidden_plan

    numpy_hidden_plan()  # skips here, before the autograder runs, where the sandbox cannot be broken so
    wrapper = tmp_path / "python-with-broken-worker"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "if args[:3] != ['-P', '-m', 'seqlab.cli']:\n"
        "    os.execv(sys.executable, [sys.executable, *args])\n"
        f"sys.path.insert(0, {str(engine_tests)!r})\n"
        "from broken_install import numpy_hidden_plan\n"
        "import seqlab.grading.pipeline\n"
        "plan = numpy_hidden_plan()\n"
        "seqlab.grading.pipeline.plan_sandbox = lambda mode='auto': plan\n"
        "from seqlab.cli import main\n"
        "sys.exit(main(args[3:]))\n"
    )
    wrapper.chmod(0o755)
    root = gradescope_tree(tmp_path, exported)
    _reference(root / "submission")
    document = run_autograder(root, python=str(wrapper))
    assert document["extra_data"] == {"autograder_failed": True} and document["tests"] == []
    assert "could not grade" in document["output"] and "not a verdict on your work" in document["output"]
    assert "grader itself failed" in document["output"] and "numpy/random" in document["output"]
