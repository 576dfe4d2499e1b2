"""The student side: ``seqlab check`` and plain ``pytest`` inside a released assignment folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS

from .conftest import ROOT, reference_source

pytestmark = pytest.mark.e2e


def released_copy(assignment: str, tmp_path: Path) -> Path:
    folder = tmp_path / assignment
    shutil.copytree(ROOT / "assignments" / assignment, folder)
    return folder


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_seqlab_check_on_the_fresh_release_says_not_implemented(assignment: str, tmp_path: Path) -> None:
    folder = released_copy(assignment, tmp_path)
    completed = run([sys.executable, "-m", "seqlab.cli", "check"], cwd=folder)
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == f"{assignment}: public checks of {folder.name}", "plain text when piped"
    assert "not implemented yet" in completed.stdout and "\033[" not in completed.stdout
    assert lines[-1].startswith("Total: 0 / ") and lines[-1].endswith(" checks pass"), "the total comes last"
    again = run([sys.executable, "-m", "seqlab.cli", "check"], cwd=folder)
    assert again.stdout == completed.stdout, "two runs, the same output"
    markdown = run([sys.executable, "-m", "seqlab.cli", "check", "--format", "markdown"], cwd=folder)
    assert markdown.stdout.startswith(f"# {assignment}: 0 / ") and "public tests" in markdown.stdout


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_seqlab_check_passes_finished_work_in_the_file_saved_last(assignment: str, tmp_path: Path) -> None:
    folder = released_copy(assignment, tmp_path)
    module = folder / f"{assignment}.py"
    module.write_text(reference_source(assignment))
    later = time.time() + 5
    os.utime(module, (later, later))  # the student worked in the module, not the notebook
    completed = run([sys.executable, "-m", "seqlab.cli", "check"], cwd=folder)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{assignment}.py (the one saved last) was used" in completed.stdout
    assert "✗" not in completed.stdout and "Fix first" not in completed.stdout
    total = completed.stdout.splitlines()[-1]
    assert total.startswith("Total: ") and total.split()[1] == total.split()[3], total


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_plain_pytest_in_the_release_runs_the_public_tests(assignment: str, tmp_path: Path) -> None:
    folder = released_copy(assignment, tmp_path)
    stub = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder)
    assert stub.returncode == 1 and "NotImplementedError" not in stub.stderr
    assert "not implemented yet" in stub.stdout
    module = folder / f"{assignment}.py"
    module.write_text(reference_source(assignment))
    later = time.time() + 5
    os.utime(module, (later, later))
    finished = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder)
    assert finished.returncode == 0, finished.stdout
    assert " passed" in finished.stdout and "failed" not in finished.stdout


def test_seqlab_check_names_a_catalogued_mistake_with_its_hint(tmp_path: Path) -> None:
    folder = released_copy("encoding", tmp_path)
    mistake = (ROOT / "tests" / "data" / "mutants" / "encoding" / "tokenize_whitespace_split.py").read_text()
    (folder / "encoding.py").write_text(reference_source("encoding") + "\n\n" + mistake)
    (folder / "encoding.ipynb").unlink()
    completed = run([sys.executable, "-m", "seqlab.cli", "check", "--function", "tokenize"], cwd=folder)
    assert completed.returncode == 1
    out = completed.stdout
    assert "tokenize('God bless the queen.')[3] returned 'queen.'; expected 'queen'" in out
    assert "Hint: your output matches text.lower().split()" in out and "Hint: the same as above." in out
    assert "build_token_index" not in out, "--function runs that function's checks alone"
    assert out.splitlines()[-1] == "Total: 0 / 2 points, 0 of 2 checks pass"
    assert (
        run([sys.executable, "-m", "seqlab.cli", "check", "--function", "tokenize"], cwd=folder).stdout == out
    )


def test_seqlab_check_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import pty

    folder = released_copy("encoding", tmp_path)
    command = [sys.executable, "-m", "seqlab.cli", "check", "--function", "ngrams"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=folder, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(controller)
    text = shown.decode()
    assert "seqlab: checking ngrams (1 of 2) ..." in text and "seqlab: checking ngrams (2 of 2) ..." in text
    piped = run(command, cwd=folder)
    assert "checking" not in piped.stdout + piped.stderr
