"""The ``seqlab`` command line: it parses options and wires the pipeline to a report writer, nothing more.

Exit status: 0 when a report was written (whatever the score); 2 when grading itself could not happen
(unknown assignment, broken course, bad option); 1 for ``seqlab check`` when a public test fails and for
``seqlab release --check`` when the release is out of date; for ``seqlab reconcile`` 1 when nbgrader's
gradebook disagrees with ``seqlab grade`` (and ``--fix`` did not correct it) and 3 when a submission could
not be checked (see :mod:`seqlab.integrations.nbgrader_reconcile`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from seqlab import __version__
from seqlab.course.layout import assignments_in, find_course_root, get_assignment, known_assignments
from seqlab.declare import add_flags, from_args
from seqlab.errors import EXIT_GRADER_FAULT, GraderFault, SeqlabError
from seqlab.integrations.gradescope import GradescopeOptions
from seqlab.integrations.nbgrader import NBGRADER_DEFAULTS
from seqlab.isolate.sandbox import ISOLATION_WARNING
from seqlab.options import GradeOptions


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seqlab", description="Autograded exercises on sequence models.")
    parser.add_argument("--version", action="version", version=f"seqlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade one submission against the hidden suite")
    grade.add_argument(
        "submission", type=Path, help="a folder holding <assignment>.py or .ipynb, or the file"
    )
    grade.add_argument(
        "--assignment",
        "-a",
        required=True,
        help="the assignment: a folder grader/<id>/ of the course root (an unknown id: the error lists them)",
    )
    from seqlab.reports import WRITERS

    grade.add_argument(
        "--format",
        "-f",
        default="markdown",
        choices=sorted(WRITERS),
        help="report format (default: markdown)",
    )
    _add_report_file(grade)
    _add_run_options(grade, "grade")

    klass = commands.add_parser(
        "grade-class",
        help="grade every submission of a folder in parallel into a resumable gradebook (instructors)",
        description="Grade a class: nbgrader's submitted/<student>/<assignment>/, a flat folder of "
        "<student>.ipynb/.py, or an unzipped Gradescope export. Grades already in the gradebook (same "
        "submission, same hidden suite and options) are kept; a stopped run resumes where it stopped.",
    )
    klass.add_argument("folder", type=Path, help="the folder of submissions")
    klass.add_argument(
        "--assignment",
        "-a",
        action="append",
        dest="assignments",
        help="grade this assignment (repeat for several; default: every one found, nbgrader layout only)",
    )
    klass.add_argument(
        "--layout", choices=["auto", "nbgrader", "flat", "gradescope"], default="auto", help="default: auto"
    )
    where = klass.add_mutually_exclusive_group()
    where.add_argument("--workers", "-j", type=int, help="submissions graded at once (default: the CPUs)")
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade on this Dask distributed scheduler's workers instead of this machine (each needs seqlab "
        "installed; the course travels with the run)",
    )
    klass.add_argument(
        "--out",
        "-o",
        type=Path,
        default=Path("seqlab-class"),
        help="where the gradebook, grades.csv, feedback/ and class-report.html go (default: ./seqlab-class)",
    )
    klass.add_argument("--gradebook", help="an SQLAlchemy URL (default: sqlite:///OUT/seqlab-gradebook.db)")
    klass.add_argument("--no-progress", action="store_true", help="no progress line on standard error")
    _add_run_options(klass, "grade-class")
    _instructor_commands(commands)
    _reconcile_command(commands)
    return parser


def _add_report_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", "-o", type=Path, help="write the report here instead of standard output")


def _write_report(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def _add_run_options(parser: argparse.ArgumentParser, command: str) -> None:
    """The declared options of a grading run that ``command`` takes (see :mod:`seqlab.options`)."""
    add_flags(parser, GradeOptions, command)


def _instructor_commands(commands: Any) -> None:
    """probe, check, release and export."""
    probe = commands.add_parser("probe", help="show which isolation layers protect grading on this machine")
    probe.add_argument("--require-sandbox", action="store_true", help="exit 1 unless every layer is active")
    install = commands.add_parser(
        "install-sandbox",
        help="install the sandbox's system package (bubblewrap) where this user may, then probe",
        description="The last step of the README's install command: installs Debian's bubblewrap with apt "
        "where it is missing and this user may (root, or sudo without a prompt), then probes every "
        "isolation layer and prints the command that fixes each missing one. Exit status 1 while a layer "
        "is missing.",
    )
    install.add_argument("--dry-run", action="store_true", help="print the install command, run nothing")

    check = commands.add_parser("check", help="run the public tests on your work (students)")
    check.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        help="your assignment folder (default: the current folder)",
    )
    check.add_argument("--assignment", "-a", help="default: guessed from the folder")
    check.add_argument(
        "--format",
        "-f",
        choices=("terminal", "markdown", "json"),
        default="terminal",
        help="terminal: for people, coloured on a terminal unless NO_COLOR is set (default); markdown, json: "
        "for programs",
    )
    _add_run_options(check, "check")
    _add_report_file(check)

    release = commands.add_parser("release", help="build the student release from solutions/ (instructors)")
    release.add_argument(
        "assignments",
        nargs="*",
        metavar="ASSIGNMENT",
        help="default: every assignment of the course (grader/<id>/ with solutions/<id>/<id>.py)",
    )
    release.add_argument("--check", action="store_true", help="only report whether assignments/ is in sync")
    release.add_argument("--course-root", type=Path)

    export = commands.add_parser(
        "export", help="build a grading platform's autograder for one assignment (instructors)"
    )
    export.add_argument(
        "target", choices=["gradescope"], help="the platform (gradescope: the autograder zip)"
    )
    export.add_argument("assignment", help="the assignment (a folder grader/<id>/ of the course root)")
    export.add_argument(
        "--out",
        "-o",
        type=Path,
        help="the zip file (a path ending in .zip) or a folder for seqlab-<assignment>-gradescope.zip "
        "(default: the current folder)",
    )
    export.add_argument("--course-root", type=Path, help="folder with solutions/ and grader/")
    add_flags(export, GradescopeOptions, "export", lead="run_autograder grades with these: ")


def _reconcile_command(commands: Any) -> None:
    reconcile = commands.add_parser(
        "reconcile",
        help="check nbgrader's gradebook against seqlab grade after nbgrader autograde (instructors)",
        description="Grade every submitted notebook of nbgrader's gradebook with seqlab grade, outside the "
        "notebook's kernel, and compare each autograder test cell's points with it. Prints every "
        "disagreement and a summary; exit status 1 when a disagreement is left, 3 when a submission could "
        "not be checked (a grader fault: left untouched), else 0. The grading options default to those "
        "of the notebooks' test cells (--gpu-policy award); pass the ones SEQLAB_GRADE_OPTIONS gave them.",
    )
    reconcile.add_argument(
        "assignments",
        nargs="*",
        metavar="ASSIGNMENT",
        help="nbgrader assignments to check (default: every one in the gradebook)",
    )
    reconcile.add_argument(
        "--course-dir",
        type=Path,
        default=Path("."),
        help="the nbgrader course directory: its nbgrader_config.py gives the folders and the gradebook "
        "(default: the current folder, as for nbgrader)",
    )
    reconcile.add_argument("--db", help="the gradebook's URL instead of the configured one (nbgrader's --db)")
    reconcile.add_argument(
        "--student", action="append", dest="students", default=[], help="only this student (repeatable)"
    )
    reconcile.add_argument(
        "--fix",
        action="store_true",
        help="write seqlab grade's points as the disagreeing cells' manual scores, with a comment saying why",
    )
    _add_run_options(reconcile, "reconcile")
    reconcile.set_defaults(**NBGRADER_DEFAULTS)


def _grade_options(args: argparse.Namespace, **overrides: Any) -> GradeOptions:
    """The grading options the flags of ``args.command`` give (the same flags, the same meaning)."""
    return from_args(GradeOptions, args, args.command, **overrides)


def _grade(args: argparse.Namespace) -> int:
    from seqlab.grading.pipeline import grade
    from seqlab.reports import WRITERS

    result = grade(args.submission, args.assignment, _grade_options(args))
    text = WRITERS[args.format]().render(result)
    if result.extra.get("isolation", {}).get("inactive_because"):
        print(f"seqlab: warning: {ISOLATION_WARNING}", file=sys.stderr)
    _write_report(text, args.out)
    if args.out:
        print(
            f"{result.assignment}: {result.score:g} / {result.max_score:g} points -> {args.out}",
            file=sys.stderr,
        )
    return 0


def _grade_class(args: argparse.Namespace) -> int:
    from seqlab.classroom.gradebook import Gradebook, default_url
    from seqlab.classroom.report import write_class_report
    from seqlab.classroom.run import LocalRunner, Progress, Runner, grade_class
    from seqlab.classroom.statistics import plural, problem_counts
    from seqlab.classroom.submissions import find_submissions

    options = _grade_options(args)  # refuses bad values before anything runs
    submissions, notes = find_submissions(args.folder, args.assignments, args.layout, options.course_root)
    for note in notes:
        print(f"seqlab: note: {note}", file=sys.stderr)
    if not submissions:
        raise SeqlabError(f"no submissions found in {args.folder}")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    assignments = sorted({s.assignment for s in submissions})
    found = f"{len(submissions)} submissions of {', '.join(assignments)} in {args.folder}"
    print(f"seqlab: {found}", file=sys.stderr)
    if args.scheduler:
        from seqlab.classroom.dask_cluster import DaskRunner

        runner: Runner = DaskRunner(args.scheduler)
    else:
        runner = LocalRunner(args.workers)
    with Gradebook(args.gradebook or default_url(out)) as gradebook:
        run = grade_class(
            submissions,
            options,
            gradebook,
            runner=runner,
            progress=None if args.no_progress else Progress,
        )
        graded = {s.key for s in submissions}
        latest = {key: result for key, result in gradebook.latest().items() if key in graded}
        gradebook.export_csv(out / "grades.csv", assignments)
        gradebook.write_feedback(out / "feedback")
        write_class_report(out / "class-report.html", latest, feedback="feedback")
    print(
        f"seqlab: {run.graded} graded, {run.already_graded} already in the gradebook, {len(run.failed)} "
        f"could not be graded, in {run.seconds:.0f} s -> {out}/ (grades.csv, feedback/, class-report.html)",
        file=sys.stderr,
    )
    counted = problem_counts(
        sorted((f"{student} / {assignment}", result) for (student, assignment), result in latest.items())
    )
    for problem, names in counted.items():
        print(f"seqlab: {plural(len(names), 'submission')} {problem}: {', '.join(names)}", file=sys.stderr)
    for job, error in run.failed:
        print(f"seqlab: could not grade {job.student} / {job.assignment}: {error.strip()}", file=sys.stderr)
    if run.interrupted:
        print("seqlab: interrupted; run the same command again to grade the rest", file=sys.stderr)
    return 1 if run.failed or run.interrupted else 0


def _guess_assignment(path: Path) -> str:
    """The assignment of a student's folder: the one whose ``<id>.py`` or ``.ipynb`` it holds (a released
    folder is named after its assignment)."""
    folder = (path if path.is_dir() else path.parent).resolve()
    found = assignments_in(folder)
    if not found:
        raise SeqlabError(
            f"{folder} is not an assignment folder: it holds no <assignment>.py or .ipynb named after it "
            "or after one of the course's assignments. Run this in your assignment's folder (cd "
            "assignments/encoding, for one), or name it: seqlab check assignments/encoding"
        )
    if len(found) > 1:
        raise SeqlabError(f"{folder} holds the files of {', '.join(found)}; say which: --assignment NAME")
    return found[0]


def _check(args: argparse.Namespace) -> int:
    from seqlab.grading.pipeline import grade
    from seqlab.reports import WRITERS, TerminalReport
    from seqlab.reports.terminal import wants_colour

    assignment = args.assignment or _guess_assignment(args.path)
    progress = None
    if args.format == "terminal" and sys.stderr.isatty():  # one line, rewritten: never in a pipe or file
        terminal = os.fdopen(os.dup(sys.stderr.fileno()), "w")  # pytest captures the process' own stderr

        def progress(function: str, number: int, count: int) -> None:
            line = f"seqlab: checking {function} ({number} of {count}) ..."
            print(f"\r\033[K{line}", end="" if number < count else "\n", file=terminal, flush=True)

        print(f"seqlab: running the public checks of {assignment} ...", file=sys.stderr)
    options = _grade_options(args, suite="public")
    result = grade(args.path, assignment, options, progress=progress)
    colour = args.out is None and wants_colour(sys.stdout)
    writer = TerminalReport(colour) if args.format == "terminal" else WRITERS[args.format]()
    _write_report(writer.render(result), args.out)
    return 0 if result.score == result.max_score else 1


def _release(args: argparse.Namespace) -> int:
    from seqlab.course import release

    root = find_course_root(args.course_root)
    for assignment in args.assignments:
        get_assignment(assignment, root)  # an unknown id: the error lists the course's
    stale = 0
    for assignment in args.assignments or known_assignments(root):
        if args.check:
            differences = release.check_release_in_sync(assignment, root)
            for difference in differences:
                print(f"{assignment}: out of sync: {difference}")
            stale += bool(differences)
            if not differences:
                print(f"{assignment}: in sync")
        else:
            print(f"{assignment}: released to {release.release_assignment(assignment, root)}")
    return 1 if stale else 0


def _probe(args: argparse.Namespace) -> int:
    from seqlab.isolate.sandbox import plan_sandbox
    from seqlab.isolate.sandbox_setup import probe_lines

    plan = plan_sandbox("auto")
    for line in probe_lines(plan):
        print(line)
    if plan.confined:
        print(f"worker command prefix: {' '.join(plan.prefix)}")
    if plan.drop_to:
        print(f"worker user: uid {plan.drop_to[0]}, gid {plan.drop_to[1]}")
    return 1 if args.require_sandbox and plan.notes else 0


def _install_sandbox(args: argparse.Namespace) -> int:
    from seqlab.isolate.sandbox_setup import install_sandbox

    return install_sandbox(dry_run=args.dry_run)


def _export(args: argparse.Namespace) -> int:
    from seqlab.integrations.gradescope import export_gradescope

    options = from_args(GradescopeOptions, args, "export")
    path = export_gradescope(args.assignment, args.out, args.course_root, options)
    print(f"{args.assignment}: Gradescope autograder -> {path}")
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    from seqlab.integrations.nbgrader_gradebook import open_course
    from seqlab.integrations.nbgrader_reconcile import reconcile

    options = _grade_options(args)
    course = open_course(args.course_dir, args.db)
    found = reconcile(
        course,
        options,
        assignments=args.assignments,
        students=args.students,
        fix=args.fix,
        progress=lambda line: print(f"seqlab: {line}", file=sys.stderr),
    )
    if found.isolation_inactive:
        print(f"seqlab: warning: {ISOLATION_WARNING}", file=sys.stderr)
    sys.stdout.write(found.table())
    print(found.summary())
    return found.exit_status


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``seqlab`` console script."""
    args = build_parser().parse_args(argv)
    handlers = {
        "grade": _grade,
        "grade-class": _grade_class,
        "check": _check,
        "release": _release,
        "probe": _probe,
        "install-sandbox": _install_sandbox,
        "export": _export,
        "reconcile": _reconcile,
    }
    try:
        return handlers[args.command](args)
    except GraderFault as exc:
        print(f"seqlab: grader fault, nothing was scored (not the student's doing): {exc}", file=sys.stderr)
        return EXIT_GRADER_FAULT
    except SeqlabError as exc:
        print(f"seqlab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
