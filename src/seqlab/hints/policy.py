"""Whether a grading names known mistakes: the instructor's switch per assignment and per deadline.

An assignment's hidden-suite folder may hold ``feedback.toml`` (it ships and versions with the suite)::

    hints = true                            # false: never name misconceptions for this assignment
    hints_until = 2026-12-14T23:59:00+01:00 # hints for work submitted before this deadline, none after
    hints_from = 2026-12-15T00:00:00+01:00  # hints only for work submitted at or after this moment

Dates are TOML offset date-times (a time zone is required). "Submitted" is the submission's own time when
the grader knows it (``seqlab grade --submitted-at``, Gradescope's submission metadata, nbgrader's
``timestamp.txt``), else the time of grading. ``seqlab grade --no-hints`` turns hints off whatever the file
says. Without the file, hints are given.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from seqlab.errors import CourseError

if TYPE_CHECKING:
    from seqlab.options import GradeOptions

__all__ = ["FEEDBACK_FILE", "HintPolicy", "hints_decision", "parse_moment", "read_hint_policy"]

FEEDBACK_FILE = "feedback.toml"
_KEYS = {"hints", "hints_until", "hints_from"}


@dataclass(frozen=True)
class HintPolicy:
    """When an assignment's failed tests may name a misconception."""

    enabled: bool = True
    until: datetime | None = None
    start: datetime | None = None

    def decide(self, submitted_at: datetime) -> tuple[bool, str]:
        """Whether work submitted at ``submitted_at`` (time-zone aware) gets hints, and why not."""
        if not self.enabled:
            return False, "hints are turned off for this assignment"
        if self.until is not None and submitted_at >= self.until:
            return False, f"hints are given only to work submitted before {self.until.isoformat()}"
        if self.start is not None and submitted_at < self.start:
            return False, f"hints are given only to work submitted from {self.start.isoformat()}"
        return True, ""


def _moment(path: Path, key: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise CourseError(
            f"{path}: {key} must be a date and time with its time zone, e.g. 2026-12-14T23:59:00+01:00 "
            f"(got {value!r})"
        )
    return value


def read_hint_policy(suite_dir: Path) -> HintPolicy:
    """The hint policy in ``suite_dir/feedback.toml`` (hints on when there is no file).

    Raises:
        CourseError: for a file that is not TOML, an unknown key, or a value of the wrong kind.
    """
    path = Path(suite_dir) / FEEDBACK_FILE
    if not path.is_file():
        return HintPolicy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise CourseError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {known}")
    enabled = data.get("hints", True)
    if not isinstance(enabled, bool):
        raise CourseError(f"{path}: hints must be true or false (got {enabled!r})")
    until = _moment(path, "hints_until", data["hints_until"]) if "hints_until" in data else None
    start = _moment(path, "hints_from", data["hints_from"]) if "hints_from" in data else None
    return HintPolicy(enabled, until, start)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time (``2026-12-14T23:59:00+01:00``, ``...Z``); without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date and time: {text!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def hints_decision(assignment_id: str, options: GradeOptions) -> tuple[bool, str]:
    """Whether this grading names misconceptions, and why not: ``--no-hints``, then the assignment's
    ``feedback.toml`` at the submission time (now when unknown). The public suite names what its release's
    hints file recognises (:mod:`seqlab.hints.public`)."""
    if not options.hints:
        return False, "hints were turned off for this grading"
    if options.suite != "hidden":  # the release's public hints, where it shipped them
        return True, ""
    from seqlab.course.layout import get_assignment

    suite_dir = get_assignment(assignment_id, options.course_root).suite_dir
    return read_hint_policy(suite_dir).decide(options.submitted_at or datetime.now(UTC))
