"""The tiny one-assignment course ("tiny") the release tests build on."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

TINY_REFERENCE = '''\
"""Tiny assignment used by the release tests."""

import zlib

import numpy as np

SCALE = 2


def double(x: np.ndarray) -> np.ndarray:
    """Return ``SCALE * x``.

    Shapes: x (N,) -> (N,).
    """
    ### BEGIN SOLUTION
    marker = "SENTINEL_DOUBLE"
    assert marker
    return np.asarray(x) * SCALE
    ### END SOLUTION


def checksum(text: str) -> int:
    """crc32 of the UTF-8 encoding of ``text``."""
    ### BEGIN SOLUTION
    def _encode(value: str) -> bytes:
        return value.encode("utf-8")  # SENTINEL_NESTED

    return zlib.crc32(_encode(text))
    ### END SOLUTION


def _increment(n: int) -> int:
    ### BEGIN SOLUTION
    return n + 1  # SENTINEL_HELPER
    ### END SOLUTION
'''

TINY_LESSON = """\
# %% [markdown]
# # Tiny assignment
#
# Doubling and hashing, in *two* steps.

# %% [imports]
import zlib

import numpy as np

# %% [solution] SCALE double

# %% [check] double

# %%
print(double(np.arange(3)))

# %% [markdown]
# Now hashing.

# %% [solution] checksum _increment
# (this body is ignored: the tool inserts the functions' source)

# %% [check] checksum
"""

TINY_HIDDEN_SUITE = """\
from seqlab.testing import graded


@graded("double", points=2)
def test_double(submission):
    assert list(submission.double([1, 2])) == [2, 4]


@graded("checksum", points=1)
def test_checksum_of_a(submission, reference):
    assert submission.checksum("a") == reference.checksum("a")


@graded("checksum", points=0.5)
def test_checksum_of_nothing(submission, reference):
    assert submission.checksum("") == reference.checksum("")
"""

TINY_PUBLIC_TEST = """\
from seqlab.testing import assert_returns


def test_double_of_one_two(submission):
    assert_returns(submission.double, [1, 2], expected=[2, 4])


def test_checksum_of_a(submission):
    assert_returns(submission.checksum, "a", expected=3904355907)
"""


def make_tiny_course(root: Path) -> Path:
    """Write a one-assignment course ("tiny") under ``root`` with the project's nbgrader_config.py."""
    source = root / "solutions" / "tiny"
    (source / "public_tests").mkdir(parents=True)
    (source / "data").mkdir()
    (source / "tiny.py").write_text(TINY_REFERENCE, encoding="utf-8")
    (source / "lesson.py").write_text(TINY_LESSON, encoding="utf-8")
    (source / "public_tests" / "test_tiny_public.py").write_text(TINY_PUBLIC_TEST, encoding="utf-8")
    (source / "data" / "series.csv").write_text("t,value\n0,1.0\n1,2.0\n", encoding="utf-8")
    (root / "grader" / "tiny").mkdir(parents=True)
    (root / "grader" / "tiny" / "test_tiny.py").write_text(TINY_HIDDEN_SUITE, encoding="utf-8")
    shutil.copyfile(REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    return root
