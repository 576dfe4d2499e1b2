"""The student side: the ``submission`` fixture that a released assignment's ``conftest.py`` imports.

With ``from seqlab.student import submission`` in ``conftest.py``, plain ``pytest`` in the assignment
folder runs the public tests against the student's ``<assignment>.py`` (or ``.ipynb``) through the same
isolated worker the grader uses, so an infinite loop gives a clear timeout instead of a frozen terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seqlab.course.layout import find_assignment_folder
from seqlab.errors import SubmissionNotFound
from seqlab.grading.loader import load_submission
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.worker import Worker
from seqlab.suite.plugin import UnavailableSubmission, register_marker

__all__ = ["submission", "pytest_configure"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``@graded`` marker (import this hook into ``conftest.py`` next to ``submission``)."""
    register_marker(config)


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Iterator[object]:
    """The student's functions, run in an isolated worker process."""
    folder, assignment = find_assignment_folder(Path(request.path).parent)
    try:
        source = load_submission(folder, assignment, prefer="newest")
    except SubmissionNotFound as exc:
        yield UnavailableSubmission(str(exc))
        return
    with Worker(source) as worker:
        loaded = worker.start()
        if loaded.status != Status.OK:
            yield UnavailableSubmission(
                f"your code could not be loaded: {loaded.error_type} {loaded.message}\n"
                f"{loaded.traceback}".strip()
            )
        else:
            yield SubmissionProxy(worker)
