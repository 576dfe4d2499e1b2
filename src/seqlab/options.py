"""The options of a grading run, each declared once (see :mod:`seqlab.declare` for what is generated from
the declaration: the commands' flags, the Gradescope export's arguments, the grader version's fields, the
docs' table)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from seqlab.declare import check_values, moment, option, positive_int
from seqlab.isolate.limits import Limits
from seqlab.isolate.sandbox import CLASS_SANDBOX_MODES, SANDBOX_MODES
from seqlab.suite.gpu import GPU_POLICIES

__all__ = ["DEFAULT_MAX_EXAMPLES", "GradeOptions"]

#: Hypothesis examples per property test, unless ``--max-examples`` says otherwise.
DEFAULT_MAX_EXAMPLES = 25


@dataclass(frozen=True)
class GradeOptions:
    """How to grade: every field is an option declared with :func:`option` (see the module doc)."""

    seed: int = option(
        0,
        flag="--seed",
        parse=int,
        help="vary the generated examples (default %(default)s, the standard draw)",
        verdict=True,
        exported=True,
    )
    limits: Limits = field(default_factory=Limits)
    course_root: str | os.PathLike[str] | None = option(
        None, flag="--course-root", parse=Path, help="folder with solutions/ and grader/ (default: found)"
    )
    suite: str = option(
        "hidden", help='"hidden" (grader/<id>) or "public" (the released public tests)', verdict=True
    )
    max_examples: int = option(
        DEFAULT_MAX_EXAMPLES,
        flag="--max-examples",
        parse=positive_int,
        help="hypothesis examples per property test (default %(default)s)",
        verdict=True,
        exported=True,
    )
    shrink: bool = option(
        True,
        flag="--no-shrink",
        negated=True,
        help="show the first failing example hypothesis finds instead of shrinking it to the smallest one "
        "(the same verdicts, faster, with larger counterexamples in the feedback)",
        verdict=True,
    )
    example_cache: bool = option(
        True,
        flag="--no-example-cache",
        negated=True,
        help="let hypothesis generate every example instead of replaying those of earlier passing runs "
        "(the same verdicts, faster; see seqlab.suite.replay)",
    )
    cache_dir: str | os.PathLike[str] | None = option(
        None, flag="--cache-dir", parse=Path, help="recorded examples (default: COURSE/.seqlab-cache)"
    )
    gpu_policy: str = option(
        "exclude",
        flag="--gpu-policy",
        choices=GPU_POLICIES,
        help="what GPU checks that cannot run (no CUDA device) are worth: left out of score and maximum "
        "(exclude, the default), counted as earned where the function passes its CPU tests (award) or as "
        "lost (zero)",
        verdict=True,
        exported=True,
    )
    use_gpu: bool = option(
        True,
        flag="--no-gpu",
        negated=True,
        help="do not run GPU checks even where a CUDA device exists",
        verdict=True,
    )
    sandbox: str = option(
        "auto",
        flag="--sandbox",
        choices=SANDBOX_MODES,
        help="isolation of student code: every layer that works here, the others reported (auto, the default "
        "where you grade your own run), refuse to grade unless every layer is active (require, the default "
        "for other people's work; `seqlab probe` says what is missing), or only the process boundary and "
        "limits (off: every report then says it was graded without isolation)",
        exported=True,
        unattended="require",
        unattended_choices=CLASS_SANDBOX_MODES,
        shortcut=(
            "--require-sandbox",
            "require",
            "the same as --sandbox require: fail closed where a layer is missing",
        ),
    )
    hints: bool = option(
        True,
        flag="--no-hints",
        negated=True,
        help="never name known misconceptions in failed tests (default: as the assignment's "
        "grader/<id>/feedback.toml says; hints on without it)",
        verdict=True,
        exported=True,
    )
    submitted_at: datetime | None = option(
        None,
        flag="--submitted-at",
        parse=moment,
        metavar="ISO-TIME",
        help="when the work was submitted, e.g. 2026-12-14T23:59:00+01:00; decides hint deadlines in "
        "grader/<id>/feedback.toml (default: now; grade-class prefers each submission's own time, from "
        "nbgrader's timestamp.txt or Gradescope's created_at)",
    )
    functions: tuple[str, ...] = option(
        (),
        flag="--function",
        repeated=True,
        metavar="NAME",
        commands=frozenset({"grade", "check"}),
        help="only the tests of this function (repeat for several; default: every function); the score and "
        "maximum are then those of these functions alone",
        verdict=True,
    )
    public_tests: str | os.PathLike[str] | None = option(
        None,
        flag="--tests",
        parse=Path,
        commands=frozenset({"check"}),
        help="the folder of public tests (default: tests/ beside your work)",
    )

    def __post_init__(self) -> None:
        check_values(self)  # an unknown policy or mode, a zero timeout: refused before any student code runs
