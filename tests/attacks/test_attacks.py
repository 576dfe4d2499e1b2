"""The attack catalogue: malicious submissions graded end to end, each earning nothing it did not earn.

Every file in ``submissions/`` (and every folder in ``folders/``) is a real submission of the ``encoding``
assignment whose first line says what it attacks. Each is graded by the real engine, with the sandbox as
this machine allows (``seqlab.isolate.sandbox``), and must: score no more than its ``# may-earn:`` header (0
by default: none of them implements anything correctly), leave the grader running and write its report
within bounds, and leave no trace on the grading machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seqlab.course.layout import find_course_root
from seqlab.grading.pipeline import grade
from seqlab.isolate.limits import GIB, MIB, Limits
from seqlab.isolate.sandbox import plan_sandbox
from seqlab.options import GradeOptions
from seqlab.reports.markdown import MarkdownReport

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
ROOT = find_course_root()
LIMITS = Limits(
    call_timeout=1.0,
    submission_timeout=15.0,
    startup_timeout=5.0,
    memory_bytes=2 * GIB,
    file_size_bytes=16 * MIB,
    processes=64,
)
#: Largest Markdown report an attack may make the grader write (the grader cuts every message it keeps).
REPORT_BYTES = 1 << 20
#: The functions flaky_answers.py implements (answering wrongly the first time).
FLAKY_FUNCTIONS = ("tokenize", "build_token_index")
#: Traces an attack must not leave on the grading machine.
TRACES = ("/tmp/seqlab-pwned", "/tmp/seqlab-sitecustomize-ran", "/tmp/seqlab-pth-ran")


def header(path: Path, key: str, default: str = "") -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return default


def attacks() -> list[Path]:
    return sorted((HERE / "submissions").glob("*.py")) + sorted(
        p for p in (HERE / "folders").iterdir() if p.is_dir()
    )


def assignment_of(attack: Path) -> str:
    """The assignment an attack is graded as: its ``# assignment:`` line, else encoding."""
    return header(description(attack), "assignment", "encoding")


def as_submission(attack: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "submission"
    if attack.is_dir():
        shutil.copytree(attack, folder)
    else:
        folder.mkdir()
        shutil.copy(attack, folder / f"{assignment_of(attack)}.py")
    return folder


def description(attack: Path) -> Path:
    return attack / "encoding.py" if attack.is_dir() else attack


@pytest.fixture(autouse=True)
def no_traces():
    for trace in TRACES:
        Path(trace).unlink(missing_ok=True)
    yield
    left = [trace for trace in TRACES if Path(trace).exists()]
    assert not left, f"the attack left {left} on the grading machine"


@pytest.mark.parametrize("attack", attacks(), ids=lambda p: p.stem)
def test_the_attack_earns_nothing_and_the_grader_reports(attack: Path, tmp_path: Path) -> None:
    assert header(description(attack), "attack"), f"{attack} lacks its '# attack:' line"
    needs = header(description(attack), "needs")
    plan = plan_sandbox("auto")
    if needs and not plan.layers.get(needs):
        pytest.skip(f"this attack is only safe to run with {needs} active: {plan.notes.get(needs)}")
    began = time.monotonic()
    result = grade(
        as_submission(attack, tmp_path),
        assignment_of(attack),
        GradeOptions(limits=LIMITS, cache_dir=tmp_path / "examples", example_cache=False, max_examples=5),
    )
    elapsed = time.monotonic() - began
    may_earn = float(header(description(attack), "may-earn", "0"))
    assert result.max_score > 0
    assert result.score <= may_earn, [(t.id, t.outcome) for t in result.tests if t.outcome == "passed"]
    # the documented bound: the budget, plus one worker set-up and one call that may overrun it, plus the
    # grader's own work (bounded by the reply limits)
    assert elapsed < LIMITS.submission_timeout + LIMITS.startup_timeout + 30, elapsed
    assert len(result.output.encode()) <= LIMITS.output_bytes
    report = MarkdownReport().render(result)
    assert len(report.encode()) < REPORT_BYTES, len(report.encode())


@pytest.mark.parametrize("example_cache", [False, True], ids=["fresh examples", "recorded examples"])
def test_a_stateful_submission_gets_the_same_verdict_with_and_without_recorded_examples(
    example_cache: bool, tmp_path: Path
) -> None:
    """Answering wrongly the first time an input is seen, rightly when it comes back, earns nothing, and the
    same nothing whether the examples are generated afresh or replayed from an earlier grading."""
    attack = HERE / "submissions" / "flaky_answers.py"
    options = GradeOptions(limits=LIMITS, cache_dir=tmp_path / "examples", example_cache=example_cache)
    verdicts = []
    for _ in range(2 if example_cache else 1):  # the second grading replays what the first recorded
        folder = tmp_path / f"grading-{len(verdicts)}"
        folder.mkdir()
        result = grade(as_submission(attack, folder), "encoding", options)
        verdicts.append({t.id: t.outcome for t in result.tests if t.function in FLAKY_FUNCTIONS})
        assert result.score == 0
    assert all(outcome == "failed" for outcome in verdicts[0].values()), verdicts[0]
    assert verdicts == [verdicts[0]] * len(verdicts)


def test_a_submission_that_links_to_the_reference_is_refused(tmp_path: Path) -> None:
    """A symbolic link named encoding.py pointing at the reference solution is not followed."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "encoding.py").symlink_to(ROOT / "solutions" / "encoding" / "encoding.py")
    result = grade(folder, "encoding", GradeOptions(limits=LIMITS, example_cache=False))
    assert result.score == 0
    assert any("symbolic link" in message for message in result.messages)


def test_the_report_file_is_the_graders_even_when_the_submission_tries_to_write_it(tmp_path: Path) -> None:
    out = tmp_path / "results" / "results.json"
    folder = as_submission(HERE / "submissions" / "write_report_file.py", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "seqlab.cli", "grade", str(folder), "-a", "encoding", "-f", "gradescope",
         "--out", str(out), "--no-example-cache", "--call-timeout", "1", "--timeout", "15"],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["score"] == 0 and report["tests"], report


def test_every_layer_is_active_where_the_sandbox_is_installed() -> None:
    """On the project's machines (bubblewrap installed by .ci/run) the probe reports every layer active."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed here; .ci/run installs it")
    plan = plan_sandbox("auto")
    assert all(value for key, value in plan.layers.items()), plan.notes
    assert os.geteuid() != 0 or plan.drop_to is not None
