"""seqlab.suite.prerequisites and the worker's prerequisite calls: a dependant is graded with the grader's own
versions of the graded functions it builds on, answered by the grader, never by code sent to the worker."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest

from seqlab.errors import CourseError
from seqlab.isolate.protocol import Status
from seqlab.suite.prerequisites import GRADING_FILE, prerequisite_policy, reference_prerequisites

REFERENCE = """
def cell(x):
    return x + 1

def _helper(x):
    return cell(x)

def layer(xs):
    return [_helper(x) for x in xs]

def stack(xss):
    def run(xs):
        return layer(xs)
    return [run(xs) for xs in xss]

def alone(x):
    return 2 * x
"""

STUDENT = """
KEPT = []

def cell(x):
    return x + 100  # wrong

def layer(xs):
    KEPT.append(cell)
    return [cell(x) for x in xs]

def use_kept(x):
    return KEPT[-1](x)

def cell_twice(x):
    return cell(cell(x))

def bad_call(x):
    return cell("text", "too", "many")
"""


def module(source: str, name: str = "toy_reference") -> types.ModuleType:
    namespace = types.ModuleType(name)
    exec(textwrap.dedent(source), namespace.__dict__)  # noqa: S102 - the test's own code
    return namespace


def test_prerequisites_are_the_graded_functions_the_reference_calls_through_any_helper() -> None:
    graph = reference_prerequisites(module(REFERENCE), {"cell", "layer", "stack", "alone"})
    assert graph == {"layer": ("cell",), "stack": ("cell", "layer")}
    assert reference_prerequisites(module(REFERENCE), {"cell", "stack"}) == {"stack": ("cell",)}


def test_the_policy_is_the_reference_unless_grading_toml_says_student(tmp_path: Path) -> None:
    assert prerequisite_policy(tmp_path) == "reference"
    (tmp_path / GRADING_FILE).write_text('prerequisites = "student"\n')
    assert prerequisite_policy(tmp_path) == "student"
    for text, error in [
        ('prerequisites = "teacher"\n', "must be one of"),
        ("cascade = true\n", "unknown setting"),
        ("prerequisites = \n", "not valid TOML"),
    ]:
        (tmp_path / GRADING_FILE).write_text(text)
        with pytest.raises(CourseError, match=error):
            prerequisite_policy(tmp_path)


def test_a_prerequisite_is_answered_by_the_grader_during_the_call_that_names_it(make_worker) -> None:
    reference = module(REFERENCE)
    worker = make_worker(STUDENT)
    answered = worker.call("layer", ([1, 2],), prerequisites={"cell": reference.cell})
    assert answered.status == Status.OK and answered.value == [2, 3]
    assert [(name, args) for name, args, _, _ in worker.answered] == [("cell", (1,)), ("cell", (2,))]
    assert worker.call("layer", ([1],)).value == [101], "the student's own cell is back after the call"
    assert worker.call("cell_twice", (0,), prerequisites={"cell": reference.cell}).value == 2


def test_a_kept_handle_called_outside_the_dependants_call_is_refused(make_worker) -> None:
    reference = module(REFERENCE)
    worker = make_worker(STUDENT)
    assert worker.call("layer", ([1],), prerequisites={"cell": reference.cell}).value == [2]
    refused = worker.call("use_kept", (5,))  # the kept stand-in, in a call that named no prerequisite
    assert refused.status == Status.ERROR and refused.error_type == "RuntimeError"
    assert "only while the function that needs it is being graded" in refused.message
    also = worker.call("use_kept", (5,), prerequisites={"layer": reference.layer})  # another one named
    assert also.status == Status.ERROR and also.error_type == "RuntimeError"


def test_the_references_error_on_the_students_arguments_is_raised_in_the_students_code(make_worker) -> None:
    reference = module(REFERENCE)
    worker = make_worker(STUDENT)
    failed = worker.call("bad_call", (1,), prerequisites={"cell": reference.cell})
    assert failed.status == Status.ERROR and failed.error_type == "TypeError" and "argument" in failed.message
