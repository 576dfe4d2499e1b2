"""The grading pipeline: plan -> load and isolate -> run the suite -> score. The CLI only wires this to
reports.

``grade(submission, assignment)`` never raises for anything the student did: a missing file, a notebook that
does not parse, code that crashes or hangs all become a :class:`~seqlab.model.GradeResult` with clear
messages. It raises :class:`~seqlab.errors.SeqlabError` only when grading itself cannot happen, and
:class:`~seqlab.errors.GraderFault` when the worker fails for reasons of the grader's own (it cannot start,
its user cannot read the installation): such a grading has no score.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from seqlab import __version__
from seqlab.course.layout import Assignment, get_assignment, load_reference, module_level_imports
from seqlab.errors import SubmissionNotFound
from seqlab.grading.loader import SubmissionSource, load_submission
from seqlab.hints.policy import hints_decision
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.results import CallResult
from seqlab.isolate.sandbox import SandboxPlan, claim_worker_uid, plan_sandbox
from seqlab.isolate.worker import Worker
from seqlab.model import FunctionScore, GradeResult, TestOutcome
from seqlab.options import GradeOptions
from seqlab.suite.gpu import nvidia_device_present
from seqlab.suite.runner import SuiteRun, run_suite

__all__ = [
    "GradeOptions",
    "GradingPlan",
    "LoadedSubmission",
    "build_result",
    "grade",
    "load_and_start",
    "run_checks",
    "score",
]


def score(outcomes: tuple[TestOutcome, ...], order: tuple[str, ...] = ()) -> tuple[FunctionScore, ...]:
    """Group test outcomes by function; points add up per function.

    Functions come in ``order`` (the reference module's definition order), then any others in order of
    first appearance.
    """
    by_function: dict[str, list[TestOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_function[outcome.function].append(outcome)
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(by_function, key=lambda n: (rank.get(n, len(rank)), list(by_function).index(n)))
    return tuple(FunctionScore(name, tuple(by_function[name])) for name in names)


def _definition_order(module: ModuleType | None) -> tuple[str, ...]:
    if module is None:
        return ()
    return tuple(name for name, value in vars(module).items() if callable(value) and not name.startswith("_"))


def _cache_dir(options: GradeOptions, course_root: Path) -> Path | None:
    if not options.example_cache:
        return None
    return Path(options.cache_dir) if options.cache_dir is not None else course_root / ".seqlab-cache"


def _load_failure(loaded: CallResult) -> str:
    if loaded.status == Status.LOAD_ERROR:
        text = (
            f"{loaded.error_type}: {loaded.message}"
            if loaded.error_type != "SystemExit"
            else (f"it called sys.exit() at the top level ({loaded.message})")
        )
        return f"{text}\n{loaded.traceback.rstrip()}".rstrip()
    return loaded.message


def isolation_warning(plan: SandboxPlan) -> str:
    """The sentence every report of a grading without every isolation layer carries, or ""."""
    if not plan.notes:
        return ""
    inactive = ", ".join(sorted(plan.notes))
    return (
        f"Graded without full isolation ({inactive} inactive; `seqlab probe` says why and how to fix it): "
        "the grader could not stop this submission from reading what the grading user can read or "
        "from reaching the network."
    )


def _display(path: Path) -> str:
    return path.resolve().name or str(path)


@dataclass(frozen=True)
class GradingPlan:
    """What one grading is, resolved once before any student code runs, then passed along: the course's
    assignment, the suite that grades, the sandbox the worker runs in and whether hints are given."""

    submission: Path
    assignment: Assignment
    options: GradeOptions
    suite_dir: Path
    sandbox: SandboxPlan
    hints: bool
    no_hints_reason: str

    @classmethod
    def resolve(
        cls, submission: str | os.PathLike[str], assignment_id: str, options: GradeOptions
    ) -> GradingPlan:
        """Raises :class:`~seqlab.errors.CourseError` for an unknown assignment and
        :class:`~seqlab.errors.SandboxUnavailable` for a required sandbox this machine cannot apply."""
        path = Path(submission)
        assignment = get_assignment(assignment_id, options.course_root)
        folder = path if path.is_dir() else path.parent
        public = Path(options.public_tests or folder / "tests")
        hints, why_not = hints_decision(assignment_id, options)
        return cls(
            submission=path,
            assignment=assignment,
            options=options,
            suite_dir=assignment.suite_dir if options.suite == "hidden" else public,
            sandbox=plan_sandbox(options.sandbox),
            hints=hints,
            no_hints_reason=why_not,
        )

    @property
    def hidden(self) -> bool:
        return self.options.suite == "hidden"


@dataclass
class LoadedSubmission:
    """The student's code, loaded in a started worker (or why it could not be), and the reference."""

    worker: Worker | None = None
    reference: ModuleType | None = None
    kind: str = "unknown"
    failure: str | None = None  # why no function can be graded (unreadable, crashed at the top level)
    messages: list[str] = field(default_factory=list)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()


def warm_imports(
    plan: GradingPlan, source: SubmissionSource, available: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    """What the worker's warm parent imports before the first test, so that no test's process imports it
    again: what the graded functions of the reference need, and those of the reference's packages that
    the submission imports when it loads (a notebook that starts with ``import torch`` would otherwise
    import torch in every test's process, seconds each). Only packages the reference imports: never a
    module of the student's own (``available``: every package the reference imports, when the caller has
    read them already)."""
    available = plan.assignment.reference_imports() if available is None else available
    needed = plan.assignment.reference_imports(plan.options.functions)
    imported = module_level_imports(chunk for _, chunk in source.chunks)
    return tuple(dict.fromkeys(needed + tuple(name for name in imported if name in available)))


def load_and_start(plan: GradingPlan) -> LoadedSubmission:
    """Read the submission, start its worker and run its top level there; meanwhile import the reference
    (and pytest) in the grader. A :class:`~seqlab.errors.GraderFault` (the worker's own set-up failed) is
    raised, never scored."""
    loaded = LoadedSubmission(messages=[warning] if (warning := isolation_warning(plan.sandbox)) else [])
    try:
        source = load_submission(
            plan.submission, plan.assignment.id, prefer="module" if plan.hidden else "newest"
        )
    except SubmissionNotFound as exc:
        loaded.failure = str(exc)
        loaded.messages.append(f"Your submission could not be read: {exc}")
        return _with_reference(plan, loaded)
    loaded.kind = source.kind
    loaded.messages.extend(source.notes)
    claim_worker_uid()  # student code of gradings in other processes never runs as the same user
    preflight = plan.assignment.reference_imports()
    warm = warm_imports(plan, source, preflight)
    worker = Worker(source, plan.options.limits, sandbox=plan.sandbox, preflight=preflight, warm=warm)
    loaded.worker = worker
    try:
        worker.launch()  # the student's code loads while the grader imports what grading will need
        _with_reference(plan, loaded)
        _import_meanwhile(("pytest", *warm))
        started = worker.start()
    except BaseException:
        worker.close()
        raise
    if started.status != Status.OK:
        loaded.failure = _load_failure(started)
        loaded.messages.append(
            f"Your code could not be loaded, so no function could be graded: {loaded.failure}"
        )
    return loaded


def _import_meanwhile(packages: tuple[str, ...]) -> None:
    """Import, in the grader, what the suite will import anyway (pytest; the reference's packages the worker
    warms, e.g. torch for a public suite, which has no reference to import it earlier), while the worker
    starts: the two start-ups overlap instead of following each other. Only names the reference imports
    come here (see :func:`warm_imports`); one that cannot be imported is left to the suite to report."""
    for package in packages:
        with contextlib.suppress(ImportError):
            importlib.import_module(package)


def _with_reference(plan: GradingPlan, loaded: LoadedSubmission) -> LoadedSubmission:
    if plan.hidden and loaded.reference is None:
        loaded.reference = load_reference(plan.assignment.id, plan.options.course_root)
    return loaded


def run_checks(
    plan: GradingPlan, loaded: LoadedSubmission, progress: Callable[[str, int, int], None] | None = None
) -> SuiteRun:
    """Run the plan's suite against the loaded submission (every test fails with the load failure if any)."""
    return run_suite(
        plan.suite_dir,
        assignment=plan.assignment.id,
        submission=SubmissionProxy(loaded.worker) if loaded.worker is not None else None,
        reference=loaded.reference,
        options=plan.options,
        hints=plan.hints,
        cache_dir=_cache_dir(plan.options, plan.assignment.root),
        load_failure=loaded.failure,
        progress=progress,
    )


def what_the_run_says(run: SuiteRun, loaded: LoadedSubmission) -> tuple[list[str], str, int]:
    """The report's messages (the load's, the GPU checks', prerequisites', timeouts and crashes, output cut),
    the student's output and how many bytes of it there were."""
    messages = list(loaded.messages)
    if run.gpu is not None and run.gpu.message():
        messages.append(run.gpu.message())
    messages.extend(run.notes)
    worker = loaded.worker
    output, output_bytes = worker.output_text() if worker is not None else ("", 0)
    if worker is not None and worker.stats.timeouts:
        messages.append(f"{worker.stats.timeouts} call(s) ran out of time and were stopped.")
    if worker is not None and worker.stats.crashes:
        messages.append(
            f"The process running your code crashed {worker.stats.crashes} time(s) and was restarted."
        )
    if output_bytes > len(output.encode()):
        messages.append(
            f"Your code printed {output_bytes} bytes; only the first {len(output.encode())} are kept."
        )
    return messages, output, output_bytes


def build_result(plan: GradingPlan, loaded: LoadedSubmission, run: SuiteRun, seconds: float) -> GradeResult:
    """The :class:`~seqlab.model.GradeResult` of a finished run: scores per function, messages, extras."""
    messages, output, output_bytes = what_the_run_says(run, loaded)
    limits = plan.options.limits
    worker = loaded.worker
    extra: dict[str, object] = {
        "isolation": {
            **plan.sandbox.describe(),
            # None where an NVIDIA device is present (see Limits.rlimits)
            "memory_limit_bytes": limits.rlimits(cuda=nvidia_device_present()).get("memory_bytes"),
        }
    }
    if run.gpu is not None and run.gpu.checks:
        extra["gpu"] = run.gpu.as_dict()
    extra["hints"] = {"given": plan.hints, "why_not": plan.no_hints_reason}
    # what the class report counts: calls stopped for time, crashes of the process running the code
    extra["worker"] = {
        "timeouts": worker.stats.timeouts if worker is not None else 0,
        "crashes": worker.stats.crashes if worker is not None else 0,
    }
    return GradeResult(
        assignment=plan.assignment.id,
        submission=_display(plan.submission),
        kind=loaded.kind,
        functions=score(run.outcomes, _definition_order(loaded.reference)),
        messages=tuple(messages),
        output=output,
        output_bytes=output_bytes,
        seed=plan.options.seed,
        suite=plan.options.suite,
        seqlab_version=__version__,
        execution_time=round(seconds, 3),
        extra=extra,
        load_error=loaded.failure or "",
    )


def grade(
    submission: str | os.PathLike[str],
    assignment_id: str,
    options: GradeOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> GradeResult:
    """Grade one submission of one assignment; ``progress(function, number, count)`` is told before each
    test starts (for a progress line)."""
    began = time.monotonic()
    plan = GradingPlan.resolve(submission, assignment_id, options or GradeOptions())
    loaded = load_and_start(plan)
    try:
        run = run_checks(plan, loaded, progress)
        return build_result(plan, loaded, run, time.monotonic() - began)
    finally:
        loaded.close()
