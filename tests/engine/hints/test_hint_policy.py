"""seqlab.hints.policy and grading.hints_decision: instructors turn hints off per assignment and per deadline.

A small course is copied to a temporary folder (the real reference and hidden suite of one assignment) and
given a feedback.toml; nothing is graded here (the e2e suite grades with hints off).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from seqlab.classroom.fingerprint import grader_version
from seqlab.classroom.gradebook import Gradebook
from seqlab.classroom.run import plan_jobs
from seqlab.classroom.scan import ClassSubmission
from seqlab.course.layout import find_course_root
from seqlab.errors import CourseError
from seqlab.hints.policy import HintPolicy, hints_decision, parse_moment, read_hint_policy
from seqlab.options import GradeOptions

DEADLINE = datetime(2026, 12, 14, 23, 59, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course with the encoding assignment only (its reference and hidden suite, copied)."""
    root = find_course_root()
    for part in ("solutions", "grader"):
        shutil.copytree(root / part / "encoding", tmp_path / part / "encoding")
    return tmp_path


def write_policy(course: Path, text: str) -> None:
    (course / "grader" / "encoding" / "feedback.toml").write_text(text, encoding="utf-8")


def test_without_a_file_hints_are_given(course: Path) -> None:
    assert read_hint_policy(course / "grader" / "encoding") == HintPolicy()
    assert hints_decision("encoding", GradeOptions(course_root=course)) == (True, "")


def test_the_grading_switch_turns_hints_off_and_the_public_suite_gives_its_release_s(course: Path) -> None:
    given, reason = hints_decision("encoding", GradeOptions(course_root=course, hints=False))
    assert not given and "turned off for this grading" in reason
    write_policy(
        course, "hints = false\n"
    )  # the hidden suite's policy; the public hints ship with the release
    assert hints_decision("encoding", GradeOptions(course_root=course, suite="public")) == (True, "")
    off = GradeOptions(course_root=course, suite="public", hints=False)
    assert not hints_decision("encoding", off)[0]


def test_an_assignment_can_turn_hints_off(course: Path) -> None:
    write_policy(course, "hints = false\n")
    given, reason = hints_decision("encoding", GradeOptions(course_root=course))
    assert not given and reason == "hints are turned off for this assignment"


def test_hints_until_a_deadline(course: Path) -> None:
    write_policy(course, "hints_until = 2026-12-14T23:59:00+01:00\n")
    before = GradeOptions(course_root=course, submitted_at=DEADLINE - timedelta(seconds=1))
    at = GradeOptions(course_root=course, submitted_at=DEADLINE.astimezone(UTC))  # same moment, other zone
    assert hints_decision("encoding", before) == (True, "")
    given, reason = hints_decision("encoding", at)
    assert not given and "before 2026-12-14T23:59:00+01:00" in reason


def test_hints_from_a_moment(course: Path) -> None:
    write_policy(course, "hints_from = 2026-12-14T23:59:00+01:00\n")
    a_day_early = GradeOptions(course_root=course, submitted_at=DEADLINE - timedelta(days=1))
    assert not hints_decision("encoding", a_day_early)[0]
    assert hints_decision("encoding", GradeOptions(course_root=course, submitted_at=DEADLINE))[0]


def test_without_a_submission_time_the_grading_time_decides(course: Path) -> None:
    write_policy(course, "hints_until = 2000-01-01T00:00:00Z\n")
    assert not hints_decision("encoding", GradeOptions(course_root=course))[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hints = 'yes'\n", "must be true or false"),
        ("hint = false\n", "unknown setting"),
        ("hints_until = 2026-12-14T23:59:00\n", "with its time zone"),
        ("hints_until = 2026-12-14\n", "with its time zone"),
        ("hints = [\n", "not valid TOML"),
    ],
)
def test_a_bad_policy_file_is_a_course_error_naming_the_file(course: Path, text: str, message: str) -> None:
    write_policy(course, text)
    with pytest.raises(CourseError, match=message) as error:
        hints_decision("encoding", GradeOptions(course_root=course))
    assert "feedback.toml" in str(error.value)


def test_a_change_of_hints_regrades_a_class(course: Path) -> None:
    """The gradebook's grader version covers whether hints are given, so turning them off (or a deadline
    passing) does not keep reports that carry hints."""
    on = grader_version("encoding", GradeOptions(course_root=course))
    off = grader_version("encoding", GradeOptions(course_root=course, hints=False))
    assert on != off
    write_policy(course, "hints = false\n")
    assert grader_version("encoding", GradeOptions(course_root=course)) not in (on, off)


def test_submission_times_parse_with_or_without_a_zone() -> None:
    assert parse_moment("2026-12-14T23:59:00+01:00") == DEADLINE
    assert parse_moment("2026-12-14T22:59:00Z") == DEADLINE
    assert parse_moment("2026-12-14T22:59:00") == DEADLINE  # no zone: UTC
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_moment("next tuesday")


def test_a_class_run_decides_hints_by_each_submissions_own_time(course: Path, tmp_path: Path) -> None:
    """Before and after a hint deadline: two grader versions, and each job carries its submission's time
    (the run's --submitted-at only fills in for a submission without one)."""
    write_policy(course, "hints_until = 2026-12-14T23:59:00+01:00\n")
    folder = tmp_path / "work"
    (folder / "encoding.py").parent.mkdir()
    (folder / "encoding.py").write_text("x = 1\n")
    early, late = DEADLINE - timedelta(hours=1), DEADLINE + timedelta(hours=1)
    submissions = [
        ClassSubmission("ada", "encoding", folder, early),
        ClassSubmission("bob", "encoding", folder, late),
        ClassSubmission("cy", "encoding", folder),
    ]
    options = GradeOptions(course_root=course, submitted_at=early)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        pending, done = plan_jobs(submissions, options, gradebook)
    assert done == []
    jobs = {job.student: job for job in pending}
    assert [jobs[s].submitted_at for s in ("ada", "bob", "cy")] == [early, late, early]
    assert jobs["ada"].grader_version == jobs["cy"].grader_version != jobs["bob"].grader_version
    no_hints = GradeOptions(course_root=course, hints=False)
    assert jobs["bob"].grader_version == grader_version("encoding", no_hints)
    assert jobs["bob"].options(options).submitted_at == late
