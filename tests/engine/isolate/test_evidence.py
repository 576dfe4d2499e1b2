"""What the worker reports of a call besides its value: arguments changed in place, outputs that share an
argument's memory (seqlab.testing.assert_inputs_kept), and whether torch values keep their inputs'
autograd graph (assert_keeps_graph). Real workers, real torch; each kind of wrong code fails, the right
code passes."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.isolate.proxy import SubmissionProxy
from seqlab.testing import assert_inputs_kept, assert_keeps_graph

STUDENT = """
import numpy as np

def sorts_in_place(a):
    a.sort()
    return a.copy()

def returns_the_input(a):
    return a

def returns_a_view(a):
    return a[1:]

def scales_a_copy(a):
    return 2 * a

def writes_the_dict(p):
    p["W"] = p["W"] * 2
    return dict(p)

def keeps_nan(a):
    return np.nan_to_num(a)

def torch_right(x, p):
    return x @ p["W"] + p["b"]

def torch_through_numpy(x, p):
    import torch
    return torch.from_numpy(x.detach().numpy() @ p["W"].detach().numpy() + p["b"].detach().numpy())

def torch_detaches(x, p):
    return (x @ p["W"]).detach() + p["b"]

def torch_forgets_the_bias(x, p):
    return x @ p["W"]
"""


@pytest.fixture
def student(make_worker):
    return SubmissionProxy(make_worker(STUDENT))


@pytest.mark.parametrize(
    ("function", "says"),
    [
        ("sorts_in_place", "changed its input a in place"),
        ("returns_the_input", "returned memory of its inputs (output shares memory with a)"),
        ("returns_a_view", "returned memory of its inputs"),
    ],
)
def test_inputs_changed_or_returned_fail_with_what_happened(student, function, says) -> None:
    with pytest.raises(AssertionError) as failure:
        assert_inputs_kept(getattr(student, function), np.array([3.0, 1.0, 2.0]), what=function)
    assert str(failure.value).startswith(function) and says in str(failure.value)


def test_a_parameter_dict_changed_in_place_is_named(student) -> None:
    with pytest.raises(AssertionError, match=r"changed its input p\['W'\] in place|changed its input p in"):
        assert_inputs_kept(student.writes_the_dict, {"W": np.ones(2)}, what="writes_the_dict")


def test_new_arrays_pass_and_nan_is_not_a_change(student) -> None:
    value = assert_inputs_kept(student.scales_a_copy, np.array([1.0, np.nan]), what="scales_a_copy")
    assert value[0] == 2.0 and np.isnan(value[1])
    assert_inputs_kept(student.keeps_nan, np.array([np.nan, 1.0]), what="keeps_nan")


def torch_problem():
    torch = pytest.importorskip("torch")
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(3, 2, generator=generator, dtype=torch.float64)
    p = {
        "W": torch.randn(2, 4, generator=generator, dtype=torch.float64),
        "b": torch.zeros(4, dtype=torch.float64),
    }
    return x, p


def test_torch_values_on_the_graph_pass(student) -> None:
    x, p = torch_problem()
    value = assert_keeps_graph(student.torch_right, x, p, what="torch_right")
    assert value.shape == (3, 4) and not value.requires_grad  # values cross as plain data


@pytest.mark.parametrize(
    ("function", "says"),
    [
        ("torch_through_numpy", "not on the autograd graph"),
        ("torch_detaches", r"do not depend, through autograd, on x, p\['W'\]"),
        ("torch_forgets_the_bias", r"do not depend, through autograd, on p\['b'\]"),
    ],
)
def test_torch_values_off_the_graph_fail_with_what_is_missing(student, function, says) -> None:
    x, p = torch_problem()
    with pytest.raises(AssertionError, match=says):
        assert_keeps_graph(getattr(student, function), x, p, what=function)
