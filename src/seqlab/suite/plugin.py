"""The pytest plugin that runs a suite against a submission inside the trusted grader.

It provides the ``submission`` and ``reference`` fixtures, seeds hypothesis per test from
(assignment, test id, run seed), and turns each test's report into a :class:`seqlab.model.TestOutcome`.
Points come from the ``@graded`` marker; nothing is parsed from printed output.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import pytest

from seqlab.errors import GraderFault, SubmissionFailed, SubmissionUnavailable
from seqlab.hints.catalogue import Misconception
from seqlab.hints.diagnosis import NOT_COMPARABLE, Diagnoser
from seqlab.isolate.codec import IteratorHandle
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.model import FAILED, PASSED, SKIPPED, TestOutcome
from seqlab.options import GradeOptions
from seqlab.suite import gpu
from seqlab.suite.feedback import counterexample, failure_message, readable_name
from seqlab.suite.ordering import (
    each_function_together,
    first_function_named,
    function_of,
    prerequisites_first,
)
from seqlab.suite.prerequisites import reference_prerequisites
from seqlab.suite.replay import ExampleCache, run_hypothesis_test
from seqlab.testing import GPU_MARKER, MARKER, close_enough

#: How many of the inputs a dependant gave a prerequisite are tried on the student's own prerequisite.
PREREQUISITE_INPUTS_CHECKED = 8


def derive_seed(assignment: str, test_id: str, run_seed: int) -> int:
    """A stable 64-bit seed for one test: same inputs, same draw."""
    digest = hashlib.sha256(f"{assignment}\0{test_id}\0{run_seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class UnavailableSubmission:
    """Stands in for a submission that could not be loaded: every call fails with the reason."""

    def __init__(self, reason: str) -> None:
        self._reason = reason
        self.called: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def fail(*args: Any, **kwargs: Any) -> Any:
            self.called.append(name)
            raise SubmissionUnavailable(name, "load_error", f"`{name}` could not be graded: {self._reason}")

        fail.unavailable_submission = True  # type: ignore[attr-defined]  # seqlab.testing.traced passes it on
        return fail


def register_marker(config: pytest.Config) -> None:
    """Declare the ``@graded`` marker so pytest does not warn about it."""
    config.addinivalue_line(
        "markers", f"{MARKER}(function, points, edge=False): the student function a test grades"
    )
    config.addinivalue_line("markers", f"{GPU_MARKER}: a GPU check, run only where CUDA is available")


class SeqlabPlugin:
    """Registered with ``pytest.main(..., plugins=[plugin])`` for one grading run."""

    name = "seqlab-grader"

    def __init__(
        self,
        assignment: str,
        submission: Any,
        reference: ModuleType | None,
        options: GradeOptions,
        load_failure: str | None = None,
        require_marker: bool = True,
        example_cache: ExampleCache | None = None,
        diagnoser: Diagnoser | None = None,
        reference_prerequisites: bool = False,
        observe: Callable[[str, Any], Any] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        """``options`` gives the run's seed, GPU policy and use, and the functions graded (empty: every
        one); ``reference_prerequisites``: grade each function with the reference's versions of the graded
        functions it builds on (see :mod:`seqlab.suite.prerequisites`); ``observe(function, value)`` picks
        what of a returned value counts when the student's prerequisite is compared with the reference's;
        ``progress(function, number, count)`` is told before each test starts (the test ``number`` of
        ``count``)."""
        self.assignment = assignment
        self.progress = progress
        self._numbers: dict[str, int] = {}  # test id -> its place in the run, from 1
        self.only_functions = tuple(options.functions)  # empty: every test
        self.use_reference_prerequisites = reference_prerequisites
        self.observe = observe or (lambda function, value: value)
        #: function -> the prerequisites the grader answers with the reference's versions in its tests
        self.prerequisites: dict[str, tuple[str, ...]] = {}
        #: (function, prerequisite) -> the first call the grader answered: (args, kwargs, reference's value)
        self.answered: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        self.notes: list[str] = []  # for the report: own prerequisites that would have failed a dependant
        self.diagnoser = diagnoser  # names known mistakes in failed tests; None: no hints
        self.submission_proxy = submission
        self.reference_module = reference
        self.run_seed = options.seed
        self.load_failure = load_failure
        self.require_marker = require_marker
        self.example_cache = example_cache
        self.gpu = gpu.GpuChecks(options.gpu_policy, options.use_gpu)  # the GPU checks' policy and record
        self._process_for = ""  # the function whose tests the current test process answers
        self.unavailable = UnavailableSubmission(load_failure) if load_failure is not None else None
        self.outcomes: list[TestOutcome] = []
        self.collection_errors: list[str] = []
        self.grader_fault: GraderFault | None = None  # the run stops at the first; nothing is scored
        self.edge_ids: set[str] = set()  # tests marked @graded(..., edge=True)

    # -- hooks -----------------------------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[_ACTIVE] = self
        register_marker(config)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        kinds: dict[str, set[bool]] = {}
        for item in items:
            marker = item.get_closest_marker(MARKER)
            if marker is not None:
                edge = bool(marker.kwargs.get("edge", False))
                kinds.setdefault(str(marker.kwargs.get("function", "")), set()).add(edge)
                if edge:
                    self.edge_ids.add(item.nodeid)
            if item.get_closest_marker(MARKER) is None and self.require_marker:
                self.collection_errors.append(f"{item.nodeid} has no @graded marker")
            test = getattr(item, "obj", None)
            if test is not None and hasattr(test, "hypothesis"):
                from hypothesis import seed

                seed(derive_seed(self.assignment, item.nodeid, self.run_seed))(test)
        if isinstance(self.submission_proxy, SubmissionProxy) and self.reference_module is not None:
            self.submission_proxy.worker.answers.signatures = _signatures(self.reference_module, kinds)
        if self.use_reference_prerequisites and self.reference_module is not None:
            self.prerequisites = reference_prerequisites(self.reference_module, kinds)
            items[:] = prerequisites_first(items, self.prerequisites)
        items[:] = each_function_together(items)
        if self.only_functions:
            unknown = sorted(set(self.only_functions) - set(kinds))
            if unknown and self.require_marker:  # a public suite may have no check of a function
                self.collection_errors.append(f"no test grades {', '.join(unknown)}")
            items[:] = [item for item in items if self._may_grade(item)]
        self._numbers = {item.nodeid: number for number, item in enumerate(items, start=1)}
        for function, edges in kinds.items():
            if edges == {True}:
                self.collection_errors.append(
                    f"every test of {function} is an edge test (graded with edge=True): none can earn points"
                )

    def _may_grade(self, item: pytest.Item) -> bool:
        """Whether ``item`` may grade one of :attr:`only_functions`: its marker says so, or, unmarked in a
        public suite, the first student function it names is one of them (or it names none directly)."""
        if item.get_closest_marker(MARKER) is not None or self.require_marker:
            return function_of(item) in self.only_functions
        named = first_function_named(item)
        return not named or named in self.only_functions

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    def _called(self) -> list[str]:
        target = self.unavailable or self.submission_proxy
        return list(getattr(target, "called", []))

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.progress is not None:
            named = function_of(item) or first_function_named(item) or readable_name(item)
            self.progress(named, self._numbers.get(item.nodeid, 0), len(self._numbers))
        target = self.unavailable or self.submission_proxy
        if target is not None and hasattr(target, "called"):
            target.called.clear()
        if isinstance(target, SubmissionProxy):
            target.broken.clear()  # a function that hung in one test is tried again in the next
            target.recorded.clear()
            target.worker.answered.clear()
            marker = item.get_closest_marker(MARKER)
            function = str(marker.kwargs.get("function", "")) if marker is not None else ""
            if not function or function != self._process_for:
                # each function's tests run in a process that has seen nothing of the other functions' tests
                # (and the same request answered otherwise in any of them fails: Worker.call)
                target.worker.isolate()
                self._process_for = function
            target.prerequisites = {
                name: getattr(self.reference_module, name) for name in self.prerequisites.get(function, ())
            }
        if item.get_closest_marker(GPU_MARKER) is not None:
            reason = self.gpu.why_not_run(item.nodeid)
            if reason:
                pytest.skip(f"GPU check not run: {reason}")
            if isinstance(target, SubmissionProxy):
                target.worker.warm_cuda()  # CUDA's start-up is not charged to the first GPU check

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """End the process after a function's last test (and its diagnosis): the worker ends it and starts
        the next one while pytest moves on, so the next function's first test seldom waits for it."""
        function = function_of(item)
        if not isinstance(self.submission_proxy, SubmissionProxy):
            return
        if not function or nextitem is None or function_of(nextitem) != function:
            self.submission_proxy.worker.isolate()
            self._process_for = ""

    def gpu_summary(self) -> gpu.GpuSummary:
        """How many GPU checks there were, how many did not run, and the policy applied to them."""
        return self.gpu.summary()

    def pytest_sessionfinish(self) -> None:
        """Settle what depends on a function's other tests: edge tests, then the ``award`` GPU policy; say
        where the student's own prerequisite would have failed a function graded with the reference's."""
        self._settle_edge_tests()
        self.outcomes = self.gpu.settle(self.outcomes)
        self._check_own_prerequisites()

    def _check_own_prerequisites(self) -> None:
        """For each function that earned points with a prerequisite answered by the grader, where that
        prerequisite (or one of its own) failed a test: call the student's own version on the first inputs
        the function gave it (at most :data:`PREREQUISITE_INPUTS_CHECKED`); when it answers one otherwise
        than the reference did, say so."""
        if not isinstance(self.submission_proxy, SubmissionProxy):
            return
        failing = {record.function for record in self.outcomes if record.outcome == FAILED}
        earning = {record.function for record in self.outcomes if record.outcome == PASSED}
        for (function, name), inputs in sorted(self.answered.items(), key=lambda item: item[0]):
            suspects = {name, *self.prerequisites.get(name, ())}  # the layer is as wrong as its cell
            if function not in earning or not suspects & failing:
                continue
            for args, kwargs, expected in inputs:
                self.submission_proxy.worker.isolate()
                own = self.submission_proxy.worker.call(name, args, kwargs)
                if own.ok and close_enough(self.observe(name, own.value), self.observe(name, expected)):
                    continue
                how = "returns other values for" if own.ok else f"fails ({own.status}) on"
                self.notes.append(
                    f"`{function}` was graded with the grader's own `{name}`, so your `{name}`'s mistakes "
                    f"cost only its own points; but your `{name}` {how} an input `{function}` gave it, so "
                    f"with yours `{function}` would fail too."
                )
                break

    def _settle_edge_tests(self) -> None:
        """An edge test (``@graded(..., edge=True)``) that passed is earned only where a test of the same
        function that is not an edge test, and that ran, passed too: doing nothing earns nothing."""
        working = {
            record.function
            for record in self.outcomes
            if record.outcome == PASSED
            and record.id not in self.edge_ids
            and not self.gpu.did_not_run(record)
        }
        for index, record in enumerate(self.outcomes):
            if record.id in self.edge_ids and record.outcome == PASSED and record.function not in working:
                message = (
                    f"this check passed, but it earns its points only when `{record.function}` also passes "
                    "one of its other tests (it passed none): raising an error, or returning None or "
                    "zeros, for every input earns nothing"
                )
                self.outcomes[index] = TestOutcome(
                    **{**record.__dict__, "outcome": FAILED, "message": message}
                )

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Run ``@given`` tests through the example cache (same verdict, less generation)."""
        test = pyfuncitem.obj
        if self.example_cache is None or not hasattr(test, "hypothesis"):
            return None
        run_hypothesis_test(test, pyfuncitem.funcargs, pyfuncitem.nodeid, self.example_cache)
        return True

    def _diagnose(self, function: str, exc: BaseException) -> Misconception | None:
        """The known misconception the failed test's outputs of ``function`` show, if any. A test that
        failed because a call raised, hung or could not be made has no output to recognise."""
        if self.diagnoser is None or not isinstance(self.submission_proxy, SubmissionProxy):
            return None
        while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        if isinstance(exc, SubmissionFailed | SubmissionUnavailable):
            return None
        return self.diagnoser.diagnose(function, list(self.submission_proxy.recorded), ask=self._ask)

    def _ask(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The student's output for a probe of the catalogue (an extra call in the worker, with the current
        test's prerequisites); raises LookupError when the call fails."""
        proxy = self.submission_proxy
        result = proxy.worker.call(function, args, kwargs, prerequisites=proxy.prerequisites)
        if not result.ok:
            raise LookupError(result.status)
        return NOT_COMPARABLE if isinstance(result.value, IteratorHandle) else result.value

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        fault = _grader_fault(call.excinfo.value) if call.excinfo else None
        if fault is not None:  # not the student's doing: stop, and let run_suite raise it
            self.grader_fault = self.grader_fault or fault
            item.session.shouldstop = "the grader failed"
            return report
        marker = item.get_closest_marker(MARKER)
        if marker is None and self.require_marker:
            return report
        record = None
        if call.when == "call" and marker is not None and isinstance(self.submission_proxy, SubmissionProxy):
            for name, args, kwargs, value in self.submission_proxy.worker.answered:
                kept = self.answered.setdefault((str(marker.kwargs.get("function", "")), name), [])
                if len(kept) < PREREQUISITE_INPUTS_CHECKED:
                    kept.append((args, kwargs, value))
        if call.when == "call" or (call.when == "setup" and not report.passed):
            if marker is not None:
                function = str(marker.kwargs.get("function", ""))
                points = float(marker.kwargs.get("points", 0.0))
            else:  # an unmarked public test: 1 point, for the first student function it called
                called = self._called()
                function, points = (called[0] if called else "(no function called)"), 1.0
            common = {
                "id": item.nodeid,
                "name": readable_name(item),
                "function": function,
                "max_points": points,
            }
            if report.passed:
                record = TestOutcome(outcome=PASSED, **common)
            elif report.skipped:
                reason = call.excinfo.value.msg if call.excinfo and hasattr(call.excinfo.value, "msg") else ""
                record = TestOutcome(outcome=SKIPPED, message=str(reason), **common)
            else:
                exc = call.excinfo.value if call.excinfo else AssertionError("failed")
                message, hint = failure_message(exc), self._diagnose(function, exc)
                record = TestOutcome(
                    outcome=FAILED,
                    message=message,
                    counterexample=counterexample(exc),
                    hint=hint.key if hint else "",
                    hint_text=hint.hint() if hint else "",
                    **common,
                )
        if record is not None and item.get_closest_marker(GPU_MARKER) is not None:
            record = self.gpu.record(record)
        if record is not None:
            self.outcomes.append(record)
        return report


def _signatures(reference: ModuleType, functions: Iterable[str]) -> dict[str, inspect.Signature]:
    """The reference's signature of each graded function it defines (those inspect can read)."""
    found = {}
    for name in functions:
        try:
            found[name] = inspect.signature(getattr(reference, name))
        except (AttributeError, TypeError, ValueError):
            continue
    return found


def _grader_fault(exc: BaseException) -> GraderFault | None:
    """The :class:`GraderFault` behind a test's exception (in a group, or as the cause or context of
    another: a test that caught it and failed otherwise), if any."""
    pending, seen = [exc], set()
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        if isinstance(exc, GraderFault):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            pending += exc.exceptions
        pending += [e for e in (exc.__cause__, exc.__context__) if e is not None]
    return None


_ACTIVE = pytest.StashKey[SeqlabPlugin]()


@pytest.fixture(scope="session")
def submission(request: pytest.FixtureRequest) -> Any:
    """The student's functions (each call runs in the isolated worker)."""
    plugin = request.config.stash[_ACTIVE]
    return plugin.unavailable or plugin.submission_proxy


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest) -> ModuleType:
    """The reference solution module (trusted, imported in the grader)."""
    plugin = request.config.stash[_ACTIVE]
    if plugin.reference_module is None:
        pytest.skip("the reference solution is not available to this suite")
    return plugin.reference_module
