"""seqlab.classroom.gradebook: the grade key (content hash, grader version) and the SQLite store, on real
files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from builders import outcome

from seqlab.classroom.fingerprint import content_hash, grader_version
from seqlab.classroom.gradebook import Gradebook, GradebookRow, default_url, safe_name
from seqlab.isolate.limits import Limits
from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult
from seqlab.options import GradeOptions
from seqlab.reports import WRITERS, JsonReport, MarkdownReport

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64
V1, V2 = "a" * 64, "b" * 64
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_result(assignment: str, student: str, scores: dict[str, tuple[float, float]]) -> GradeResult:
    """A hand-built result: per function ``(earned, max)`` as one passed and one failed test."""
    functions = []
    for name, (earned, worth) in scores.items():
        tests = [outcome(name, "test_ok", earned, PASSED)] if earned else []
        if worth > earned:
            tests.append(
                outcome(
                    name, "test_wrong", worth - earned, FAILED, f"`{name}` returned 3; expected 4", "x=[1, 2]"
                )
            )
        functions.append(FunctionScore(name, tuple(tests)))
    return GradeResult(
        assignment=assignment,
        submission=student,
        kind="module",
        functions=tuple(functions),
        messages=("cell 4 is a cell magic and was skipped",),
        output="hello from the student\n",
        output_bytes=23,
        seed=7,
        suite="hidden",
        seqlab_version="0.1.0",
        execution_time=1.25,
        extra={"isolation": {"memory_limit_bytes": 1 << 33, "unprivileged_user": True}},
    )


@pytest.fixture
def result() -> GradeResult:
    gru = FunctionScore(
        "gru_step",
        (outcome("gru_step", "test_cpu", 4, PASSED), outcome("gru_step", "test_cuda", 2, SKIPPED, "no CUDA")),
    )
    base = make_result("windowing", "alice", {"tokenize": (3.5, 3.5), "make_windows": (2, 7)})
    return GradeResult(**{**base.__dict__, "functions": (*base.functions, gru)})


@pytest.fixture
def book(tmp_path: Path):
    with Gradebook(default_url(tmp_path / "class")) as gradebook:
        yield gradebook


# ------------------------------------------------------------------------------------------ content hash


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    folder = tmp_path / "alice"
    write(folder / "windowing.py", "def make_windows(x, size):\n    return x\n")
    write(folder / "helpers" / "util.py", "X = 1\n")
    write(folder / "data.bin", bytes(range(256)))
    return folder


def test_content_hash_changes_with_any_byte_name_or_file(submission: Path) -> None:
    before = content_hash(submission)
    assert len(before) == 64 and before == content_hash(submission)

    util = submission / "helpers" / "util.py"
    util.write_text("X = 2\n", encoding="utf-8")
    assert content_hash(submission) != before
    util.write_text("X = 1\n", encoding="utf-8")
    assert content_hash(submission) == before

    data = submission / "data.bin"
    flipped = bytearray(data.read_bytes())
    flipped[200] ^= 1
    data.write_bytes(bytes(flipped))
    assert content_hash(submission) != before
    data.write_bytes(bytes(range(256)))

    util.rename(submission / "helpers" / "util2.py")
    assert content_hash(submission) != before
    (submission / "helpers" / "util2.py").rename(util)
    assert content_hash(submission) == before

    write(submission / "notes.txt", "")
    assert content_hash(submission) != before


def test_content_hash_ignores_caches_times_and_location(submission: Path, tmp_path: Path) -> None:
    before = content_hash(submission)
    write(submission / "__pycache__" / "windowing.cpython-311.pyc", b"\x00compiled")
    write(submission / "__pycache__" / "any-other-file", "whatever is in __pycache__ is skipped")
    write(submission / "helpers" / "__pycache__" / "util.cpython-311.pyc", b"\x00compiled")
    write(submission / "stale.pyc", b"\x00old")
    write(submission / ".ipynb_checkpoints" / "windowing-checkpoint.ipynb", "{}")
    write(submission / ".pytest_cache" / "v" / "cache" / "lastfailed", "{}")
    write(submission / ".hypothesis" / "examples" / "ab", b"\x01")
    write(submission / ".seqlab-cache" / "replay.json", "[]")
    os.utime(submission / "windowing.py", (0, 0))
    assert content_hash(submission) == before

    copy = Path(shutil.copytree(submission, tmp_path / "elsewhere" / "bob"))
    assert content_hash(copy) == before


def test_content_hash_of_a_file_covers_its_name_and_bytes(tmp_path: Path) -> None:
    notebook = write(tmp_path / "a" / "windowing.ipynb", '{"cells": []}')
    same = write(tmp_path / "b" / "windowing.ipynb", '{"cells": []}')
    renamed = write(tmp_path / "c" / "other.ipynb", '{"cells": []}')
    assert content_hash(notebook) == content_hash(same)
    assert content_hash(renamed) != content_hash(notebook)
    notebook.write_text('{"cells": [ ]}', encoding="utf-8")
    assert content_hash(notebook) != content_hash(same)
    # A folder holding just that file is a different submission from the file itself.
    assert content_hash(same.parent) != content_hash(same)


def test_content_hash_does_not_follow_symlinks(submission: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "outside" / "secret.py", "A = 1\n")
    (submission / "link.py").symlink_to(outside)
    (submission / "linked_dir").symlink_to(outside.parent, target_is_directory=True)
    before = content_hash(submission)
    outside.write_text("A = 2\n", encoding="utf-8")  # what the links point to is not hashed
    write(outside.parent / "more.py", "B = 1\n")
    assert content_hash(submission) == before
    (submission / "link.py").unlink()
    (submission / "link.py").symlink_to(tmp_path / "elsewhere.py")  # where a link points is
    assert content_hash(submission) != before


def test_content_hash_of_a_missing_submission_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        content_hash(tmp_path / "nobody")


# ---------------------------------------------------------------------------------------- grader version

TOY = "toygb"  # not one of seqlab's assignments: registered because grader/toygb and its reference exist


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write(
        root / "grader" / TOY / "test_x.py",
        textwrap.dedent(
            """\
            def test_double(submission):
                assert submission.double(2) == 4
            """
        ),
    )
    write(root / "solutions" / TOY / f"{TOY}.py", "def double(x):\n    return 2 * x\n")
    return root


def test_grader_version_changes_with_the_hidden_suite_and_reference(course: Path) -> None:
    options = GradeOptions(course_root=course, sandbox="off")
    before = grader_version(TOY, options)
    assert len(before) == 64 and before == grader_version(TOY, options)

    suite_file = course / "grader" / TOY / "test_x.py"
    original = suite_file.read_text(encoding="utf-8")
    suite_file.write_text(original.replace("== 4", "== 4.0"), encoding="utf-8")
    assert grader_version(TOY, options) != before
    suite_file.write_text(original, encoding="utf-8")
    assert grader_version(TOY, options) == before

    write(course / "grader" / TOY / "conftest.py", "")
    assert grader_version(TOY, options) != before
    (course / "grader" / TOY / "conftest.py").unlink()

    # Caches that running the suite leaves behind do not count.
    write(course / "grader" / TOY / "__pycache__" / "test_x.cpython-311.pyc", b"\x00")
    write(course / "grader" / TOY / ".hypothesis" / "examples" / "x", b"\x00")
    assert grader_version(TOY, options) == before

    reference = course / "solutions" / TOY / f"{TOY}.py"
    reference.write_text(reference.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert grader_version(TOY, options) != before


def test_grader_version_reads_a_suite_file_through_its_link(course: Path, tmp_path: Path) -> None:
    """A suite file that is a link runs as what it points to: editing that file regrades (hashing the
    link's text would keep stale grades)."""
    options = GradeOptions(course_root=course, sandbox="off")
    shared = write(
        tmp_path / "shared" / "test_shared.py",
        "def test_one(submission):\n    assert submission.double(1) == 2\n",
    )
    (course / "grader" / TOY / "test_shared.py").symlink_to(shared)
    before = grader_version(TOY, options)
    shared.write_text("def test_one(submission):\n    assert submission.double(1) == 3\n", encoding="utf-8")
    assert grader_version(TOY, options) != before


def test_grader_version_follows_only_the_options_that_change_verdicts(course: Path, tmp_path: Path) -> None:
    base = GradeOptions(course_root=course, sandbox="off")
    before = grader_version(TOY, base)
    changed = [
        GradeOptions(course_root=course, sandbox="off", seed=1),
        GradeOptions(course_root=course, sandbox="off", gpu_policy="award"),
        GradeOptions(course_root=course, sandbox="off", gpu_policy="zero"),
        GradeOptions(course_root=course, sandbox="off", use_gpu=False),
        GradeOptions(course_root=course, sandbox="off", max_examples=base.max_examples + 1),
        GradeOptions(course_root=course, sandbox="off", suite="public"),
        GradeOptions(course_root=course, sandbox="off", limits=Limits(call_timeout=11.0)),
        GradeOptions(course_root=course, sandbox="off", limits=Limits(memory_bytes=1 << 30)),
    ]
    versions = [grader_version(TOY, options) for options in changed]
    assert before not in versions and len(set(versions)) == len(versions)

    unchanged = [
        GradeOptions(course_root=course, sandbox="auto"),
        GradeOptions(course_root=course, sandbox="off", cache_dir=tmp_path / "cache"),
        GradeOptions(course_root=course, sandbox="off", example_cache=False),
        GradeOptions(course_root=shutil.copytree(course, tmp_path / "moved"), sandbox="off"),
    ]
    assert {grader_version(TOY, options) for options in unchanged} == {before}


# ------------------------------------------------------------------------------------------------- store


def test_record_then_lookup_round_trips_exactly(book: Gradebook, result: GradeResult) -> None:
    assert book.lookup("alice", "windowing", H1, V1) is None
    book.record("alice", "windowing", H1, V1, result, seconds=3.5)
    found = book.lookup("alice", "windowing", H1, V1)
    assert found == result
    assert found is not None and found.to_dict() == result.to_dict()
    # Any other part of the key is another submission or another grader: not graded yet.
    assert book.lookup("alice", "windowing", H2, V1) is None
    assert book.lookup("alice", "windowing", H1, V2) is None
    assert book.lookup("bob", "windowing", H1, V1) is None
    assert book.lookup("alice", "encoding", H1, V1) is None


def test_stored_columns(book: Gradebook, result: GradeResult, tmp_path: Path) -> None:
    book.record("alice", "windowing", H1, V1, result, seconds=3.5, graded_at=T0)
    [row] = book.rows()
    assert row == GradebookRow(
        student="alice",
        assignment="windowing",
        content_hash=H1,
        grader_version=V1,
        score=result.score,
        max_score=result.max_score,
        graded_at="2024-05-01T12:00:00.000000+00:00",
        seconds=3.5,
        result=result,
    )
    with sqlite3.connect(tmp_path / "class" / "seqlab-gradebook.db") as raw:
        (report,) = raw.execute("SELECT report FROM seqlab_grades").fetchone()
        (mode,) = raw.execute("PRAGMA journal_mode").fetchone()
    assert report == json.dumps(result.to_dict(), sort_keys=True)
    assert mode == "wal"


def test_a_second_gradebook_sees_what_a_crashed_one_recorded(tmp_path: Path, result: GradeResult) -> None:
    url = default_url(tmp_path)
    script = textwrap.dedent(
        f"""
        import json, os
        from seqlab.classroom.gradebook import Gradebook
        from seqlab.model import GradeResult
        book = Gradebook({url!r})
        book.record("alice", "windowing", {H1!r}, {V1!r}, GradeResult.from_dict(json.loads(input())), 2.0)
        os._exit(9)  # no close, no clean-up: as if killed right after recording
        """
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(result.to_dict()), text=True, capture_output=True
    )
    assert crashed.returncode == 9, crashed.stderr
    with Gradebook(url) as again:
        assert again.lookup("alice", "windowing", H1, V1) == result


def test_two_gradebooks_on_one_file_share_rows(tmp_path: Path, result: GradeResult) -> None:
    url = default_url(tmp_path)
    with Gradebook(url) as writer, Gradebook(url) as reader:
        writer.record("alice", "windowing", H1, V1, result, 1.0)
        assert reader.lookup("alice", "windowing", H1, V1) == result
        # A reader is not blocked by a write transaction in progress (WAL), and sees only committed rows.
        with writer.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM seqlab_grades")
            assert reader.lookup("alice", "windowing", H1, V1) == result
            connection.rollback()
        assert len(reader.rows()) == 1


def test_record_is_an_upsert(book: Gradebook) -> None:
    first = make_result("windowing", "alice", {"tokenize": (1, 3)})
    second = make_result("windowing", "alice", {"tokenize": (3, 3)})
    book.record("alice", "windowing", H1, V1, first, 1.0, graded_at=T0)
    book.record("alice", "windowing", H1, V1, second, 2.0, graded_at=T0 + timedelta(hours=1))
    [row] = book.rows()
    assert (row.score, row.seconds, row.result) == (3, 2.0, second)
    assert book.lookup("alice", "windowing", H1, V1) == second


def test_latest_picks_the_newest_grade(book: Gradebook) -> None:
    old, new, tie = (make_result("windowing", "alice", {"tokenize": (n, 3)}) for n in (1, 2, 3))
    book.record("alice", "windowing", H2, V1, new, 1.0, graded_at=T0 + timedelta(minutes=5))
    book.record("alice", "windowing", H1, V1, old, 1.0, graded_at=T0)  # recorded later, graded earlier
    other = make_result("encoding", "alice", {"encode": (1, 1)})
    book.record("alice", "encoding", H1, V1, other, 1.0, graded_at=T0 + timedelta(days=1))
    assert book.latest() == {("alice", "encoding"): other, ("alice", "windowing"): new}
    assert book.latest("windowing") == {("alice", "windowing"): new}
    assert book.latest("cnn") == {}

    # The same time: the row inserted last wins (a regrade under a new grader version, here).
    book.record("alice", "windowing", H2, V2, tie, 1.0, graded_at=T0 + timedelta(minutes=5))
    assert book.latest("windowing") == {("alice", "windowing"): tie}
    # Recording again under an existing key makes that row the newest.
    book.record("alice", "windowing", H1, V1, old, 1.0, graded_at=T0 + timedelta(minutes=5))
    assert book.latest("windowing") == {("alice", "windowing"): old}
    assert [row.content_hash for row in book.rows("windowing")] == [H2, H2, H1]


def test_export_csv(book: Gradebook, tmp_path: Path) -> None:
    book.record(
        "bob",
        "windowing",
        H1,
        V1,
        make_result("windowing", "bob", {"tokenize": (3, 3), "make_windows": (0, 4)}),
        1,
    )
    book.record(
        "alice",
        "windowing",
        H1,
        V1,
        make_result("windowing", "alice", {"tokenize": (1.5, 3), "make_windows": (4, 4)}),
        1,
    )
    book.record("alice", "encoding", H2, V1, make_result("encoding", "alice", {"encode": (2, 2)}), 1)
    # An older grade of alice's windowing: the newest one is exported.
    book.record(
        "alice",
        "windowing",
        H3,
        V1,
        make_result("windowing", "alice", {"tokenize": (0, 3)}),
        1,
        graded_at=T0,
    )

    path = book.export_csv(tmp_path / "out" / "grades.csv")
    assert path == tmp_path / "out" / "grades.csv"
    with path.open(encoding="utf-8", newline="") as file:
        table = list(csv.reader(file))
    assert table == [
        [
            "student",
            "encoding",
            "encoding:encode",
            "windowing",
            "windowing:tokenize",
            "windowing:make_windows",
            "total",
        ],
        ["alice", "2", "2", "5.5", "1.5", "4", "7.5"],
        ["bob", "", "", "3", "3", "0", "3"],
    ]

    book.export_csv(path, ["windowing", "encoding"])
    with path.open(encoding="utf-8", newline="") as file:
        header, alice, bob = list(csv.reader(file))
    assert header[1:4] == ["windowing", "windowing:tokenize", "windowing:make_windows"]
    assert header[4:] == ["encoding", "encoding:encode", "total"]
    assert alice == ["alice", "5.5", "1.5", "4", "2", "2", "7.5"]
    assert bob == ["bob", "3", "3", "0", "", "", "3"]

    book.export_csv(path, ["encoding"])
    with path.open(encoding="utf-8", newline="") as file:
        assert list(csv.reader(file)) == [
            ["student", "encoding", "encoding:encode", "total"],
            ["alice", "2", "2", "2"],
            ["bob", "", "", "0"],
        ]


def test_write_feedback_renders_each_newest_grade(
    book: Gradebook, result: GradeResult, tmp_path: Path
) -> None:
    encoding = make_result("encoding", "bob", {"encode": (1, 2)})
    book.record("alice", "windowing", H1, V1, result, 1.0)
    book.record("bob", "encoding", H1, V1, encoding, 1.0)
    out = tmp_path / "feedback"
    written = book.write_feedback(out)
    assert written == [out / "alice" / "windowing.md", out / "bob" / "encoding.md"]
    assert written[0].read_text(encoding="utf-8") == MarkdownReport().render(result)
    assert written[1].read_text(encoding="utf-8") == MarkdownReport().render(encoding)

    as_json = book.write_feedback(out, "json")
    assert as_json == [out / "alice" / f"windowing{JsonReport.suffix}", out / "bob" / "encoding.json"]
    assert as_json[0].read_text(encoding="utf-8") == WRITERS["json"]().render(result)
    with pytest.raises(ValueError, match="unknown report format"):
        book.write_feedback(out, "pdf")


@pytest.mark.parametrize(
    "student", ["../evil", "..", ".", "/etc/passwd", "a\\..\\..\\b", ".hidden", "x\x00y", ""]
)
def test_student_names_cannot_escape_the_feedback_folder(
    book: Gradebook, result: GradeResult, tmp_path: Path, student: str
) -> None:
    book.record(student, "windowing", H1, V1, result, 1.0)
    out = tmp_path / "feedback"
    [path] = book.write_feedback(out)
    assert path.parent.parent == out
    assert path.resolve().is_relative_to(out.resolve())
    assert (
        not path.parent.name.startswith(".") and "/" not in path.parent.name and "\\" not in path.parent.name
    )
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.md")) == [path.relative_to(tmp_path)]


def test_safe_name_keeps_plain_names_and_separates_changed_ones() -> None:
    assert safe_name("alice") == "alice"
    assert safe_name("jean-luc.picard_2") == "jean-luc.picard_2"
    assert safe_name("../evil").startswith("___evil-")
    assert safe_name("a/b") != safe_name("a_b") == "a_b"
    assert safe_name("a/b") != safe_name("a\\b")
    assert len(safe_name("x" * 500)) <= 110
