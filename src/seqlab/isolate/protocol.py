"""The worker protocol's vocabulary: every status a message between the grader and a worker carries.

Both sides import it (:mod:`seqlab.isolate.worker` in the grader, :mod:`seqlab.isolate.worker_main` in the
worker), so a status exists once. A :class:`Status` is a ``str`` (``Status.OK == "ok"``), so it travels in
the codec's JSON headers as its value; what comes back from a worker is read with :meth:`Status.parse`,
which never trusts it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["STUDENT_FAILURES", "Status"]


class Status(StrEnum):
    """What a reply says happened."""

    OK = "ok"
    ERROR = "error"  # the student's code raised
    EXIT = "exit"  # the student's code called sys.exit()
    TIMEOUT = "timeout"
    CRASH = "crash"  # the process died (os._exit, segfault, memory limit, ...)
    BAD_RETURN = "bad_return"  # the value cannot travel as plain data
    MISSING = "missing"  # no such function
    NOT_CALLABLE = "not_callable"
    LOAD_ERROR = "load_error"  # the submission's top level failed
    BUDGET = "budget"  # the submission's time budget is spent
    PROTOCOL = "protocol"  # the worker answered nonsense
    STOP = "stop"  # an iterator is exhausted
    INCONSISTENT = "inconsistent"  # the function answered the same request otherwise earlier in the test
    PREREQUISITE = "prerequisite"  # a test process asks the grader to answer a prerequisite's call
    # the warm parent's control channel (never from a test's process)
    READY = "ready"  # the worker's set-up is done; the submission's code runs next
    GRADER_FAULT = "grader_fault"  # the worker's set-up failed: the grader's fault, not the student's
    CHILD_EXIT = "child_exit"  # a test's process ended
    TEST_PROCESS = "test_process"  # the next test's process is handed over

    @classmethod
    def parse(cls, value: object) -> Status | None:
        """The status a received header names, or None for anything else (not a string, unknown)."""
        if type(value) is not str:
            return None
        try:
            return cls(value)
        except ValueError:
            return None


#: The statuses a test's process may answer a call with that are the student's doing (reported as such).
STUDENT_FAILURES = frozenset(
    {
        Status.ERROR,
        Status.EXIT,
        Status.BAD_RETURN,
        Status.MISSING,
        Status.NOT_CALLABLE,
        Status.LOAD_ERROR,
        Status.STOP,
        Status.PROTOCOL,
    }
)
