"""End to end: what GPU checks are worth where they cannot run, for the real ``cells`` suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.model import FAILED, PASSED, SKIPPED

from .conftest import MUTANTS, grade_fast, reference_source, write_module

pytestmark = pytest.mark.e2e

TORCH_FUNCTIONS = ("rnn_forward_torch", "lstm_forward_torch", "gru_forward_torch")


@pytest.fixture(scope="module")
def reference_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_module(tmp_path_factory.mktemp("cells"), "cells", reference_source("cells"))


@pytest.mark.parametrize(
    ("policy", "outcome", "earned"),
    [("exclude", SKIPPED, False), ("award", PASSED, True), ("zero", FAILED, False)],
)
def test_gpu_checks_that_cannot_run_follow_the_policy(reference_folder, policy, outcome, earned):
    """Graded on the torch functions, the only ones with GPU checks (the whole suite: the next test)."""
    options = {"gpu_policy": policy, "use_gpu": False, "functions": TORCH_FUNCTIONS}
    result = grade_fast(reference_folder, "cells", **options)
    gpu_checks = [t for t in result.tests if t.id.endswith("-cuda]")]
    assert gpu_checks and {t.function for t in gpu_checks} == set(TORCH_FUNCTIONS)
    assert {t.outcome for t in gpu_checks} == {outcome}
    points = sum(t.max_points for t in gpu_checks)
    cpu_points = sum(t.max_points for t in result.tests) - points
    assert result.score == cpu_points + (points if earned else 0)
    assert result.max_score == cpu_points + (0 if policy == "exclude" else points)
    summary = result.extra["gpu"]
    assert summary == {
        "policy": policy,
        "checks": len(gpu_checks),
        "not_run": len(gpu_checks),
        "points_not_run": points,
        "reason": "GPU checks are turned off",
        "not_run_tests": sorted(t.id for t in gpu_checks),
    }
    sentence = next(m for m in result.messages if "GPU checks" in m)
    assert f"{len(gpu_checks)} of {len(gpu_checks)} GPU checks ({points:g} points) did not run" in sentence
    assert f"'{policy}' policy" in sentence


def test_reference_scores_every_point_of_the_suite_under_the_award_policy(reference_folder):
    """With the GPU checks counted, the reference earns the suite's 100 points."""
    result = grade_fast(reference_folder, "cells", gpu_policy="award", use_gpu=False)
    assert (result.score, result.max_score) == (100, 100)


def test_award_gives_no_gpu_points_to_a_function_that_fails_on_the_cpu(tmp_path: Path):
    """A wrong torch function (float32 output for float64 input) earns none of its GPU checks' points, the
    correct ones earn theirs; a submission that cannot be loaded earns no GPU point at all."""
    mutant = (MUTANTS / "cells" / "lstm_forward_torch_float32_output.py").read_text()
    folder = write_module(tmp_path / "wrong", "cells", reference_source("cells") + "\n\n" + mutant)
    result = grade_fast(folder, "cells", gpu_policy="award", use_gpu=False, functions=TORCH_FUNCTIONS)
    gpu_checks = [t for t in result.tests if t.id.endswith("-cuda]")]
    by_function = {f: {t.outcome for t in gpu_checks if t.function == f} for f in TORCH_FUNCTIONS}
    assert by_function == {
        "rnn_forward_torch": {PASSED},
        "lstm_forward_torch": {FAILED},
        "gru_forward_torch": {PASSED},
    }
    lost = next(t for t in gpu_checks if t.function == "lstm_forward_torch")
    assert "failed a CPU test, so it earns nothing" in lost.message
    broken = write_module(tmp_path / "broken", "cells", "import keras  # not installed\n")
    nothing = grade_fast(broken, "cells", gpu_policy="award", use_gpu=False)
    assert nothing.score == 0 and nothing.max_score == 100
