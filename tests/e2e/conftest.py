"""Helpers for end-to-end grading tests: build submissions from the course's own files."""

from __future__ import annotations

import ast
import atexit
import dataclasses
import functools
import json
import shutil
import tempfile
from collections.abc import Callable
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
#: Hypothesis examples per property test where a test proves plumbing (a class run equals each submission
#: graded alone; nbgrader's gradebook equals ``seqlab grade``), not the grading itself: the explicit
#: examples still run, and the tests of the grading (references, mistakes, variants, seeds, determinism)
#: keep the default budget.
PLUMBING_EXAMPLES = 5
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


def changed_names(path: Path) -> set[str] | None:
    """The module-level names a mutant or variant (appended to the reference) binds: its functions, classes
    and assigned names; None when it does anything else at the top level (which may change anything).
    Imports are left out: a module imported twice is the same object."""
    changed: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            changed.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            changed |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif not isinstance(node, ast.Import | ast.ImportFrom | ast.Expr):
            return None
    return changed


def affected_functions(path: Path) -> tuple[str, ...]:
    """The reference's functions a mutant or variant (the reference's source with definitions appended)
    can change: those it redefines, and every function of the reference that calls one of those, directly
    or through others. Each function's tests run in a process of their own, so a function whose code is the
    reference's and calls nothing that changed is graded as the reference is: grading it again proves
    nothing (tests/e2e/test_grading.py grades the reference whole)."""
    assignment = path.parent.name
    reference = ast.parse(reference_source(assignment))
    functions = {node.name: node for node in reference.body if isinstance(node, ast.FunctionDef)}
    changed = changed_names(path)
    if changed is None:
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


def independent_groups(
    paths: list[Path], functions_of: Callable[[Path], tuple[str, ...]] = affected_functions
) -> list[list[Path]]:
    """Mutants or variants split into groups, per assignment, to be graded together on ``functions_of``
    each: the members bind different names (:func:`changed_names`), and no member can change a function
    graded for another (:func:`affected_functions`).

    Appended together to the reference, each member's functions are then graded as if it were alone: a
    graded function calls nothing another member changed (it would be among that member's affected
    functions), each test runs in a process of its own, and a function's prerequisites are answered with
    the reference's versions. First fit, in the order given."""
    groups: list[tuple[list[Path], set[str], set[str], set[str]]] = []  # members, names, reached, graded
    alone: list[list[Path]] = []
    for path in paths:
        names, affected, graded = changed_names(path), set(affected_functions(path)), set(functions_of(path))
        if names is None:  # it may change anything
            alone.append([path])
            continue
        for members, bound, reached, wanted in groups:
            clash = bound & names or reached & graded or wanted & affected
            if members[0].parent == path.parent and not clash:
                members.append(path)
                bound |= names
                reached |= affected
                wanted |= graded
                break
        else:
            groups.append(([path], names, affected, graded))
    return [members for members, *_ in groups] + alone


def only_functions(result: GradeResult, functions: tuple[str, ...]) -> GradeResult:
    """``result`` with the scores (and tests) of ``functions`` alone."""
    return dataclasses.replace(result, functions=tuple(f for f in result.functions if f.name in functions))


def grade_grouped(
    paths: list[Path],
    folder: Path,
    functions_of: Callable[[Path], tuple[str, ...]],
    settings: tuple[dict[str, object], ...] = ({},),
) -> dict[tuple[Path, int], GradeResult]:
    """Grade each mutant or variant (the reference with the file appended) on ``functions_of(path)``, with
    :func:`grade_each`'s options and each of ``settings`` (option overrides such as ``seed``), as few
    submissions as :func:`independent_groups` allows, all in one pool; ``(path, index into settings)`` ->
    the result, which holds the path's own functions alone. A group whose grading stopped a call for time
    or lost a process to a crash is graded again one member at a time, so that no member's verdict depends
    on another's budget."""

    def jobs(groups: list[list[Path]], tag: str) -> dict[str, tuple[str, str, dict[str, object]]]:
        made = {}

        def size(group: tuple[int, list[Path]]) -> int:
            return -sum(len(functions_of(member)) for member in group[1])

        # the largest first, so that the pool does not end waiting on one long grading
        for number, members in sorted(enumerate(groups), key=size):
            assignment = members[0].parent.name
            wanted = {name for member in members for name in functions_of(member)}
            source = reference_source(assignment) + "".join("\n\n" + m.read_text() for m in members)
            functions = tuple(name for name in graded_functions(assignment) if name in wanted)
            for index, overrides in enumerate(settings):
                made[f"{tag}{number}-{index}"] = (assignment, source, {**overrides, "functions": functions})
        return made

    def troubled(result: GradeResult) -> bool:
        return bool(result.extra["worker"]["timeouts"] or result.extra["worker"]["crashes"])

    groups = independent_groups(paths, functions_of)
    graded = grade_each(jobs(groups, "group"), folder / "groups")
    again = {
        number
        for number, members in enumerate(groups)
        if len(members) > 1 and any(troubled(graded[f"group{number}-{i}"]) for i in range(len(settings)))
    }
    alone = [[member] for number in sorted(again) for member in groups[number]]
    regraded = grade_each(jobs(alone, "alone"), folder / "alone") if alone else {}
    results: dict[tuple[Path, int], GradeResult] = {}

    def keep(found: dict[str, GradeResult], job: str, members: list[Path]) -> None:
        for index in range(len(settings)):
            result = found[f"{job}-{index}"]
            for member in members:
                results[member, index] = only_functions(result, functions_of(member))

    for number, members in enumerate(groups):
        if number not in again:
            keep(graded, f"group{number}", members)
    for number, members in enumerate(alone):
        keep(regraded, f"alone{number}", members)
    return results
