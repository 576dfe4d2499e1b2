"""The student's side: the ``submission`` fixture of the public tests and the notebook's check cells.

``from seqlab.student import submission`` is the line every released assignment's ``conftest.py`` holds
(:mod:`seqlab.student.fixture`); the check cells of a released notebook import
``from seqlab.inline_checks import check, ready`` (:mod:`seqlab.student.checks`). Both paths are stable.
The fixture is found lazily, so a notebook's check cells do not import pytest into the student's kernel.
"""

from __future__ import annotations

from typing import Any

__all__ = ["submission"]


def __getattr__(name: str) -> Any:
    if name == "submission":
        from seqlab.student.fixture import submission

        return submission
    raise AttributeError(f"module 'seqlab.student' has no attribute {name!r}")
