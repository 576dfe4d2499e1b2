"""Time `seqlab grade` against stock `nbgrader autograde` on the same notebooks, on this machine.

Two submissions of one assignment, both notebooks:

* ``reference``: the instructor's source notebook (solutions/<id>/<id>.ipynb), every function right;
* ``wrong``: the same notebook with one function replaced by a known mistake from
  tests/data/mutants/<id>/ (appended to the solution cell that defines it, so the later def wins).

For each, the script times (wall clock, whole command, N repetitions, median):

* ``python -m seqlab.cli grade <folder> --assignment <id> --format json --out <file>``: the hidden
  suite, student code in isolated worker processes, timed three ways: replaying the examples recorded by the
  untimed warm-up run (the normal case once a suite version has graded one passing submission, see
  seqlab.suite.replay), with ``--no-example-cache`` (hypothesis generates every example), and with
  ``--sandbox off`` (no bubblewrap, no user switch: the cost of isolation is the difference);
* ``python -m nbgrader autograde <id> --student <name> --force`` in a temporary stock nbgrader course
  (source/, release/, submitted/<student>/<id>/<id>.ipynb) made with ``nbgrader generate_assignment``:
  the notebook runs top to bottom in a Jupyter kernel and the visible check cells give the points.

Runs alternate between the two tools so that drift on a busy machine hits both. The result is printed
and written as a Markdown table (default benchmarks/out/<id>.md).

    python benchmarks/bench_grade_vs_nbgrader.py --assignment encoding --repeat 5
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Case:
    """One submission and what each tool measured for it."""

    name: str
    description: str
    seqlab_times: list[float]
    nbgrader_times: list[float]
    generated_times: list[float] = dataclasses.field(default_factory=list)
    unsandboxed_times: list[float] = dataclasses.field(default_factory=list)
    seqlab_score: str = "?"
    nbgrader_score: str = "?"


def _env() -> dict[str, str]:
    # nbgrader's gradebook runs `alembic` from PATH: put this interpreter's scripts first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return dict(os.environ, PATH=path)


def _run(command: list[str], cwd: Path) -> float:
    """Run a command, fail loudly if it fails, return its wall-clock seconds."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed (exit {result.returncode}): {' '.join(command)}")
    return elapsed


def _mutant(course_root: Path, assignment: str, name: str | None) -> tuple[str, str, str]:
    """(function, mistake, source) of the chosen mutant (default: the first one by file name)."""
    folder = course_root / "tests" / "data" / "mutants" / assignment
    files = sorted(folder.glob("*.py"))
    if not files:
        raise SystemExit(f"no mutants in {folder}")
    path = folder / f"{name}.py" if name else files[0]
    source = path.read_text(encoding="utf-8")
    header = source.splitlines()[:2]
    function = header[0].removeprefix("# mutant-of:").strip()
    mistake = header[1].removeprefix("# mistake:").strip()
    return function, f"{path.stem}: {mistake}", source


def _wrong_notebook(reference: dict, function: str, mutant_source: str) -> dict:
    wrong = json.loads(json.dumps(reference))
    for cell in wrong["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and function in meta.get("grade_id", "").split("__"):
            cell["source"] = "".join(cell["source"]) + "\n\n\n" + mutant_source
            return wrong
    raise SystemExit(f"no solution cell defines {function}")


def _nbgrader_course(root: Path, assignment: str, notebooks: dict[str, dict]) -> None:
    """A stock nbgrader course: default layout, the assignment generated, one submission per student."""
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n", encoding="utf-8")
    source = root / "source" / assignment
    source.mkdir(parents=True)
    (source / f"{assignment}.ipynb").write_text(json.dumps(notebooks["reference"]), encoding="utf-8")
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--NbGrader.logfile="], root)
    for student, notebook in notebooks.items():
        target = root / "submitted" / student / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(notebook), encoding="utf-8")


def _nbgrader_score(root: Path, assignment: str, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return f"{submission.score:g} / {submission.max_score:g}"


def _seqlab_score(report: Path) -> str:
    data = json.loads(report.read_text(encoding="utf-8"))
    return f"{data['score']:g} / {data['max_score']:g}"


def _median(times: list[float]) -> float:
    return statistics.median(times)


def render(assignment: str, cases: list[Case], repeat: int, load: tuple[float, float]) -> str:
    """The Markdown table (and the machine it ran on)."""
    lines = [
        f"### `{assignment}`: seqlab grade vs nbgrader autograde (median of {repeat}, wall clock, seconds)",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"1-minute load average {load[0]:.1f} before, {load[1]:.1f} after.",
        "",
        "| submission | seqlab grade | seqlab grade --no-example-cache | seqlab grade --sandbox off "
        "| nbgrader autograde | seqlab / nbgrader | (no cache) / nbgrader | sandbox cost / nbgrader "
        "| seqlab score | nbgrader score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        seqlab, nbgrader = _median(case.seqlab_times), _median(case.nbgrader_times)
        generated, unsandboxed = _median(case.generated_times), _median(case.unsandboxed_times)
        lines.append(
            f"| {case.name} ({case.description}) | {seqlab:.2f} | {generated:.2f} | {unsandboxed:.2f} "
            f"| {nbgrader:.2f} | {seqlab / nbgrader:.2f} | {generated / nbgrader:.2f} "
            f"| {(seqlab - unsandboxed) / nbgrader:+.2f} | {case.seqlab_score} | {case.nbgrader_score} |"
        )
    lines += [
        "",
        "All runs (s): "
        + "; ".join(
            f"{case.name}: seqlab {', '.join(f'{t:.2f}' for t in case.seqlab_times)} / "
            f"no cache {', '.join(f'{t:.2f}' for t in case.generated_times)} / "
            f"sandbox off {', '.join(f'{t:.2f}' for t in case.unsandboxed_times)} / "
            f"nbgrader {', '.join(f'{t:.2f}' for t in case.nbgrader_times)}"
            for case in cases
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="encoding", help="assignment id (default: encoding)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per tool and submission")
    parser.add_argument("--mutant", help="mutant name in tests/data/mutants/<id>/ (default: the first)")
    parser.add_argument("--course-root", type=Path, default=REPO_ROOT, help="the course (default: this repo)")
    parser.add_argument("--out", type=Path, help="Markdown output (default: benchmarks/out/<id>.md)")
    args = parser.parse_args(argv)
    assignment, root = args.assignment, args.course_root.resolve()
    out = args.out or REPO_ROOT / "benchmarks" / "out" / f"{assignment}.md"

    source_notebook = root / "solutions" / assignment / f"{assignment}.ipynb"
    reference = json.loads(source_notebook.read_text(encoding="utf-8"))
    function, mistake, mutant_source = _mutant(root, assignment, args.mutant)
    notebooks = {"reference": reference, "wrong": _wrong_notebook(reference, function, mutant_source)}
    descriptions = {"reference": "every function right", "wrong": f"`{function}` wrong: {mistake}"}

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="seqlab-bench-") as scratch:
        scratch_path = Path(scratch)
        course = scratch_path / "nbgrader-course"
        _nbgrader_course(course, assignment, notebooks)
        cases = []
        for student, notebook in notebooks.items():
            folder = scratch_path / "seqlab" / student
            folder.mkdir(parents=True)
            (folder / f"{assignment}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
            report = scratch_path / f"{student}.json"
            seqlab_cmd = [
                sys.executable, "-m", "seqlab.cli", "grade", str(folder),
                "--assignment", assignment, "--format", "json", "--out", str(report),
                "--course-root", str(root), "--cache-dir", str(scratch_path / "examples"),
            ]  # fmt: skip
            generated_cmd = [*seqlab_cmd, "--no-example-cache"]
            unsandboxed_cmd = [*seqlab_cmd, "--sandbox", "off"]  # the cost of isolation: same run without it
            nbgrader_cmd = [
                sys.executable, "-m", "nbgrader", "autograde", assignment,
                "--student", student, "--force", "--NbGrader.logfile=",
            ]  # fmt: skip
            case = Case(student, descriptions[student], [], [])
            _run(seqlab_cmd, root)  # warm-up: bytecode, file caches
            _run(nbgrader_cmd, course)
            for _ in range(args.repeat):
                case.seqlab_times.append(_run(seqlab_cmd, root))
                case.generated_times.append(_run(generated_cmd, root))
                case.unsandboxed_times.append(_run(unsandboxed_cmd, root))
                case.nbgrader_times.append(_run(nbgrader_cmd, course))
                last = (
                    f"seqlab {case.seqlab_times[-1]:.2f} s, no cache {case.generated_times[-1]:.2f} s, "
                    f"nbgrader {case.nbgrader_times[-1]:.2f} s"
                )
                print(f"{student}: {last}", file=sys.stderr)
            case.seqlab_score = _seqlab_score(report)
            case.nbgrader_score = _nbgrader_score(course, assignment, student)
            cases.append(case)

    table = render(assignment, cases, args.repeat, (load_before, os.getloadavg()[0]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")
    print(table)
    print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
