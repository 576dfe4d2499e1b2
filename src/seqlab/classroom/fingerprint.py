"""Fingerprints: what was graded, and how, as two hashes a stored grade is keyed by.

* :func:`content_hash` fingerprints a submission (its files' names and bytes, caches left out), so a
  student who changes anything is graded again, and one who changes nothing is not;
* :func:`grader_version` fingerprints everything else that decides a verdict (seqlab's version and code,
  the hidden suite's files, the reference solution and the grading options declared as changing verdicts,
  see :mod:`seqlab.options`), so changing the hidden suite regrades everyone, while options that cannot
  change a verdict (sandbox mode, example cache) do not.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqlab import __version__
from seqlab.course.layout import get_assignment, walk_tree
from seqlab.declare import verdict_values
from seqlab.hints.policy import hints_decision

if TYPE_CHECKING:
    from seqlab.options import GradeOptions

__all__ = ["content_hash", "engine_digest", "grader_version"]

_CHUNK = 1 << 20


def _file_digest(path: str | os.PathLike[str]) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def _feed_entry(digest: Any, relative: str, path: str | os.PathLike[str], *, link: bool) -> None:
    """Add one file to ``digest``: its name, NUL, its kind, NUL, and the sha256 of its bytes.

    A name holds no NUL and a sha256 has a fixed length, so no two different trees feed the same bytes.
    A symlink contributes the text of its target instead of the bytes of what it points to.
    """
    if link:
        kind, content = b"l", hashlib.sha256(os.fsencode(os.readlink(path))).digest()
    else:
        kind, content = b"f", _file_digest(path)
    digest.update(os.fsencode(relative) + b"\0" + kind + b"\0" + content)


def _feed_tree(digest: Any, root: Path, *, follow_links: bool = False) -> None:
    """Add every file of :func:`~seqlab.course.layout.walk_tree` under ``root``; with ``follow_links``, a
    link to a file contributes what it points to (what reading the tree, as the grader does, sees)."""
    for relative, entry in walk_tree(root):
        link = entry.is_symlink() and not (follow_links and os.path.isfile(entry.path))
        _feed_entry(digest, relative, entry.path, link=link)


def content_hash(path: str | os.PathLike[str]) -> str:
    """The sha256 (hex) of a submission: what the gradebook compares to tell whether it changed.

    For a file: its name and bytes. For a folder: every regular file under it, in sorted relative-path
    order, each as its relative path, NUL and the sha256 of its bytes; cache folders (``__pycache__``,
    ``.ipynb_checkpoints``, ``.pytest_cache``, ``.hypothesis``, ``.seqlab-cache``) and ``*.pyc`` files are
    skipped, so running the code does not change its hash. Symlinks inside a folder are not followed: the
    text of their target is hashed. ``path`` itself is followed when it is a link (it names the
    submission). The result depends only on names and bytes (not on times, owners or the folder's location).

    Raises:
        FileNotFoundError: when ``path`` does not exist.
    """
    root = Path(path)
    digest = hashlib.sha256()
    if root.is_dir():
        digest.update(b"seqlab-submission-folder\0")
        _feed_tree(digest, root)
    elif root.exists():
        digest.update(b"seqlab-submission-file\0")
        _feed_entry(digest, root.name, root, link=False)
    else:
        raise FileNotFoundError(f"no submission at {root}")
    return digest.hexdigest()


def _verdict_options(assignment_id: str, options: GradeOptions) -> dict[str, Any]:
    """The grading options that can change a verdict or its feedback (declared ``verdict=True`` in
    :mod:`seqlab.options`), and so belong in :func:`grader_version`; for hints, whether this grading gives
    them (``--no-hints``, or the assignment's hint deadline at the submission's time)."""
    values = verdict_values(options)
    values["hints"] = hints_decision(assignment_id, options)[0]
    return values


def grader_version(assignment_id: str, options: GradeOptions) -> str:
    """The sha256 (hex) of everything besides the submission that decides a grade of ``assignment_id``.

    It covers seqlab's version and its package's files, every file of the assignment's hidden suite
    (``grader/<id>/``, sorted relative paths and bytes, caches skipped as in :func:`content_hash`, a link
    to a file read through), the
    reference module's bytes and the options declared as changing verdicts (:func:`_verdict_options`:
    ``seed``, ``max_examples``, ``gpu_policy``, ``use_gpu``, ``suite``, ``functions``, every limit, whether
    hints are given). It leaves out what cannot change a verdict: the sandbox mode, the example cache (it
    replays the same verdicts faster) and where the course or the cache lives.
    A grade stored under another grader version is never reused, so editing the hidden suite regrades every
    submission.

    Raises:
        CourseError: when the course or the assignment cannot be found.
    """
    assignment = get_assignment(assignment_id, options.course_root)
    options_digest = _verdict_options(assignment_id, options)
    header = {"seqlab": __version__, "assignment": assignment_id, "options": options_digest}
    digest = hashlib.sha256()
    digest.update(b"seqlab-grader-version\0" + json.dumps(header, sort_keys=True).encode() + b"\0")
    digest.update(b"suite\0")
    if assignment.suite_dir.is_dir():
        _feed_tree(digest, assignment.suite_dir, follow_links=True)  # the files the suite runs with
    digest.update(b"\0reference\0" + _file_digest(assignment.reference_path))
    digest.update(b"\0engine\0" + engine_digest())
    return digest.hexdigest()


@functools.cache
def engine_digest() -> bytes:
    """seqlab's own code and data (strategies, comparisons, the pytest ini): a fix in the engine that changes
    verdicts regrades, even without a new version number."""
    digest = hashlib.sha256()
    _feed_tree(digest, Path(__file__).resolve().parents[1])
    return digest.digest()
