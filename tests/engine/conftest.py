"""Fixtures for the grading-engine tests: real worker processes on small source strings.

Nothing here fakes the worker: every ``make_worker`` call starts (lazily) a real
``seqlab.isolate.worker_main`` process. Limits are tiny so the folder stays fast; each worker is closed after
its test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.limits import Limits
from seqlab.isolate.sandbox import plan_sandbox
from seqlab.isolate.worker import Worker

#: Limits for workers whose calls are expected to return at once.
FAST = Limits(call_timeout=1.0, startup_timeout=10.0)

MakeWorker = Callable[..., Worker]


def pytest_configure(config: pytest.Config) -> None:
    # Suites written here use @graded outside a grading run; declare its marker as the grader does.
    config.addinivalue_line("markers", "seqlab(function, points): the student function a test grades")


def toy_source(source: str, filename: str = "toy.py") -> SubmissionSource:
    """A module submission of the assignment ``toy`` made of one source string."""
    return SubmissionSource(
        assignment="toy",
        path=Path("/nonexistent/submission") / filename,
        kind="module",
        chunks=((filename, textwrap.dedent(source)),),
    )


#: The worker's own mechanics (restarts, process groups, pids) are tested unconfined; the sandbox layers
#: have their own tests (test_sandbox.py, tests/attacks/).
UNCONFINED = plan_sandbox("off")


@pytest.fixture
def make_worker() -> Iterator[MakeWorker]:
    """``make_worker(source, limits=FAST)``: a real unconfined Worker on ``source``, closed afterwards."""
    workers: list[Worker] = []

    def make(source: str, limits: Limits = FAST) -> Worker:
        worker = Worker(toy_source(source), limits, sandbox=UNCONFINED)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.close()
