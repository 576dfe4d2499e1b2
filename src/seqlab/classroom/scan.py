"""What a search for a class's submissions finds, and how it looks: :class:`ClassSubmission`, and
:class:`Scan`, the listings that skip hidden entries, noise and links and keep a note of each skip."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seqlab.text_safety import clean, printable

__all__ = [
    "CODE_SUFFIXES",
    "NOISE",
    "ClassSubmission",
    "Scan",
    "holds_assignment",
    "real_dir",
    "real_file",
    "submission_time",
    "unsafe_id",
]

CODE_SUFFIXES = (".py", ".ipynb")
#: Skipped without a note: tool droppings, not something a student or instructor put there.
NOISE = frozenset({"__pycache__", ".ipynb_checkpoints", "__MACOSX", ".DS_Store"})


@functools.total_ordering
@dataclass(frozen=True)
class ClassSubmission:
    """One student's (or group's) submission of one assignment; ordered by (assignment, student).

    Attributes:
        student: the student id, safe as a file name (no ``/`` or ``\\``, not ``.`` or ``..``).
        assignment: the assignment id.
        path: the folder or file to give :func:`seqlab.grading.loader.load_submission`.
        submitted_at: when it was submitted (time-zone aware), where the layout records it: nbgrader's
            ``timestamp.txt``, Gradescope's ``:created_at``; None otherwise. Not part of the ordering.
    """

    student: str
    assignment: str
    path: Path
    submitted_at: datetime | None = field(default=None, compare=False)

    def _key(self) -> tuple[str, str, Path]:
        return (self.assignment, self.student, self.path)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ClassSubmission):
            return NotImplemented
        return self._key() < other._key()

    @property
    def key(self) -> tuple[str, str]:
        """``(student, assignment)``, the gradebook's key for the latest grade."""
        return self.student, self.assignment


def unsafe_id(student: str) -> bool:
    """Whether ``student`` cannot be an id: empty, ``.``/``..``, a path separator, or not :func:`printable`
    (a control character, a tab or line break, a lone surrogate: no database or CSV cell holds it as is)."""
    return not student or student in (".", "..") or any(c in student for c in "/\\") or not printable(student)


class Scan:
    """The notes of one search, and folder listings that skip hidden entries and never follow links."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes: list[str] = []

    def rel(self, path: Path) -> str:
        try:
            text = path.relative_to(self.root).as_posix()
        except ValueError:
            text = str(path)
        return text if text != "." else str(self.root)

    def note(self, message: str) -> None:
        """Keep a note; file names in it are :func:`clean`-ed (an escape sequence in a name must not reach
        the operator's terminal, a lone surrogate must not break printing it)."""
        self.notes.append(clean(message))

    def entries(self, folder: Path, quiet: bool = False) -> list[Path]:
        """The entries of ``folder`` by name, less noise, hidden ones and links (noted unless ``quiet``)."""
        try:
            with os.scandir(folder) as listing:
                found = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            self.note(f"{self.rel(folder)}: cannot be listed ({exc.strerror}); skipped")
            return []
        kept: list[Path] = []
        for entry in found:
            path = folder / entry.name
            if entry.name in NOISE:
                continue
            if entry.name.startswith("."):
                if not quiet:
                    self.note(f"{self.rel(path)}: hidden, skipped")
            elif entry.is_symlink():
                if not quiet:
                    self.note(f"{self.rel(path)}: a symbolic link, not followed; skipped")
            else:
                kept.append(path)
        return kept


def real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def real_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def holds_assignment(folder: Path, assignment: str) -> bool:
    """Whether ``folder`` holds ``<assignment>.py`` or ``<assignment>.ipynb``."""
    return any((folder / f"{assignment}{suffix}").is_file() for suffix in CODE_SUFFIXES)


def submission_time(value: Any) -> datetime | None:
    """A recorded submission time as an aware datetime: a datetime (naive ones are UTC) or text such as
    nbgrader's ``2026-12-14 22:59:00.123456 UTC`` or ISO 8601; None when it is neither."""
    if isinstance(value, str):
        text = value.strip()
        for zone in (" UTC", " GMT", "Z"):
            if text.endswith(zone):
                text = text.removesuffix(zone) + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
