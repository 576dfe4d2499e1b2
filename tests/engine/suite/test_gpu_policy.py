"""GPU checks and the GPU policy: throwaway hidden suites with CPU tests and GPU checks, run for real.

``use_gpu=False`` makes every machine look like one without CUDA, so the policies are exercised here
whatever the hardware; the tests marked ``needs_cuda`` check that GPU checks really run on a CUDA device.
Suites run through :func:`seqlab.suite.runner.run_suite` against a real worker, and through
:func:`seqlab.grading.pipeline.grade` on a toy course written to ``tmp_path``.
"""

from __future__ import annotations

import sys
import textwrap
import types
from pathlib import Path

import pytest

from seqlab.errors import ConfigError
from seqlab.grading.loader import SubmissionSource
from seqlab.grading.pipeline import grade, score
from seqlab.isolate.limits import Limits
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.worker import Worker
from seqlab.model import FAILED, PASSED, SKIPPED
from seqlab.options import GradeOptions
from seqlab.suite.gpu import GPU_POLICIES, GpuSummary, nvidia_device_present
from seqlab.suite.runner import run_suite


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


CUDA = _cuda_available()
needs_cuda = pytest.mark.skipif(not CUDA, reason="no CUDA device")
QUICK = Limits(call_timeout=2.0, startup_timeout=10.0)

#: ``halve`` is wrong on purpose: its CPU test fails whatever the policy.
STUDENT = """
def double(x):
    return 2 * x

def halve(x):
    return x // 2
"""

REFERENCE = """
def double(x):
    return 2 * x

def halve(x):
    return x / 2
"""

#: Two CPU tests (2 + 4 points), two GPU checks (2 + 1 points: one from on_devices(), one marked directly),
#: and a CPU test skipped for a reason of its own (8 points), run after the GPU checks.
GPU_SUITE = """
import pytest
from seqlab.testing import GPU_MARKER, assert_matches, graded, on_devices


@graded("double", points=2)
@on_devices()
def test_double(submission, reference, device):
    assert_matches(submission.double(3), reference.double(3), what="double(3)")


@graded("halve", points=1)
@getattr(pytest.mark, GPU_MARKER)
def test_halve_on_the_gpu(submission, reference):
    assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")


@graded("halve", points=4)
def test_halve_on_the_cpu(submission, reference):
    assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")


@graded("double", points=8)
def test_double_skipped_for_another_reason(submission, reference):
    pytest.skip("not graded this term")
"""

CPU_TESTS = ("test_double[cpu]", "test_halve_on_the_cpu", "test_double_skipped_for_another_reason")
GPU_CHECKS = ("test_double[cuda]", "test_halve_on_the_gpu")
TURNED_OFF = "GPU checks are turned off"

#: For each policy: each GPU check's outcome, and (score, max score) of the whole suite. Under `award` only
#: `double`, which passes its CPU tests, earns its GPU check; `halve` fails on the CPU and earns nothing.
EXPECTED = {
    "exclude": ({"test_double[cuda]": SKIPPED, "test_halve_on_the_gpu": SKIPPED}, 2.0, 6.0),
    "award": ({"test_double[cuda]": PASSED, "test_halve_on_the_gpu": FAILED}, 4.0, 9.0),
    "zero": ({"test_double[cuda]": FAILED, "test_halve_on_the_gpu": FAILED}, 2.0, 9.0),
}
EFFECT_WORDS = {"exclude": "left out", "award": "earned", "zero": "lost"}


def reference_module() -> types.ModuleType:
    module = types.ModuleType("toy_reference")
    exec(REFERENCE, module.__dict__)  # noqa: S102 - our own reference code
    return module


def write_suite(folder: Path, body: str = GPU_SUITE, name: str = "test_hidden_gpu.py") -> Path:
    """Write a suite file. Each different body needs its own file name: within one process, run_suite
    reuses a suite module already imported under the same name (pytest's importlib import mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def by_name(outcomes) -> dict:
    return {outcome.id.split("::")[-1]: outcome for outcome in outcomes}


@pytest.fixture(scope="module")
def calm_worker():
    source = SubmissionSource("toy", Path("/nonexistent/toy.py"), "module", (("toy.py", STUDENT),))
    with Worker(source, QUICK) as worker:
        yield worker


@pytest.fixture
def student(calm_worker):
    return SubmissionProxy(calm_worker)


def assert_cpu_tests_untouched(outcomes: dict) -> None:
    """The policy applies to GPU checks only: CPU tests keep their own verdicts."""
    assert outcomes["test_double[cpu]"].outcome == PASSED
    halve = outcomes["test_halve_on_the_cpu"]
    assert halve.outcome == FAILED and halve.message.startswith("halve(3) returned")
    other = outcomes["test_double_skipped_for_another_reason"]
    assert other.outcome == SKIPPED and other.message == "not graded this term"
    assert "policy" not in other.message


def run_toy_suite(tmp_path: Path, student, **options):
    """The toy GPU suite run against ``student`` with ``options`` (gpu_policy, use_gpu)."""
    return run_suite(
        write_suite(tmp_path / "suite"),
        assignment="toy",
        submission=student,
        reference=reference_module(),
        options=GradeOptions(sandbox="off", **options),
    )


# -- run_suite ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", GPU_POLICIES)
def test_policy_decides_what_gpu_checks_that_did_not_run_are_worth(tmp_path, student, policy):
    run = run_toy_suite(tmp_path, student, gpu_policy=policy, use_gpu=False)
    outcomes = by_name(run.outcomes)
    assert sorted(outcomes) == sorted(CPU_TESTS + GPU_CHECKS)
    gpu_outcomes, expected_score, expected_max = EXPECTED[policy]
    for name in GPU_CHECKS:
        check = outcomes[name]
        assert check.outcome == gpu_outcomes[name], (name, check)
        assert check.message.startswith(f"GPU check not run: {TURNED_OFF}"), check.message
        assert f"'{policy}' policy" in check.message and EFFECT_WORDS[policy] in check.message
    assert (
        outcomes["test_double[cuda]"].max_points == 2.0
        and outcomes["test_halve_on_the_gpu"].max_points == 1.0
    )
    assert_cpu_tests_untouched(outcomes)
    functions = score(run.outcomes)
    assert sum(f.score for f in functions) == expected_score
    assert sum(f.max_score for f in functions) == expected_max
    # GPU checks that do not run never call the student's code
    assert student.calls == 2


@pytest.mark.parametrize("policy", GPU_POLICIES)
def test_summary_names_count_points_reason_and_policy(tmp_path, student, policy):
    run = run_toy_suite(tmp_path, student, gpu_policy=policy, use_gpu=False)
    not_run = tuple(
        sorted(outcome.id for outcome in run.outcomes if outcome.id.split("::")[-1] in GPU_CHECKS)
    )
    assert len(not_run) == 2
    assert run.gpu == GpuSummary(
        policy=policy, checks=2, not_run=2, points_not_run=3.0, reason=TURNED_OFF, not_run_tests=not_run
    )
    message = run.gpu.message()
    assert message.startswith("2 of 2 GPU checks (3 points) did not run"), message
    assert TURNED_OFF in message and f"'{policy}' policy" in message
    assert EFFECT_WORDS[policy] in message
    assert run.gpu.as_dict() == {
        "policy": policy,
        "checks": 2,
        "not_run": 2,
        "points_not_run": 3.0,
        "reason": TURNED_OFF,
        "not_run_tests": list(not_run),
    }


def test_default_policy_is_exclude(tmp_path, student):
    run = run_toy_suite(tmp_path, student, use_gpu=False)
    assert run.gpu is not None and run.gpu.policy == "exclude"
    assert {by_name(run.outcomes)[name].outcome for name in GPU_CHECKS} == {SKIPPED}


def test_a_suite_without_gpu_checks_has_nothing_to_say(tmp_path, student):
    body = """
    from seqlab.testing import assert_matches, graded

    @graded("double", points=1)
    def test_double(submission, reference):
        assert_matches(submission.double(2), reference.double(2), what="double(2)")
    """
    run = run_suite(
        write_suite(tmp_path / "suite", body, "test_hidden_cpu_only.py"),
        assignment="toy",
        submission=student,
        reference=reference_module(),
        options=GradeOptions(gpu_policy="zero", use_gpu=False, sandbox="off"),
    )
    assert [o.outcome for o in run.outcomes] == [PASSED]
    assert run.gpu is not None and run.gpu.checks == 0 and run.gpu.not_run == 0
    assert run.gpu.message() == ""


@pytest.mark.skipif(CUDA, reason="checks a machine without CUDA")
def test_without_cuda_the_reason_says_so_even_when_gpu_use_is_on(tmp_path, student):
    run = run_toy_suite(tmp_path, student, gpu_policy="zero", use_gpu=True)
    assert run.gpu.not_run == 2 and run.gpu.reason
    assert TURNED_OFF not in run.gpu.reason
    assert "CUDA" in run.gpu.reason or "torch is not installed" in run.gpu.reason
    assert run.gpu.reason in run.gpu.message()
    assert by_name(run.outcomes)["test_halve_on_the_gpu"].outcome == FAILED


@pytest.mark.parametrize("policy", ["sometimes", "", "Exclude", None])
def test_unknown_policy_is_refused_before_anything_runs(policy):
    """The options object refuses it, so no suite (and no student code) runs with it; the error names the
    option's flag and every known policy."""
    with pytest.raises(ConfigError, match="--gpu-policy") as error:
        GradeOptions(gpu_policy=policy)
    for known in GPU_POLICIES:
        assert known in str(error.value)


@needs_cuda
def test_with_cuda_gpu_checks_really_run(tmp_path, student):
    run = run_toy_suite(tmp_path, student, gpu_policy="award", use_gpu=True)
    outcomes = by_name(run.outcomes)
    assert outcomes["test_double[cuda]"].outcome == PASSED
    assert outcomes["test_double[cuda]"].message == ""
    # it ran: the wrong halve fails on the GPU too, whatever the policy
    gpu_halve = outcomes["test_halve_on_the_gpu"]
    assert gpu_halve.outcome == FAILED and gpu_halve.message.startswith("halve(3) returned")
    assert_cpu_tests_untouched(outcomes)
    assert run.gpu == GpuSummary(policy="award", checks=2, not_run=0, points_not_run=0.0, reason="")
    assert run.gpu.message() == "All 2 GPU checks ran on a CUDA device."
    assert student.calls == 4


# -- grade() on a toy course -------------------------------------------------------------------------------

ASSIGNMENT = "cells"  # grade() only knows the course's assignment ids; the toy course reuses one


@pytest.fixture
def toy_course(tmp_path, monkeypatch):
    """A course folder with a toy reference and the GPU suite for ``cells``, and a submission folder."""
    root = tmp_path / "course"
    write_suite(root / "grader" / ASSIGNMENT)
    (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
    (root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.py").write_text(REFERENCE, encoding="utf-8")
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / f"{ASSIGNMENT}.py").write_text(STUDENT, encoding="utf-8")
    # grade() imports the toy reference under the real reference's module name: restore it afterwards
    monkeypatch.setitem(sys.modules, f"seqlab_reference_{ASSIGNMENT}", None)
    return root, submission


def grade_toy(course, **options):
    root, submission = course
    return grade(
        submission,
        ASSIGNMENT,
        GradeOptions(course_root=root, limits=QUICK, example_cache=False, use_gpu=False, **options),
    )


@pytest.mark.parametrize("policy", GPU_POLICIES)
def test_grade_reports_the_gpu_summary(toy_course, policy):
    result = grade_toy(toy_course, gpu_policy=policy)
    outcomes = by_name(result.tests)
    gpu_outcomes, expected_score, expected_max = EXPECTED[policy]
    assert {name: outcomes[name].outcome for name in GPU_CHECKS} == gpu_outcomes
    assert_cpu_tests_untouched(outcomes)
    assert (result.score, result.max_score) == (expected_score, expected_max)
    summary = [m for m in result.messages if "GPU checks" in m]
    assert len(summary) == 1, result.messages
    assert summary[0].startswith("2 of 2 GPU checks (3 points) did not run")
    assert TURNED_OFF in summary[0] and f"'{policy}' policy" in summary[0]
    assert result.extra["gpu"] == {
        "policy": policy,
        "checks": 2,
        "not_run": 2,
        "points_not_run": 3.0,
        "reason": TURNED_OFF,
        "not_run_tests": sorted(outcomes[name].id for name in GPU_CHECKS),
    }
    data = result.to_dict()
    assert data["extra"]["gpu"]["policy"] == policy
    assert (data["score"], data["max_score"]) == (expected_score, expected_max)
    memory = result.extra["isolation"]["memory_limit_bytes"]
    assert memory == (None if nvidia_device_present() else QUICK.memory_bytes)


def test_grade_refuses_an_unknown_policy(toy_course):
    with pytest.raises(ConfigError, match="--gpu-policy"):
        grade_toy(toy_course, gpu_policy="sometimes")
