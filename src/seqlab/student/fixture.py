"""The student side: the ``submission`` fixture that a released assignment's ``conftest.py`` imports.

With ``from seqlab.student import submission`` in ``conftest.py``, plain ``pytest`` in the assignment
folder runs the public tests against the student's ``<assignment>.py`` (or ``.ipynb``) through the same
isolated worker the grader uses, so an infinite loop gives a clear timeout instead of a frozen terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seqlab.course.layout import known_assignments
from seqlab.errors import SubmissionNotFound
from seqlab.grading.loader import load_submission
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.worker import Worker
from seqlab.suite.plugin import _Unavailable, register_marker

__all__ = ["submission", "find_assignment_folder", "pytest_configure"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``@graded`` marker (import this hook into ``conftest.py`` next to ``submission``)."""
    register_marker(config)


def find_assignment_folder(start: Path) -> tuple[Path, str]:
    """The nearest folder at or above ``start`` holding ``<assignment>.py`` or ``.ipynb``, and its id: a
    released assignment's folder is named after it (``assignments/encoding/encoding.ipynb``); the course's
    assignments are tried too where a course is found."""
    known = known_assignments()
    for folder in (start, *start.parents):
        for assignment in dict.fromkeys((folder.name, *known)):
            if (folder / f"{assignment}.py").is_file() or (folder / f"{assignment}.ipynb").is_file():
                return folder, assignment
    raise SubmissionNotFound(f"no assignment file found in {start} or above it")


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Iterator[object]:
    """The student's functions, run in an isolated worker process."""
    folder, assignment = find_assignment_folder(Path(request.path).parent)
    try:
        source = load_submission(folder, assignment, prefer="newest")
    except SubmissionNotFound as exc:
        yield _Unavailable(str(exc))
        return
    with Worker(source) as worker:
        loaded = worker.start()
        if loaded.status != Status.OK:
            yield _Unavailable(
                f"your code could not be loaded: {loaded.error_type} {loaded.message}\n"
                f"{loaded.traceback}".strip()
            )
        else:
            yield SubmissionProxy(worker)
