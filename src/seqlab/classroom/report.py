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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from seqlab.classroom.figures import histogram_png, pass_rate_png
from seqlab.classroom.statistics import (
    AssignmentSummary,
    Key,
    frequent_failures,
    frequent_hints,
    function_rates,
    histogram_counts,
    histogram_edges,
    plural,
    problem_counts,
    problems,
    slowest,
    summarize,
)
from seqlab.model import GradeResult
from seqlab.text_safety import html_text, safe_file_stem

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
