"""Grade a whole class: every submission of a folder, in parallel, into a resumable gradebook.

:func:`grade_class` takes the submissions :func:`seqlab.classroom.submissions.find_submissions` found and
grades each one exactly as ``seqlab grade`` does (:func:`seqlab.grading.pipeline.grade`, same isolation, same
options, so the same report), skipping those the gradebook already holds for the same content and grader
version (:mod:`seqlab.classroom.gradebook`). Each grade is committed as soon as it arrives, so a crash or
Ctrl-C loses only the gradings in flight; the next run grades the rest.

Where the gradings run is a :class:`Runner`:

* :class:`LocalRunner` (the default): a pool of grader processes on this machine, one per core by
  default, forked from a **warm fork server** that imported numpy, pytest, hypothesis, torch and seqlab's
  grading code once, so a submission does not pay those imports again (torch alone takes seconds). Each
  grader process's student code runs as a user of its own (as every grading's:
  :func:`seqlab.grading.pipeline.grade` reserves one with :func:`seqlab.isolate.sandbox.claim_worker_uid`) so
  that one submission's fork bomb cannot use up the process limit of another's.
* :class:`seqlab.classroom.dask_cluster.DaskRunner`: the same gradings on a Dask distributed cluster.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import importlib.util
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from seqlab.classroom.fingerprint import content_hash, grader_version
from seqlab.classroom.gradebook import Gradebook
from seqlab.classroom.scan import ClassSubmission
from seqlab.errors import SandboxUnavailable, SeqlabError
from seqlab.grading.pipeline import grade
from seqlab.hints.policy import hints_decision
from seqlab.isolate.sandbox import plan_sandbox
from seqlab.model import GradeResult
from seqlab.options import GradeOptions

__all__ = [
    "ClassRun",
    "GradeJob",
    "JobOutcome",
    "LocalRunner",
    "Progress",
    "Runner",
    "grade_class",
    "grade_job",
    "plan_jobs",
]

#: Modules the fork server imports once; every grader process forked from it starts with them loaded.
WARM_MODULES = (
    "numpy",
    "pytest",
    "hypothesis",
    "seqlab.grading.pipeline",
    "seqlab.suite.runner",
    "seqlab.classroom.run",
)


@dataclass(frozen=True)
class GradeJob:
    """One submission to grade, with the key it will be stored under."""

    student: str
    assignment: str
    path: str
    content_hash: str
    grader_version: str
    submitted_at: datetime | None = None

    def options(self, options: GradeOptions) -> GradeOptions:
        """The run's options for this job: its own submission time, when known, decides hint deadlines
        (else the run's ``submitted_at``, else the time of grading)."""
        if self.submitted_at is None:
            return options
        return dataclasses.replace(options, submitted_at=self.submitted_at)

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


@dataclass(frozen=True)
class JobOutcome:
    """What grading one job gave: the report (``GradeResult.to_dict()``), or why grading could not happen."""

    job: GradeJob
    report: dict[str, Any] | None
    seconds: float
    error: str = ""


@dataclass
class ClassRun:
    """The tally of one class run."""

    total: int = 0
    already_graded: int = 0
    graded: int = 0
    failed: list[tuple[GradeJob, str]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def remaining(self) -> int:
        return self.total - self.already_graded - self.graded - len(self.failed)


def grade_job(job: GradeJob, options: GradeOptions) -> JobOutcome:
    """Grade one job (in whatever process runs it); never raises for a submission's or a course's fault."""
    began = time.monotonic()
    try:
        result = grade(job.path, job.assignment, job.options(options))
    except SeqlabError as exc:
        return JobOutcome(job, None, time.monotonic() - began, f"{type(exc).__name__}: {exc}")
    except Exception:  # noqa: BLE001 - a bug in the grader: reported with its traceback, the run goes on
        return JobOutcome(job, None, time.monotonic() - began, traceback.format_exc(limit=8))
    return JobOutcome(job, result.to_dict(), time.monotonic() - began)


def plan_jobs(
    submissions: Iterable[ClassSubmission], options: GradeOptions, gradebook: Gradebook
) -> tuple[list[GradeJob], list[GradeJob]]:
    """Split the submissions into jobs to grade and jobs the gradebook already holds (same content, same
    grader version; the version covers whether the submission's time gets hints)."""
    versions: dict[tuple[str, bool], str] = {}
    pending, done = [], []
    for submission in submissions:
        submitted_at = submission.submitted_at or options.submitted_at
        local = dataclasses.replace(options, submitted_at=submitted_at)
        key = (submission.assignment, hints_decision(submission.assignment, local)[0])
        if key not in versions:
            versions[key] = grader_version(submission.assignment, local)
        job = GradeJob(
            submission.student,
            submission.assignment,
            str(submission.path),
            content_hash(submission.path),
            versions[key],
            submitted_at,
        )
        known = gradebook.lookup(job.student, job.assignment, job.content_hash, job.grader_version)
        (done if known is not None else pending).append(job)
    return pending, done


class Runner(Protocol):
    """Runs grading jobs somewhere and yields their outcomes as they finish (in any order)."""

    def run(self, jobs: Sequence[GradeJob], options: GradeOptions) -> Iterator[JobOutcome]: ...


# -- the local runner ---------------------------------------------------------------------------------------


def _init_grader_process(warm: bool) -> None:
    """Runs once in each pool process: import what grading needs."""
    if warm:
        import seqlab.suite.runner  # noqa: F401  - already loaded from the fork server; cheap otherwise


def warm_modules() -> list[str]:
    """The modules a warm grader process imports before its first grading (torch where installed)."""
    modules = list(WARM_MODULES)
    if importlib.util.find_spec("torch") is not None:
        modules.insert(0, "torch")
    return modules


class LocalRunner:
    """A pool of grader processes on this machine, forked from a warm fork server.

    Args:
        workers: how many submissions are graded at once (default: the number of CPUs this process may use).
        warm: fork the grader processes from a server that imported numpy, pytest, hypothesis, torch and
            seqlab's grading once (``forkserver`` start method with preloads); ``False`` spawns cold ones.
    """

    def __init__(self, workers: int | None = None, *, warm: bool = True) -> None:
        available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.workers = max(1, workers or available or 1)
        self.warm = warm

    def run(self, jobs: Sequence[GradeJob], options: GradeOptions) -> Iterator[JobOutcome]:
        if not jobs:
            return
        if self.warm:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(warm_modules())
        else:
            context = multiprocessing.get_context("spawn")
        workers = min(self.workers, len(jobs))
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_grader_process,
            initargs=(self.warm,),
        )
        try:
            futures = {pool.submit(grade_job, job, options): job for job in jobs}
            for future in concurrent.futures.as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except concurrent.futures.process.BrokenProcessPool as exc:
                    yield JobOutcome(job, None, 0.0, f"the grader process died: {exc}")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# -- progress -----------------------------------------------------------------------------------------------


class Progress:
    """A one-line progress display on a terminal (a line per tenth elsewhere): done, failed, ETA."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream if stream is not None else sys.stderr
        self.began = time.monotonic()
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_tenth = -1

    def line(self) -> str:
        elapsed = time.monotonic() - self.began
        finished = self.done + self.failed
        eta = (elapsed / finished) * (self.total - finished) if finished else None
        text = (
            f"[{finished}/{self.total}] graded {self.done}, failed {self.failed}, {_clock(elapsed)} elapsed"
        )
        return text + (f", about {_clock(eta)} left" if eta is not None and finished < self.total else "")

    def update(self, ok: bool) -> None:
        self.done += ok
        self.failed += not ok
        finished = self.done + self.failed
        if self._tty:
            end = "\n" if finished == self.total else ""
            self.stream.write("\r" + self.line() + end)
            self.stream.flush()
        elif self.total and (tenth := 10 * finished // self.total) != self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(self.line() + "\n")


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


# -- the whole run ------------------------------------------------------------------------------------------


def grade_class(
    submissions: Sequence[ClassSubmission],
    options: GradeOptions,
    gradebook: Gradebook,
    *,
    runner: Runner | None = None,
    progress: Callable[[int], Progress] | None = None,
) -> ClassRun:
    """Grade every submission not yet in ``gradebook`` (same content, same grader version); record each
    grade as soon as it is made. Ctrl-C stops the run cleanly: what finished is kept, ``interrupted`` is set.

    Raises:
        SandboxUnavailable: ``options.sandbox`` is ``auto`` (or ``require``) and a layer is missing here:
            nobody's work is graded without isolation unless the operator chose ``off``.
    """
    if options.sandbox != "off" and plan_sandbox("auto").notes:  # "require" raises its own error here
        plan_sandbox(options.sandbox)
        raise SandboxUnavailable(
            "a class is graded only with every isolation layer (sandbox 'require'), and this machine lacks "
            f"{', '.join(sorted(plan_sandbox('auto').notes))} (`seqlab probe` says how to fix it); pass "
            "sandbox 'off' to grade without isolation all the same (every report then says so)"
        )
    began = time.monotonic()
    pending, done = plan_jobs(submissions, options, gradebook)
    run = ClassRun(total=len(pending) + len(done), already_graded=len(done))
    meter = progress(len(pending)) if progress is not None else None
    outcomes = (runner or LocalRunner()).run(pending, options)
    try:
        for outcome in outcomes:
            job = outcome.job
            if outcome.report is None:
                run.failed.append((job, outcome.error))
            else:
                result = GradeResult.from_dict(outcome.report)
                gradebook.record(
                    job.student, job.assignment, job.content_hash, job.grader_version, result, outcome.seconds
                )
                run.graded += 1
            if meter is not None:
                meter.update(outcome.report is not None)
    except KeyboardInterrupt:
        run.interrupted = True
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
        run.seconds = time.monotonic() - began
    return run
