"""Reconcile nbgrader's gradebook with ``seqlab grade`` after ``nbgrader autograde``.

nbgrader runs a notebook's autograder test cells (:mod:`seqlab.integrations.nbgrader`) in the same kernel as
the student's solution cells, after them: a solution cell can replace ``hidden_tests``, ``subprocess``,
``json`` or IPython's display and make every test cell look passed, and nothing inside that kernel can be
trusted to notice. This step checks the gradebook from outside the kernel, with nbgrader's own API:

1. the course is nbgrader's: its ``nbgrader_config.py`` decides the folders and the database URL
   (``CourseDirectory.db_url``, by default ``sqlite:///<course>/gradebook.db``), as for any nbgrader command;
2. each submitted notebook of the gradebook (``submitted/<student>/<assignment>/<notebook>.ipynb``) is graded
   by :func:`seqlab.grading.pipeline.grade` in this process: the student's code runs in seqlab's isolated
   worker, the hidden suite and every comparison here, so nothing the notebook did in nbgrader's kernel
   counts;
3. each function's points go to the notebook's autograder test cell for it: the grade cell whose
   instructor source (kept by nbgrader in the gradebook) calls ``hidden_tests("<assignment>", "<function>")``,
   named ``tests_<function>`` by :mod:`seqlab.course.notebook`; other grade cells (written answers an
   instructor grades by hand) are left alone;
4. a cell disagrees when the points nbgrader counts for it (the manual score where one is set, else the
   auto score) differ from seqlab's, or when nbgrader recorded none;
5. with ``fix``, seqlab's points become the cell's manual score (nbgrader's ``Grade.score`` prefers it to
   the auto score, so the formgrader, ``nbgrader export`` and ``generate_feedback`` show them) and the
   solution cell holding the function gets a comment saying why. A second run finds nothing to correct.

A submission that cannot be checked (a grader fault, a missing notebook, cells whose maxima are not the
hidden suite's under these grading options) is reported and left untouched. A later ``nbgrader autograde``
rewrites auto scores only, so the corrections stay; run this step after every autograde.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from seqlab.course.layout import is_course_root
from seqlab.errors import GraderFault, SeqlabError
from seqlab.grading.pipeline import grade
from seqlab.integrations.nbgrader_gradebook import (
    AutograderCell,
    NbgraderCourse,
    SubmittedNotebook,
    submitted_notebooks,
)
from seqlab.model import GradeResult
from seqlab.options import GradeOptions
from seqlab.reports.base import points

__all__ = [
    "EXIT_CLEAN",
    "EXIT_DISAGREES",
    "EXIT_UNCHECKED",
    "Disagreement",
    "Reconciliation",
    "Unchecked",
    "reconcile",
]

EXIT_CLEAN = 0  # every checked cell agrees (after --fix: every disagreement was corrected)
EXIT_DISAGREES = 1  # disagreements are left in the gradebook
EXIT_UNCHECKED = 3  # no disagreement left, but a submission could not be checked (e.g. a grader fault)

#: Where a comment written by this step begins (one line per corrected cell; replaced on a later fix).
COMMENT_MARK = "seqlab reconcile:"
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Disagreement:
    """A test cell whose gradebook points are not ``seqlab grade``'s."""

    student: str
    assignment: str
    notebook: str
    cell: str
    gradebook: float | None  # None: nbgrader recorded no score
    seqlab: float
    max_score: float
    corrected: bool = False


@dataclass(frozen=True)
class Unchecked:
    """A submission that could not be checked, and why; the gradebook keeps what it had."""

    student: str
    assignment: str
    notebook: str
    reason: str


@dataclass
class Reconciliation:
    """What one run found (and corrected)."""

    checked: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    unchecked: list[Unchecked] = field(default_factory=list)
    isolation_inactive: bool = False  # some grading ran without every isolation layer (seqlab probe says why)

    @property
    def corrected(self) -> int:
        return sum(d.corrected for d in self.disagreements)

    @property
    def exit_status(self) -> int:
        if any(not d.corrected for d in self.disagreements):
            return EXIT_DISAGREES
        return EXIT_UNCHECKED if self.unchecked else EXIT_CLEAN

    def summary(self) -> str:
        line = (
            f"{self.checked} submissions checked, {len(self.disagreements)} cells disagree, "
            f"{self.corrected} corrected"
        )
        return line + (f", {len(self.unchecked)} could not be checked" if self.unchecked else "")

    def table(self) -> str:
        """Every disagreement, one row each (empty when there is none)."""
        if not self.disagreements:
            return ""
        header = ("student", "notebook", "cell", "gradebook", "seqlab", "max", "corrected")
        rows = [header] + [
            (
                d.student,
                f"{d.assignment}/{d.notebook}",
                d.cell,
                "none" if d.gradebook is None else points(d.gradebook),
                points(d.seqlab),
                points(d.max_score),
                "yes" if d.corrected else "no",
            )
            for d in self.disagreements
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = ["  ".join(t.ljust(w) for t, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]]) + "\n"


def _compare(
    work: SubmittedNotebook, results: dict[str, GradeResult]
) -> tuple[list[tuple[AutograderCell, float]], str | None]:
    """``([(cell, seqlab's points)] for the cells that disagree, None)``, or ``([], why)`` when the cells
    cannot be compared (a cell's maximum is not the hidden suite's: an older release, other options)."""
    disagree = []
    for cell in work.cells:
        functions = {f.name: f for f in results[cell.assignment].functions}
        if cell.function not in functions:
            return [], f"the hidden suite of {cell.assignment} has no tests for {cell.function} ({cell.name})"
        function = functions[cell.function]
        if abs(function.max_score - cell.max_score) > _TOLERANCE:
            return [], (
                f"{cell.name} is worth {points(cell.max_score)} points in the gradebook but seqlab grade "
                f"gives {cell.function} {points(function.max_score)}: grade with the options the test cells "
                "used (SEQLAB_GRADE_OPTIONS; default --gpu-policy award), or release the notebook again"
            )
        counted = cell.counted
        if counted is None or abs(counted - function.score) > _TOLERANCE:
            disagree.append((cell, float(function.score)))
    return disagree, None


def _comment_text(old: str | None, lines: dict[str, str]) -> str:
    """``old`` with this step's line for each corrected cell (replacing an earlier one for that cell)."""
    kept = [
        line
        for line in (old or "").splitlines()
        if not any(line.startswith(f"{COMMENT_MARK} {cell} ") for cell in lines)
    ]
    earlier = "\n".join(kept).strip()
    return "\n\n".join([earlier, *lines.values()] if earlier else lines.values())


def _why(cell: AutograderCell, seqlab: float) -> str:
    recorded = "no score" if cell.counted is None else f"{points(cell.counted)} points"
    return (
        f"{COMMENT_MARK} {cell.name} recorded {recorded} in the notebook's kernel; `seqlab grade` of the "
        f"submitted notebook, run outside that kernel, gives {cell.function} {points(seqlab)} of "
        f"{points(cell.max_score)}, which the gradebook now counts."
    )


def _correct(
    course: NbgraderCourse, work: SubmittedNotebook, disagree: list[tuple[AutograderCell, float]]
) -> None:
    """Write seqlab's points as the manual scores of the cells and explain them in comments."""
    from nbgrader.api import MissingEntry

    comments: dict[str, dict[str, str]] = {}  # solution cell -> {test cell: line}
    for cell, seqlab in disagree:
        holders = [name for name in work.solution_cells if cell.function in name.split("__")]
        if holders:
            comments.setdefault(holders[0], {})[cell.name] = _why(cell, seqlab)
    with course.gradebook() as gradebook:
        for cell, seqlab in disagree:
            grade_row = gradebook.find_grade(cell.name, work.notebook, work.assignment, work.student)
            grade_row.manual_score = seqlab
            grade_row.needs_manual_grade = False
        for solution, lines in comments.items():
            try:
                comment = gradebook.find_comment(solution, work.notebook, work.assignment, work.student)
            except MissingEntry:
                continue
            old = comment.manual_comment if comment.manual_comment is not None else comment.auto_comment
            comment.manual_comment = _comment_text(old, lines)
        gradebook.db.commit()


def _grade_submission(work: SubmittedNotebook, options: GradeOptions) -> dict[str, GradeResult]:
    return {name: grade(work.path, name, options) for name in sorted({c.assignment for c in work.cells})}


def reconcile(
    course: NbgraderCourse,
    options: GradeOptions,
    *,
    assignments: Sequence[str] = (),
    students: Sequence[str] = (),
    fix: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Reconciliation:
    """Check (and with ``fix`` correct) the gradebook's autograder test cells against ``seqlab grade``.

    ``assignments`` and ``students`` narrow the run (default: every submission in the gradebook);
    ``options`` are the grading options, the ones the notebooks' test cells use (``--gpu-policy award``
    unless ``SEQLAB_GRADE_OPTIONS`` said otherwise). ``progress`` receives one line per submission that
    could not be checked. Raises :class:`ReconcileError` when the gradebook cannot be read.
    """
    if options.course_root is None and is_course_root(course.root):
        options = replace(options, course_root=course.root)
    found = Reconciliation()
    for work in submitted_notebooks(course, assignments, students):
        problem = _check(course, work, options, fix, found)
        if problem is not None:
            found.unchecked.append(Unchecked(work.student, work.assignment, work.notebook, problem))
            if progress is not None:
                progress(f"{work.student} / {work.assignment}/{work.notebook}: not checked: {problem}")
    return found


def _check(
    course: NbgraderCourse, work: SubmittedNotebook, options: GradeOptions, fix: bool, found: Reconciliation
) -> str | None:
    """Reconcile one submitted notebook into ``found``; the reason when it could not be checked."""
    if not work.path.is_file():
        return f"the submitted notebook {work.path} is missing"
    try:
        results = _grade_submission(work, options)
    except GraderFault as exc:
        return f"grader fault, nothing was scored (not the student's doing): {exc}"
    except SeqlabError as exc:
        return f"seqlab could not grade it: {exc}"
    found.isolation_inactive |= any(
        r.extra.get("isolation", {}).get("inactive_because") for r in results.values()
    )
    disagree, problem = _compare(work, results)
    if problem is not None:
        return problem
    found.checked += 1
    if fix and disagree:
        _correct(course, work, disagree)
    found.disagreements += [
        Disagreement(
            work.student,
            work.assignment,
            work.notebook,
            cell.name,
            cell.counted,
            seqlab,
            cell.max_score,
            corrected=fix,
        )
        for cell, seqlab in disagree
    ]
    return None
