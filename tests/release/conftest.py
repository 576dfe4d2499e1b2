"""A tiny course in a temporary folder, so the release tooling is tested apart from the real assignments."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tiny import make_tiny_course


@pytest.fixture
def tiny_course(tmp_path: Path) -> Path:
    """Course root of a fresh tiny course."""
    return make_tiny_course(tmp_path / "course")
