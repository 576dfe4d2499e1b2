"""End to end: the default is the secure one. Where bubblewrap is missing, the commands that grade other
people's work unattended (``grade-class``, ``reconcile``, the Gradescope autograder) refuse to start unless
the operator says ``--sandbox off``; with it, every report says the work was graded without isolation;
``seqlab probe`` prints the command that fixes each missing layer.

"Bubblewrap is missing" is made real, not pretended: the commands run with a ``PATH`` that holds only the
virtual environment's ``bin/`` (where no ``bwrap`` is), which is what a machine without the package has.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seqlab.errors import EXIT_GRADER_FAULT
from seqlab.integrations.gradescope import GradescopeOptions

from .conftest import ROOT, reference_source

pytestmark = pytest.mark.e2e

QUICK = ["--call-timeout", "10", "--timeout", "120", "--no-example-cache"]


def seqlab(*args: str, cwd: Path, bubblewrap: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if not bubblewrap:
        env["PATH"] = str(Path(sys.executable).parent)
        assert shutil.which("bwrap", path=env["PATH"]) is None
    return subprocess.run(
        [sys.executable, "-m", "seqlab.cli", *args],
        capture_output=True, text=True, timeout=600, check=False, cwd=cwd, env=env,
    )  # fmt: skip


@pytest.fixture
def flat_class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.py").write_text(reference_source("encoding"))
    return folder


def test_grade_class_refuses_to_start_without_the_sandbox(flat_class: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = seqlab(
        "grade-class", str(flat_class), "-a", "encoding", "--layout", "flat", "-o", str(out),
        "--course-root", str(ROOT), *QUICK, cwd=tmp_path, bubblewrap=False,
    )  # fmt: skip
    assert done.returncode == EXIT_GRADER_FAULT, done.stderr
    assert "--sandbox off" in done.stderr and "filesystem_sandbox" in done.stderr, done.stderr
    assert "seqlab install-sandbox" in done.stderr, done.stderr  # the fix, named
    assert not (out / "grades.csv").exists()


def test_grade_class_with_the_sandbox_off_grades_and_every_report_says_so(
    flat_class: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = seqlab(
        "grade-class", str(flat_class), "-a", "encoding", "--layout", "flat", "-o", str(out),
        "--course-root", str(ROOT), "--sandbox", "off", *QUICK, cwd=tmp_path, bubblewrap=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    feedback = [path.read_text() for path in (out / "feedback").rglob("*.md")]
    assert feedback and all("Graded without full isolation" in text for text in feedback)


def test_an_explicit_auto_is_no_way_around_the_refusal(flat_class: Path, tmp_path: Path) -> None:
    """``auto`` (grade with what works) is not a mode of class grading: only ``require`` or ``off``."""
    done = seqlab(
        "grade-class", str(flat_class), "-a", "encoding", "--layout", "flat", "--sandbox", "auto",
        cwd=tmp_path, bubblewrap=False,
    )  # fmt: skip
    assert done.returncode == 2 and "invalid choice: 'auto'" in done.stderr, done.stderr


def test_one_grading_without_the_sandbox_runs_and_says_so(flat_class: Path, tmp_path: Path) -> None:
    """``seqlab grade`` (a student's own work, a CI job of one submission) still grades without bubblewrap;
    the report, in every format, carries the sentence."""
    out = tmp_path / "results.json"
    done = seqlab(
        "grade", str(flat_class / "ada.py"), "-a", "encoding", "-f", "gradescope", "-o", str(out),
        "--course-root", str(ROOT), *QUICK, cwd=tmp_path, bubblewrap=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["score"] == 100
    assert "Graded without full isolation" in report["output"]


def test_the_gradescope_autograder_requires_the_sandbox_by_default(flat_class: Path, tmp_path: Path) -> None:
    """What run_autograder runs (the exported options): without bubblewrap it is a grader fault, so
    run_autograder writes its 'not graded' results.json, never a score."""
    arguments = GradescopeOptions().grade_arguments()
    assert arguments[arguments.index("--sandbox") + 1] == "require"
    done = seqlab(
        "grade", str(flat_class / "ada.py"), "-a", "encoding", "--course-root", str(ROOT), *arguments,
        cwd=tmp_path, bubblewrap=False,
    )  # fmt: skip
    assert done.returncode == EXIT_GRADER_FAULT, done.stderr


def test_probe_prints_the_fix_of_each_missing_layer(tmp_path: Path) -> None:
    done = seqlab("probe", cwd=tmp_path, bubblewrap=False)
    missing = [line for line in done.stdout.splitlines() if line.startswith("MISSING")]
    fixes = [line for line in done.stdout.splitlines() if line.strip().startswith("fix:")]
    assert missing and len(fixes) == len(missing), done.stdout
    assert all("bubblewrap" in fix for fix in fixes), done.stdout


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_install_sandbox_finds_every_layer_where_bubblewrap_is_installed(tmp_path: Path) -> None:
    done = seqlab("install-sandbox", cwd=tmp_path, bubblewrap=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MISSING" not in done.stdout and "every isolation layer is active" in done.stdout
