"""Stable path of the check cells' import in every released notebook: ``from seqlab.inline_checks import
check, ready``. The code lives in :mod:`seqlab.student.checks`."""

from seqlab.student.checks import check, ready

__all__ = ["check", "ready"]
