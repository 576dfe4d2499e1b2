"""The class report's numbers, computed from a class's grades (no HTML, no figures): each assignment's
summary and score histogram, each function's pass rate, the most frequent failures and misconceptions,
what went wrong besides wrong answers, and the slowest submissions. The same input always gives the same
figures: ties are broken by name."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from seqlab.isolate.proxy import NOT_IMPLEMENTED
from seqlab.model import FAILED, FunctionScore, GradeResult

#: How many rows the failure, hint and slowest-submission tables show.
TOP = 10
#: Example messages longer than this are cut (with an ellipsis).
MESSAGE_CHARS = 300

Key = tuple[str, str]


@dataclass(frozen=True)
class AssignmentSummary:
    """The summary table's row for one assignment."""

    assignment: str
    graded: int
    mean: float
    median: float
    minimum: float
    maximum: float
    max_score: float
    full_marks: int
    zeros: int


def is_full_marks(result: GradeResult) -> bool:
    """Whether a submission earned every point it could (a submission worth nothing never does)."""
    return result.max_score > 0 and result.score >= result.max_score


def summarize(assignment: str, results: Sequence[GradeResult]) -> AssignmentSummary:
    """Count and average one assignment's scores; ``max_score`` is the most any submission could earn."""
    scores = [result.score for result in results]
    return AssignmentSummary(
        assignment=assignment,
        graded=len(results),
        mean=statistics.fmean(scores),
        median=statistics.median(scores),
        minimum=min(scores),
        maximum=max(scores),
        max_score=max(result.max_score for result in results),
        full_marks=sum(is_full_marks(result) for result in results),
        zeros=sum(result.score == 0 for result in results),
    )


def histogram_edges(maximum: float) -> list[float]:
    """Bin edges from 0 to ``maximum``: one bin per point up to 20 bins, then 20 equal bins."""
    if maximum <= 0:
        return [0.0, 1.0]
    bins = min(20, max(1, math.ceil(maximum)))
    return [maximum * i / bins for i in range(bins + 1)]


def histogram_counts(scores: Iterable[float], edges: Sequence[float]) -> list[int]:
    """How many scores fall in each ``[edge, next edge)`` bin; the last bin includes its right edge."""
    counts = [0] * (len(edges) - 1)
    for score in scores:
        index = next((i for i in range(len(counts)) if score < edges[i + 1]), len(counts) - 1)
        counts[index] += 1
    return counts


@dataclass(frozen=True)
class FunctionRate:
    """How one graded function went over the class."""

    name: str
    full_marks: int
    submissions: int
    mean_points: float
    max_points: float

    @property
    def rate(self) -> float:
        return self.full_marks / self.submissions if self.submissions else 0.0


def function_rates(results: Sequence[GradeResult]) -> list[FunctionRate]:
    """Per function, in order of first appearance: submissions with full points and mean points.

    A submission whose result lacks the function counts as 0 points, not full marks; a function whose
    tests were all skipped (worth 0 points) never counts as full marks.
    """
    order: dict[str, None] = {}
    for result in results:
        for function in result.functions:
            order.setdefault(function.name, None)
    rates = []
    for name in order:
        found: list[FunctionScore | None] = [
            next((f for f in result.functions if f.name == name), None) for result in results
        ]
        full = sum(f is not None and f.max_score > 0 and f.score >= f.max_score for f in found)
        total = sum(f.score for f in found if f is not None)
        rates.append(
            FunctionRate(
                name=name,
                full_marks=full,
                submissions=len(results),
                mean_points=total / len(results) if results else 0.0,
                max_points=max((f.max_score for f in found if f is not None), default=0.0),
            )
        )
    return rates


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def frequent_failures(results: Sequence[GradeResult], top: int = TOP) -> list[tuple[str, str, int, str]]:
    """``(function, test name, count, example message's first line)``, most frequent first.

    The example is the most frequent first line among the test's failures that are not a stub's (ties go
    to the first in sorted order), or the stub's line when every failure is one; ties between tests go by
    function, then name.
    """
    counts: Counter[tuple[str, str]] = Counter()
    lines: dict[tuple[str, str], Counter[str]] = {}
    for result in results:
        for test in result.tests:
            if test.outcome != FAILED:
                continue
            group = (test.function, test.name)
            counts[group] += 1
            line = _first_line(test.message)
            lines.setdefault(group, Counter())[line] += 1 if NOT_IMPLEMENTED not in line else 0
    examples = {}
    for group, seen in lines.items():
        ranked_lines = sorted(seen.items(), key=lambda item: (-item[1], item[0]))
        examples[group] = ranked_lines[0][0]  # a stub's line only where every failure is one
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(function, name, count, examples[function, name]) for (function, name), count in ranked[:top]]


#: The problems a submission can have besides wrong answers, in the order the report lists them
PROBLEMS = ("could not be loaded", "timed out", "crashed", "nothing implemented")


def problems(result: GradeResult) -> list[str]:
    """What went wrong with a submission besides wrong answers, among :data:`PROBLEMS`: it could not be read
    or loaded, a call was stopped for time, the process running it crashed, or every failed test was a
    stub's (and none passed)."""
    found = []
    loaded = not result.load_error and not any(
        m.startswith(("Your code could not be loaded", "Your submission could not be read"))
        for m in result.messages
    )  # (results stored before load_error was a field say it in a message only)
    if not loaded:
        found.append("could not be loaded")
    worker = result.extra.get("worker") if isinstance(result.extra.get("worker"), dict) else {}
    if worker.get("timeouts"):
        found.append("timed out")
    if worker.get("crashes"):
        found.append("crashed")
    failed = [t for t in result.tests if t.outcome == FAILED]
    if loaded and failed and all(NOT_IMPLEMENTED in t.message for t in failed):
        if not any(t.outcome == "passed" for t in result.tests):
            found.append("nothing implemented")
    return found


def problem_counts(results: Iterable[tuple[str, GradeResult]]) -> dict[str, list[str]]:
    """For each of :data:`PROBLEMS` that occurs, the students (sorted) whose submission has it."""
    named: dict[str, list[str]] = {}
    for student, result in results:
        for problem in problems(result):
            named.setdefault(problem, []).append(student)
    return {problem: sorted(named[problem]) for problem in PROBLEMS if problem in named}


def plural(count: int, word: str, many: str = "") -> str:
    """``1 submission``, ``2 submissions`` (``many``: the plural when it is not ``word`` + s)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def hint_sentence(message: str) -> str:
    """The hint line of a failure message (``Hint: your output matches ...``), or empty."""
    return next((line.strip() for line in message.splitlines() if line.startswith("Hint:")), "")


def frequent_hints(results: Sequence[GradeResult], top: int = TOP) -> list[tuple[str, str, int, str]]:
    """``(function, misconception key, submissions, the hint's sentence)``, most frequent first.

    A submission counts once per function and misconception, however many of its tests were diagnosed
    with it; ties go by function, then key. The sentence is the first diagnosed test's hint line.
    """
    counts: Counter[tuple[str, str]] = Counter()
    sentences: dict[tuple[str, str], str] = {}
    for result in results:
        diagnosed = {(t.function, t.hint): t for t in result.tests if t.outcome == FAILED and t.hint}
        counts.update(diagnosed.keys())
        for group, test in diagnosed.items():
            # (results stored before the hint had a field of its own carry it as the message's last line)
            sentences.setdefault(group, test.hint_text or hint_sentence(test.message))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(function, key, count, sentences[function, key]) for (function, key), count in ranked[:top]]


def slowest(
    entries: Sequence[tuple[Key, GradeResult]],
    seconds: Mapping[Key, float] | None,
    top: int = TOP,
) -> list[tuple[str, str, float, GradeResult]]:
    """``(student, assignment, seconds, result)``, slowest first; ties go by student.

    Seconds come from ``seconds`` when it is given (a key it lacks falls back to the result's own
    ``execution_time``), otherwise from ``execution_time``.
    """
    rows = []
    for (student, assignment), result in entries:
        taken = result.execution_time
        if seconds is not None and (student, assignment) in seconds:
            taken = seconds[student, assignment]
        rows.append((student, assignment, float(taken), result))
    rows.sort(key=lambda row: (-row[2], row[0], row[1]))
    return rows[:top]
