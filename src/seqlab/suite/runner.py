"""Run a pytest suite against a submission, in the grader's process, and collect the outcomes.

The submission's code is never imported here: the ``submission`` fixture is a proxy to a worker. The run is
hermetic: no plugin autoload, no cache, no rootdir or ini file from the course or the submission, plain
asserts (no rewriting, so hidden test code never appears in messages), and a hypothesis profile without
example database or deadlines, seeded per test.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from seqlab.errors import CourseError
from seqlab.hints.catalogue import load_catalogue
from seqlab.hints.diagnosis import Diagnoser
from seqlab.model import TestOutcome
from seqlab.options import DEFAULT_MAX_EXAMPLES, GradeOptions
from seqlab.suite import plugin as fixtures
from seqlab.suite.gpu import GpuSummary
from seqlab.suite.plugin import SeqlabPlugin
from seqlab.suite.prerequisites import prerequisite_policy
from seqlab.suite.replay import ExampleCache, suite_fingerprint


@dataclass(frozen=True)
class SuiteRun:
    """The outcomes of one suite run."""

    outcomes: tuple[TestOutcome, ...]
    gpu: GpuSummary | None = None
    notes: tuple[str, ...] = ()  # for the student: prerequisites of theirs that would fail a dependant


@contextlib.contextmanager
def _hypothesis_profile(max_examples: int, shrink: bool = True) -> Any:
    """Hypothesis' settings for a grading: ``max_examples`` per property test, no database, no deadline,
    no "explain" phase (it is slow); ``shrink`` off reports the first failing example found (the verdict of
    a test does not depend on it: a test that fails before shrinking fails after it)."""
    from hypothesis import HealthCheck, Phase, settings

    previous = getattr(settings, "_current_profile", None) or "default"
    settings.register_profile(
        "seqlab-grading",
        database=None,
        deadline=None,
        derandomize=False,
        max_examples=max_examples,
        print_blob=False,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, *((Phase.shrink,) if shrink else ())),
        suppress_health_check=list(HealthCheck),
    )
    settings.load_profile("seqlab-grading")
    try:
        yield
    finally:
        settings.load_profile(previous)


@contextlib.contextmanager
def _without_assertion_rewriting(enabled: bool) -> Any:
    """Take pytest's assertion-rewriting import hook out while a hidden suite is imported.

    ``--assert=plain`` only configures the inner run; when grading happens inside another pytest session
    (a course's harness, this project's tests) the outer session's hook would still rewrite the hidden
    tests, and a failing bare ``assert`` would then print hidden test code.
    """
    hooks = [f for f in sys.meta_path if type(f).__name__ == "AssertionRewritingHook"] if enabled else []
    for hook in hooks:
        sys.meta_path.remove(hook)
    try:
        yield
    finally:
        for hook in reversed(hooks):
            sys.meta_path.insert(0, hook)


@contextlib.contextmanager
def _environment(**values: str) -> Any:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _forget_modules_under(folder: Path, before: set[str]) -> None:
    """Drop the test modules pytest imported from ``folder`` (``before``: the modules imported before it ran).

    In importlib mode pytest names a test module after its file and reuses a ``sys.modules`` entry of that
    name, so without this a second suite with a file of the same name (another assignment, another
    student's public tests) would run the first suite's tests. A module's file is compared as text with
    the folder's path (as given and resolved); only a module new since ``before`` has its file resolved
    (resolving each of the thousands of modules torch brings costs half a second a run).
    """
    root = folder.resolve()
    prefixes = tuple({os.path.join(str(folder.absolute()), ""), os.path.join(str(root), "")})
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str):
            continue
        if filename.startswith(prefixes) or (
            name not in before and Path(filename).resolve().is_relative_to(root)
        ):
            del sys.modules[name]


def _pytest_args(suite_dir: Path, *, public: bool) -> list[str]:
    """pytest's command line for a hermetic run of ``suite_dir`` (seqlab's ini file, no plugins, no cache)."""
    ini = resources.files("seqlab") / "data" / "grading.ini"
    return [
        str(suite_dir),
        "-c",
        str(ini),
        "--rootdir",
        str(suite_dir),
        "--confcutdir",
        str(suite_dir),
        "--import-mode=importlib",
        "--assert=rewrite" if public else "--assert=plain",  # hidden test code never shows
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        "-p",
        "no:warnings",
        "-p",
        "no:unraisableexception",  # its gc.collect() calls cost a tenth of a second per run
        "-p",
        "no:threadexception",
        "-q",
        "--no-header",
        "--tb=no",
        "-rN",
        "-o",
        "console_output_style=classic",
    ]


def run_suite(
    suite_dir: Path,
    *,
    assignment: str,
    submission: Any,
    reference: ModuleType | None,
    options: GradeOptions | None = None,
    hints: bool | None = None,
    cache_dir: Path | None = None,
    load_failure: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SuiteRun:
    """Run every test under ``suite_dir``; raise :class:`CourseError` if the suite itself is broken, and
    :class:`~seqlab.errors.GraderFault` if the worker failed for reasons of the grader's own.

    ``options`` gives the run's seed, examples, GPU policy and functions (default: :class:`GradeOptions`'s
    defaults). With ``hints`` (the grading's decision, by default ``options.hints``) and a reference, a
    failed test whose outputs match a misconception of the suite's catalogue (``misconceptions.py``, see
    :mod:`seqlab.hints.catalogue`) names it; a public suite (no reference) names those its release's hints
    file recognises (:mod:`seqlab.hints.public`). ``options.functions`` keeps only the tests of those
    functions (empty: all; a name no test grades is a :class:`CourseError`). Recorded examples are
    replayed from ``cache_dir`` (None: none). ``progress(function, number, count)`` is told before each
    test starts.
    """
    import pytest

    if not suite_dir.is_dir():
        raise CourseError(f"the suite folder {suite_dir} does not exist")
    options = options or GradeOptions(sandbox="off")  # the sandbox is the caller's: its worker is made
    hints = options.hints if hints is None else hints
    public = reference is None
    cache = None
    if cache_dir is not None:
        cache = ExampleCache(cache_dir, suite_fingerprint(suite_dir, options.seed, options.max_examples))
    catalogue = load_catalogue(suite_dir, assignment) if reference is not None else None
    diagnoser: Diagnoser | None = None
    if hints and catalogue is not None and reference is not None:
        diagnoser = Diagnoser(catalogue, reference)
    elif hints and public:  # the catalogue's diagnoses of the public inputs, shipped by the release
        from seqlab.hints.public import load_public_hints

        diagnoser = load_public_hints(suite_dir)
    plugin = SeqlabPlugin(
        assignment,
        submission,
        reference,
        options,
        load_failure=load_failure,
        require_marker=not public,
        example_cache=cache,
        diagnoser=diagnoser,
        reference_prerequisites=reference is not None and prerequisite_policy(suite_dir) == "reference",
        observe=catalogue.observe if catalogue is not None else None,
        progress=progress,
    )
    exit_code, captured = run_hermetically(
        suite_dir, [plugin, fixtures], public=public, max_examples=options.max_examples, shrink=options.shrink
    )
    if plugin.grader_fault is not None:
        raise plugin.grader_fault
    if plugin.collection_errors:
        raise CourseError("the test suite is broken:\n" + "\n".join(plugin.collection_errors))
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.outcomes:
        raise CourseError(
            f"the test suite in {suite_dir} did not run (pytest exit {exit_code}):\n{captured[-3000:]}"
        )
    return SuiteRun(tuple(plugin.outcomes), plugin.gpu_summary(), tuple(plugin.notes))


def run_hermetically(
    suite_dir: Path,
    plugins: list[Any],
    *,
    public: bool,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    shrink: bool = True,
) -> tuple[int, str]:
    """Run the tests of ``suite_dir`` in this process with ``plugins`` and nothing of the environment's
    (no installed plugins, seqlab's ini file, assertion rewriting only for a ``public`` suite); return
    pytest's exit code and what it printed (``max_examples`` and ``shrink``: see
    :func:`_hypothesis_profile`)."""
    import pytest

    captured = io.StringIO()
    with (
        _without_assertion_rewriting(enabled=not public),
        _environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTEST_ADDOPTS=""),
        _hypothesis_profile(max_examples, shrink),
        contextlib.redirect_stdout(captured),
    ):
        before = set(sys.modules)
        try:
            exit_code = pytest.main(_pytest_args(suite_dir, public=public), plugins=plugins)
        finally:
            _forget_modules_under(suite_dir, before)
    return int(exit_code), captured.getvalue()


class _PointsCollector:
    """Collects each test's ``@graded`` function and points without running anything."""

    name = "seqlab-points"

    def __init__(self) -> None:
        self.points: dict[str, float] = {}
        self.errors: list[str] = []

    def pytest_configure(self, config: Any) -> None:
        fixtures.register_marker(config)

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        from seqlab.testing import MARKER

        for item in items:
            marker = item.get_closest_marker(MARKER)
            if marker is None:
                self.errors.append(f"{item.nodeid} has no @graded marker")
                continue
            function = str(marker.kwargs.get("function", ""))
            self.points[function] = self.points.get(function, 0.0) + float(marker.kwargs.get("points", 0.0))

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")


def collect_points(suite_dir: Path) -> dict[str, float]:
    """What each student function is worth in the hidden suite ``suite_dir``: the sum of its tests'
    ``@graded`` points, GPU checks included, in the order the tests are collected.

    Nothing runs (pytest ``--collect-only``). Raises :class:`CourseError` when the folder is missing, a
    test module does not import, or a test lacks its marker.
    """
    import pytest

    suite_dir = Path(suite_dir)
    if not suite_dir.is_dir():
        raise CourseError(f"the hidden suite folder {suite_dir} does not exist")
    collector = _PointsCollector()
    captured = io.StringIO()
    with (
        _without_assertion_rewriting(enabled=True),
        _environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTEST_ADDOPTS=""),
        contextlib.redirect_stdout(captured),
    ):
        before = set(sys.modules)
        try:
            exit_code = pytest.main(
                [*_pytest_args(suite_dir, public=False), "--collect-only"], plugins=[collector, fixtures]
            )
        finally:
            _forget_modules_under(suite_dir, before)
    if collector.errors:
        raise CourseError(f"the test suite in {suite_dir} is broken:\n" + "\n".join(collector.errors))
    if exit_code != pytest.ExitCode.OK or not collector.points:
        raise CourseError(
            f"the test suite in {suite_dir} has no tests (pytest exit {exit_code}):\n{captured[-3000:]}"
        )
    return collector.points
