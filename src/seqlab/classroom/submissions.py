"""Find every submission of a class in a folder: nbgrader, flat folders and Gradescope exports.

:func:`find_submissions` lists ``(student, assignment, path)`` triples; each ``path`` is what
:func:`seqlab.grading.loader.load_submission` takes (a folder holding ``<assignment>.py`` or ``.ipynb``, or
that file itself). Nothing is read but folder listings and, for Gradescope, ``submission_metadata.yml``. Three
layouts:

**nbgrader** (the folder given is nbgrader's ``submitted/`` or the course root holding it)::

    submitted/
    ├── alice/
    │   ├── encoding/            one submission: (alice, encoding, submitted/alice/encoding)
    │   │   ├── encoding.ipynb
    │   │   └── timestamp.txt
    │   └── cells/               one submission: (alice, cells, submitted/alice/cells)
    └── bob/
        └── encoding/            one submission: (bob, encoding, submitted/bob/encoding)

**flat** (one assignment, which must be given)::

    class/
    ├── alice.ipynb              (alice, <assignment>, class/alice.ipynb)
    ├── bob.py                   (bob, ...); had bob.ipynb been there too, bob.py is taken (with a note)
    └── carol/                   (carol, ..., class/carol): a folder holding <assignment>.py or .ipynb
        └── encoding.py

**Gradescope** (the unzipped "Export Submissions" of one assignment, which must be given)::

    export/
    ├── submission_metadata.yml  submission_<id> -> {":submitters": [{":name", ":sid", ":email"}], ...}
    ├── submission_123456789/    (the submitter's sid, else email, else name; "sid1+sid2" for a group)
    │   └── encoding.ipynb
    └── submission_123456790/
        └── homework/            an uploaded zip or repository: the folder one level down holding
            └── encoding.py      <assignment>.py or .ipynb is the path

``layout="auto"`` takes Gradescope when ``submission_metadata.yml`` is there (also in the only folder of an
unzipped export), nbgrader when there is a ``submitted/`` folder or a student folder holding a folder named
like an assignment, else flat.

Hidden entries (``.name``), ``__pycache__``, ``.ipynb_checkpoints`` and ``__MACOSX`` are skipped, symbolic
links are never followed (a linked student folder or file is skipped), empty folders are skipped, and a
student id that is not a safe file name (``/``, ``\\``, ``.``, ``..``) or holds a control character, a tab,
a line break or a lone surrogate (a file name that is not UTF-8) is skipped; every skip but the noise
folders leaves a human-readable note. Other ids are kept as they are (``+SUM(1,2)``, ``@evil``): every
writer escapes them (:mod:`seqlab.text_safety`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from seqlab.classroom.gradescope_export import METADATA_FILE, export_root, gradescope_submissions
from seqlab.classroom.scan import (
    CODE_SUFFIXES,
    ClassSubmission,
    Scan,
    holds_assignment,
    real_dir,
    real_file,
    submission_time,
    unsafe_id,
)
from seqlab.course.layout import known_assignments
from seqlab.errors import ConfigError, SubmissionNotFound

__all__ = ["LAYOUTS", "detect_layout", "find_submissions"]

#: The values of ``layout``.
LAYOUTS: tuple[str, ...] = ("auto", "nbgrader", "flat", "gradescope")
#: The folder of student submissions inside an nbgrader course root.
NBGRADER_SUBMITTED = "submitted"


def _wanted(assignments: Sequence[str] | None) -> tuple[str, ...] | None:
    """The assignments asked for, checked and without repeats; ``None`` (or none) means "all found"."""
    if assignments is None:
        return None
    if isinstance(assignments, str):
        assignments = (assignments,)
    wanted: list[str] = []
    for assignment in assignments:
        if not isinstance(assignment, str) or unsafe_id(assignment) or assignment.startswith("."):
            raise ConfigError(f"{assignment!r} is not an assignment id")
        if assignment not in wanted:
            wanted.append(assignment)
    return tuple(wanted) or None


def _looks_nbgrader(folder: Path, names: Iterable[str]) -> bool:
    names = tuple(names)
    for student in sorted(folder.iterdir()):
        if student.name.startswith(".") or not real_dir(student):
            continue
        if any(real_dir(student / name) for name in names):
            return True
    return False


def _resolve(
    folder: Path, layout: str, wanted: tuple[str, ...] | None, known: tuple[str, ...]
) -> tuple[str, Path]:
    """The layout and the folder its submissions are in (``submitted/``, an export's own folder)."""
    if layout not in LAYOUTS:
        raise ConfigError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if not folder.exists():
        raise SubmissionNotFound(f"{folder} does not exist")
    if not folder.is_dir():
        raise SubmissionNotFound(f"{folder} is not a folder")
    submitted = folder / NBGRADER_SUBMITTED
    if layout == "gradescope":
        try:
            root = export_root(folder)
        except OSError as exc:
            raise SubmissionNotFound(f"{folder} cannot be read ({exc.strerror})") from None
        if root is None:
            raise SubmissionNotFound(
                f"{folder} holds no {METADATA_FILE}: it is not an unzipped Gradescope 'Export Submissions'"
            )
        return layout, root
    if layout == "nbgrader":
        return layout, submitted if real_dir(submitted) else folder
    if layout == "flat":
        return layout, folder
    try:
        root = export_root(folder)
        if root is not None:
            return "gradescope", root
        if real_dir(submitted):
            return "nbgrader", submitted
        if _looks_nbgrader(folder, wanted or known):
            return "nbgrader", folder
    except OSError as exc:
        raise SubmissionNotFound(f"{folder} cannot be read ({exc.strerror})") from None
    return "flat", folder


def detect_layout(
    folder: str | os.PathLike[str],
    assignments: Sequence[str] | None = None,
    course_root: str | os.PathLike[str] | None = None,
) -> str:
    """The layout ``layout="auto"`` takes for ``folder``: ``"nbgrader"``, ``"flat"`` or ``"gradescope"``."""
    return _resolve(Path(folder), "auto", _wanted(assignments), known_assignments(course_root))[0]


def _one_assignment(
    layout: str, detected: bool, folder: Path, wanted: tuple[str, ...] | None, known: tuple[str, ...]
) -> str:
    if wanted is not None and len(wanted) == 1:
        return wanted[0]
    got = "none" if wanted is None else f"{len(wanted)}: {', '.join(wanted)}"
    what = {
        "flat": "a flat folder of student files (<student>.py, <student>.ipynb or <student>/)",
        "gradescope": "a Gradescope export",
    }[layout]
    seen = (
        f"{folder} was read as {what}, having no {METADATA_FILE} and no nbgrader student folders"
        if detected and layout == "flat"
        else f"{folder} was read as {what}"
    )
    raise ConfigError(
        f"{seen}; that layout holds one assignment, so give exactly one (got {got}; "
        f"the course's are {', '.join(known)})"
    )


def find_submissions(
    folder: str | os.PathLike[str],
    assignments: Sequence[str] | None = None,
    layout: str = "auto",
    course_root: str | os.PathLike[str] | None = None,
) -> tuple[list[ClassSubmission], list[str]]:
    """Every submission in ``folder``, sorted by (assignment, student), and notes on what was skipped.

    Args:
        folder: nbgrader's ``submitted/`` or its course root, a flat class folder, or an unzipped
            Gradescope export (see the module docstring for the trees).
        assignments: the assignment ids to look for. ``None`` (or empty) in the nbgrader layout means every
            folder named like one of the course's assignments (those of ``course_root``'s course); the
            flat and Gradescope layouts need exactly one.
        layout: ``"auto"`` (detected), ``"nbgrader"``, ``"flat"`` or ``"gradescope"``.

    Raises:
        ConfigError: an unknown layout, a bad assignment id, or not exactly one assignment for a flat
            folder or a Gradescope export.
        SubmissionNotFound: ``folder`` is not a folder, or a Gradescope export without a readable
            ``submission_metadata.yml``.
    """
    given = Path(folder)
    wanted = _wanted(assignments)
    known = known_assignments(course_root)
    found_layout, root = _resolve(given, layout, wanted, known)
    scan = Scan(given)
    if found_layout == "nbgrader":
        found = _nbgrader(scan, root, wanted, known)
    elif found_layout == "flat":
        found = _flat(scan, root, _one_assignment("flat", layout == "auto", given, wanted, known))
    else:
        found = gradescope_submissions(
            scan, root, _one_assignment("gradescope", layout == "auto", given, wanted, known)
        )
    return _without_repeats(scan, found), scan.notes


def _without_repeats(scan: Scan, found: list[ClassSubmission]) -> list[ClassSubmission]:
    """One submission per (assignment, student): the first by path, with a note naming the others."""
    kept: list[ClassSubmission] = []
    for submission in sorted(found):
        if kept and kept[-1].assignment == submission.assignment and kept[-1].student == submission.student:
            scan.note(
                f"{submission.student} has more than one {submission.assignment} submission: "
                f"{scan.rel(kept[-1].path)} was taken, {scan.rel(submission.path)} skipped"
            )
            continue
        kept.append(submission)
    return kept


def _nbgrader(
    scan: Scan, root: Path, wanted: tuple[str, ...] | None, known: tuple[str, ...]
) -> list[ClassSubmission]:
    found: list[ClassSubmission] = []
    had: dict[str, set[str]] = {}  # student -> assignment folders seen (empty ones too)
    for student_dir in scan.entries(root):
        student = student_dir.name
        where = scan.rel(student_dir)
        if not student_dir.is_dir():
            scan.note(f"{where}: a file where nbgrader has student folders; skipped")
            continue
        if unsafe_id(student):
            scan.note(f"{where}: {student!r} is not a usable student id; skipped")
            continue
        inside = scan.entries(student_dir)
        if not inside:
            scan.note(f"{where}/: empty student folder; skipped")
            continue
        had[student] = set()
        for entry in inside:
            name = entry.name
            if not entry.is_dir():
                scan.note(f"{scan.rel(entry)}: a file where nbgrader has assignment folders; skipped")
                continue
            if name not in (known if wanted is None else wanted):
                if name not in known:
                    listed = ", ".join(wanted or known)
                    scan.note(f"{scan.rel(entry)}/: not an assignment ({listed}); skipped")
                continue
            had[student].add(name)
            if not scan.entries(entry, quiet=True):
                scan.note(f"{scan.rel(entry)}/: empty submission folder; skipped")
                continue
            found.append(ClassSubmission(student, name, entry, _nbgrader_timestamp(scan, entry)))
    seen = set().union(*had.values())
    expected = wanted or tuple(a for a in known if a in seen)
    if had and not expected:
        scan.note(f"no student folder holds a folder named like an assignment ({', '.join(known)})")
    for student in sorted(had):
        for assignment in expected:
            if assignment not in had[student]:
                scan.note(f"{student} has no {assignment} submission ({assignment}/ folder)")
    return found


def _flat(scan: Scan, root: Path, assignment: str) -> list[ClassSubmission]:
    found: list[ClassSubmission] = []
    files: dict[str, list[Path]] = {}
    for entry in scan.entries(root):
        where = scan.rel(entry)
        if entry.is_dir():
            submission = _flat_folder(scan, entry, assignment)
            if submission is not None:
                found.append(submission)
        elif entry.is_file() and entry.suffix in CODE_SUFFIXES:
            files.setdefault(entry.stem, []).append(entry)
        else:
            scan.note(f"{where}: neither a .py or .ipynb file nor a student folder; skipped")
    for student, paths in files.items():
        chosen = min(paths, key=lambda path: CODE_SUFFIXES.index(path.suffix))  # .py first, as the loader
        if len(paths) > 1:
            scan.note(
                f"{student} has both {student}.py and {student}.ipynb; {chosen.name} was taken "
                "(the module, as for a submission folder holding both)"
            )
        if unsafe_id(student):
            scan.note(f"{scan.rel(chosen)}: {student!r} is not a usable student id; skipped")
        elif student == assignment:
            scan.note(
                f"{scan.rel(chosen)}: named like the assignment, so this looks like one student's submission "
                "rather than a class folder; skipped"
            )
        else:
            found.append(ClassSubmission(student, assignment, chosen))
    return found


def _flat_folder(scan: Scan, folder: Path, assignment: str) -> ClassSubmission | None:
    """``<student>/`` holding ``<assignment>.py|.ipynb``; one holding other code is kept (the loader's report
    tells the student to rename it), one without any is skipped."""
    student, where = folder.name, scan.rel(folder)
    if unsafe_id(student):
        scan.note(f"{where}/: {student!r} is not a usable student id; skipped")
        return None
    if holds_assignment(folder, assignment):
        return ClassSubmission(student, assignment, folder)
    inside = scan.entries(folder, quiet=True)
    if not inside:
        scan.note(f"{where}/: empty folder; skipped")
        return None
    code = [p.name for p in inside if p.is_file() and p.suffix in CODE_SUFFIXES]
    if not code:
        scan.note(f"{where}/: no {assignment}.py or {assignment}.ipynb and no other code; skipped")
        return None
    scan.note(
        f"{where}/: no {assignment}.py or {assignment}.ipynb (found: {', '.join(code)}); graded as it is, "
        "so its report asks for the file to be renamed"
    )
    return ClassSubmission(student, assignment, folder)


def _nbgrader_timestamp(scan: Scan, folder: Path) -> datetime | None:
    """nbgrader's ``timestamp.txt`` of a submission folder (a regular file), else None."""
    path = folder / "timestamp.txt"
    if not real_file(path):
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:200]
    except OSError:
        return None
    moment = submission_time(text)
    if moment is None:
        scan.note(f"{scan.rel(path)}: not a time ({text.strip()[:40]!r}); the grading time is used")
    return moment
