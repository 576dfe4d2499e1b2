"""seqlab.suite.replay: recorded examples give the same verdicts and feedback as hypothesis, faster."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest

from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.limits import Limits
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.worker import Worker
from seqlab.model import FAILED, PASSED
from seqlab.suite.replay import ExampleCache, suite_fingerprint
from seqlab.suite.runner import run_suite

QUICK = Limits(call_timeout=1.0, startup_timeout=10.0)

REFERENCE = """
def scale(xs, k):
    return [k * x for x in xs]
"""

RIGHT = REFERENCE
WRONG_ON_LONG_LISTS = """
def scale(xs, k):
    return [k * x for x in xs] if len(xs) < 3 else [k * x for x in xs[:-1]] + [0]
"""

SUITE = """
from hypothesis import given, strategies as st
from seqlab.testing import assert_matches, graded

CALLS = []

@graded("scale", points=2)
@given(xs=st.lists(st.integers(-9, 9), max_size=6), k=st.integers(-3, 3))
def test_scale_matches(submission, reference, xs, k):
    CALLS.append((list(xs), k))
    expected = reference.scale(xs, k)
    xs.append(99)  # a test that mutates its input must not corrupt the recording
    assert_matches(submission.scale(xs[:-1], k), expected, what=f"scale({xs[:-1]}, {k})")

@graded("scale", points=1)
@given(data=st.data())
def test_scale_with_interactive_draws(submission, reference, data):
    xs = data.draw(st.lists(st.integers(0, 3), max_size=3))
    assert_matches(submission.scale(xs, 2), reference.scale(xs, 2), what="scale")
"""


def module(source: str) -> types.ModuleType:
    result = types.ModuleType("toy_reference")
    exec(textwrap.dedent(source), result.__dict__)  # noqa: S102 - our own test code
    return result


def grade(suite: Path, student: str, cache_dir: Path | None) -> list:
    source = SubmissionSource("toy", Path("/nonexistent/toy.py"), "module", (("toy.py", student),))
    with Worker(source, QUICK) as worker:
        run = run_suite(
            suite,
            assignment="toy",
            submission=SubmissionProxy(worker),
            reference=module(REFERENCE),
            cache_dir=cache_dir,
        )
    return [(o.id, o.outcome, o.message, o.counterexample) for o in run.outcomes]


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "test_scale.py").write_text(textwrap.dedent(SUITE))
    return folder


def test_a_passing_run_records_and_the_next_run_replays_to_the_same_verdict(
    suite: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    first = grade(suite, RIGHT, cache_dir)
    cache = ExampleCache(cache_dir, suite_fingerprint(suite, 0, 25))
    recorded = cache.load("test_scale.py::test_scale_matches")
    assert recorded and all(set(example) == {"xs", "k"} for example in recorded)
    assert all(99 not in example["xs"] for example in recorded), "the recording was mutated by the test"
    assert cache.load("test_scale.py::test_scale_with_interactive_draws") is None  # st.data() is not data
    second = grade(suite, RIGHT, cache_dir)
    assert first == second and all(outcome == PASSED for _, outcome, _, _ in first)


def test_a_failure_found_in_replay_gets_hypothesis_shrunk_counterexample(suite: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    grade(suite, RIGHT, cache_dir)
    with_cache = grade(suite, WRONG_ON_LONG_LISTS, cache_dir)
    without_cache = grade(suite, WRONG_ON_LONG_LISTS, None)
    assert with_cache == without_cache
    failed = [row for row in with_cache if row[1] == FAILED]
    assert failed and "xs=[0, 0, 1]" in failed[0][3] and "k=1" in failed[0][3]


def test_replay_calls_only_the_recorded_examples(suite: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    grade(suite, RIGHT, cache_dir)
    cache = ExampleCache(cache_dir, suite_fingerprint(suite, 0, 25))
    recorded = cache.load("test_scale.py::test_scale_matches")
    source = SubmissionSource("toy", Path("/nonexistent/toy.py"), "module", (("toy.py", RIGHT),))
    with Worker(source, QUICK) as worker:
        proxy = SubmissionProxy(worker)
        run_suite(suite, assignment="toy", submission=proxy, reference=module(REFERENCE), cache_dir=cache_dir)
        replayed_calls = proxy.calls
        proxy.calls = 0
        run_suite(suite, assignment="toy", submission=proxy, reference=module(REFERENCE), cache_dir=None)
        generated_calls = proxy.calls
    interactive = generated_calls - len(recorded)  # the st.data() test runs under hypothesis both times
    assert replayed_calls == len(recorded) + interactive


def test_a_corrupt_or_foreign_cache_entry_is_ignored(suite: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    expected = grade(suite, RIGHT, None)
    cache = ExampleCache(cache_dir, suite_fingerprint(suite, 0, 25))
    cache.folder.mkdir(parents=True)
    cache._path("test_scale.py::test_scale_matches").write_bytes(b"\x00\x00garbage")
    assert cache.load("test_scale.py::test_scale_matches") is None
    assert grade(suite, RIGHT, cache_dir) == expected


def test_the_fingerprint_follows_the_suite_the_seed_and_the_budget(suite: Path) -> None:
    base = suite_fingerprint(suite, 0, 25)
    assert suite_fingerprint(suite, 1, 25) != base
    assert suite_fingerprint(suite, 0, 10) != base
    (suite / "test_scale.py").write_text((suite / "test_scale.py").read_text() + "\n# edited\n")
    assert suite_fingerprint(suite, 0, 25) != base
