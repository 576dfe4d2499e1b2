"""Class grading throughput: submissions per minute for seqlab grade-class (1 and 2 local workers, a
loopback Dask cluster of two worker processes) against grading the same submissions one by one with
`seqlab grade` and with stock `nbgrader autograde`; and what a warm worker saves at start-up.

    python benchmarks/bench_class_grading.py --assignment encoding --students 60

The class is a stock nbgrader course made in a temporary folder: `submitted/<student>/<id>/<id>.ipynb`
for ``--students`` students cycling through the reference notebook and one notebook per known mistake
(``tests/data/mutants/<id>/``, appended to the solution cell of its function). Every tool grades exactly
these notebooks, and the script checks that they agree on every student's score:

- ``seqlab grade`` one by one: ``python -m seqlab grade submitted/<s>/<id>`` per student, in sequence;
- ``nbgrader autograde <id> --force``: every student, nbgrader's own sequential loop (its test cells call
  seqlab's hidden suite, as the released course does);
- ``seqlab grade-class -j 1`` and ``-j 2``: the whole command, interpreter and fork-server start included;
- ``seqlab grade-class --scheduler``: the same command against a loopback Dask cluster (a scheduler and
  two ``dask worker --nthreads 1 --preload seqlab.cluster`` processes, started before the timer).

All of them share one example cache, recorded by an untimed warm-up grading of the reference (the state
of a course once a suite version has graded one passing submission). Wall clock of whole commands.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_grade_vs_nbgrader import REPO_ROOT, _env, _nbgrader_course, _run, _wrong_notebook

from seqlab.classroom.loopback import loopback_cluster
from seqlab.classroom.run import warm_modules


def _mutants(root: Path, assignment: str) -> list[tuple[str, str]]:
    """(function, source) of every known mistake of the assignment."""
    found = []
    for path in sorted((root / "tests" / "data" / "mutants" / assignment).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found.append((source.splitlines()[0].removeprefix("# mutant-of:").strip(), source))
    return found


def _class_notebooks(root: Path, assignment: str, students: int) -> dict[str, dict]:
    """``reference`` (the source nbgrader generates from) and ``students`` more, cycling through the
    reference and one wrong notebook per mutant."""
    reference = json.loads((root / "solutions" / assignment / f"{assignment}.ipynb").read_text("utf-8"))
    kinds = [reference] + [
        _wrong_notebook(reference, fn, source) for fn, source in _mutants(root, assignment)
    ]
    notebooks = {"reference": reference}
    for number in range(students - 1):
        notebooks[f"student{number:03d}"] = kinds[(number + 1) % len(kinds)]
    return notebooks


def _noop(_: int) -> int:
    return os.getpid()


def warm_start_cost(repeat: int = 3) -> dict[str, float]:
    """Seconds: a cold interpreter importing what grading needs; the fork server's first pool of two
    (server start, preloads, two forks); a later pool of two (two forks from the warm server)."""
    imports = ", ".join(warm_modules())
    cold = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {imports}"], check=True, env=_env())
        cold.append(time.perf_counter() - began)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(warm_modules())
    pools = []
    for _ in range(repeat + 1):
        began = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
            list(pool.map(_noop, range(2)))
        pools.append(time.perf_counter() - began)
    return {
        "cold_imports": statistics.median(cold),
        "first_pool": pools[0],
        "warm_pool": statistics.median(pools[1:]),
    }


def _seqlab_scores(gradebook: Path, assignment: str) -> dict[str, float]:
    from seqlab.classroom.gradebook import Gradebook

    with Gradebook(f"sqlite:///{gradebook}") as book:
        return {student: result.score for (student, _), result in book.latest(assignment).items()}


def _nbgrader_scores(course: Path, assignment: str, students: list[str]) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        return {s: book.find_submission(assignment, s).score for s in students}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="encoding", help="assignment id (default: encoding)")
    parser.add_argument("--students", type=int, default=60, help="class size (default: 60)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="leave nbgrader out (it is the slowest)")
    parser.add_argument("--out", type=Path, help="Markdown output (default: benchmarks/out/class-<id>.md)")
    args = parser.parse_args(argv)
    assignment, root, count = args.assignment, REPO_ROOT, args.students
    out = args.out or REPO_ROOT / "benchmarks" / "out" / f"class-{assignment}.md"
    load_before = os.getloadavg()[0]
    warm = warm_start_cost()
    print(f"warm start: {warm}", file=sys.stderr)
    rows: list[tuple[str, float]] = []
    scores: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="seqlab-bench-class-") as scratch:
        scratch_path = Path(scratch)
        course = scratch_path / "course"
        notebooks = _class_notebooks(root, assignment, count)
        _nbgrader_course(course, assignment, notebooks)
        students = sorted(notebooks)
        cache = ["--course-root", str(root), "--cache-dir", str(scratch_path / "examples")]
        grade = [sys.executable, "-m", "seqlab", "grade"]

        def one_by_one() -> None:
            found = {}
            for student in students:
                report = scratch_path / "reports" / f"{student}.json"
                report.parent.mkdir(exist_ok=True)
                folder = course / "submitted" / student / assignment
                _run(
                    [*grade, str(folder), "-a", assignment, "--format", "json", "--out", str(report), *cache],
                    root,
                )
                found[student] = json.loads(report.read_text())["score"]
            scores["seqlab grade, one by one"] = found

        def grade_class(name: str, *where: str) -> None:
            target = scratch_path / name.replace(" ", "-")
            command = [
                sys.executable,
                "-m",
                "seqlab",
                "grade-class",
                str(course / "submitted"),
                "-a",
                assignment,
            ]
            _run([*command, "--out", str(target), "--no-progress", *where, *cache], root)
            scores[name] = _seqlab_scores(target / "seqlab-gradebook.db", assignment)

        def nbgrader() -> None:
            command = [
                sys.executable,
                "-m",
                "nbgrader",
                "autograde",
                assignment,
                "--force",
                "--NbGrader.logfile=",
            ]
            _run(command, course)
            scores["nbgrader autograde"] = _nbgrader_scores(course, assignment, students)

        _run([*grade, str(course / "submitted" / "reference" / assignment), "-a", assignment, *cache], root)
        runs = [
            ("seqlab grade, one by one", one_by_one),
            ("grade-class -j 1", lambda: grade_class("grade-class -j 1", "-j", "1")),
            ("grade-class -j 2", lambda: grade_class("grade-class -j 2", "-j", "2")),
        ]
        if not args.skip_nbgrader:
            runs.insert(1, ("nbgrader autograde", nbgrader))
        for name, action in runs:
            began = time.perf_counter()
            action()
            rows.append((name, time.perf_counter() - began))
            print(f"{name}: {rows[-1][1]:.1f} s", file=sys.stderr)
        began = time.perf_counter()
        with loopback_cluster(2, scratch_path / "dask") as address:
            cluster_start = time.perf_counter() - began
            began = time.perf_counter()
            grade_class("grade-class --scheduler (Dask, 2 workers)", "--scheduler", address)
            rows.append(("grade-class --scheduler (Dask, 2 workers)", time.perf_counter() - began))
        print(f"{rows[-1][0]}: {rows[-1][1]:.1f} s (cluster start {cluster_start:.1f} s)", file=sys.stderr)

    expected = scores["seqlab grade, one by one"]
    disagree = [name for name, found in scores.items() if found != expected]
    text = render(assignment, count, rows, warm, cluster_start, (load_before, os.getloadavg()[0]), disagree)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if disagree else 0


def render(
    assignment: str,
    count: int,
    rows: list[tuple[str, float]],
    warm: dict[str, float],
    cluster_start: float,
    load: tuple[float, float],
    disagree: list[str],
) -> str:
    seconds = dict(rows)
    one = seconds["grade-class -j 1"]
    lines = [
        f"`{assignment}`, {count} notebooks ({platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after)",
        "",
        "| how | seconds | submissions / min | vs grade-class -j 1 |",
        "|---|---:|---:|---:|",
    ]
    for name, took in rows:
        lines.append(f"| {name} | {took:.1f} | {60 * count / took:.1f} | {one / took:.2f}x |")
    lines += [
        "",
        "Scores: "
        + (
            "every tool gave every student the same score."
            if not disagree
            else f"DIFFER: {', '.join(disagree)}."
        ),
        "",
        f"Warm workers: a cold interpreter importing {', '.join(warm_modules())} takes "
        f"{warm['cold_imports']:.2f} s; "
        f"the fork server's first pool of two takes {warm['first_pool']:.2f} s (server start and preloads, "
        f"once per class run), a pool of two forked from the warm server {warm['warm_pool']:.3f} s. "
        f"The loopback Dask cluster (scheduler + 2 preloaded workers) took {cluster_start:.1f} s to start.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
