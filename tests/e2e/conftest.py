"""Helpers for end-to-end grading tests: build submissions from the course's own files."""

from __future__ import annotations

import ast
import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.grading.pipeline import grade
from seqlab.isolate.limits import Limits
from seqlab.model import GradeResult, TestOutcome
from seqlab.options import GradeOptions
from seqlab.suite.runner import collect_points

ROOT = find_course_root()
MUTANTS = Path(__file__).resolve().parents[1] / "data" / "mutants"
VARIANTS = Path(__file__).resolve().parents[1] / "data" / "variants"
#: Calls that must return get 4 s: the encoding suite ships a 500,000-word index with one call, and its
#: transfer counts towards the call's time (about 0.5 s alone, longer when the suite runs on every core).
FAST_LIMITS = Limits(call_timeout=4.0, submission_timeout=120.0, startup_timeout=30.0)
#: Recorded examples shared by this session's gradings (see seqlab.suite.replay), never the course's own
#: cache.
EXAMPLE_CACHE = Path(tempfile.mkdtemp(prefix="seqlab-e2e-examples-"))
atexit.register(shutil.rmtree, EXAMPLE_CACHE, ignore_errors=True)


def reference_source(assignment: str) -> str:
    return (ROOT / "solutions" / assignment / f"{assignment}.py").read_text()


def write_module(folder: Path, assignment: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{assignment}.py").write_text(source)
    return folder


def mutant_files(assignment: str | None = None) -> list[Path]:
    assignments = [assignment] if assignment else list(ASSIGNMENTS)
    return sorted(p for a in assignments for p in (MUTANTS / a).glob("*.py"))


def catalogued_mutants(assignment: str) -> list[Path]:
    """The mutants of an assignment that make a catalogued misconception (a ``# misconception:`` line)."""
    return [p for p in mutant_files(assignment) if "\n# misconception:" in "\n" + p.read_text()]


def mutant_target(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# mutant-of:"), f"{path} lacks its '# mutant-of:' line"
    return first.split(":", 1)[1].strip()


def header_names(path: Path, key: str) -> set[str]:
    """The function names listed on a ``# key: a, b`` header line of a mutant or variant (none: empty)."""
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        if line.startswith(f"# {key}:"):
            return {name.strip() for name in line.split(":", 1)[1].split(",") if name.strip()}
    return set()


def affected_functions(path: Path) -> tuple[str, ...]:
    """The reference's functions a mutant or variant (the reference's source with definitions appended)
    can change: those it redefines, and every function of the reference that calls one of those, directly
    or through others. Each function's tests run in a process of their own, so a function whose code is the
    reference's and calls nothing that changed is graded as the reference is: grading it again proves
    nothing (tests/e2e/test_grading.py grades the reference whole)."""
    assignment = path.parent.name
    reference = ast.parse(reference_source(assignment))
    functions = {node.name: node for node in reference.body if isinstance(node, ast.FunctionDef)}
    changed = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            changed.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            changed |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif not isinstance(node, ast.Import | ast.ImportFrom | ast.Expr):
            return graded_functions(assignment)  # anything else may change anything
    calls = {name: {n.id for n in ast.walk(f) if isinstance(n, ast.Name)} for name, f in functions.items()}
    affected = set(changed)
    while more := {name for name, names in calls.items() if names & affected} - affected:
        affected |= more
    return tuple(name for name in graded_functions(assignment) if name in affected)


@functools.cache
def graded_functions(assignment: str) -> tuple[str, ...]:
    """The functions the hidden suite of ``assignment`` grades, in its order."""
    return tuple(collect_points(ROOT / "grader" / assignment))


def variant_files(assignment: str | None = None) -> list[Path]:
    """Correct alternative implementations (``# variant-of: ...``) that must score full marks."""
    assignments = [assignment] if assignment else list(ASSIGNMENTS)
    return sorted(p for a in assignments for p in (VARIANTS / a).glob("*.py"))


def notebook_with_extra_cell(notebook: Path, source: str, out: Path) -> Path:
    """Copy a notebook and append ``source`` as a solution cell (how a student's edit looks to nbgrader)."""
    data = json.loads(notebook.read_text())
    data["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "student-extra",
            "outputs": [],
            "source": source,
            "metadata": {
                "nbgrader": {
                    "solution": True,
                    "grade": False,
                    "locked": False,
                    "grade_id": "student_extra",
                    "schema_version": 3,
                }
            },
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data))
    return out


def grade_fast(path: Path, assignment: str, **options: object) -> GradeResult:
    settings = {"limits": FAST_LIMITS, "cache_dir": EXAMPLE_CACHE, **options}
    return grade(path, assignment, GradeOptions(**settings))  # type: ignore[arg-type]


def grade_many(sources: dict[str, tuple[str, str]], folder: Path, workers: int = 2) -> dict[str, GradeResult]:
    """Grade several modules (name -> (assignment, source)) at once with seqlab's class grader (the same
    :func:`seqlab.grading.pipeline.grade` per submission, in a pool of warm grader processes), with
    :func:`grade_fast`'s options; return name -> result."""
    from seqlab.classroom.run import GradeJob, LocalRunner

    jobs = []
    for name, (assignment, source) in sources.items():
        path = write_module(folder / name, assignment, source) / f"{assignment}.py"
        jobs.append(GradeJob(name, assignment, str(path), content_hash="", grader_version=""))
    options = GradeOptions(limits=FAST_LIMITS, cache_dir=EXAMPLE_CACHE)
    results = {}
    for outcome in LocalRunner(workers).run(jobs, options):
        assert outcome.report is not None, f"{outcome.job.student} could not be graded: {outcome.error}"
        results[outcome.job.student] = GradeResult.from_dict(outcome.report)
    return results


def ran(result: GradeResult) -> list[TestOutcome]:
    """The tests that ran (GPU checks are not run where this machine has no CUDA device)."""
    not_run = set(result.extra.get("gpu", {}).get("not_run_tests", ()))
    return [t for t in result.tests if t.id not in not_run]


def scores(result: GradeResult) -> dict[str, tuple[float, float]]:
    return {f.name: (f.score, f.max_score) for f in result.functions}


@pytest.fixture
def copy_file(tmp_path: Path):
    def copy(source: Path, name: str | None = None) -> Path:
        folder = tmp_path / (name or source.stem)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / source.name)
        return folder

    return copy


def _grade_as_dict(path: str, assignment: str, options: GradeOptions) -> dict:
    return grade(path, assignment, options).to_dict()


def grade_each(
    jobs: dict[str, tuple[str, str, dict[str, object]]], folder: Path, workers: int = 2
) -> dict[str, GradeResult]:
    """Grade modules (name -> (assignment, source, option overrides such as ``seed`` or ``functions``)) in
    a pool of warm grader processes, each with :func:`grade_fast`'s options and its own overrides."""
    import concurrent.futures
    import multiprocessing

    from seqlab.classroom.run import warm_modules

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(warm_modules())
    futures = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for name, (assignment, source, overrides) in jobs.items():
            path = write_module(folder / name, assignment, source) / f"{assignment}.py"
            options = GradeOptions(limits=FAST_LIMITS, cache_dir=EXAMPLE_CACHE, **overrides)  # type: ignore[arg-type]
            futures[pool.submit(_grade_as_dict, str(path), assignment, options)] = name
        return {
            futures[f]: GradeResult.from_dict(f.result()) for f in concurrent.futures.as_completed(futures)
        }
