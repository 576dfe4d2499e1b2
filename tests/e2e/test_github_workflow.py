"""The documented GitHub Actions workflow: valid YAML, and every seqlab command in it is a real command.

The workflow itself runs on GitHub's machines, which this project's CI cannot reach; what can be checked
here is that it is well formed, keeps its secrets out of the student's hands, and that each `seqlab`
line parses with the real command-line parser and grades a real submission.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from seqlab.cli import build_parser
from seqlab.course.layout import find_course_root

pytestmark = pytest.mark.e2e

ROOT = find_course_root()
WORKFLOW = ROOT / "examples" / "github-actions" / "seqlab-grade.yml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def seqlab_lines() -> list[str]:
    steps = workflow()["jobs"]["grade"]["steps"]
    lines = [line.strip() for step in steps for line in step.get("run", "").splitlines()]
    return [line for line in lines if line.startswith("seqlab ")]


def test_the_workflow_is_manual_read_only_and_never_writes_to_the_students_repository():
    data = workflow()
    assert data["permissions"] == {"contents": "read"}
    triggers = data.get("on") or data.get(True)  # YAML 1.1 reads a bare `on` as True
    assert set(triggers) == {"workflow_dispatch"}
    student_checkout = next(
        s for s in data["jobs"]["grade"]["steps"] if s.get("with", {}).get("path") == "submission"
    )
    assert student_checkout["with"]["persist-credentials"] is False


def test_every_seqlab_command_parses():
    lines = seqlab_lines()
    assert any(" grade " in f" {line} " for line in lines) and "seqlab probe" in lines
    for line in lines:
        words = shlex.split(line.replace('"$ASSIGNMENT"', "encoding"))
        build_parser().parse_args(words[1:])


def test_the_grading_commands_write_their_reports(tmp_path: Path):
    """Run the workflow's grade lines on the sample submission, in a layout like the job's."""
    (tmp_path / "reports").mkdir()
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "encoding.py").write_text(
        (ROOT / "examples" / "submissions" / "encoding-student" / "encoding.py").read_text()
    )
    for line in seqlab_lines():
        if " grade " not in f" {line} ":
            continue
        words = shlex.split(
            line.replace('"$ASSIGNMENT"', "encoding").replace("--course-root course", f"--course-root {ROOT}")
        )
        done = subprocess.run(
            [sys.executable, "-m", "seqlab.cli", *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    junit = (tmp_path / "reports" / "junit.xml").read_text()
    assert junit.startswith("<?xml") and "<testsuite" in junit and "failures=" in junit
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(str(Path(__file__).parents[1] / "data" / "junit.xsd")).validate(junit)
    feedback = (tmp_path / "reports" / "feedback.md").read_text()
    assert feedback.startswith("# encoding:")
