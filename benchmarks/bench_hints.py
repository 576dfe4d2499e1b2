"""What naming misconceptions costs: the same submissions graded with hints on and off, in this process.

    python benchmarks/bench_hints.py [--repeats N] [-a ASSIGNMENT ...]

For every assignment, the reference and every mutant of ``tests/data/mutants/<id>/`` marked with a
``# misconception:`` line are graded by :func:`seqlab.grading.pipeline.grade` (isolation on, the course's
example cache, warmed by an untimed grading of each reference), alternately with ``hints=True`` and
``hints=False``, ``--repeats`` times each (default once). The diagnosis itself (``Diagnoser.diagnose``,
run in the grader after a failed test) is timed by wrapping it. Printed: per assignment, the gradings'
total seconds with and without hints, their ratio, the seconds spent diagnosing and how many failed tests
got a hint.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.grading.pipeline import grade
from seqlab.hints import catalogue as misconceptions
from seqlab.options import GradeOptions

ROOT = find_course_root()


class DiagnosisClock:
    """Wraps Diagnoser.diagnose to add up its time and count its calls."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        original = misconceptions.Diagnoser.diagnose

        def timed(diagnoser: misconceptions.Diagnoser, *args: object, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return original(diagnoser, *args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began
                self.calls += 1

        misconceptions.Diagnoser.diagnose = timed  # type: ignore[method-assign]


def submissions(assignment: str, folder: Path) -> list[Path]:
    """The reference and each catalogued mutant, each as ``folder/<name>/<assignment>.py``."""
    reference = (ROOT / "solutions" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    sources = {"reference": reference}
    for path in sorted((ROOT / "tests" / "data" / "mutants" / assignment).glob("*.py")):
        if "# misconception:" in path.read_text(encoding="utf-8"):
            sources[path.stem] = reference + "\n\n" + path.read_text(encoding="utf-8")
    paths = []
    for name, source in sources.items():
        (folder / name).mkdir()
        (folder / name / f"{assignment}.py").write_text(source, encoding="utf-8")
        paths.append(folder / name)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--assignment", "-a", action="append", help="default: all five")
    args = parser.parse_args()
    clock = DiagnosisClock()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("assignment  gradings  with hints  without  ratio  diagnosing  hinted tests")
    totals = [0.0, 0.0, 0.0]
    for assignment in args.assignment or ASSIGNMENTS:
        with tempfile.TemporaryDirectory(prefix="seqlab-bench-hints-") as scratch:
            paths = submissions(assignment, Path(scratch))
            grade(paths[0], assignment)  # untimed: imports, and the example cache recorded
            seconds = {True: 0.0, False: 0.0}
            clock.seconds, hinted = 0.0, 0
            for _ in range(args.repeats):
                for path in paths:
                    for hints in (True, False):
                        began = time.perf_counter()
                        result = grade(path, assignment, GradeOptions(hints=hints))
                        seconds[hints] += time.perf_counter() - began
                        hinted += sum(1 for test in result.tests if test.hint)
            runs = len(paths) * args.repeats
            ratio = seconds[True] / seconds[False]
            print(
                f"{assignment:<10}  {runs:>8}  {seconds[True]:>9.1f}s  {seconds[False]:>6.1f}s  {ratio:>5.3f}"
                f"  {clock.seconds:>9.2f}s  {hinted // args.repeats:>12}"
            )
            totals = [totals[0] + seconds[True], totals[1] + seconds[False], totals[2] + clock.seconds]
    print(f"{'all':<10}  {'':>8}  {totals[0]:>9.1f}s  {totals[1]:>6.1f}s  {totals[0] / totals[1]:>5.3f}"
          f"  {totals[2]:>9.2f}s")  # fmt: skip


if __name__ == "__main__":
    main()
