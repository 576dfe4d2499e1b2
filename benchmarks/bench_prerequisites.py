"""What grading dependants with the reference's prerequisites costs: the grader answering the student's
calls of a prerequisite (one round trip through the worker's channel each), against CS231n-style
cascading (the student's own prerequisites, no round trips), on the same submissions, in this process.

    python benchmarks/bench_prerequisites.py [--repeats N] [-a ASSIGNMENT ...]

For every assignment with prerequisites (cells, bptt, cnn, encoding), the reference and the mutants of
``tests/data/mutants/<id>/`` that have a ``# cascades-to:`` line (a mistake in a prerequisite) are graded
by :func:`seqlab.grading.pipeline.grade` (isolation on, example cache warmed by an untimed grading)
alternately with the course as it is (``prerequisites = "reference"``, the default) and with a copy of the
course whose ``grader/<id>/grading.toml`` says ``prerequisites = "student"``. Printed per assignment: seconds
for each, their ratio, the prerequisite calls the grader answered, and the points the mutants lost in
functions other than their own under each policy (the double penalty avoided).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from seqlab.course.layout import find_course_root
from seqlab.grading.pipeline import grade
from seqlab.isolate import worker
from seqlab.options import GradeOptions

ROOT = find_course_root()
ASSIGNMENTS = ("cells", "bptt", "cnn", "encoding")


class AnswerCounter:
    """Counts the prerequisite calls the grader answers (wraps Worker._answer)."""

    def __init__(self) -> None:
        self.calls = 0
        original = worker.Worker._answer

        def counted(self_: worker.Worker, *args: object) -> None:
            self.calls += 1
            original(self_, *args)  # type: ignore[arg-type]

        worker.Worker._answer = counted  # type: ignore[method-assign]


def cascading_course(assignment: str, folder: Path) -> Path:
    """A copy of the course's files for ``assignment`` with ``prerequisites = "student"``."""
    for part in (f"grader/{assignment}", f"solutions/{assignment}"):
        shutil.copytree(ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    (folder / "grader" / assignment / "grading.toml").write_text('prerequisites = "student"\n')
    return folder


def submissions(assignment: str, folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (folder, the mutant's own function or "" for the reference)."""
    reference = (ROOT / "solutions" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    sources = {"reference": (reference, "")}
    for path in sorted((ROOT / "tests" / "data" / "mutants" / assignment).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "# cascades-to:" in text:
            target = text.splitlines()[0].split(":", 1)[1].strip()
            sources[path.stem] = (reference + "\n\n" + text, target)
    found = {}
    for name, (source, target) in sources.items():
        (folder / name).mkdir(parents=True)
        (folder / name / f"{assignment}.py").write_text(source, encoding="utf-8")
        found[name] = (folder / name, target)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--assignment", "-a", action="append", help="default: " + ", ".join(ASSIGNMENTS))
    args = parser.parse_args()
    counter = AnswerCounter()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("assignment  gradings  reference's  student's  ratio  answered calls  lost elsewhere (ref / own)")
    totals = {"reference": 0.0, "student": 0.0}
    for assignment in args.assignment or ASSIGNMENTS:
        with tempfile.TemporaryDirectory(prefix="seqlab-bench-prereq-") as scratch:
            found = submissions(assignment, Path(scratch) / "submissions")
            roots = {"reference": ROOT, "student": cascading_course(assignment, Path(scratch) / "course")}
            for root in roots.values():  # untimed: imports, and each course's example cache recorded
                grade(found["reference"][0], assignment, GradeOptions(course_root=root))
            seconds = dict.fromkeys(roots, 0.0)
            elsewhere = dict.fromkeys(roots, 0.0)
            counter.calls = 0
            for _ in range(args.repeats):
                for path, target in found.values():
                    for policy, root in roots.items():
                        began = time.perf_counter()
                        result = grade(path, assignment, GradeOptions(course_root=root))
                        seconds[policy] += time.perf_counter() - began
                        if target:
                            elsewhere[policy] += sum(
                                f.max_score - f.score for f in result.functions if f.name != target
                            )
            runs = len(found) * args.repeats
            ratio = seconds["reference"] / seconds["student"]
            print(
                f"{assignment:<10}  {runs:>8}  {seconds['reference']:>10.1f}s  {seconds['student']:>8.1f}s"
                f"  {ratio:>5.3f}  {counter.calls // args.repeats:>14}"
                f"  {elsewhere['reference'] / args.repeats:>6g} / {elsewhere['student'] / args.repeats:g}"
            )
            for policy in totals:
                totals[policy] += seconds[policy]
    print(f"{'all':<10}  {'':>8}  {totals['reference']:>10.1f}s  {totals['student']:>8.1f}s"
          f"  {totals['reference'] / totals['student']:>5.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
