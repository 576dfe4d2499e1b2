"""Whether GPU checks can run here, and what happens to their points when they cannot.

A hidden test marked as a GPU check (see :func:`seqlab.testing.on_devices`) runs only where the *grader*
sees a CUDA device: the question is answered in the trusted process, never by the worker, so a submission
cannot hide a device to dodge the checks. Where no device exists the test is reported as not run, with the
reason, and its points are treated by the grading run's policy:

``exclude`` (default)
    left out of the score *and* the maximum: the percentage is that of the checks that ran.
``award``
    counted as earned where every CPU test of the same function passed (the CPU twin of every GPU check
    still runs and grades the same function); a function that fails on the CPU, or a submission that could
    not be loaded, earns no GPU points.
``zero``
    counted as lost.

Every report says how many GPU checks were not run, why, and which policy was applied.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seqlab.errors import ConfigError
from seqlab.model import FAILED, PASSED, SKIPPED, TestOutcome

__all__ = [
    "GPU_POLICIES",
    "GpuChecks",
    "GpuPolicy",
    "GpuSummary",
    "cuda_status",
    "nvidia_device_present",
    "policy_effect",
]

GpuPolicy = str
GPU_POLICIES: tuple[str, ...] = ("exclude", "award", "zero")
_EFFECT = {
    "exclude": "left out of the score and of the maximum",
    "award": "counted as earned where the function passed its CPU tests",
    "zero": "counted as lost",
}


def policy_effect(policy: GpuPolicy, *, checks: int = 2) -> str:
    """What ``policy`` does to the points of GPU checks that did not run ("their points are ...")."""
    if policy not in _EFFECT:
        raise ConfigError(f"unknown GPU policy {policy!r}; choose one of {', '.join(GPU_POLICIES)}")
    return f"{'its points are' if checks == 1 else 'their points are'} {_EFFECT[policy]}"


@functools.cache
def cuda_status() -> tuple[bool, str]:
    """``(available, description)`` of CUDA in this process, e.g. ``(False, "no CUDA device ...")``."""
    if importlib.util.find_spec("torch") is None:
        return False, "torch is not installed on the grading machine"
    import torch

    if not torch.cuda.is_available():
        return False, "no CUDA device on the grading machine (torch.cuda.is_available() is False)"
    return True, f"CUDA device {torch.cuda.get_device_name(0)}"


def nvidia_device_present() -> bool:
    """Whether an NVIDIA driver device node exists (cheap: imports nothing, initialises nothing)."""
    return Path("/dev/nvidiactl").exists() or Path("/proc/driver/nvidia").exists()


@dataclass(frozen=True)
class GpuSummary:
    """The GPU checks of one grading run, for the report.

    Attributes:
        policy: the policy applied to checks that did not run.
        checks: GPU checks in the suite.
        not_run: how many of them did not run.
        points_not_run: what those were worth.
        reason: why they did not run (empty when all ran).
        not_run_tests: the ids of those that did not run, sorted (what a script reads, never a message).
    """

    policy: GpuPolicy
    checks: int
    not_run: int
    points_not_run: float
    reason: str = ""
    not_run_tests: tuple[str, ...] = ()

    def message(self) -> str:
        """One sentence for the report ('' when there is nothing to say)."""
        if not self.checks:
            return ""
        if not self.not_run:
            return f"All {self.checks} GPU checks ran on a CUDA device."
        return (
            f"{self.not_run} of {self.checks} GPU checks ({self.points_not_run:g} points) did not run: "
            f"{self.reason}. By the '{self.policy}' policy {policy_effect(self.policy, checks=self.not_run)}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "checks": self.checks,
            "not_run": self.not_run,
            "points_not_run": self.points_not_run,
            "reason": self.reason,
            "not_run_tests": list(self.not_run_tests),
        }


class GpuChecks:
    """The GPU checks of one suite run: which ran, what those that could not are worth (``policy``).

    The plugin asks :meth:`why_not_run` before a GPU check (a reason: skip it), hands every GPU check's
    outcome to :meth:`record` and the whole run's to :meth:`settle` at the end; :meth:`summary` is what
    the report says. Whether a check ran is kept by test id, never read back from a message.
    """

    def __init__(self, policy: GpuPolicy, use_gpu: bool) -> None:
        policy_effect(policy)  # an unknown policy fails here
        self.policy = policy
        self.use_gpu = use_gpu
        self.checks: list[TestOutcome] = []  # every GPU check's outcome, run or not
        self.not_run: set[str] = set()  # ids of the checks that did not run
        self.reason = ""  # why they did not run

    def why_not_run(self, test_id: str) -> str:
        """Why the GPU check ``test_id`` cannot run here (no CUDA device, turned off), or "" when it can."""
        available, reason = cuda_status() if self.use_gpu else (False, "GPU checks are turned off")
        if available:
            return ""
        self.reason = reason
        self.not_run.add(test_id)
        return reason

    def did_not_run(self, record: TestOutcome) -> bool:
        return record.id in self.not_run

    def record(self, record: TestOutcome) -> TestOutcome:
        """A GPU check's outcome, with the policy applied where it did not run (under ``award`` provisional
        until :meth:`settle` has seen the function's CPU tests)."""
        if record.outcome == SKIPPED and self.did_not_run(record):
            effect = policy_effect(self.policy, checks=1)
            message = f"{record.message}; by the '{self.policy}' policy {effect}"
            outcome = {"exclude": SKIPPED, "award": PASSED, "zero": FAILED}[self.policy]
            record = dataclasses.replace(record, outcome=outcome, message=message)
        self.checks.append(record)
        return record

    def settle(self, outcomes: list[TestOutcome]) -> list[TestOutcome]:
        """Settle ``award``: a GPU check that did not run is earned only where every CPU test of the same
        function passed, so a wrong function, or a submission that could not be loaded, earns nothing."""
        if self.policy != "award":
            return outcomes
        gpu_ids = {record.id for record in self.checks}
        failing = {r.function for r in outcomes if r.id not in gpu_ids and r.outcome == FAILED}
        settled: dict[str, TestOutcome] = {}
        for record in self.checks:
            if record.outcome == PASSED and self.did_not_run(record) and record.function in failing:
                message = f"{record.message}, but `{record.function}` failed a CPU test, so it earns nothing"
                settled[record.id] = dataclasses.replace(record, outcome=FAILED, message=message)
        self.checks = [settled.get(record.id, record) for record in self.checks]
        return [settled.get(record.id, record) for record in outcomes]

    def summary(self) -> GpuSummary:
        """How many GPU checks there were, how many did not run, and the policy applied to them."""
        not_run = [record for record in self.checks if self.did_not_run(record)]
        return GpuSummary(
            policy=self.policy,
            checks=len(self.checks),
            not_run=len(not_run),
            points_not_run=sum(record.max_points for record in not_run),
            reason=self.reason if not_run else "",
            not_run_tests=tuple(sorted(record.id for record in not_run)),
        )
