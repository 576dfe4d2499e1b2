"""seqlab.options and seqlab.declare: every option declared once; what is generated from it agrees with it.

The real command-line parser, the Gradescope export's arguments, nbgrader's default cell options and the
grader version under which a gradebook stores grades are each compared with the declaration.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seqlab.classroom.fingerprint import grader_version
from seqlab.cli import build_parser
from seqlab.course.layout import find_course_root
from seqlab.declare import COMMANDS, declared, from_args, options_table, to_arguments, value_of
from seqlab.errors import ConfigError
from seqlab.integrations.gradescope import GradescopeOptions
from seqlab.integrations.nbgrader import DEFAULT_OPTIONS, NBGRADER_DEFAULTS
from seqlab.isolate.limits import Limits
from seqlab.options import GradeOptions
from seqlab.suite.gpu import GPU_POLICIES

ROOT = find_course_root()

#: Each command's flags that are not grading options (what to grade, where to write, how to show it).
OWN_FLAGS = {
    "grade": {"--assignment", "-a", "--format", "-f", "--out", "-o"},
    "grade-class": {"--assignment", "-a", "--layout", "--workers", "-j", "--scheduler", "--out", "-o",
                    "--gradebook", "--no-progress"},
    "reconcile": {"--course-dir", "--db", "--student", "--fix"},
    "export": {"--out", "-o", "--course-root", "--deadline"},
    "check": {"--assignment", "-a", "--format", "-f", "--out", "-o"},
}  # fmt: skip


def subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return commands.choices[name]


def flags_of(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings} - {"-h", "--help"}


def declared_flags(command: str) -> set[str]:
    flags = set()
    for d in declared(GradeOptions):
        if d.option.takes(command):
            flags.add(d.option.flag)
            if d.option.shortcut:
                flags.add(d.option.shortcut[0])
    return flags


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_exactly_the_declared_flags_and_its_own(command: str) -> None:
    assert flags_of(subcommand(command)) == declared_flags(command) | OWN_FLAGS[command]


def test_no_flag_is_declared_twice() -> None:
    flags = [
        d.option.flag for cls in (GradeOptions, GradescopeOptions) for d in declared(cls) if d.option.flag
    ]
    flags = [flag for flag in flags if flags.count(flag) > 1]
    # GradescopeOptions nests GradeOptions: its flags are the same declarations, seen through it
    nested = {d.option.flag for d in declared(GradeOptions)}
    assert set(flags) <= nested
    assert len({d.name for d in declared(GradeOptions)}) == len(declared(GradeOptions))


def test_max_examples_has_a_flag_now() -> None:
    args = subcommand("grade").parse_args(["sub", "-a", "cnn", "--max-examples", "7"])
    assert from_args(GradeOptions, args, "grade").max_examples == 7


OPTIONS = st.builds(
    GradeOptions,
    seed=st.integers(0, 2**31),
    limits=st.builds(
        Limits,
        call_timeout=st.floats(0.001, 1e4),
        submission_timeout=st.floats(0.001, 1e5),
        startup_timeout=st.floats(0.001, 1e4),
    ),
    max_examples=st.integers(1, 1000),
    example_cache=st.booleans(),
    gpu_policy=st.sampled_from(GPU_POLICIES),
    use_gpu=st.booleans(),
    sandbox=st.sampled_from(["auto", "off"]),  # "require" would need the whole sandbox on this machine
    hints=st.booleans(),
    submitted_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    functions=st.lists(st.sampled_from(["tokenize", "one_hot", "ngrams"]), max_size=2, unique=True).map(
        tuple
    ),
)


@settings(max_examples=30, deadline=None)
@given(OPTIONS)
@example(GradeOptions(limits=Limits(call_timeout=1.2345678)))  # more digits than %g keeps
def test_the_grade_arguments_of_any_options_parse_back_to_them(options: GradeOptions) -> None:
    words = to_arguments(options, exported_only=False)
    args = subcommand("grade").parse_args(["submission", "-a", "cnn", *words])
    assert from_args(GradeOptions, args, "grade") == options


@settings(max_examples=15, deadline=None)
@given(OPTIONS, st.integers(1, 3000))
def test_the_gradescope_autograder_runs_with_every_exported_option(options: GradeOptions, deadline) -> None:
    exported = dataclasses.replace(options, sandbox="off")
    arguments = GradescopeOptions(grading=exported, deadline=deadline).grade_arguments()
    args = subcommand("grade").parse_args(["submission", "-a", "cnn", *arguments])
    parsed = from_args(GradeOptions, args, "grade")
    for d in declared(GradeOptions):
        if d.option.exported:
            assert value_of(parsed, d.path) == value_of(exported, d.path), d.name
        elif d.option.takes("grade"):
            assert value_of(parsed, d.path) == d.default, f"{d.name} is not exported, yet it was"


def test_export_flags_build_the_autograder_options() -> None:
    args = subcommand("export").parse_args(["gradescope", "cnn", "--seed", "3", "--deadline", "60"])
    options = from_args(GradescopeOptions, args, "export")
    assert options == GradescopeOptions(grading=GradeOptions(seed=3, sandbox="require"), deadline=60)
    with pytest.raises(SystemExit):  # the autograder grades other people's work: never --sandbox auto
        subcommand("export").parse_args(["gradescope", "cnn", "--sandbox", "auto"])


def test_unattended_commands_require_the_sandbox_by_default() -> None:
    for command in ("grade-class", "reconcile"):
        args = subcommand(command).parse_args(["folder"] if command == "grade-class" else [])
        assert from_args(GradeOptions, args, command).sandbox == "require"
    args = subcommand("grade").parse_args(["submission", "-a", "cnn"])
    assert from_args(GradeOptions, args, "grade").sandbox == "auto"


def test_nbgrader_cells_default_to_the_declared_nbgrader_options() -> None:
    args = subcommand("grade").parse_args(["submission", "-a", "cnn", *shlex.split(DEFAULT_OPTIONS)])
    assert from_args(GradeOptions, args, "grade") == GradeOptions(**NBGRADER_DEFAULTS)
    assert subcommand("reconcile").parse_args([]).gpu_policy == NBGRADER_DEFAULTS["gpu_policy"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gpu_policy": "sometimes"}, "--gpu-policy"),
        ({"sandbox": "maybe"}, "--sandbox"),
        ({"max_examples": 0}, "--max-examples"),
        ({"limits": Limits(call_timeout=0)}, "--call-timeout"),
        ({"limits": Limits(submission_timeout=-1.0)}, "--timeout"),
    ],
)
def test_a_bad_value_is_a_config_error_naming_its_flag(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        GradeOptions(**changes)


def _another(name: str, value, tmp_path: Path):
    """A different value of the option ``name`` (of GradeOptions) than ``value``."""
    if name == "course_root":  # the same course, somewhere else: where it lives cannot change a verdict
        copy = tmp_path / "course"
        for folder in ("grader", "solutions"):
            shutil.copytree(
                ROOT / folder, copy / folder, ignore=shutil.ignore_patterns(".*cache*", "__pycache__")
            )
        return copy
    if name == "suite":
        return "public"
    if name == "sandbox":
        return "off"
    if name == "gpu_policy":
        return "zero"
    if name == "functions":
        return ("conv_output_size",)
    if name in ("cache_dir", "public_tests"):
        return tmp_path / "elsewhere"
    if name == "submitted_at":
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    raise AssertionError(f"the test does not know how to change {name}")


#: What can change a verdict or its feedback, and why: the options a stored grade must be keyed by.
MUST_REGRADE = {
    "seed": "other examples are drawn",
    "max_examples": "more or fewer examples are tried",
    "gpu_policy": "GPU checks that did not run are worth something else",
    "use_gpu": "GPU checks run or not",
    "suite": "another suite grades",
    "functions": "other tests grade",
    "hints": "the feedback names misconceptions or not",
    "shrink": "the feedback shows the smallest counterexample or the first one found",
    **{
        f"limits.{f.name}": "a call may now time out, run out of memory, ..."
        for f in dataclasses.fields(Limits)
    },
}


def test_the_options_declared_verdict_are_those_that_can_change_one() -> None:
    assert {d.name for d in declared(GradeOptions) if d.option.verdict} == set(MUST_REGRADE)


def test_the_grader_version_covers_exactly_the_verdict_options(tmp_path: Path) -> None:
    """Changing an option declared verdict=True regrades (a new grader version); changing any other keeps
    the grades (cnn's feedback.toml has no hint deadline, so the submission time changes nothing)."""
    base = GradeOptions(course_root=ROOT)
    version = grader_version("cnn", base)
    for d in declared(GradeOptions):
        changed = _another(d.name, value_of(base, d.path), tmp_path)
        if len(d.path) == 2:
            options = dataclasses.replace(
                base, limits=dataclasses.replace(base.limits, **{d.path[1]: changed})
            )
        else:
            options = dataclasses.replace(base, **{d.name: changed})
        assert (grader_version("cnn", options) != version) == d.option.verdict, d.name


def test_the_docs_table_lists_every_option_once() -> None:
    table = options_table(GradeOptions)
    for d in declared(GradeOptions):
        assert table.count(f"| `{d.name}` |") == 1
