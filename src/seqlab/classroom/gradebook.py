"""A resumable class gradebook: every grade stored under a key that says exactly what was graded, and how.

A grade is stored under the key ``(student, assignment, content_hash, grader_version)`` (see
:mod:`seqlab.classroom.fingerprint`): a student who changes anything is graded again, one who changes
nothing is not, and changing the hidden suite (or an option that can change a verdict) regrades everyone.

A rerun of a class grading therefore looks each submission up (:meth:`Gradebook.lookup`) and grades only
what is missing; each grade is committed as soon as it is recorded (:meth:`Gradebook.record`), so a crash
or Ctrl-C loses at most the submission being graded. Reports are built from the newest grade of each
student and assignment (:meth:`Gradebook.latest`): a CSV sheet (:meth:`Gradebook.export_csv`) and one
feedback file per student (:meth:`Gradebook.write_feedback`).

The store is one table, ``seqlab_grades``, over SQLAlchemy Core, so any SQLAlchemy URL works; the default
is an SQLite file (:func:`default_url`), opened in WAL mode with a busy timeout so that a reader (a report)
and the one writer (the grading run) do not collide.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from seqlab.model import GradeResult
from seqlab.reports import WRITERS
from seqlab.text_safety import csv_row, safe_file_stem

if TYPE_CHECKING:
    pass

__all__ = [
    "DEFAULT_FILENAME",
    "Gradebook",
    "GradebookRow",
    "default_url",
    "safe_name",
]

#: The gradebook file the CLI keeps in a class folder by default (see :func:`default_url`).
DEFAULT_FILENAME = "seqlab-gradebook.db"

#: SQLite waits this long (milliseconds) for a lock held by another connection before failing.
BUSY_TIMEOUT_MS = 30_000


def default_url(folder: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of the default gradebook of a class folder: ``sqlite:///<folder>/seqlab-gradebook.db``."""
    return f"sqlite:///{Path(folder).resolve() / DEFAULT_FILENAME}"


# -------------------------------------------------------------------------------------------------- store

_metadata = sa.MetaData()

grades_table = sa.Table(
    "seqlab_grades",
    _metadata,
    sa.Column("student", sa.String(255), primary_key=True),
    sa.Column("assignment", sa.String(255), primary_key=True),
    sa.Column("content_hash", sa.String(64), primary_key=True),
    sa.Column("grader_version", sa.String(64), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("report", sa.Text, nullable=False),
    sa.Column("graded_at", sa.String(40), nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class GradebookRow:
    """One stored grade: the columns of ``seqlab_grades`` with the report parsed back into ``result``."""

    student: str
    assignment: str
    content_hash: str
    grader_version: str
    score: float
    max_score: float
    graded_at: str
    seconds: float
    result: GradeResult


def _utc_iso(moment: datetime | None) -> str:
    """ISO-8601 UTC with microseconds, so that the strings sort as the moments do."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(report: str) -> GradeResult:
    return GradeResult.from_dict(json.loads(report))


#: The name this module gave :func:`~seqlab.text_safety.safe_file_stem` before it moved there.
safe_name = safe_file_stem


class Gradebook:
    """Grades of a class, stored under ``(student, assignment, content_hash, grader_version)``.

    ``Gradebook(url)`` opens (and creates, with its table, if missing) the store at any SQLAlchemy URL,
    e.g. ``sqlite:///class/seqlab-gradebook.db`` (see :func:`default_url`). Use it as a context manager, or
    call :meth:`close`. Every :meth:`record` is committed at once.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = sa.make_url(url)
        self._sqlite = parsed.get_backend_name() == "sqlite"
        if self._sqlite and parsed.database not in (None, "", ":memory:") and "mode=memory" not in url:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(url)
        if self._sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        _metadata.create_all(self.engine, checkfirst=True)

    # ------------------------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Release every connection (the data is already committed)."""
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Gradebook({self.engine.url.render_as_string(hide_password=True)!r})"

    # ---------------------------------------------------------------------------------------- read, write

    def lookup(
        self, student: str, assignment: str, content_hash: str, grader_version: str
    ) -> GradeResult | None:
        """The grade stored under exactly this key, or ``None``: a submission that still needs grading."""
        table = grades_table
        query = sa.select(table.c.report).where(
            table.c.student == student,
            table.c.assignment == assignment,
            table.c.content_hash == content_hash,
            table.c.grader_version == grader_version,
        )
        with self.engine.connect() as connection:
            report = connection.execute(query).scalar_one_or_none()
        return None if report is None else _parse(report)

    def record(
        self,
        student: str,
        assignment: str,
        content_hash: str,
        grader_version: str,
        result: GradeResult,
        seconds: float,
        *,
        graded_at: datetime | None = None,
    ) -> None:
        """Store ``result`` under the key, replacing any grade already stored there, and commit at once.

        ``seconds`` is how long the grading took; ``graded_at`` (default: now) is when it ended, stored as
        ISO-8601 UTC. The replaced row is deleted and the new one inserted in one transaction, so the new
        one counts as the most recently inserted for :meth:`latest`.
        """
        table = grades_table
        key = {
            "student": student,
            "assignment": assignment,
            "content_hash": content_hash,
            "grader_version": grader_version,
        }
        row = {
            **key,
            "score": float(result.score),
            "max_score": float(result.max_score),
            "report": json.dumps(result.to_dict(), sort_keys=True),
            "graded_at": _utc_iso(graded_at),
            "seconds": float(seconds),
        }
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(table).where(*(table.c[name] == value for name, value in key.items()))
            )
            connection.execute(sa.insert(table).values(**row))

    def _select(self, assignment: str | None, *columns: sa.ColumnElement[Any]) -> list[sa.Row[Any]]:
        """Rows oldest first: by ``graded_at``, then (SQLite) by insertion order."""
        table = grades_table
        order: list[sa.ColumnElement[Any]] = [table.c.graded_at]
        if self._sqlite:
            order.append(sa.literal_column("rowid"))
        query = sa.select(*columns).order_by(*order)
        if assignment is not None:
            query = query.where(table.c.assignment == assignment)
        with self.engine.connect() as connection:
            return list(connection.execute(query))

    def latest(self, assignment: str | None = None) -> dict[tuple[str, str], GradeResult]:
        """The newest grade of every ``(student, assignment)``, optionally of one assignment only.

        Newest is the latest ``graded_at``; between equal times, the row inserted last (SQLite). Grades
        made under an older grader version still count until the submission is graded again. Keys come in
        sorted order.
        """
        table = grades_table
        newest: dict[tuple[str, str], str] = {}
        for row in self._select(assignment, table.c.student, table.c.assignment, table.c.report):
            newest[(row.student, row.assignment)] = row.report
        return {key: _parse(newest[key]) for key in sorted(newest)}

    def rows(self, assignment: str | None = None) -> list[GradebookRow]:
        """Every stored grade (optionally of one assignment), sorted by student, assignment, then time."""
        table = grades_table
        found = [
            GradebookRow(
                student=row.student,
                assignment=row.assignment,
                content_hash=row.content_hash,
                grader_version=row.grader_version,
                score=row.score,
                max_score=row.max_score,
                graded_at=row.graded_at,
                seconds=row.seconds,
                result=_parse(row.report),
            )
            for row in self._select(assignment, *table.c)
        ]
        return sorted(found, key=lambda row: (row.student, row.assignment))  # stable: time order kept

    # ------------------------------------------------------------------------------------------- reports

    def export_csv(self, path: str | os.PathLike[str], assignments: Sequence[str] | None = None) -> Path:
        """Write the class sheet of the newest grades as CSV and return its path.

        One row per student known to the gradebook (sorted). Columns: ``student``; then for each assignment
        (in the order given, default sorted) ``<assignment>`` (its total score) followed by one
        ``<assignment>:<function>`` column per graded function (functions in the order they first appear);
        then ``total`` (the sum of the listed assignments). A cell is empty where the student has no grade
        for that assignment (or that function). Numbers are written with ``:g`` (``2``, ``2.5``); every text
        cell passes through :func:`seqlab.text_safety.csv_cell`, so a student id such as ``=HYPERLINK(...)``
        or ``+SUM(1,2)`` is written ``'=HYPERLINK(...)`` and no spreadsheet runs it as a formula.
        """
        latest = self.latest()
        students = sorted({student for student, _ in latest})
        chosen = list(assignments) if assignments is not None else sorted({a for _, a in latest})
        functions: dict[str, list[str]] = {assignment: [] for assignment in chosen}
        for (_, assignment), result in latest.items():
            if assignment in functions:
                for function in result.functions:
                    if function.name not in functions[assignment]:
                        functions[assignment].append(function.name)
        header = ["student"]
        for assignment in chosen:
            header += [assignment, *(f"{assignment}:{name}" for name in functions[assignment])]
        header.append("total")
        lines: list[list[str | float | None]] = [list(header)]
        for student in students:
            line: list[str | float | None] = [student]
            total = 0.0
            for assignment in chosen:
                result = latest.get((student, assignment))
                if result is None:
                    line += [None] * (1 + len(functions[assignment]))
                    continue
                total += result.score
                scores = {function.name: function.score for function in result.functions}
                line.append(result.score)
                line += [scores.get(name) for name in functions[assignment]]
            line.append(round(total, 6))
            lines.append(line)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(csv_row(line) for line in lines)
        return target

    def write_feedback(self, folder: str | os.PathLike[str], fmt: str = "markdown") -> list[Path]:
        """Write each newest grade as ``<folder>/<student>/<assignment><suffix>`` in report format ``fmt``.

        ``fmt`` is a key of :data:`seqlab.reports.WRITERS` (``markdown``, ``json``, ...) and the suffix is
        its writer's. Student and assignment names pass through :func:`~seqlab.text_safety.safe_file_stem`,
        so no name can write outside ``folder`` (each path is checked to lie inside it besides). Returns the
        written paths, sorted.

        Raises:
            ValueError: for an unknown format.
        """
        if fmt not in WRITERS:
            raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(sorted(WRITERS))}")
        writer = WRITERS[fmt]()
        root = Path(folder)
        inside = root.resolve()
        written: list[Path] = []
        for (student, assignment), result in self.latest().items():
            target = root / safe_file_stem(student) / f"{safe_file_stem(assignment)}{writer.suffix}"
            if target.resolve().parent.parent != inside:  # safe_file_stem rules it out; checked all the same
                raise ValueError(f"the feedback of {student!r} would be written outside {root}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(writer.render(result), encoding="utf-8")
            written.append(target)
        return sorted(written)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets a reader and the writer work at once; the busy timeout makes a locked write wait, not fail."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()
