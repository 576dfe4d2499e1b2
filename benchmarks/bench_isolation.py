"""What a fresh process per graded function costs: the reference of every assignment graded with the worker
as it is (a warm parent that forks one process for each graded function's tests, which loads the
submission afresh) against one process answering every test of the submission (the model before:
``Worker.isolate`` made a no-op, so the first test process serves the whole suite), in this process,
alternately.

    python benchmarks/bench_isolation.py [--repeats N] [-a ASSIGNMENT ...]

Both use :func:`seqlab.grading.pipeline.grade` with the sandbox as this machine allows, the default limits,
and an example cache warmed by an untimed grading of each (the usual case). Printed per assignment: the median
seconds of each and their ratio, the ratio of the fastest run of each (the runs least disturbed by other
work on the machine), and how many test processes the isolated grading started.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.grading.pipeline import grade
from seqlab.isolate import worker
from seqlab.options import GradeOptions

ROOT = find_course_root()
ISOLATE = worker.Worker.isolate
FORK = worker.Worker._next_test_process  # noqa: SLF001 - counted, not changed
forks = 0


def _counted_fork(self: worker.Worker, timeout: float) -> worker.CallResult:
    global forks
    forks += 1
    return FORK(self, timeout)


def timed(assignment: str, options: GradeOptions, isolated: bool) -> tuple[float, float]:
    """Seconds of one grading of the reference, and its score."""
    worker.Worker.isolate = ISOLATE if isolated else (lambda self: None)  # type: ignore[method-assign]
    began = time.perf_counter()
    result = grade(ROOT / "solutions" / assignment, assignment, options)
    return time.perf_counter() - began, result.score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--assignment", "-a", action="append", help="default: every assignment")
    args = parser.parse_args()
    worker.Worker._next_test_process = _counted_fork  # type: ignore[method-assign]  # noqa: SLF001
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("assignment  one process (s)  a process per function (s)  ratio  fastest runs' ratio  processes")
    totals = {True: 0.0, False: 0.0}
    fastest_totals = {True: 0.0, False: 0.0}
    global forks
    for assignment in args.assignment or ASSIGNMENTS:
        with tempfile.TemporaryDirectory() as cache:
            options = GradeOptions(cache_dir=Path(cache))
            for isolated in (False, True):  # warm the example cache and the file system
                timed(assignment, options, isolated)
            seconds: dict[bool, list[float]] = {True: [], False: []}
            scores = set()
            for _ in range(args.repeats):
                for isolated in (False, True):
                    forks_before = forks
                    spent, score = timed(assignment, options, isolated)
                    seconds[isolated].append(spent)
                    scores.add(score)
                    if isolated:
                        processes = forks - forks_before
        medians = {key: statistics.median(values) for key, values in seconds.items()}
        fastest = {key: min(values) for key, values in seconds.items()}
        for key in (True, False):
            totals[key] += medians[key]
            fastest_totals[key] += fastest[key]
        assert len(scores) == 1, f"{assignment}: the two models gave different scores {scores}"
        print(
            f"{assignment:<11} {medians[False]:>15.2f} {medians[True]:>27.2f} "
            f"{medians[True] / medians[False]:>6.3f} {fastest[True] / fastest[False]:>20.3f} {processes:>10}"
        )
    print(
        f"{'all':<11} {totals[False]:>15.2f} {totals[True]:>27.2f} {totals[True] / totals[False]:>6.3f} "
        f"{fastest_totals[True] / fastest_totals[False]:>20.3f}"
    )
    worker.Worker.isolate = ISOLATE  # type: ignore[method-assign]
    worker.Worker._next_test_process = FORK  # type: ignore[method-assign]  # noqa: SLF001


if __name__ == "__main__":
    main()
