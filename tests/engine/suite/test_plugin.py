"""seqlab.suite.plugin + seqlab.suite.runner: running throwaway hidden suites against a real worker-backed
submission."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from seqlab.errors import CourseError
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.limits import Limits
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.isolate.worker import Worker
from seqlab.model import FAILED, PASSED, SKIPPED
from seqlab.options import GradeOptions
from seqlab.suite.plugin import derive_seed
from seqlab.suite.runner import run_suite

QUICK = Limits(call_timeout=0.5, startup_timeout=10.0)

STUDENT = """
def double(x):
    return 2 * x if x < 1000 else 2 * x + 1

def halve(x):
    return x / 2

def hang(x):
    while True:
        pass

def stub(x):
    raise NotImplementedError
"""

REFERENCE = """
def double(x):
    return 2 * x

def halve(x):
    return x / 2
"""

HEADER = """
from hypothesis import given, strategies as st
from seqlab.testing import assert_matches, graded
"""


def reference_module() -> types.ModuleType:
    module = types.ModuleType("toy_reference")
    exec(REFERENCE, module.__dict__)  # noqa: S102 - our own reference code
    return module


def write_suite(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(HEADER) + textwrap.dedent(body), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def calm_worker():
    """A worker shared by the tests whose suites never hang or crash it."""
    source = SubmissionSource("toy", Path("/nonexistent/toy.py"), "module", (("toy.py", STUDENT),))
    with Worker(source, QUICK) as worker:
        yield worker


@pytest.fixture
def student(calm_worker):
    """A fresh proxy (no sticky failures, no call count) on the shared worker."""
    return SubmissionProxy(calm_worker)


def by_name(run) -> dict:
    return {outcome.id.split("::")[-1]: outcome for outcome in run.outcomes}


MIXED_SUITE = """
SECRET_VALUE = 424242


@graded("halve", points=2)
def test_halve_small(submission, reference):
    \"\"\"halve works on 3\"\"\"
    assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")


@graded("double", points=3)
@given(x=st.integers(0, 10**6))
def test_double_any(submission, reference, x):
    assert_matches(submission.double(x), reference.double(x), what=f"double({x})")


@graded("double", points=1.5)
def test_double_secret(submission, reference):
    assert submission.double(1) == SECRET_VALUE


@graded("hang", points=1)
@given(x=st.integers())
def test_hang_returns(submission, reference, x):
    submission.hang(x)


@graded("stub", points=1)
def test_stub(submission, reference):
    submission.stub(1)


@graded("missing", points=1)
def test_missing(submission, reference):
    submission.nope()
"""


def test_outcomes_points_and_messages(tmp_path, make_worker):
    student = SubmissionProxy(make_worker(STUDENT, QUICK))  # its own worker: this suite makes it time out
    suite = write_suite(tmp_path / "suite", "test_hidden_mixed.py", MIXED_SUITE)
    began = time.monotonic()
    run = run_suite(suite, assignment="toy", submission=student, reference=reference_module())
    elapsed = time.monotonic() - began
    outcomes = by_name(run)
    assert list(outcomes) == [
        "test_halve_small",
        "test_double_any",
        "test_double_secret",
        "test_hang_returns",
        "test_stub",
        "test_missing",
    ]
    halve = outcomes["test_halve_small"]
    assert (halve.outcome, halve.max_points, halve.points, halve.function) == (PASSED, 2.0, 2.0, "halve")
    assert halve.name == "halve works on 3" and halve.id == "test_hidden_mixed.py::test_halve_small"
    double = outcomes["test_double_any"]
    assert (double.outcome, double.max_points, double.points) == (FAILED, 3.0, 0.0)
    assert double.name == "double any"
    assert double.message.startswith("double(1000) returned wrong values")
    assert double.counterexample == "x=1000,"
    assert outcomes["test_double_secret"].max_points == 1.5
    hang = outcomes["test_hang_returns"]
    assert hang.outcome == FAILED and "did not return in time" in hang.message
    assert student.worker.stats.timeouts == 1, "hypothesis kept calling a function that timed out"
    assert elapsed < 10 * QUICK.call_timeout
    assert "not implemented yet" in outcomes["test_stub"].message
    assert "does not define a function named `nope`" in outcomes["test_missing"].message
    assert sum(o.points for o in run.outcomes) == 2.0


def test_counterexample_has_no_fixtures_or_addresses(tmp_path, student):
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_counter.py",
        """
        @graded("double", points=1)
        @given(x=st.integers(0, 10**6), label=st.text(max_size=3))
        def test_double(submission, reference, x, label):
            assert_matches(submission.double(x), reference.double(x), what=f"double({x})")
        """,
    )
    run = run_suite(suite, assignment="toy", submission=student, reference=reference_module())
    [outcome] = run.outcomes
    lines = outcome.counterexample.splitlines()
    assert "x=1000," in lines and any(line.startswith("label=") for line in lines)
    assert len(lines) == 2
    for banned in ("submission", "reference", "0x", "object at", "<module", "Falsifying"):
        assert banned not in outcome.counterexample


def test_without_shrinking_the_verdict_is_the_same_and_the_first_failing_example_is_shown(tmp_path, student):
    """``GradeOptions(shrink=False)`` (``--no-shrink``): the test fails as it does with shrinking, and the
    counterexample is the first failing value drawn, not the smallest (1000)."""
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_unshrunk.py",
        """
        @graded("double", points=1)
        @given(x=st.integers(0, 10**6))
        def test_double(submission, reference, x):
            assert_matches(submission.double(x), reference.double(x), what=f"double({x})")
        """,
    )
    runs = {
        shrink: run_suite(
            suite,
            assignment="toy",
            submission=student,
            reference=reference_module(),
            options=GradeOptions(shrink=shrink, sandbox="off"),
        )
        for shrink in (True, False)
    }
    shown = {shrink: run.outcomes[0].counterexample for shrink, run in runs.items()}
    assert [run.outcomes[0].outcome for run in runs.values()] == [FAILED, FAILED]
    assert shown[True] == "x=1000,"
    assert shown[False].startswith("x=") and int(shown[False][2:].rstrip(",")) > 1000, shown[False]


def test_counterexample_lists_values_drawn_inside_the_test(tmp_path, student):
    """Values drawn with ``data.draw(..., label=...)`` appear as ``label=value``; ``data`` itself does not."""
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_labels.py",
        """
        import pytest


        @pytest.mark.parametrize("scale", [3])
        @graded("double", points=1)
        @given(data=st.data())
        def test_double(submission, reference, scale, data):
            x = data.draw(st.integers(0, 10**6), label="problem")
            assert_matches(submission.double(x * scale), reference.double(x * scale), what="double")
        """,
    )
    run = run_suite(suite, assignment="toy", submission=student, reference=reference_module())
    [outcome] = run.outcomes
    assert outcome.counterexample.splitlines() == ["scale=3,", "problem=334"]


SECRET_SUITE = """
SECRET_VALUE = 424242


@graded("double", points=1)
def test_secret_plain(submission, reference):
    assert submission.double(1) == SECRET_VALUE


@graded("double", points=1)
@given(x=st.integers(1, 5))
def test_secret_hypothesis(submission, reference, x):
    assert submission.double(x) == SECRET_VALUE
"""

# Grades SECRET_SUITE the way the CLI does: in a fresh interpreter, with a real worker.
FRESH_PROCESS_GRADER = """
import json, sys, types
from pathlib import Path
from seqlab.isolate.limits import Limits
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.suite.runner import run_suite
from seqlab.isolate.worker import Worker

student = "def double(x):\\n    return 2 * x\\n"
source = SubmissionSource("toy", Path("toy.py"), "module", (("toy.py", student),))
with Worker(source, Limits(call_timeout=1.0, startup_timeout=10.0)) as worker:
    run = run_suite(Path(sys.argv[1]), assignment="toy", submission=SubmissionProxy(worker),
                    reference=types.ModuleType("toy_reference"))
print(json.dumps([[o.outcome, o.message, o.counterexample] for o in run.outcomes]))
"""


def assert_no_leak(outcomes) -> None:
    assert len(outcomes) == 2
    for outcome, message, counterexample in outcomes:
        assert outcome == FAILED
        assert message == "a check on the returned value failed"
        for leaked in ("SECRET_VALUE", "424242", "assert", "=="):
            assert leaked not in message and leaked not in counterexample


def test_failing_bare_assert_does_not_leak_the_hidden_source(tmp_path):
    suite = write_suite(tmp_path / "suite", "test_hidden_secret.py", SECRET_SUITE)
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS_GRADER, str(suite)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert_no_leak(json.loads(done.stdout.strip().splitlines()[-1]))


def test_bare_assert_does_not_leak_even_inside_a_pytest_process(tmp_path, student):
    suite = write_suite(tmp_path / "suite", "test_hidden_secret_inproc.py", SECRET_SUITE)
    run = run_suite(suite, assignment="toy", submission=student, reference=reference_module())
    assert_no_leak([[o.outcome, o.message, o.counterexample] for o in run.outcomes])


def test_a_test_without_graded_breaks_the_suite(tmp_path, student):
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_unmarked.py",
        """
        @graded("halve", points=1)
        def test_marked(submission, reference):
            assert submission.halve(2) == 1


        def test_forgot_the_marker(submission, reference):
            assert submission.halve(4) == 2
        """,
    )
    with pytest.raises(CourseError, match="test_forgot_the_marker has no @graded marker"):
        run_suite(suite, assignment="toy", submission=student, reference=reference_module())


@pytest.mark.parametrize(
    "files",
    [{}, {"test_hidden_syntax.py": "def test_(:\n"}, {"test_hidden_import.py": "import no_such_module_x\n"}],
    ids=["empty", "syntax-error", "import-error"],
)
def test_a_broken_or_empty_suite_is_a_course_error(tmp_path, student, files):
    folder = tmp_path / "suite"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(CourseError):
        run_suite(folder, assignment="toy", submission=student, reference=reference_module())


def test_missing_suite_folder_is_a_course_error(tmp_path, student):
    with pytest.raises(CourseError, match="does not exist"):
        run_suite(tmp_path / "nope", assignment="toy", submission=student, reference=None)


def test_missing_reference_skips_with_the_reason(tmp_path, student):
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_skip.py",
        """
        @graded("halve", points=1)
        def test_halve(submission, reference):
            assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")
        """,
    )
    [outcome] = run_suite(suite, assignment="toy", submission=student, reference=None).outcomes
    assert outcome.outcome == SKIPPED and outcome.points == 0
    assert "reference solution is not available" in outcome.message


def test_load_failure_fails_every_test_with_the_reason(tmp_path, student):
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_load.py",
        """
        @graded("halve", points=1)
        def test_halve(submission, reference):
            assert submission.halve(2) == 1


        @graded("double", points=2)
        @given(x=st.integers())
        def test_double(submission, reference, x):
            assert submission.double(x) == 2 * x
        """,
    )
    run = run_suite(
        suite,
        assignment="toy",
        submission=student,
        reference=reference_module(),
        load_failure="SyntaxError: invalid syntax (toy.py, line 3)",
    )
    assert [o.outcome for o in run.outcomes] == [FAILED, FAILED]
    for outcome in run.outcomes:
        assert "could not be graded: SyntaxError: invalid syntax (toy.py, line 3)" in outcome.message
    assert student.calls == 0, "a submission that did not load must not be called"


# -- determinism -------------------------------------------------------------------------------------------

DRAWS_SUITE = """
from pathlib import Path

DRAWS = Path(__file__).with_name("draws.txt")


@graded("halve", points=1)
@given(x=st.integers(0, 10**9))
def test_halve_draws(submission, reference, x):
    with DRAWS.open("a") as draws:
        draws.write(f"{x}\\n")
    assert_matches(submission.halve(x), reference.halve(x), what=f"halve({x})")


@graded("double", points=1)
@given(x=st.integers(0, 10**9))
def test_double_draws(submission, reference, x):
    assert_matches(submission.double(x), reference.double(x), what=f"double({x})")
"""


def run_and_collect_draws(suite: Path, student, run_seed: int):
    draws = suite / "draws.txt"
    draws.unlink(missing_ok=True)
    run = run_suite(
        suite,
        assignment="toy",
        submission=student,
        reference=reference_module(),
        options=GradeOptions(seed=run_seed, max_examples=8, sandbox="off"),
    )
    return run.outcomes, draws.read_text().split()


def test_same_seed_same_draws_and_outcomes_other_seed_other_draws(tmp_path, student):
    suite = write_suite(tmp_path / "suite", "test_hidden_draws.py", DRAWS_SUITE)
    outcomes_1, draws_1 = run_and_collect_draws(suite, student, run_seed=0)
    outcomes_2, draws_2 = run_and_collect_draws(suite, student, run_seed=0)
    _, draws_3 = run_and_collect_draws(suite, student, run_seed=1)
    assert len(draws_1) >= 8
    assert draws_1 == draws_2
    assert outcomes_1 == outcomes_2
    assert draws_3 != draws_1
    assert [o.outcome for o in outcomes_1] == [PASSED, FAILED]


def test_derive_seed_is_stable_and_depends_on_every_input():
    seed = derive_seed("windowing", "test_windows.py::test_shapes", 0)
    assert seed == derive_seed("windowing", "test_windows.py::test_shapes", 0)
    assert 0 <= seed < 2**64
    others = {
        derive_seed("windowing", "test_windows.py::test_shapes", 1),
        derive_seed("encoding", "test_windows.py::test_shapes", 0),
        derive_seed("windowing", "test_windows.py::test_values", 0),
    }
    assert seed not in others and len(others) == 3
    # The same in every process and on every machine (no hash(), no randomness): a pinned value.
    assert seed == 12617086755859745013


def test_public_suite_without_reference_needs_no_markers(tmp_path, student):
    suite = write_suite(
        tmp_path / "public",
        "test_public_toy.py",
        """
        def test_halve(submission):
            assert submission.halve(4) == 2


        def test_double(submission):
            assert submission.double(1000) == 2000


        def test_calls_nothing(submission):
            assert submission is not None  # touches no student function


        def test_doubles(submission):
            assert [submission.double(x) for x in (1, 1000, 2000)] == [2, 2000, 4000]
        """,
    )
    run = run_suite(suite, assignment="toy", submission=student, reference=None)
    assert [(o.function, o.outcome, o.max_points) for o in run.outcomes] == [
        ("halve", PASSED, 1.0),
        ("double", FAILED, 1.0),
        ("(no function called)", PASSED, 1.0),
        ("double", FAILED, 1.0),
    ]
    assert "2001" in run.outcomes[1].message, "public tests show their assertion (rewriting on)"
    doubles = run.outcomes[3].message
    assert "At index 1 diff: 2001 != 2000" in doubles, doubles
    assert "-v" not in doubles and not doubles.endswith("\n"), "pytest's advice about its options is cut"


EDGE_SUITE = """
from seqlab.testing import expect_raises


@graded("double", points=2)
def test_double_values(submission, reference):
    assert_matches(submission.double(3), reference.double(3), what="double(3)")


@graded("double", points=1, edge=True)
def test_double_rejects_text(submission, reference):
    expect_raises(submission.double, "x", exception="TypeError")


@graded("halve", points=2)
def test_halve_values(submission, reference):
    assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")


@graded("halve", points=1, edge=True)
def test_halve_rejects_text(submission, reference):
    expect_raises(submission.halve, "x", exception="TypeError")
"""


def test_an_edge_test_is_earned_only_beside_a_passing_test_of_the_same_function(tmp_path, make_worker):
    """double works and rejects text: both tests earn. halve raises TypeError on everything: its error
    check passes, but earns nothing, and says why."""
    source = "def double(x):\n    return 2 * x if not isinstance(x, str) else x + 1\n\n"
    source += "def halve(x):\n    raise TypeError('no')\n"
    suite = write_suite(tmp_path / "suite", "test_hidden_edges.py", EDGE_SUITE)
    run = run_suite(
        suite, assignment="toy", submission=SubmissionProxy(make_worker(source)), reference=reference_module()
    )
    outcomes = by_name(run)
    assert [outcomes[name].outcome for name in outcomes] == [PASSED, PASSED, FAILED, FAILED]
    assert "earns its points only when `halve` also passes one of its other tests" in (
        outcomes["test_halve_rejects_text"].message
    )


def test_a_function_with_edge_tests_only_breaks_the_suite(tmp_path, student):
    suite = write_suite(
        tmp_path / "suite",
        "test_hidden_only_edges.py",
        """
        @graded("halve", points=1, edge=True)
        def test_halve(submission, reference):
            assert_matches(submission.halve(0), 0.0, what="halve(0)")
        """,
    )
    with pytest.raises(CourseError, match="every test of halve is an edge test"):
        run_suite(suite, assignment="toy", submission=student, reference=reference_module())


REMEMBERING = """
_seen = set()
_kept = []


def tag(text, level="word"):
    # wrong the first time a text comes back, right afterwards: a verdict that depended on what was seen
    first = (text, level) not in _seen
    _seen.add((text, level))
    return "wrong" if first else text.upper()


def keep(value):
    _kept.append(value)
    return len(_kept)


def kept():
    return list(_kept)
"""

REMEMBERING_REFERENCE = """
def tag(text, level="word"):
    return text.upper()


def keep(value):
    return 1


def kept():
    return []
"""

REMEMBERING_SUITE = """
@graded("tag", points=1)
def test_tag_first(submission, reference):
    assert_matches(submission.tag("a"), reference.tag("a"), what="tag('a')")


@graded("keep", points=1)
def test_keep(submission, reference):
    assert_matches(submission.keep([1, 2]), reference.keep([1, 2]), what="keep([1, 2])")


@graded("tag", points=1)
def test_tag_again_by_name(submission, reference):
    assert_matches(submission.tag("a", level="word"), reference.tag("a"), what="tag('a', level='word')")


@graded("kept", points=1)
def test_kept(submission, reference):
    assert_matches(submission.kept(), reference.kept(), what="kept()")
"""


def test_a_function_s_tests_share_one_process_that_no_other_function_s_test_saw(tmp_path, make_worker):
    """A function's tests run one after the other in one process, in which the same call (its arguments
    given by position or by name, a default left out or given) answered otherwise fails; another function's
    tests run in a process that has seen nothing of them."""
    suite = write_suite(tmp_path / "suite", "test_hidden_remembering.py", REMEMBERING_SUITE)
    reference = types.ModuleType("toy_reference")
    exec(REMEMBERING_REFERENCE, reference.__dict__)  # noqa: S102 - our own reference code
    worker = make_worker(REMEMBERING)
    run = run_suite(suite, assignment="toy", submission=SubmissionProxy(worker), reference=reference)
    outcomes = by_name(run)
    assert list(outcomes) == ["test_tag_first", "test_tag_again_by_name", "test_keep", "test_kept"]
    assert outcomes["test_tag_first"].outcome == FAILED
    again = outcomes["test_tag_again_by_name"]
    assert again.outcome == FAILED and "returned another value for the same arguments" in again.message
    assert outcomes["test_keep"].outcome == PASSED
    assert outcomes["test_kept"].outcome == PASSED, "kept() saw what keep() was sent in another test"
    assert worker.generation == 3, "one process for each function's tests"


def test_a_second_suite_with_a_file_of_the_same_name_runs_its_own_tests(tmp_path, student):
    """pytest's importlib mode names a test module after its file: the first suite's module must be
    forgotten after its run, whether its folder is given as it is or through a symbolic link."""
    body = """
    @graded("halve", points=1)
    def test_{name}(submission, reference):
        assert_matches(submission.halve(3), reference.halve(3), what="halve(3)")
    """
    first = write_suite(tmp_path / "first", "test_same.py", body.format(name="one"))
    second = write_suite(tmp_path / "second", "test_same.py", body.format(name="two"))
    (tmp_path / "linked").symlink_to(second)
    names = []
    for suite in (first, tmp_path / "linked", first):
        run = run_suite(suite, assignment="toy", submission=student, reference=reference_module())
        names.append(set(by_name(run)))
    assert names == [{"test_one"}, {"test_two"}, {"test_one"}]
