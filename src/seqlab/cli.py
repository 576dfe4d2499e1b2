"""The ``seqlab`` command line: it parses options and wires the pipeline to a report writer, nothing more.

Exit status: 0 when a report was written (whatever the score); 2 when grading itself could not happen
(unknown assignment, broken course, bad option); 1 for ``seqlab check`` when a public test fails and for
``seqlab release --check`` when the release is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seqlab import __version__
from seqlab.course import ASSIGNMENTS
from seqlab.errors import SeqlabError
from seqlab.gpu import GPU_POLICIES
from seqlab.limits import Limits
from seqlab.sandbox import SANDBOX_MODES
from seqlab.worker import ISOLATION_WARNING


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _add_grading_options(parser: argparse.ArgumentParser, lead: str = "") -> None:
    """The options of one grading run, shared by ``grade`` and ``export`` (which bakes them into a script)."""
    parser.add_argument("--seed", type=int, default=0, help=f"{lead}vary the generated examples (default 0)")
    parser.add_argument(
        "--call-timeout",
        type=_positive,
        default=Limits.call_timeout,
        help=f"{lead}seconds one call of a student function may take (default %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=Limits.submission_timeout,
        help=f"{lead}seconds all calls of the submission may take together (default %(default)s)",
    )
    parser.add_argument(
        "--startup-timeout",
        type=_positive,
        default=Limits.startup_timeout,
        help=f"{lead}seconds the submission's top level may take to run (default %(default)s)",
    )
    parser.add_argument(
        "--gpu-policy",
        choices=GPU_POLICIES,
        default="exclude",
        help=f"{lead}what GPU checks that cannot run (no CUDA device) are worth: left out of score and "
        "maximum (exclude, the default), counted as earned where the function passes its CPU tests (award) "
        "or as lost (zero)",
    )
    parser.add_argument(
        "--sandbox",
        choices=SANDBOX_MODES,
        default="auto",
        help=f"{lead}isolation of student code: every layer that works here, the others reported (auto, "
        "the default), refuse to grade unless every layer is active (require), or only the process "
        "boundary and limits (off; for debugging)",
    )


def _parser() -> argparse.ArgumentParser:
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
        help=f"{', '.join(ASSIGNMENTS)}, or another grader/<id>/ of the course root",
    )
    from seqlab.reports import WRITERS

    grade.add_argument(
        "--format",
        "-f",
        default="markdown",
        choices=sorted(WRITERS),
        help="report format (default: markdown)",
    )
    grade.add_argument("--out", "-o", type=Path, help="write the report here instead of standard output")
    grade.add_argument("--course-root", type=Path, help="folder with solutions/ and grader/")
    grade.add_argument(
        "--no-example-cache",
        action="store_true",
        help="let hypothesis generate every example instead of replaying those of earlier passing runs",
    )
    grade.add_argument("--cache-dir", type=Path, help="recorded examples (default: COURSE/.seqlab-cache)")
    _add_grading_options(grade)
    grade.add_argument(
        "--no-gpu", action="store_true", help="do not run GPU checks even where a CUDA device exists"
    )
    grade.add_argument(
        "--require-sandbox",
        dest="sandbox",
        action="store_const",
        const="require",
        help="the same as --sandbox require: fail closed where a layer is missing",
    )
    probe = commands.add_parser("probe", help="show which isolation layers protect grading on this machine")
    probe.add_argument("--require-sandbox", action="store_true", help="exit 1 unless every layer is active")

    check = commands.add_parser("check", help="run the public tests on your work (students)")
    check.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        help="your assignment folder (default: the current folder)",
    )
    check.add_argument("--assignment", "-a", choices=ASSIGNMENTS, help="default: guessed from the folder")

    release = commands.add_parser("release", help="build the student release from solutions/ (instructors)")
    release.add_argument(
        "assignments",
        nargs="*",
        choices=[[], *ASSIGNMENTS],
        metavar="ASSIGNMENT",
        help=f"default: all ({', '.join(ASSIGNMENTS)})",
    )
    release.add_argument("--check", action="store_true", help="only report whether assignments/ is in sync")
    release.add_argument("--course-root", type=Path)

    export = commands.add_parser(
        "export", help="build a grading platform's autograder for one assignment (instructors)"
    )
    export.add_argument(
        "target", choices=["gradescope"], help="the platform (gradescope: the autograder zip)"
    )
    export.add_argument("assignment", choices=ASSIGNMENTS)
    export.add_argument(
        "--out",
        "-o",
        type=Path,
        help="the zip file (a path ending in .zip) or a folder for seqlab-<assignment>-gradescope.zip "
        "(default: the current folder)",
    )
    export.add_argument("--course-root", type=Path, help="folder with solutions/ and grader/")
    _add_grading_options(export, "run_autograder grades with these: ")
    export.add_argument(
        "--deadline",
        type=int,
        default=540,
        help="seconds a whole grading may take before run_autograder stops it and writes a score-0 "
        "results.json; keep it under the autograder timeout set in Gradescope (default %(default)s)",
    )
    return parser


def _grade(args: argparse.Namespace) -> int:
    from seqlab.grading import GradeOptions, grade
    from seqlab.reports import WRITERS

    limits = Limits(
        call_timeout=args.call_timeout, submission_timeout=args.timeout, startup_timeout=args.startup_timeout
    )
    result = grade(
        args.submission,
        args.assignment,
        GradeOptions(
            seed=args.seed,
            limits=limits,
            course_root=args.course_root,
            example_cache=not args.no_example_cache,
            cache_dir=args.cache_dir,
            gpu_policy=args.gpu_policy,
            use_gpu=not args.no_gpu,
            sandbox=args.sandbox,
        ),
    )
    text = WRITERS[args.format]().render(result)
    if result.extra.get("isolation", {}).get("inactive_because"):
        print(f"seqlab: warning: {ISOLATION_WARNING}", file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(
            f"{result.assignment}: {result.score:g} / {result.max_score:g} points -> {args.out}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0


def _guess_assignment(path: Path) -> str:
    folder = path if path.is_dir() else path.parent
    found = [a for a in ASSIGNMENTS if (folder / f"{a}.py").is_file() or (folder / f"{a}.ipynb").is_file()]
    if len(found) != 1:
        raise SeqlabError(f"cannot tell which assignment {folder} holds; pass --assignment")
    return found[0]


def _check(args: argparse.Namespace) -> int:
    from seqlab.grading import GradeOptions, grade
    from seqlab.reports import MarkdownReport

    assignment = args.assignment or _guess_assignment(args.path)
    folder = args.path if args.path.is_dir() else args.path.parent
    result = grade(folder, assignment, GradeOptions(suite="public"))
    sys.stdout.write(MarkdownReport().render(result))
    return 0 if result.score == result.max_score else 1


def _release(args: argparse.Namespace) -> int:
    from seqlab import release
    from seqlab.course import find_course_root

    root = find_course_root(args.course_root)
    stale = 0
    for assignment in args.assignments or ASSIGNMENTS:
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
    from seqlab.sandbox import plan_sandbox

    plan = plan_sandbox("auto")
    for layer, active in plan.layers.items():
        reason = f"  ({plan.notes[layer]})" if layer in plan.notes else ""
        print(f"{'active  ' if active else 'MISSING '} {layer}{reason}")
    if plan.confined:
        print(f"worker command prefix: {' '.join(plan.prefix)}")
    if plan.drop_to:
        print(f"worker user: uid {plan.drop_to[0]}, gid {plan.drop_to[1]}")
    return 1 if args.require_sandbox and plan.notes else 0


def _export(args: argparse.Namespace) -> int:
    from seqlab.export import GradescopeOptions, export_gradescope

    if args.deadline <= 0:
        raise SeqlabError(f"--deadline must be positive, got {args.deadline}")
    options = GradescopeOptions(
        seed=args.seed,
        call_timeout=args.call_timeout,
        submission_timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        gpu_policy=args.gpu_policy,
        sandbox=args.sandbox,
        deadline=args.deadline,
    )
    path = export_gradescope(args.assignment, args.out, args.course_root, options)
    print(f"{args.assignment}: Gradescope autograder -> {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``seqlab`` console script."""
    args = _parser().parse_args(argv)
    handlers = {"grade": _grade, "check": _check, "release": _release, "probe": _probe, "export": _export}
    try:
        return handlers[args.command](args)
    except SeqlabError as exc:
        print(f"seqlab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
