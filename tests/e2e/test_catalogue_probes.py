"""Every catalogued mistake can be told apart: the catalogue's probes of its function (inputs the grader may
call the student's function with to confirm a hint) make each form of each mistake give a wrong output, and
one that no other mistake of the function gives. Without that, a hint could only rest on the shrunk
counterexample, where mistakes coincide. Computed in the grader alone (reference and mistakes; no worker)."""

from __future__ import annotations

import pytest

from seqlab.course.layout import ASSIGNMENTS, load_reference
from seqlab.hints.catalogue import load_catalogue
from seqlab.hints.diagnosis import NOT_COMPARABLE, Diagnoser

from .conftest import ROOT

pytestmark = pytest.mark.e2e


def _cases() -> list[tuple[str, str]]:
    cases = []
    for assignment in ASSIGNMENTS:
        catalogue = load_catalogue(ROOT / "grader" / assignment, assignment)
        cases += [(assignment, m.key) for m in catalogue or ()]
    return cases


@pytest.mark.parametrize(("assignment", "key"), _cases(), ids=lambda v: v)
def test_the_probes_tell_each_mistake_from_the_reference_and_from_the_others(
    assignment: str, key: str
) -> None:
    catalogue = load_catalogue(ROOT / "grader" / assignment, assignment)
    diagnoser = Diagnoser(catalogue, load_reference(assignment))
    (mistake,) = [m for m in catalogue if m.key == key]
    function = mistake.function
    probes = catalogue.probes.get(function, [])
    assert probes, f"{assignment}: no catalogue.probe(...) for {function}, which has catalogued mistakes"
    others = [
        namespace
        for m in catalogue
        if m.key != key and (m.function == function or m.cascades)
        for namespace in diagnoser.forms(m.key)
    ]
    for index, form in enumerate(diagnoser.forms(key)):
        told_apart = False
        for args, kwargs in probes:
            expected = diagnoser.predict(diagnoser.reference, function, args, kwargs, None)
            assert expected is not NOT_COMPARABLE, f"the reference {function} fails on probe {args}"
            got = diagnoser.predict(form, function, args, kwargs, None)
            if got is NOT_COMPARABLE or diagnoser.agree(got, expected):
                continue
            if not any(
                diagnoser.agree(got, diagnoser.predict(o, function, args, kwargs, None)) for o in others
            ):
                told_apart = True
        assert told_apart, (
            f"no probe of {function} tells form {index} of {key} from the reference and the others"
        )
