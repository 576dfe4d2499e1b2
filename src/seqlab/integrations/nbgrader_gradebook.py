"""An nbgrader course as nbgrader's own configuration and API see it: its folders and gradebook
(:func:`open_course`), and the submitted notebooks whose autograder test cells are seqlab's, with what
the gradebook holds for each cell (:func:`submitted_notebooks`). Read with nbgrader's API, never by hand."""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from seqlab.errors import ReconcileError

__all__ = [
    "AutograderCell",
    "NbgraderCourse",
    "SubmittedNotebook",
    "hidden_tests_call",
    "open_course",
    "submitted_notebooks",
]


@dataclass(frozen=True)
class NbgraderCourse:
    """An nbgrader course as its configuration describes it.

    Attributes:
        root: the course directory (``CourseDirectory.root``).
        db_url: the gradebook's SQLAlchemy URL (``CourseDirectory.db_url``).
        course_id: ``CourseDirectory.course_id``, which nbgrader's apps open the gradebook with.
        submitted: ``CourseDirectory.submitted_directory``.
        directory_structure: ``CourseDirectory.directory_structure``.
    """

    root: Path
    db_url: str
    course_id: str = ""
    submitted: str = "submitted"
    directory_structure: str = os.path.join("{nbgrader_step}", "{student_id}", "{assignment_id}")

    def submitted_notebook(self, student: str, assignment: str, notebook: str) -> Path:
        """The notebook as the student submitted it (what ``nbgrader autograde`` started from)."""
        folder = self.directory_structure.format(
            nbgrader_step=self.submitted, student_id=student, assignment_id=assignment
        )
        return self.root / folder / f"{notebook}.ipynb"

    def gradebook(self):  # -> nbgrader.api.Gradebook
        """nbgrader's gradebook; it must exist (nbgrader's API would create an empty one)."""
        from nbgrader.api import Gradebook

        if self.db_url.startswith("sqlite:///"):
            path = Path(self.db_url.removeprefix("sqlite:///"))
            if not path.is_file():
                raise ReconcileError(f"no nbgrader gradebook at {path}: run nbgrader autograde first")
        return Gradebook(self.db_url, self.course_id)


def open_course(course_dir: str | os.PathLike[str] = ".", db_url: str | None = None) -> NbgraderCourse:
    """The course in ``course_dir`` with the settings its ``nbgrader_config.py`` gives nbgrader
    (``CourseDirectory.root``, ``db_url``, ``course_id``, ``submitted_directory``, ``directory_structure``);
    ``db_url`` overrides the configured database, as nbgrader's ``--db`` does."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    folder = Path(course_dir).resolve()
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    except ConfigFileNotFound:
        config = Config()
    except Exception as exc:  # the course's own file: any error in it is the course's
        raise ReconcileError(f"cannot read {folder / 'nbgrader_config.py'}: {exc}") from exc
    settings = config.get("CourseDirectory", Config())
    if "root" not in settings:
        config.CourseDirectory.root = str(folder)
    if db_url:
        config.CourseDirectory.db_url = db_url
    directory = CourseDirectory(config=config)
    return NbgraderCourse(
        root=Path(directory.root),
        db_url=directory.db_url,
        course_id=directory.course_id,
        submitted=directory.submitted_directory,
        directory_structure=directory.directory_structure,
    )


@dataclass(frozen=True)
class AutograderCell:
    """One autograder test cell of a submitted notebook and what the gradebook holds for it."""

    name: str  # the grade cell, tests_<function>
    assignment: str  # the seqlab assignment its hidden_tests call names
    function: str
    max_score: float
    auto_score: float | None
    manual_score: float | None

    @property
    def counted(self) -> float | None:
        """The points nbgrader counts (manual before auto, as ``Grade.score``; extra credit aside)."""
        return self.manual_score if self.manual_score is not None else self.auto_score


@dataclass(frozen=True)
class SubmittedNotebook:
    """A submitted notebook of the gradebook: the work of one reconciliation step."""

    student: str
    assignment: str  # nbgrader's assignment
    notebook: str
    path: Path
    cells: tuple[AutograderCell, ...]
    solution_cells: tuple[str, ...]  # grade ids of its solution cells (where comments go)


def hidden_tests_call(source: str) -> tuple[str, str] | None:
    """``(assignment, function)`` of the ``hidden_tests("<assignment>", "<function>")`` call in a test
    cell's source (the instructor's, as nbgrader keeps it), or ``None`` when the cell is not seqlab's."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics in an instructor's cell: not one of seqlab's
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) != 2:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        values = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name == "hidden_tests" and len(values) == 2:
            return values[0], values[1]
    return None


def submitted_notebooks(
    course: NbgraderCourse, assignments: Sequence[str], students: Sequence[str]
) -> list[SubmittedNotebook]:
    """Read what the gradebook holds for the submissions, as plain data (the database is not kept open
    while grading, so nbgrader commands can write to it meanwhile)."""
    from nbgrader.api import MissingEntry

    work = []
    with course.gradebook() as gradebook:
        known = sorted(a.name for a in gradebook.assignments)
        for name in assignments:
            if name not in known:
                raise ReconcileError(f"the gradebook has no assignment {name!r} (it has: {', '.join(known)})")
        for student in students:
            try:
                gradebook.find_student(student)
            except MissingEntry:
                raise ReconcileError(f"the gradebook has no student {student!r}") from None
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            if not assignments or assignment.name in assignments:
                work += _assignment_work(course, assignment, students)
    return work


def _assignment_work(course: NbgraderCourse, assignment, students: Sequence[str]) -> list[SubmittedNotebook]:
    """The submitted notebooks of one of the gradebook's assignments that have seqlab test cells."""
    calls = {}  # (notebook, grade cell) -> (assignment, function), from the instructor's cell source
    for notebook in assignment.notebooks:
        for cell in notebook.source_cells:
            call = hidden_tests_call(cell.source or "")
            if call is not None:
                calls[notebook.name, cell.name] = call
    work = []
    for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
        student = submission.student.id
        if students and student not in students:
            continue
        for notebook in sorted(submission.notebooks, key=lambda n: n.name):
            cells = tuple(
                AutograderCell(
                    name=g.name,
                    assignment=calls[notebook.name, g.name][0],
                    function=calls[notebook.name, g.name][1],
                    max_score=float(g.max_score),
                    auto_score=g.auto_score,
                    manual_score=g.manual_score,
                )
                for g in sorted(notebook.grades, key=lambda g: g.name)
                if (notebook.name, g.name) in calls
            )
            if cells:
                path = course.submitted_notebook(student, assignment.name, notebook.name)
                comments = tuple(sorted(c.name for c in notebook.comments))
                work.append(SubmittedNotebook(student, assignment.name, notebook.name, path, cells, comments))
    return work
