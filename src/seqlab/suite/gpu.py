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

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seqlab.errors import ConfigError

__all__ = ["GPU_POLICIES", "GpuPolicy", "GpuSummary", "cuda_status", "nvidia_device_present", "policy_effect"]

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
    """

    policy: GpuPolicy
    checks: int
    not_run: int
    points_not_run: float
    reason: str = ""

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
        }
