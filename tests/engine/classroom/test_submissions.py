"""seqlab.classroom.submissions: finding a class's submissions in nbgrader, flat and Gradescope-export
folders.

Every test builds real folders in ``tmp_path``; nothing is mocked.
"""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from seqlab.classroom.scan import ClassSubmission, submission_time
from seqlab.classroom.submissions import detect_layout, find_submissions
from seqlab.errors import ConfigError, SeqlabError, SubmissionNotFound
from seqlab.grading.loader import load_submission

needs_yaml = pytest.mark.skipif(importlib.util.find_spec("yaml") is None, reason="PyYAML is not installed")

MODULE = "def f(x):\n    return x\n"


def notebook() -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "metadata": {}, "source": MODULE, "outputs": []}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def write(path: Path, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        text = notebook() if path.suffix == ".ipynb" else MODULE
    path.write_text(text)
    return path


def triples(found: list[ClassSubmission], root: Path) -> list[tuple[str, str, str]]:
    return [(s.assignment, s.student, s.path.relative_to(root).as_posix()) for s in found]


def has_note(notes: list[str], *parts: str) -> bool:
    return any(all(part in note for part in parts) for note in notes)


# --- ClassSubmission ------------------------------------------------------------------------------------


def test_class_submissions_order_by_assignment_then_student_and_are_frozen() -> None:
    a = ClassSubmission("zoe", "cells", Path("z"))
    b = ClassSubmission("adam", "encoding", Path("a"))
    c = ClassSubmission("bob", "cells", Path("b"))
    assert sorted([b, a, c]) == [c, a, b]
    assert c < a <= a < b and b > a
    assert a == ClassSubmission("zoe", "cells", Path("z"))
    with pytest.raises(AttributeError):
        a.student = "eve"  # type: ignore[misc]


# --- nbgrader -------------------------------------------------------------------------------------------


def nbgrader_class(submitted: Path) -> None:
    write(submitted / "alice" / "encoding" / "encoding.ipynb")
    write(submitted / "alice" / "encoding" / "timestamp.txt", "2024-01-01 10:00:00\n")
    write(submitted / "alice" / "cells" / "cells.py")
    write(submitted / "bob" / "encoding" / "encoding.py")


def test_nbgrader_submitted_folder_all_known_assignments(tmp_path: Path) -> None:
    submitted = tmp_path / "submitted"
    nbgrader_class(submitted)
    found, notes = find_submissions(submitted)
    assert triples(found, submitted) == [
        ("cells", "alice", "alice/cells"),
        ("encoding", "alice", "alice/encoding"),
        ("encoding", "bob", "bob/encoding"),
    ]
    assert notes == ["bob has no cells submission (cells/ folder)"]
    assert detect_layout(submitted) == "nbgrader"


def test_nbgrader_course_root_is_read_through_its_submitted_folder(tmp_path: Path) -> None:
    nbgrader_class(tmp_path / "submitted")
    write(tmp_path / "source" / "encoding" / "encoding.ipynb")
    write(tmp_path / "gradebook.db", "")
    write(tmp_path / "nbgrader_config.py", "c = get_config()\n")
    for layout in ("auto", "nbgrader"):
        found, notes = find_submissions(tmp_path, layout=layout)
        assert triples(found, tmp_path) == [
            ("cells", "alice", "submitted/alice/cells"),
            ("encoding", "alice", "submitted/alice/encoding"),
            ("encoding", "bob", "submitted/bob/encoding"),
        ]
        assert notes == ["bob has no cells submission (cells/ folder)"]
    assert detect_layout(tmp_path) == "nbgrader"


def test_nbgrader_only_the_assignments_asked_for(tmp_path: Path) -> None:
    nbgrader_class(tmp_path)
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert triples(found, tmp_path) == [
        ("encoding", "alice", "alice/encoding"),
        ("encoding", "bob", "bob/encoding"),
    ]
    assert notes == []  # alice's cells/ is known, just not asked for
    found, notes = find_submissions(tmp_path, "cells")  # one id as a plain string
    assert triples(found, tmp_path) == [("cells", "alice", "alice/cells")]
    assert notes == ["bob has no cells submission (cells/ folder)"]


def test_nbgrader_detected_without_submitted_folder_even_for_one_student(tmp_path: Path) -> None:
    write(tmp_path / "carol" / "windowing" / "windowing.ipynb")
    assert detect_layout(tmp_path) == "nbgrader"
    found, notes = find_submissions(tmp_path)
    assert triples(found, tmp_path) == [("windowing", "carol", "carol/windowing")]
    assert notes == []


def test_nbgrader_notes_for_skipped_things(tmp_path: Path) -> None:
    nbgrader_class(tmp_path)
    write(tmp_path / "alice" / "hw0" / "hw0.py")  # unknown assignment
    (tmp_path / "dave").mkdir()  # empty student folder
    (tmp_path / "erin" / "encoding").mkdir(parents=True)  # empty assignment folder
    write(tmp_path / "erin" / "notes.txt", "hello")  # a file among assignment folders
    write(tmp_path / "roster.csv", "alice,bob\n")  # a file among student folders
    write(tmp_path / ".hidden_student" / "encoding" / "encoding.py")
    write(tmp_path / "bob" / ".secret", "x")
    write(tmp_path / "bob" / "encoding" / ".ipynb_checkpoints" / "encoding-checkpoint.ipynb")
    write(tmp_path / "__pycache__" / "x.pyc", "")
    found, notes = find_submissions(tmp_path)
    assert triples(found, tmp_path) == [
        ("cells", "alice", "alice/cells"),
        ("encoding", "alice", "alice/encoding"),
        ("encoding", "bob", "bob/encoding"),
    ]
    assert has_note(notes, "alice/hw0/", "not an assignment")
    assert has_note(notes, "dave/", "empty student folder")
    assert has_note(notes, "erin/encoding/", "empty submission folder")
    assert has_note(notes, "erin/notes.txt", "a file")
    assert has_note(notes, "roster.csv", "a file")
    assert has_note(notes, ".hidden_student", "hidden")
    assert has_note(notes, "bob/.secret", "hidden")
    assert has_note(notes, "erin has no cells submission")
    assert not has_note(notes, "erin has no encoding")  # its empty folder was noted already
    assert not has_note(notes, "__pycache__") and not has_note(notes, "checkpoint")
    assert not has_note(notes, "dave has no")


def test_nbgrader_without_any_assignment_folder_says_so(tmp_path: Path) -> None:
    write(tmp_path / "submitted" / "alice" / "hw1" / "hw1.py")
    found, notes = find_submissions(tmp_path, layout="nbgrader")
    assert found == []
    assert has_note(notes, "submitted/alice/hw1/", "not an assignment")
    assert has_note(notes, "no student folder holds a folder named like an assignment")


def test_nbgrader_other_course_assignment_when_asked_for(tmp_path: Path) -> None:
    write(tmp_path / "submitted" / "alice" / "attention" / "attention.py")
    found, notes = find_submissions(tmp_path, ["attention"])
    assert triples(found, tmp_path) == [("attention", "alice", "submitted/alice/attention")]
    assert notes == []


# --- flat -----------------------------------------------------------------------------------------------


def flat_class(root: Path) -> None:
    write(root / "alice.ipynb")
    write(root / "bob.py")
    write(root / "carol" / "encoding.py")
    write(root / "dave.py")
    write(root / "dave.ipynb")


def test_flat_files_and_student_folders(tmp_path: Path) -> None:
    flat_class(tmp_path)
    assert detect_layout(tmp_path, ["encoding"]) == "flat"
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert triples(found, tmp_path) == [
        ("encoding", "alice", "alice.ipynb"),
        ("encoding", "bob", "bob.py"),
        ("encoding", "carol", "carol"),
        ("encoding", "dave", "dave.py"),
    ]
    assert notes == [
        "dave has both dave.py and dave.ipynb; dave.py was taken (the module, as for a submission folder "
        "holding both)"
    ]
    assert find_submissions(tmp_path, ["encoding"], layout="flat") == (found, notes)


def test_flat_paths_load(tmp_path: Path) -> None:
    flat_class(tmp_path)
    found, _ = find_submissions(tmp_path, ["encoding"])
    kinds = {s.student: load_submission(s.path, s.assignment).kind for s in found}
    assert kinds == {"alice": "notebook", "bob": "module", "carol": "module", "dave": "module"}


def test_flat_notes_for_skipped_things(tmp_path: Path) -> None:
    flat_class(tmp_path)
    write(tmp_path / "README.md", "# grades\n")
    write(tmp_path / "erin" / "Encoding (1).ipynb")  # misnamed: kept, the loader's report asks to rename
    write(tmp_path / "frank" / "notes.txt", "todo")  # no code at all
    (tmp_path / "gina").mkdir()  # empty
    write(tmp_path / ".grades.csv", "")
    write(tmp_path / ".ipynb_checkpoints" / "alice-checkpoint.ipynb")
    write(tmp_path / "encoding.py")  # one student's file, not a class
    write(tmp_path / "back\\slash.py")
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert [s.student for s in found] == ["alice", "bob", "carol", "dave", "erin"]
    assert has_note(notes, "README.md", "neither a .py or .ipynb file nor a student folder")
    assert has_note(notes, "erin/", "found: Encoding (1).ipynb", "renamed")
    assert has_note(notes, "frank/", "no other code")
    assert has_note(notes, "gina/", "empty folder")
    assert has_note(notes, ".grades.csv", "hidden")
    assert has_note(notes, "encoding.py", "named like the assignment")
    assert has_note(notes, "back\\\\slash", "not a usable student id")
    assert not has_note(notes, "checkpoint")
    with pytest.raises(SubmissionNotFound, match="rename"):
        load_submission(tmp_path / "erin", "encoding")


def test_flat_student_with_file_and_folder_keeps_one_with_a_note(tmp_path: Path) -> None:
    write(tmp_path / "alice.py")
    write(tmp_path / "alice" / "encoding.ipynb")
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert triples(found, tmp_path) == [("encoding", "alice", "alice")]
    assert notes == ["alice has more than one encoding submission: alice was taken, alice.py skipped"]


@pytest.mark.parametrize("layout", ["auto", "flat"])
@pytest.mark.parametrize("assignments", [None, [], ["encoding", "cells"]])
def test_flat_needs_exactly_one_assignment(
    tmp_path: Path, layout: str, assignments: list[str] | None
) -> None:
    flat_class(tmp_path)
    with pytest.raises(ConfigError, match="give exactly one") as error:
        find_submissions(tmp_path, assignments, layout=layout)
    assert "flat folder" in str(error.value)
    assert ("got none" if not assignments else "got 2: encoding, cells") in str(error.value)


def test_repeated_assignment_counts_once(tmp_path: Path) -> None:
    flat_class(tmp_path)
    found, _ = find_submissions(tmp_path, ["encoding", "encoding"])
    assert len(found) == 4


# --- Gradescope -----------------------------------------------------------------------------------------

METADATA = """\
submission_100000001:
  :submitters:
  - :name: Alice Liddell
    :sid: '1001'
    :email: alice@example.edu
  :created_at: 2024-02-01 10:00:00.123456789 -08:00
  :score: 9.5
  :status: processed
  :results: {}
  :history:
  - :id: 99999999
    :created_at: 2024-01-31 09:00:00.000000000 -08:00
    :score: 4.0
submission_100000002:
  :submitters:
  - :name: Pair One
    :sid: '2001'
    :email: one@example.edu
  - :name: Pair Two
    :sid:
    :email: two@example.edu
  :created_at: 2024-02-01 11:00:00.000000000 -08:00
  :score:
  :status: processed
submission_100000003:
  :submitters:
  - :name: Nested Ned
    :sid: 3001
submission_100000004:
  :submitters:
  - :name: Only A Name
    :sid: ''
    :email:
"""


def gradescope_export(root: Path) -> None:
    write(root / "submission_metadata.yml", METADATA)
    write(root / "submission_100000001" / "encoding.ipynb")
    write(root / "submission_100000002" / "encoding.py")
    write(root / "submission_100000003" / "hw1-main" / "encoding.py")  # an uploaded repository
    write(root / "submission_100000003" / "hw1-main" / "README.md", "# hw1\n")
    write(root / "submission_100000003" / "__MACOSX" / "hw1-main" / "._encoding.py", "")
    write(root / "submission_100000004" / "encoding.ipynb")


@needs_yaml
def test_gradescope_export_ids_groups_and_nested_uploads(tmp_path: Path) -> None:
    gradescope_export(tmp_path)
    assert detect_layout(tmp_path) == "gradescope"
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert triples(found, tmp_path) == [
        ("encoding", "1001", "submission_100000001"),
        ("encoding", "2001+two@example.edu", "submission_100000002"),
        ("encoding", "3001", "submission_100000003/hw1-main"),
        ("encoding", "Only A Name", "submission_100000004"),
    ]
    assert notes == []
    assert [load_submission(s.path, s.assignment).kind for s in found] == [
        "notebook",
        "module",
        "module",
        "notebook",
    ]
    assert find_submissions(tmp_path, "encoding", layout="gradescope") == (found, notes)


@needs_yaml
def test_gradescope_unzipped_export_in_its_own_folder(tmp_path: Path) -> None:
    gradescope_export(tmp_path / "assignment_4242_export")
    assert detect_layout(tmp_path) == "gradescope"
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert [s.path.relative_to(tmp_path).parts[0] for s in found] == ["assignment_4242_export"] * 4
    assert [s.student for s in found] == ["1001", "2001+two@example.edu", "3001", "Only A Name"]


@needs_yaml
def test_gradescope_notes_for_skipped_things(tmp_path: Path) -> None:
    gradescope_export(tmp_path)
    extra = """\
submission_100000005:
  :submitters:
  - :name: Gone Away
    :sid: '5001'
submission_100000006:
  :submitters:
  - :name: Empty Handed
    :sid: '6001'
submission_100000007:
  :submitters:
  - :sid: ../../etc
submission_100000008:
  :submitters: []
submission_100000009:
  :submitters:
  - :name: Two Copies
    :sid: '9001'
  :score: 1.0
submission_100000010:
  :submitters:
  - :name: Twice
    :sid: '9001'
"""
    write(tmp_path / "submission_metadata.yml", METADATA + extra)
    (tmp_path / "submission_100000006").mkdir()
    write(tmp_path / "submission_100000007" / "encoding.py")
    write(tmp_path / "submission_100000008" / "encoding.py")
    write(tmp_path / "submission_100000009" / "encoding.py")
    write(tmp_path / "submission_100000010" / "encoding.py")
    write(tmp_path / "submission_999" / "encoding.py")  # not in the metadata
    write(tmp_path / ".DS_Store", "")
    write(tmp_path / ".cache" / "x", "")
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert [s.student for s in found] == [
        "1001",
        "2001+two@example.edu",
        "3001",
        "9001",
        "Only A Name",
        "submission_100000008",
    ]
    assert dict((s.student, s.path.name) for s in found)["9001"] == "submission_100000009"
    assert has_note(notes, "submission_100000005", "not in the export")
    assert has_note(notes, "submission_100000006/", "6001", "empty submission folder")
    assert has_note(notes, "submission_100000007/", "'../../etc'", "not a usable student id")
    assert has_note(notes, "submission_100000008/", "no submitter", "its name is the student id")
    assert has_note(notes, "9001 has more than one encoding submission", "submission_100000010 skipped")
    assert has_note(notes, "submission_999", "not listed in submission_metadata.yml")
    assert has_note(notes, ".cache", "hidden")
    assert not has_note(notes, ".DS_Store")


@needs_yaml
def test_gradescope_submission_without_the_file_is_kept_with_a_note(tmp_path: Path) -> None:
    write(
        tmp_path / "submission_metadata.yml",
        "submission_1:\n  :submitters:\n  - :sid: '11'\nsubmission_2:\n  :submitters:\n  - :sid: '22'\n",
    )
    write(tmp_path / "submission_1" / "Encoding.ipynb")
    write(tmp_path / "submission_2" / "a" / "encoding.py")
    write(tmp_path / "submission_2" / "b" / "encoding.ipynb")
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert triples(found, tmp_path) == [
        ("encoding", "11", "submission_1"),
        ("encoding", "22", "submission_2/a"),
    ]
    assert has_note(notes, "submission_1/", "nor one folder down", "report says what is missing")
    assert has_note(notes, "submission_2/", "several folders", "submission_2/a was taken", "submission_2/b")


@needs_yaml
@pytest.mark.parametrize("assignments", [None, ["encoding", "bptt"]])
def test_gradescope_needs_exactly_one_assignment(tmp_path: Path, assignments: list[str] | None) -> None:
    gradescope_export(tmp_path)
    with pytest.raises(ConfigError, match="Gradescope export.*give exactly one"):
        find_submissions(tmp_path, assignments)


@needs_yaml
@pytest.mark.parametrize(
    ("text", "match"),
    [("submission_1: [unclosed\n", "not valid YAML"), ("- a\n- b\n", "not a mapping")],
)
def test_gradescope_bad_metadata(tmp_path: Path, text: str, match: str) -> None:
    write(tmp_path / "submission_metadata.yml", text)
    with pytest.raises(SubmissionNotFound, match=match):
        find_submissions(tmp_path, ["encoding"])


@needs_yaml
def test_gradescope_metadata_is_never_constructed_as_python_objects(tmp_path: Path) -> None:
    write(tmp_path / "submission_metadata.yml", "submission_1: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(SubmissionNotFound, match="not valid YAML"):
        find_submissions(tmp_path, ["encoding"])


def test_gradescope_layout_without_metadata(tmp_path: Path) -> None:
    flat_class(tmp_path)
    with pytest.raises(SubmissionNotFound, match="no submission_metadata.yml"):
        find_submissions(tmp_path, ["encoding"], layout="gradescope")


# --- symbolic links -------------------------------------------------------------------------------------


def test_symlinked_student_folders_and_files_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "encoding" / "encoding.py")
    write(outside / "encoding.py")
    submitted = tmp_path / "class" / "submitted"
    nbgrader_class(submitted)
    os.symlink(outside, submitted / "mallory")
    os.symlink(outside / "encoding", submitted / "bob" / "cells")
    found, notes = find_submissions(submitted)
    assert [s.student for s in found] == ["alice", "alice", "bob"]
    assert has_note(notes, "mallory", "symbolic link")
    assert has_note(notes, "bob/cells", "symbolic link")

    flat = tmp_path / "flat"
    flat_class(flat)
    os.symlink(outside, flat / "mallory")
    os.symlink(outside / "encoding.py", flat / "trudy.py")
    found, notes = find_submissions(flat, ["encoding"])
    assert [s.student for s in found] == ["alice", "bob", "carol", "dave"]
    assert has_note(notes, "mallory", "symbolic link") and has_note(notes, "trudy.py", "symbolic link")


@needs_yaml
def test_symlinked_gradescope_submission_and_nested_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "encoding.py")
    export = tmp_path / "export"
    write(
        export / "submission_metadata.yml",
        "submission_1:\n  :submitters:\n  - :sid: '11'\nsubmission_2:\n  :submitters:\n  - :sid: '22'\n",
    )
    os.symlink(outside, export / "submission_1")
    write(export / "submission_2" / "README.md", "# mine\n")
    os.symlink(outside, export / "submission_2" / "linked")
    found, notes = find_submissions(export, ["encoding"])
    assert triples(found, export) == [("encoding", "22", "submission_2")]  # not submission_2/linked
    assert has_note(notes, "submission_1", "symbolic link")
    assert not has_note(notes, "submission_1", "not in the export")


def test_symlinked_submitted_folder_is_not_taken(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    nbgrader_class(outside)
    course = tmp_path / "course"
    course.mkdir()
    os.symlink(outside, course / "submitted")
    found, notes = find_submissions(course, layout="nbgrader")
    assert found == []
    assert has_note(notes, "submitted", "symbolic link")


# --- determinism, detection and errors ------------------------------------------------------------------


def test_order_is_deterministic_whatever_the_creation_order(tmp_path: Path) -> None:
    names = ["zed", "amy", "Mia", "bob", "al", "0x", "ünal"]
    first, second = tmp_path / "first", tmp_path / "second"
    for name in names:
        write(first / name / "cnn" / "cnn.py")
        write(first / name / "bptt" / "bptt.py")
    for name in reversed(names):
        write(second / name / "bptt" / "bptt.py")
        write(second / name / "cnn" / "cnn.py")
    found_first, notes_first = find_submissions(first)
    found_second, notes_second = find_submissions(second)
    expected = [(a, s) for a in ("bptt", "cnn") for s in sorted(names)]
    assert [(s.assignment, s.student) for s in found_first] == expected
    assert triples(found_first, first) == triples(found_second, second)
    assert notes_first == notes_second == []
    assert find_submissions(first) == (found_first, notes_first)


def test_errors_for_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(SubmissionNotFound, match="does not exist"):
        find_submissions(tmp_path / "nowhere", ["encoding"])
    write(tmp_path / "file.py")
    with pytest.raises(SubmissionNotFound, match="not a folder"):
        find_submissions(tmp_path / "file.py", ["encoding"])
    with pytest.raises(ConfigError, match="layout must be one of"):
        find_submissions(tmp_path, ["encoding"], layout="canvas")
    for bad in ("../encoding", "", ".hidden", "a\\b"):
        with pytest.raises(ConfigError, match="not an assignment id"):
            find_submissions(tmp_path, [bad])
    assert issubclass(ConfigError, SeqlabError) and issubclass(SubmissionNotFound, SeqlabError)


def test_empty_folder(tmp_path: Path) -> None:
    assert find_submissions(tmp_path, ["encoding"]) == ([], [])
    assert find_submissions(tmp_path, layout="nbgrader") == ([], [])
    with pytest.raises(ConfigError, match="flat folder"):  # nothing says nbgrader: read as flat
        find_submissions(tmp_path)


def test_unsafe_nbgrader_student_ids_are_skipped(tmp_path: Path) -> None:
    nbgrader_class(tmp_path)
    write(tmp_path / "eve\\il" / "encoding" / "encoding.py")
    found, notes = find_submissions(tmp_path, ["encoding"])
    assert [s.student for s in found] == ["alice", "bob"]
    assert has_note(notes, "eve\\\\il", "not a usable student id")


# -- submission times (for hint deadlines) -----------------------------------------------------------------


def test_nbgrader_timestamps_are_the_submission_times(tmp_path: Path) -> None:
    submitted = tmp_path / "submitted"
    nbgrader_class(submitted)
    write(submitted / "carol" / "encoding" / "encoding.py")
    write(submitted / "carol" / "encoding" / "timestamp.txt", "2026-12-14 22:59:00.123456 UTC\n")
    write(submitted / "dave" / "encoding" / "encoding.py")
    write(submitted / "dave" / "encoding" / "timestamp.txt", "last tuesday\n")
    found, notes = find_submissions(submitted, ["encoding"])
    times = {s.student: s.submitted_at for s in found}
    assert times == {
        "alice": datetime(2024, 1, 1, 10, tzinfo=UTC),  # nbgrader's naive times are UTC
        "bob": None,  # no timestamp.txt: the grading time decides
        "carol": datetime(2026, 12, 14, 22, 59, 0, 123456, tzinfo=UTC),
        "dave": None,
    }
    assert has_note(notes, "dave/encoding/timestamp.txt", "not a time")
    assert found[0] == ClassSubmission("alice", "encoding", found[0].path)  # the time is not in the key


@needs_yaml
def test_gradescope_created_at_is_the_submission_time(tmp_path: Path) -> None:
    gradescope_export(tmp_path)
    found, _ = find_submissions(tmp_path, ["encoding"])
    pacific = timezone(timedelta(hours=-8))
    assert [s.submitted_at for s in found] == [
        datetime(2024, 2, 1, 10, 0, 0, 123456, tzinfo=pacific),  # the latest submission, not its history
        datetime(2024, 2, 1, 11, tzinfo=pacific),
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-14T23:59:00+01:00", datetime(2026, 12, 14, 22, 59, tzinfo=UTC)),
        ("2026-12-14 22:59:00Z", datetime(2026, 12, 14, 22, 59, tzinfo=UTC)),
        (datetime(2026, 12, 14, 22, 59), datetime(2026, 12, 14, 22, 59, tzinfo=UTC)),
        ("", None),
        (42, None),
    ],
)
def test_submission_time_values(value, expected) -> None:
    assert submission_time(value) == expected
