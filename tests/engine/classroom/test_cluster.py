"""What travels to a Dask worker: submissions and course bundles arrive whole and unchanged, nothing
escapes the folder it is written to, and a worker reserves a uid no other grader process of the host holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from seqlab.classroom.dask_cluster import CourseBundle, DaskRunner, SubmissionFiles, worker_fingerprint
from seqlab.classroom.fingerprint import content_hash, engine_digest, grader_version
from seqlab.course.layout import find_course_root
from seqlab.errors import ClusterError
from seqlab.options import GradeOptions
from seqlab.suite.replay import suite_fingerprint

ROOT = find_course_root()


def test_a_single_file_submission_arrives_under_its_own_name_with_its_bytes(tmp_path: Path):
    path = tmp_path / "ada.ipynb"
    path.write_bytes(b'{"cells": []}\n\x00\xff')
    files = SubmissionFiles.read(path)
    out = tmp_path / "worker"
    out.mkdir()
    written = files.write(out)
    assert written == out / "ada.ipynb" and written.read_bytes() == path.read_bytes()
    assert content_hash(written) == content_hash(path)


def test_a_folder_submission_arrives_without_caches_and_with_the_same_content_hash(tmp_path: Path):
    folder = tmp_path / "encoding"
    (folder / "data").mkdir(parents=True)
    (folder / "encoding.py").write_text("def tokenize(text):\n    return text.split()\n")
    (folder / "data" / "notes.txt").write_text("x")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "encoding.cpython-311.pyc").write_bytes(b"junk")
    (folder / "same.py").symlink_to("encoding.py")
    (folder / "escape.py").symlink_to("../../../etc/passwd")
    files = SubmissionFiles.read(folder)
    assert set(files.files) == {"encoding.py", "data/notes.txt"}
    assert files.links == {"same.py": "encoding.py", "escape.py": "../../../etc/passwd"}
    out = tmp_path / "worker"
    out.mkdir()
    written = files.write(out)
    assert written == out / "encoding" and (written / "data" / "notes.txt").read_text() == "x"
    assert (written / "same.py").read_text() == (folder / "encoding.py").read_text()
    assert not (written / "escape.py").exists() and not (written / "escape.py").is_symlink()
    assert not (written / "__pycache__").exists()


@pytest.mark.parametrize("name", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "", "a//b.py"])
def test_a_file_named_to_leave_its_folder_is_refused(tmp_path: Path, name: str):
    files = SubmissionFiles("sub", True, {name: b"print('x')"}, {})
    with pytest.raises(ClusterError, match="not a plain relative path"):
        files.write(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["..", "../x", "a/b", ""])
def test_a_submission_named_outside_its_folder_is_refused(tmp_path: Path, name: str):
    with pytest.raises(ClusterError, match="refusing a submission named"):
        SubmissionFiles(name, False, {"": b""}, {}).write(tmp_path)


def test_a_course_bundle_unpacks_to_a_course_with_the_same_grader_version(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    options = GradeOptions(course_root=ROOT)
    bundle = CourseBundle.pack("windowing", options)
    assert "solutions/windowing/windowing.py" in bundle.files
    assert any(name.startswith("grader/windowing/test_") for name in bundle.files)
    assert not any(
        "__pycache__" in name or name.startswith(("assignments/", "grader/cells")) for name in bundle.files
    )
    root = bundle.unpack()
    assert root.parent == tmp_path / "seqlab-course-bundles" and root.name == bundle.digest
    moved = GradeOptions(course_root=root)
    assert grader_version("windowing", moved) == grader_version("windowing", options)
    assert bundle.unpack() == root  # unpacked once per host, then reused


def test_a_bundle_carries_the_recorded_examples_of_the_runs_seed_and_budget(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    cache = tmp_path / "cache"
    options = GradeOptions(course_root=ROOT, cache_dir=cache, seed=3, max_examples=7)
    fingerprint = suite_fingerprint(ROOT / "grader" / "cnn", 3, 7)[:32]
    (cache / fingerprint).mkdir(parents=True)
    (cache / fingerprint / "abc.examples").write_bytes(b"recorded")
    (cache / ("0" * 32)).mkdir()
    (cache / ("0" * 32) / "other.examples").write_bytes(b"another seed")
    bundle = CourseBundle.pack("cnn", options)
    recorded = {name: data for name, data in bundle.files.items() if name.startswith(".seqlab-cache/")}
    assert recorded == {f".seqlab-cache/{fingerprint}/abc.examples": b"recorded"}
    without = CourseBundle.pack("cnn", GradeOptions(course_root=ROOT, cache_dir=cache, example_cache=False))
    assert not any(name.startswith(".seqlab-cache/") for name in without.files)


def test_a_bundle_folder_another_user_could_write_to_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / "seqlab-course-bundles"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(ClusterError, match="not this user's private folder"):
        CourseBundle.pack("windowing", GradeOptions(course_root=ROOT)).unpack()


def test_the_worker_fingerprint_is_this_seqlabs_engine():
    import seqlab

    assert worker_fingerprint() == {"seqlab": seqlab.__version__, "engine": engine_digest().hex()}


def test_an_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed", reason="needs dask.distributed (seqlab[cluster])")
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = DaskRunner(f"tcp://127.0.0.1:{port}", connect_timeout=1)
    with pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        runner._connect()


CLAIM = """
import sys
from seqlab.isolate.sandbox import claim_worker_uid
print(claim_worker_uid(), flush=True)
sys.stdin.read()  # hold the uid until the test closes our stdin
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="worker uids are only reserved when the grader runs as root")
def test_grader_processes_of_one_host_reserve_different_worker_uids_and_free_them_when_they_end(
    tmp_path: Path,
):
    def start() -> subprocess.Popen:
        # SEQLAB_WORKER_UID is inherited from a parent: not this one's claim. TMPDIR gives these three
        # processes a lock folder of their own, so gradings that other tests run beside this one (pytest
        # -n) cannot take the slot the first process frees.
        env = dict(os.environ, SEQLAB_WORKER_UID="65534", TMPDIR=str(tmp_path))
        return subprocess.Popen(
            [sys.executable, "-c", CLAIM], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )

    first, second = start(), start()
    first_uid, second_uid = int(first.stdout.readline()), int(second.stdout.readline())
    assert first_uid != second_uid and all(65534 - 256 < uid <= 65534 for uid in (first_uid, second_uid))
    first.communicate("")  # the first process ends: its slot is free again, the lowest free one
    third = start()
    assert int(third.stdout.readline()) == first_uid
    for process in (second, third):
        process.communicate("")


@pytest.mark.skipif(os.geteuid() != 0, reason="worker uids are only reserved when the grader runs as root")
def test_a_grading_runs_student_code_as_a_uid_no_other_grading_process_holds(tmp_path: Path):
    """`seqlab grade` reserves its own uid even where another grading process (holding one) started it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", CLAIM], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        held = int(holder.stdout.readline())
        source = (ROOT / "solutions" / "encoding" / "encoding.py").read_text()
        spy = "\n_tokenize = tokenize\n\ndef tokenize(*args, **kwargs):\n    import os\n"
        spy += "    return ['uid%d' % os.getuid()] * len(_tokenize(*args, **kwargs))\n"  # in feedback
        (tmp_path / "encoding.py").write_text(source + spy)
        env = dict(os.environ, SEQLAB_WORKER_UID=str(held))  # as if inherited from the holder
        done = subprocess.run(
            [sys.executable, "-m", "seqlab", "grade", str(tmp_path), "-a", "encoding", "--format", "json"],
            capture_output=True, text=True, env=env, timeout=300, check=True,
        )  # fmt: skip
        uids = {int(uid) for uid in re.findall(r"uid(\d+)", done.stdout)}
        assert len(uids) == 1 and held not in uids and 65534 - 256 < uids.pop() <= 65534
    finally:
        holder.communicate("")
