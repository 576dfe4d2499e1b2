"""seqlab.student.check_server: a kernel's checks run in one warm process, with the same results as the
``seqlab check`` command, and a server that ended or hangs never leaves a check without an answer."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seqlab.course.layout import find_course_root
from seqlab.errors import ChecksUnavailable
from seqlab.student.check_server import CheckServer, serve

ROOT = find_course_root()


def _argv(notebook: Path, out: Path, function: str) -> list[str]:
    tests = notebook.parent / "tests"
    return ["check", str(notebook), "--tests", str(tests), "--format", "json", "--out", str(out)] + [
        "--function",
        function,
    ]


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the released cnn folder (stubs and public tests)."""
    folder = tmp_path / "cnn"
    shutil.copytree(ROOT / "assignments" / "cnn", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder / "cnn.ipynb"


def _without_timing(report: Path) -> dict:
    data = json.loads(report.read_text(encoding="utf-8"))
    data.pop("execution_time")
    return data


def test_checks_run_in_one_process_and_report_what_seqlab_check_reports(release: Path, tmp_path: Path):
    server = CheckServer()
    try:
        first = server.run(_argv(release, tmp_path / "a.json", "conv_output_size"), timeout=300)
        pid = server.pid
        second = server.run(_argv(release, tmp_path / "b.json", "same_padding"), timeout=300)
        assert pid is not None and server.pid == pid, "a second process was started"
    finally:
        server.stop()
    assert first[0] == second[0] == 1  # stubs: the checks fail
    command = [sys.executable, "-m", "seqlab", *_argv(release, tmp_path / "c.json", "same_padding")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert _without_timing(tmp_path / "b.json") == _without_timing(tmp_path / "c.json")
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in report["functions"]] == ["conv_output_size"]


def test_a_server_that_ended_is_replaced_and_the_check_still_runs(release: Path, tmp_path: Path):
    server = CheckServer()
    try:
        server.run(["check", "--help"], timeout=120)
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while server.pid is not None and time.monotonic() < deadline:  # .pid polls, which reaps it
            time.sleep(0.05)
        assert server.pid is None
        code, _ = server.run(_argv(release, tmp_path / "a.json", "conv_output_size"), timeout=300)
    finally:
        server.stop()
    assert code == 1 and (tmp_path / "a.json").is_file()


def test_a_check_that_does_not_answer_in_time_is_unavailable_and_its_server_stopped(tmp_path: Path):
    sleeper = tmp_path / "python"  # a "Python" whose server never answers
    sleeper.write_text("#!/bin/sh\nexec sleep 600\n")
    sleeper.chmod(0o755)
    server = CheckServer(python=str(sleeper))
    began = time.monotonic()
    with pytest.raises(ChecksUnavailable, match="did not finish within 1 s"):
        server.run(["check", "x.ipynb"], timeout=1.0)
    assert time.monotonic() - began < 60
    assert server.pid is None


def test_a_server_that_cannot_start_makes_the_checks_unavailable(tmp_path: Path):
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(ChecksUnavailable, match="ended unexpectedly"):
        CheckServer(python=str(broken)).run(["check", "x.ipynb"], timeout=60)
    with pytest.raises(ChecksUnavailable, match="could not be started: .*No such file"):
        CheckServer(python=str(tmp_path / "no-python-here")).run(["check", "x.ipynb"], timeout=60)


def test_the_server_answers_a_malformed_request_and_a_refused_command_line_and_ends_with_its_input():
    requests = io.StringIO('not json\n{"argv": ["check", "--no-such-flag"]}\n')
    read, write = os.pipe()  # serve() waits on a real descriptor
    os.write(write, requests.getvalue().encode())
    os.close(write)
    answers = io.StringIO()
    with os.fdopen(read) as source:
        assert serve(source, answers) == 0
    malformed, refused = [json.loads(line) for line in answers.getvalue().splitlines()]
    assert malformed["exit"] == 2 and "malformed check request" in malformed["stderr"]
    assert refused["exit"] == 2 and "--no-such-flag" in refused["stderr"]


def test_an_idle_server_ends_itself():
    read, write = os.pipe()
    try:
        with os.fdopen(read) as source:
            began = time.monotonic()
            assert serve(source, io.StringIO(), idle_seconds=0.2) == 0
            assert time.monotonic() - began < 30
    finally:
        os.close(write)
