"""The grading pipeline: load -> isolate -> run suite -> score. The CLI only wires this to reports.

``grade(submission, assignment)`` never raises for anything the student did: a missing file, a notebook that
does not parse, code that crashes or hangs all become a :class:`~seqlab.model.GradeResult` with clear
messages. It raises :class:`~seqlab.errors.SeqlabError` only when grading itself cannot happen, and
:class:`~seqlab.errors.GraderFault` when the worker fails for reasons of the grader's own (it cannot start,
its user cannot read the installation): such a grading has no score.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from seqlab import __version__
from seqlab.course.layout import get_assignment, load_reference
from seqlab.errors import SubmissionNotFound
from seqlab.grading.loader import load_submission
from seqlab.hints.policy import hints_decision
from seqlab.isolate.limits import Limits
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.sandbox import SandboxPlan, claim_worker_uid, plan_sandbox
from seqlab.isolate.worker import CallResult, Worker
from seqlab.model import FunctionScore, GradeResult, TestOutcome
from seqlab.options import GradeOptions
from seqlab.suite.gpu import GpuSummary, nvidia_device_present
from seqlab.suite.runner import run_suite

__all__ = ["GradeOptions", "grade", "score"]


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


def _extra(gpu_summary: GpuSummary | None, limits: Limits, sandbox: str) -> dict[str, object]:
    memory = limits.rlimits(cuda=nvidia_device_present()).get("memory_bytes")
    isolation = {
        **plan_sandbox(sandbox).describe(),
        "memory_limit_bytes": memory,  # None where an NVIDIA device is present (see Limits.rlimits)
    }
    extra: dict[str, object] = {"isolation": isolation}
    if gpu_summary is not None and gpu_summary.checks:
        extra["gpu"] = gpu_summary.as_dict()
    return extra


def _display(path: Path) -> str:
    return path.resolve().name or str(path)


def grade(
    submission: str | os.PathLike[str],
    assignment_id: str,
    options: GradeOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> GradeResult:
    """Grade one submission of one assignment; ``progress(function, number, count)`` is told before each
    test starts (for a progress line)."""
    options = options or GradeOptions()
    began = time.monotonic()
    assignment = get_assignment(assignment_id, options.course_root)
    hints, no_hints_reason = hints_decision(assignment_id, options)
    folder = Path(submission) if Path(submission).is_dir() else Path(submission).parent
    suite_dir = (
        assignment.suite_dir if options.suite == "hidden" else Path(options.public_tests or folder / "tests")
    )
    messages: list[str] = [warning] if (warning := isolation_warning(plan_sandbox(options.sandbox))) else []
    load_failure: str | None = None
    worker: Worker | None = None
    reference: ModuleType | None = None
    kind = "unknown"
    try:
        source = load_submission(
            submission, assignment_id, prefer="newest" if options.suite == "public" else "module"
        )
    except SubmissionNotFound as exc:
        load_failure = str(exc)
        messages.append(f"Your submission could not be read: {exc}")
    else:
        kind = source.kind
        messages.extend(source.notes)
        claim_worker_uid()  # student code of gradings in other processes never runs as the same user
        worker = Worker(
            source,
            options.limits,
            sandbox=plan_sandbox(options.sandbox),
            preflight=assignment.reference_imports(),
        )
        try:
            worker.launch()  # the student's code loads while the grader imports the reference and pytest
            if options.suite == "hidden":
                reference = load_reference(assignment_id, options.course_root)
            import pytest  # noqa: F401  - warm import, overlapped with the worker's start-up

            loaded = worker.start()  # a GraderFault (the worker's own set-up failed) is never scored
        except BaseException:
            worker.close()
            raise
        if loaded.status != Status.OK:
            load_failure = _load_failure(loaded)
            messages.append(f"Your code could not be loaded, so no function could be graded: {load_failure}")
    try:
        if options.suite == "hidden" and reference is None:
            reference = load_reference(assignment_id, options.course_root)
        run = run_suite(
            suite_dir,
            assignment=assignment_id,
            submission=SubmissionProxy(worker) if worker is not None else None,
            reference=reference,
            options=options,
            hints=hints,
            cache_dir=_cache_dir(options, assignment.root),
            load_failure=load_failure,
            progress=progress,
        )
        if run.gpu is not None and run.gpu.message():
            messages.append(run.gpu.message())
        messages.extend(run.notes)
        output, output_bytes = worker.output_text() if worker is not None else ("", 0)
        if worker is not None and worker.stats.timeouts:
            messages.append(f"{worker.stats.timeouts} call(s) ran out of time and were stopped.")
        if worker is not None and worker.stats.crashes:
            messages.append(
                f"The process running your code crashed {worker.stats.crashes} time(s) and was restarted."
            )
    finally:
        if worker is not None:
            worker.close()
    if output_bytes > len(output.encode()):
        messages.append(
            f"Your code printed {output_bytes} bytes; only the first {len(output.encode())} are kept."
        )
    return GradeResult(
        assignment=assignment_id,
        submission=_display(Path(submission)),
        kind=kind,
        functions=score(run.outcomes, _definition_order(reference)),
        messages=tuple(messages),
        output=output,
        output_bytes=output_bytes,
        seed=options.seed,
        suite=options.suite,
        seqlab_version=__version__,
        execution_time=round(time.monotonic() - began, 3),
        extra={
            **_extra(run.gpu, options.limits, options.sandbox),
            "hints": {"given": hints, "why_not": no_hints_reason},
            # what the class report counts: calls stopped for time, crashes of the process running the code
            "worker": {
                "timeouts": worker.stats.timeouts if worker is not None else 0,
                "crashes": worker.stats.crashes if worker is not None else 0,
            },
        },
        load_error=load_failure or "",
    )
