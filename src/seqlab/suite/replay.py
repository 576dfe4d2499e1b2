"""Recorded hypothesis examples: the same verdicts as hypothesis, without paying for generation again.

With a fixed seed, hypothesis calls a test with the same sequence of generated examples whenever every
example passes (generation only depends on the seed and on earlier outcomes). The first grading in which a
test passes records that sequence, as plain data; later gradings call the test body with the recorded
examples directly. If all of them pass, the test passes, exactly as hypothesis would have decided; at the
first failure the test runs under hypothesis as usual, which finds and shrinks the counterexample. Reports
are therefore the same with and without the cache; only the time differs.

The cache is keyed by a fingerprint of everything that shapes generation: the suite's files, seqlab's
strategies, the seqlab, hypothesis and numpy versions, the run seed and the example budget. Entries are
written atomically; a missing, stale or unreadable entry just means hypothesis runs.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from seqlab import __version__
from seqlab.course.layout import walk_tree
from seqlab.errors import CodecError, SubmissionUnavailable
from seqlab.isolate import codec

__all__ = ["ExampleCache", "suite_fingerprint", "run_hypothesis_test"]

_STRATEGIES = Path(__file__).resolve().parents[1] / "_strategies"


def suite_fingerprint(suite_dir: Path, run_seed: int, max_examples: int) -> str:
    """A digest of everything that decides which examples hypothesis generates for this suite."""
    import hypothesis

    digest = hashlib.sha256()
    for part in (__version__, hypothesis.__version__, np.__version__, str(run_seed), str(max_examples)):
        digest.update(part.encode() + b"\0")
    files = [Path(entry.path) for relative, entry in walk_tree(suite_dir) if relative.endswith(".py")]
    files += sorted(_STRATEGIES.glob("*.py"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class ExampleCache:
    """One file per test under ``directory/<fingerprint>/``, holding the examples of a passing run."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.folder = directory / fingerprint[:32]

    def _path(self, test_id: str) -> Path:
        return self.folder / (hashlib.sha256(test_id.encode()).hexdigest()[:32] + ".examples")

    def load(self, test_id: str) -> list[dict[str, Any]] | None:
        """The recorded examples of a test, or None when there are none (or they cannot be read)."""
        try:
            with self._path(test_id).open("rb") as stream:
                header, blobs = codec.read_message(stream)
            if header.get("test") != test_id:
                return None
            examples = codec.decode(header["examples"], blobs)
        except (OSError, EOFError, KeyError, CodecError):
            return None
        if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
            return None
        return examples

    def store(self, test_id: str, encoded_examples: list[Any], blobs: list[bytes]) -> None:
        """Write a test's examples atomically; a folder we cannot write to only means no cache."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                codec.write_message(stream, {"test": test_id, "examples": encoded_examples}, blobs)
            os.replace(temporary, self._path(test_id))
        except OSError:
            return


def _fixture_names(test: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(test).parameters)


def run_hypothesis_test(test: Any, funcargs: dict[str, Any], test_id: str, cache: ExampleCache) -> None:
    """Run one ``@given`` test: replay its recorded examples, else run hypothesis and record a pass.

    Raises whatever the test raises (the verdict), like calling the test itself would.
    """
    from hypothesis.errors import UnsatisfiedAssumption

    fixtures = {name: funcargs[name] for name in _fixture_names(test)}
    inner = test.hypothesis.inner_test
    examples = cache.load(test_id)
    if examples is not None:
        try:
            for example in examples:
                try:
                    inner(**fixtures, **example)
                except UnsatisfiedAssumption:
                    continue
        except (Exception, SubmissionUnavailable):
            pass  # a failure: hypothesis decides and shrinks below
        else:
            return

    recorded: list[Any] = []
    blobs: list[bytes] = []
    recordable = True

    def recording(*args: Any, **kwargs: Any) -> Any:
        nonlocal recordable
        if recordable:
            example = {k: v for k, v in kwargs.items() if k not in fixtures}
            try:
                recorded.append(codec.encode(example, blobs))  # a snapshot, before the test can mutate it
            except CodecError:
                recordable = False
        return inner(*args, **kwargs)

    test.hypothesis.inner_test = recording
    try:
        test(**fixtures)
    finally:
        test.hypothesis.inner_test = inner
    if recordable:
        cache.store(test_id, recorded, blobs)
