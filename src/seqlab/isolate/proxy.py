"""The ``submission`` object hidden suites call: attribute access gives the student's functions.

Each call goes through :class:`seqlab.isolate.worker.Worker`; a value comes back as plain data, anything else
raises :class:`seqlab.SubmissionFailed` with a sentence a student understands. A function that timed
out or crashed the worker is not called again within the same test (the same failure is raised at once), so a
hanging function costs one timeout per test, not one per generated example; the grading plugin clears
``broken`` before each test, so a function that hangs only on some inputs still earns the other tests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from seqlab.errors import SubmissionFailed, SubmissionUnavailable
from seqlab.isolate import worker as w
from seqlab.isolate.codec import IteratorHandle
from seqlab.isolate.protocol import Status
from seqlab.isolate.results import CallResult

__all__ = ["RecordedCall", "SubmissionProxy", "failure_message"]

#: How many of the latest calls that returned a value the proxy keeps (per test) for diagnosing mistakes,
#: and the largest value (bytes as sent) kept: a larger one is compared by the test but never diagnosed,
#: so a submission that returns huge values cannot make the grader hold or re-examine them.
RECORDED_CALLS = 24
RECORDED_BYTES = 4 * 1024 * 1024

#: What a call can report besides its value (CallResult's field -> what it is).
_EVIDENCE = {"": "", "trace": "operator trace", "inputs": "report on its inputs", "graph": "autograd report"}

_STICKY = {
    Status.TIMEOUT,
    Status.CRASH,
    Status.BUDGET,
    Status.PROTOCOL,
    Status.LOAD_ERROR,
    Status.MISSING,
    Status.NOT_CALLABLE,
    Status.INCONSISTENT,
}


#: the words of a stub's failure message (a function that raises NotImplementedError), which the
#: terminal and class reports recognise
NOT_IMPLEMENTED = "is not implemented yet"


def failure_message(function: str, result: CallResult) -> str:
    """Explain a failed call in student-facing words."""
    status = result.status
    if status == Status.ERROR:
        if result.error_type == "NotImplementedError":
            return f"`{function}` {NOT_IMPLEMENTED} (it raises NotImplementedError)"
        text = f"`{function}` raised {result.error_type}: {result.message}".rstrip(": ")
        return text + (f"\n{result.traceback.rstrip()}" if result.traceback else "")
    if status == Status.EXIT:
        return f"`{function}` called sys.exit() ({result.message}); return a value instead"
    if status == Status.TIMEOUT:
        return f"`{function}` did not return in time ({result.message}); is there an infinite loop?"
    if status == Status.CRASH:
        return f"`{function}` crashed: {result.message}"
    if status == Status.BAD_RETURN:
        return (
            f"`{function}` returned something that is not plain data ({result.message}); "
            "return numpy arrays, "
            "numbers, strings, lists, tuples or dicts"
        )
    if status == Status.MISSING:
        return f"your submission does not define a function named `{function}`"
    if status == Status.NOT_CALLABLE:
        return f"`{function}` in your submission is not a function"
    if status == Status.LOAD_ERROR:
        return (
            f"your code could not be loaded, so `{function}` could not be called: {result.error_type}: "
            f"{result.message}\n{result.traceback.rstrip()}".rstrip()
        )
    if status == Status.BUDGET:
        return f"`{function}` was not run: {result.message}"
    if status == Status.INCONSISTENT:
        return f"`{function}` fails this test: {result.message}"
    return f"`{function}` could not be graded: {result.message}"


@dataclass
class RecordedCall:
    """One call of a student function that returned: its arguments (the grader's own objects, as the test
    passed them) and what came back. For a generator, ``value`` is the list of the items the test took so
    far and ``iterator`` is true."""

    function: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    value: Any = None
    iterator: bool = False


class RemoteIterator(Iterator[Any]):
    """An iterator living in the worker; each ``next`` is one request."""

    def __init__(
        self,
        proxy: SubmissionProxy,
        function: str,
        handle: IteratorHandle,
        generation: int,
        record: RecordedCall | None = None,
    ) -> None:
        self._proxy = proxy
        self._function = function
        self._handle = handle
        self._generation = generation
        self._record = record

    def __next__(self) -> Any:
        result = self._proxy.worker.next(self._handle, self._generation, self._proxy.prerequisites)
        if result.status == Status.STOP:
            raise StopIteration
        item = self._proxy._unwrap(self._function, result)
        if self._record is not None:
            self._record.value.append(item)
        return item


class RemoteFunction:
    """A student's function as seen from the grader."""

    def __init__(self, proxy: SubmissionProxy, name: str) -> None:
        self._proxy = proxy
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._proxy._call(self.__name__, args, kwargs)

    def with_evidence(self, evidence: str) -> Callable[..., tuple[Any, Any]]:
        """This function as a call returning ``(value, evidence)``, where ``evidence`` (``"trace"``,
        ``"inputs"`` or ``"graph"``) is what the worker reports of that kind (see
        :meth:`seqlab.isolate.worker.Worker.call`); used by :func:`seqlab.testing.traced` and its kin."""

        def call(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
            return self._proxy._call(self.__name__, args, kwargs, evidence=evidence)

        return call

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


class SubmissionProxy:
    """Attribute access returns a :class:`RemoteFunction`; calls are recorded for the report.

    ``recorded`` keeps the latest calls that returned (at most :data:`RECORDED_CALLS`, cleared by the plugin
    before each test), so that a failing test's outputs can be compared with known mistakes.
    """

    def __init__(self, worker: w.Worker) -> None:
        self.worker = worker
        self.broken: dict[str, CallResult] = {}
        self.calls = 0
        self.called: list[str] = []  # functions called since the plugin last cleared it (one test)
        self.recorded: deque[RecordedCall] = deque(maxlen=RECORDED_CALLS)
        #: set by the plugin for each test: the prerequisites the grader answers with the reference's
        #: versions while the test's calls run (see :mod:`seqlab.suite.prerequisites`)
        self.prerequisites: w.Prerequisites = {}

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self, name)

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], evidence: str = "") -> Any:
        """The value of one call; with ``evidence`` (``"trace"``, ``"inputs"`` or ``"graph"``, see
        :meth:`seqlab.isolate.worker.Worker.call`) the pair ``(value, what the worker reported of that
        kind)``."""
        if evidence not in _EVIDENCE:
            raise ValueError(f"unknown evidence {evidence!r}")
        self.called.append(name)
        if name in self.broken:
            raise self._failure(name, self.broken[name])
        self.calls += 1
        generation = self.worker.generation
        result = self.worker.call(
            name,
            args,
            kwargs,
            trace=evidence == "trace",
            watch=evidence == "inputs",
            graph=evidence == "graph",
            prerequisites=self.prerequisites,
        )
        if result.ok and isinstance(result.value, IteratorHandle) and not evidence:
            record = RecordedCall(name, args, kwargs, value=[], iterator=True)
            self.recorded.append(record)
            return RemoteIterator(self, name, result.value, self.worker.generation or generation, record)
        value = self._unwrap(name, result)
        if result.size <= RECORDED_BYTES:
            self.recorded.append(RecordedCall(name, args, kwargs, value))
        if not evidence:
            return value
        reported = getattr(result, evidence)
        if reported is None:
            missing = CallResult(Status.PROTOCOL, message=f"the call's {_EVIDENCE[evidence]} is missing")
            raise self._failure(name, missing)
        return value, reported

    def _unwrap(self, name: str, result: CallResult) -> Any:
        if result.ok:
            if isinstance(result.value, IteratorHandle):
                raise self._failure(name, CallResult(Status.BAD_RETURN, message="it yielded an iterator"))
            return result.value
        if result.status in _STICKY:
            self.broken[name] = result
        raise self._failure(name, result)

    @staticmethod
    def _failure(name: str, result: CallResult) -> SubmissionFailed | SubmissionUnavailable:
        input_dependent = result.status == Status.ERROR and result.error_type != "NotImplementedError"
        kind = SubmissionFailed if input_dependent else SubmissionUnavailable
        return kind(
            name,
            result.status,
            failure_message(name, result),
            error_type=result.error_type,
            error_mro=result.error_mro,
            traceback=result.traceback,
        )
