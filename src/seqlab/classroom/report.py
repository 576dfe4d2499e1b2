"""The instructor's class report: one self-contained HTML page over a whole class's grades.

:func:`render_class_report` takes every graded submission of a class, keyed by ``(student, assignment)``,
and writes one page with no external files and no network references: the CSS is inline and every plot
is a PNG drawn with matplotlib's Agg renderer and embedded as a ``data:image/png;base64,...`` URI.

The page opens with a summary table (one row per assignment) and then has one section per assignment,
in sorted order, each with:

1. **Score distribution**: a histogram of the submissions' scores from 0 to the assignment's maximum;
   the count of every bin is repeated in the image's alt text for screen readers.
2. **Per-exercise pass rates**: for every graded function, the share of submissions whose function
   earned full points, as a horizontal bar chart and as a table (full marks count, mean / max points).
3. **Most frequent failures**: failed tests counted over the class by (function, test name), top 10, with
   one example message; then the most frequent misconceptions (:mod:`seqlab.hints.catalogue`): for each
   function and misconception key, the number of submissions whose failed tests were diagnosed with it,
   with the hint students read, top 10.
4. **Slowest submissions**: the top 10 by the ``seconds`` given for each submission (or, without them, by
   :attr:`GradeResult.execution_time`), with their scores.

Everything that comes from students or suites (names, messages) is HTML-escaped after
:func:`seqlab.text_safety.clean` (control characters and lone surrogates become U+FFFD, so the page is
always valid UTF-8). The same input always gives the same text: submissions are visited in sorted key
order, ties are broken by name, figure sizes and resolution are fixed and the PNGs carry no ``Software``
version string.

matplotlib (in the ``student`` extra) is imported only when a page with submissions is rendered, and
only :class:`matplotlib.figure.Figure` is used, never pyplot, so no global backend or figure state changes.
"""

from __future__ import annotations

import base64
import io
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from seqlab.isolate.proxy import NOT_IMPLEMENTED
from seqlab.model import FAILED, FunctionScore, GradeResult
from seqlab.text_safety import clean, html_text, safe_file_stem

#: How many rows the failure, hint and slowest-submission tables show.
TOP = 10
#: Every figure is drawn at this resolution; widths are fixed, heights depend only on the input.
DPI = 100
FIGURE_WIDTH = 6.4
#: Example messages longer than this are cut (with an ellipsis) before escaping.
MESSAGE_CHARS = 300

Key = tuple[str, str]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.4; }
h1 { border-bottom: 2px solid #2b6cb0; padding-bottom: .3rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #edf2f7; }
code { background: #f4f4f4; padding: 0 .2rem; }
img { max-width: 100%; height: auto; display: block; margin: .8rem 0; }
p.empty { color: #555; font-style: italic; }
""".strip()


# -- numbers ------------------------------------------------------------------------------------------------


def _points(value: float) -> str:
    """Points without a trailing ``.0``: 2, 2.5."""
    return f"{value:g}"


def _fixed(value: float) -> str:
    return f"{value:.2f}"


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


# -- figures ------------------------------------------------------------------------------------------------


def _label(text: str) -> str:
    """Text for a matplotlib label: ``$`` escaped so that no name is read as mathtext."""
    return clean(text).replace("$", r"\$")


def _png(figure: Any) -> str:
    """The figure as a ``data:`` URI; no version string is written, so the bytes depend only on the plot."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram_png(edges: Sequence[float], counts: Sequence[int], assignment: str) -> str:
    """A bar histogram of ``counts`` over ``edges`` as a PNG data URI."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(FIGURE_WIDTH, 3.2), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    widths = [right - left for left, right in zip(edges, edges[1:], strict=False)]
    axes.bar(edges[:-1], counts, width=widths, align="edge", color="#2b6cb0", edgecolor="white")
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel("score")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(_label(f"{assignment}: score distribution"))
    return _png(figure)


def pass_rate_png(rates: Sequence[FunctionRate], assignment: str) -> str:
    """Horizontal bars: the share of submissions with full points per function, first function on top."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    height = 1.2 + 0.35 * max(1, len(rates))
    figure = Figure(figsize=(FIGURE_WIDTH, height), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(rates)))
    axes.barh(positions, [100 * rate.rate for rate in rates], color="#38a169")
    axes.set_yticks(positions, [_label(rate.name) for rate in rates])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(PercentFormatter())
    axes.set_xlabel("submissions with full points")
    axes.set_title(_label(f"{assignment}: per-exercise pass rates"))
    return _png(figure)


# -- HTML ---------------------------------------------------------------------------------------------------


_e = html_text


def _table(css_class: str, headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table whose cells are given already escaped; columns in ``numeric`` are right-aligned."""

    def cell(tag: str, index: int, text: str, attributes: str = "") -> str:
        if index in numeric:
            attributes += ' class="num"'
        return f"<{tag}{attributes}>{text}</{tag}>"

    head = "".join(cell("th", i, _e(header), ' scope="col"') for i, header in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<table class="{css_class}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _summary_table(summaries: Sequence[AssignmentSummary]) -> str:
    headers = ["assignment", "graded", "mean", "median", "min", "max", "out of", "full marks", "zero"]
    rows = [
        [
            f'<a href="#assignment-{index}">{_e(s.assignment)}</a>',
            str(s.graded),
            _fixed(s.mean),
            _fixed(s.median),
            _points(s.minimum),
            _points(s.maximum),
            _points(s.max_score),
            str(s.full_marks),
            str(s.zeros),
        ]
        for index, s in enumerate(summaries, start=1)
    ]
    return _table("summary", headers, rows, numeric=set(range(1, 9)))


def _distribution(summary: AssignmentSummary, results: Sequence[GradeResult]) -> str:
    edges = histogram_edges(summary.max_score)
    counts = histogram_counts((r.score for r in results), edges)
    parts = []
    for i, count in enumerate(counts):
        closing = "]" if i == len(counts) - 1 else ")"
        parts.append(f"[{_points(edges[i])}, {_points(edges[i + 1])}{closing}: {count}")
    alt = (
        f"Histogram of {summary.graded} scores of {summary.assignment} "
        f"from 0 to {_points(summary.max_score)}; submissions per score range: {'; '.join(parts)}."
    )
    src = histogram_png(edges, counts, summary.assignment)
    return (
        "<h3>Score distribution</h3>\n"
        f"<p>Mean {_fixed(summary.mean)}, median {_fixed(summary.median)} of {_points(summary.max_score)} "
        "points.</p>\n"
        f'<img class="histogram" src="{src}" alt="{_e(alt)}">'
    )


def _pass_rates(assignment: str, results: Sequence[GradeResult]) -> str:
    rates = function_rates(results)
    heading = "<h3>Per-exercise pass rates</h3>\n"
    if not rates:
        return heading + '<p class="empty">No functions were graded.</p>'
    alt = "Share of submissions with full points per function: " + "; ".join(
        f"{rate.name}: {rate.full_marks} of {rate.submissions} ({100 * rate.rate:.0f}%)" for rate in rates
    )
    rows = [
        [
            f"<code>{_e(rate.name)}</code>",
            f"{rate.full_marks} / {rate.submissions}",
            f"{100 * rate.rate:.0f}%",
            f"{_fixed(rate.mean_points)} / {_points(rate.max_points)}",
        ]
        for rate in rates
    ]
    table = _table(
        "pass-rates", ["function", "full marks", "pass rate", "mean / max points"], rows, {1, 2, 3}
    )
    src = pass_rate_png(rates, assignment)
    return heading + f'<img class="pass-rates" src="{src}" alt="{_e(alt + ".")}">\n' + table


def _failures(results: Sequence[GradeResult]) -> str:
    failures = frequent_failures(results)
    text = "<h3>Most frequent failures</h3>\n"
    if failures:
        rows = [
            [f"<code>{_e(function)}</code>", _e(name), str(count), _e(example)]
            for function, name, count, example in failures
        ]
        text += _table("failures", ["function", "test", "failures", "example message"], rows, {2})
    else:
        text += '<p class="empty">No test failed.</p>'
    hints = frequent_hints(results)
    text += "\n<h3>Most frequent misconceptions</h3>\n"
    if hints:
        rows = [
            [
                f"<code>{_e(function)}</code>",
                f"<code>{_e(key)}</code>",
                str(count),
                _e(" ".join(sentence.split())),
            ]
            for function, key, count, sentence in hints
        ]
        text += _table("hints", ["function", "misconception", "submissions", "hint given"], rows, {2})
    else:
        text += '<p class="empty">No hints were given.</p>'
    return text


def _slowest(entries: Sequence[tuple[Key, GradeResult]], seconds: Mapping[Key, float] | None) -> str:
    rows = [
        [_e(student), _e(assignment), _fixed(taken), f"{_points(result.score)} / {_points(result.max_score)}"]
        for student, assignment, taken, result in slowest(entries, seconds)
    ]
    return "<h3>Slowest submissions</h3>\n" + _table(
        "slowest", ["student", "assignment", "seconds", "score"], rows, {2, 3}
    )


def _problems(entries: Sequence[tuple[Key, GradeResult]]) -> str:
    counted = problem_counts((student, result) for (student, _), result in entries)
    if not counted:
        return '<p class="problems">Every submission loaded and ran without time-outs or crashes.</p>'
    items = "".join(
        f"<li>{_e(plural(len(students), 'submission'))} {_e(problem)}: {_e(', '.join(students))}</li>"
        for problem, students in counted.items()
    )
    return f'<ul class="problems">{items}</ul>'


def _students(entries: Sequence[tuple[Key, GradeResult]], feedback: str | None) -> str:
    """One row per student: the score, what went wrong, each function's points, a link to the feedback."""
    functions = sorted({f.name for _, result in entries for f in result.functions})
    rows = []
    for (student, assignment), result in entries:
        scores = {f.name: f for f in result.functions}
        name = _e(student)
        if feedback is not None:
            href = f"{feedback}/{quote(safe_file_stem(student))}/{quote(safe_file_stem(assignment))}.md"
            name = f'<a href="{_e(href)}">{name}</a>'
        hints = sorted({t.hint for t in result.tests if t.hint})
        status = problems(result) + ([f"hint: {', '.join(hints)}"] if hints else [])
        rows.append(
            [
                name,
                f"{_points(result.score)} / {_points(result.max_score)}",
                _e("; ".join(status)),
                *[
                    f"{_points(scores[f].score)} / {_points(scores[f].max_score)}" if f in scores else ""
                    for f in functions
                ],
            ]
        )
    headers = ["student", "score", "problems and hints", *functions]
    return "<h3>Students</h3>\n" + _table("students", headers, rows, {1, *range(3, 3 + len(functions))})


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def render_class_report(
    grades: Mapping[tuple[str, str], GradeResult],
    *,
    seconds: Mapping[tuple[str, str], float] | None = None,
    title: str = "seqlab class report",
    feedback: str | None = None,
) -> str:
    """The class report for ``grades`` (keyed by ``(student, assignment)``) as one self-contained HTML page.

    Sections: a summary table (per assignment: submissions graded, mean, median, min and max score, the
    points possible, how many earned full marks and how many scored zero), then per assignment the score
    distribution, per-exercise pass rates, most frequent failures and hints, and slowest submissions (see
    the module docstring), then the students: what went wrong with each submission (:func:`problems`,
    counted and named) and a table with each student's score, problems, hints and points per function,
    linked to ``feedback/<student>/<assignment>.md`` when ``feedback`` (that folder, relative to the page)
    is given. ``seconds`` overrides each submission's ``execution_time`` for the ranking. An empty
    ``grades`` gives a valid page saying that no submissions were graded.
    """
    if not grades:
        return _page(title, '<p class="empty">No submissions were graded.</p>')
    by_assignment: dict[str, list[tuple[Key, GradeResult]]] = {}
    for key in sorted(grades):
        by_assignment.setdefault(key[1], []).append((key, grades[key]))
    assignments = sorted(by_assignment)
    summaries = [summarize(a, [result for _, result in by_assignment[a]]) for a in assignments]
    students = len({student for student, _ in grades})
    sections = [
        f"<p>{plural(len(grades), 'submission')} by {plural(students, 'student')} of "
        f"{plural(len(assignments), 'assignment')}.</p>",
        "<h2>Summary</h2>",
        _summary_table(summaries),
    ]
    for index, (assignment, summary) in enumerate(zip(assignments, summaries, strict=True), start=1):
        entries = by_assignment[assignment]
        results = [result for _, result in entries]
        sections += [
            f'<section class="assignment" id="assignment-{index}" data-assignment="{_e(assignment)}">',
            f"<h2>{_e(assignment)}</h2>",
            _distribution(summary, results),
            _pass_rates(assignment, results),
            _failures(results),
            _slowest(entries, seconds),
            _problems(entries),
            _students(entries, feedback),
            "</section>",
        ]
    return _page(title, "\n".join(sections))


def write_class_report(
    path: str | Path, grades: Mapping[tuple[str, str], GradeResult], **kwargs: Any
) -> Path:
    """Render :func:`render_class_report` (``kwargs`` passed on) into ``path`` as UTF-8; returns the path.

    Missing parent folders are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_class_report(grades, **kwargs), encoding="utf-8")
    return target
