"""A grader fault is never a grade: the worker's ready handshake, and faults found after it.

Every worker here is real. The broken installations are real too: a worker that cannot be started, a
sandbox command that fails, a module the worker must import that it cannot find, and (as root with
bubblewrap) numpy files that the worker's user cannot read (see ``broken_install.py``). Each must raise
:class:`GraderFault` with its cause instead of answering as if the student's code had failed; the student's
own import errors stay the student's.
"""

from __future__ import annotations

import dataclasses
import textwrap
import types
from pathlib import Path

import pytest
from broken_install import numpy_hidden_plan, unreadable_plan
from conftest import FAST, UNCONFINED, toy_source

from seqlab.errors import GraderFault
from seqlab.isolate.limits import Limits
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.sandbox import plan_sandbox
from seqlab.isolate.worker import Worker
from seqlab.suite.runner import run_suite

SIMPLE = "def double(x):\n    return 2 * x\n"


def test_a_module_the_worker_must_import_but_cannot_find_is_a_grader_fault() -> None:
    with Worker(toy_source(SIMPLE), FAST, sandbox=UNCONFINED, preflight=("seqlab_no_such_module",)) as worker:
        with pytest.raises(GraderFault, match="seqlab_no_such_module") as first:
            worker.start()
        with pytest.raises(GraderFault) as again:  # every later request: the same fault, no new process
            worker.call("double", (2,))
        assert again.value is first.value and worker.stats.starts == 1


def test_a_worker_that_cannot_be_started_is_a_grader_fault(tmp_path: Path) -> None:
    with Worker(toy_source(SIMPLE), FAST, python=str(tmp_path / "no-python"), sandbox=UNCONFINED) as worker:
        with pytest.raises(GraderFault, match="could not be started"):
            worker.start()


def test_a_sandbox_command_that_fails_is_a_grader_fault_with_its_output(tmp_path: Path) -> None:
    failing = tmp_path / "sandbox"
    failing.write_text("#!/bin/sh\necho 'sandbox: cannot create namespace' >&2\nexit 1\n")
    failing.chmod(0o755)
    plan = dataclasses.replace(UNCONFINED, prefix=(str(failing),))
    with Worker(toy_source(SIMPLE), FAST, sandbox=plan) as worker:
        with pytest.raises(GraderFault) as fault:
            worker.start()
    assert "status 1" in str(fault.value) and "cannot create namespace" in str(fault.value)
    assert "your code" not in str(fault.value)


@pytest.mark.parametrize("folder", ["random", ""], ids=["numpy.random", "numpy"])
def test_numpy_unreadable_to_the_workers_user_is_a_grader_fault(folder: str) -> None:
    plan = numpy_hidden_plan(folder)
    with Worker(toy_source(SIMPLE), FAST, sandbox=plan) as worker:
        with pytest.raises(GraderFault, match="numpy"):
            worker.start()
    with Worker(toy_source(SIMPLE), FAST, sandbox=plan_sandbox("auto")) as healthy:  # the same, unbroken
        assert healthy.start().status == Status.OK and healthy.call("double", (21,)).value == 42


def test_an_installed_module_the_worker_cannot_read_is_a_grader_fault_when_imported() -> None:
    """nbformat is not checked before ready (not a reference import here); the submission's import of it
    fails on an unreadable folder, and a fresh worker confirms that the installation is at fault."""
    import nbformat

    plan = unreadable_plan(Path(nbformat.__file__).resolve().parent)
    for student in ("import nbformat.v4\n", "from nbformat import reads\n"):
        with Worker(toy_source(student + SIMPLE), FAST, sandbox=plan) as worker:
            with pytest.raises(GraderFault, match="nbformat"):
                worker.start()


@pytest.mark.parametrize(
    "student",
    [
        "raise ModuleNotFoundError(\"No module named 'numpy'\")\n",
        "import sys\nsys.modules['numpy'] = None\nimport numpy\n",
        "import keras_is_not_installed\n",
        "from numpy import no_such_name\n",
    ],
    ids=["raises-it-itself", "hides-numpy-itself", "not-installed", "bad-name"],
)
def test_a_students_own_import_errors_stay_the_students(student: str) -> None:
    with Worker(toy_source(student + SIMPLE), FAST, sandbox=plan_sandbox("auto")) as worker:
        loaded = worker.start()
    assert loaded.status == Status.LOAD_ERROR and worker.fault is None


SUITE = """
from seqlab.testing import assert_matches, graded

@graded("double", points=1)
def test_crash(submission):
    submission.crash()

@graded("double", points=1)
def test_double(submission):
    assert_matches(submission.double(2), 4, what="double(2)")
"""


def test_a_worker_that_cannot_restart_mid_suite_stops_the_run_with_a_grader_fault(tmp_path: Path) -> None:
    """The first start works; after the student's hang (a timeout ends the whole worker; a crash only
    ends the test's process) the restart fails in the sandbox command: the run raises the fault, and no
    outcome is returned to be scored."""
    once = tmp_path / "once"
    flag = tmp_path / "started"
    once.write_text(f'#!/bin/sh\nif [ -e "{flag}" ]; then exit 1; fi\ntouch "{flag}"\nexec "$@"\n')
    once.chmod(0o755)
    plan = dataclasses.replace(UNCONFINED, prefix=(str(once),))
    student = SIMPLE + "\ndef crash():\n    while True:\n        pass\n"
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_toy.py").write_text(textwrap.dedent(SUITE))
    reference = types.ModuleType("toy_reference")
    exec(SIMPLE, reference.__dict__)  # noqa: S102 - our own reference code
    with Worker(toy_source(student), Limits(call_timeout=1.0, startup_timeout=10.0), sandbox=plan) as worker:
        assert worker.start().status == Status.OK
        with pytest.raises(GraderFault, match="status 1"):
            run_suite(suite, assignment="toy", submission=SubmissionProxy(worker), reference=reference)
