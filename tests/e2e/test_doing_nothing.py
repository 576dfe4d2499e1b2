"""No points for doing nothing: on all five assignments, a submission that raises ValueError or TypeError
everywhere, returns None everywhere, or returns zeros of exactly the documented shape earns 0.

Zeros of the right shape earn nothing either: no graded value of the course is all zeros on the inputs
the suites draw (the "zero input" regimes come with biases or saturating inputs), and the tests a zero
answer does pass (empty inputs, "no padding rows") are edge tests, earned only beside a passing value test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS
from seqlab.model import FAILED, PASSED

from .conftest import grade_many
from .trivial import KINDS, graded_functions, trivial_source

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """(assignment, kind) -> the grade of that trivial submission."""
    sources = {f"{a}-{k}": (a, trivial_source(a, k)) for a in ASSIGNMENTS for k in KINDS}
    results = grade_many(sources, tmp_path_factory.mktemp("trivial"))
    return {(a, k): results[f"{a}-{k}"] for a in ASSIGNMENTS for k in KINDS}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_submission_that_does_nothing_earns_nothing(graded: dict, assignment: str, kind: str) -> None:
    result = graded[assignment, kind]
    earned = [f"{t.function}: {t.name}" for t in result.tests if t.outcome == PASSED]
    assert result.score == 0 and not earned, f"{assignment} {kind} earned {result.score}: {earned}"
    public = {name for name in graded_functions(assignment) if not name.startswith("_")}
    assert result.max_score > 0 and {f.name for f in result.functions} >= public


def test_an_error_handling_check_it_passed_says_why_it_earns_nothing(graded: dict) -> None:
    result = graded["encoding", "raises-ValueError"]
    (check,) = [t for t in result.tests if t.id.endswith("test_ngrams_rejects_n_below_one")]
    assert check.outcome == FAILED and check.points == 0
    assert "earns its points only when `ngrams` also passes one of its other tests" in check.message


def test_the_trivial_submissions_are_what_they_claim() -> None:
    """The generator's own check: every stub function is replaced, and zeros keep the reference's shapes."""
    for assignment in ASSIGNMENTS:
        for kind in ("raises-ValueError", "raises-TypeError", "returns-None"):
            assert "raise NotImplementedError" not in trivial_source(assignment, kind)
    namespace: dict = {}
    exec(trivial_source("cnn", "zeros"), namespace)  # noqa: S102 - the project's own generated code
    assert namespace["conv_output_size"](7, 3) == 0
    import numpy as np

    out = namespace["conv2d_forward"](np.ones((1, 1, 4, 4)), np.ones((2, 1, 3, 3)), np.ones(2))
    assert out.shape == (1, 2, 2, 2) and not out.any()


def test_graded_functions_of_the_stubs(tmp_path: Path) -> None:
    assert graded_functions("encoding")[:3] == ["tokenize", "build_token_index", "one_hot_encode"]
