"""Feedback for students as one self-contained HTML page (``seqlab grade --format html``): the score table,
then each failure explained, readable on screen, by a screen reader and on paper.

The page needs no file and no network: its CSS is inline. Everything a student controls (names,
messages, counterexamples, printed output) is escaped text (:func:`seqlab.text_safety.html_text`, after
:func:`~seqlab.text_safety.clean`), so the page has no markup of theirs. Marks carry words for screen
readers ("passed", "failed"), the table has a caption and header cells with scopes, headings go in order,
and ``@media print`` drops the colours and keeps each failure on one page where it fits.
"""

from __future__ import annotations

from seqlab.model import FAILED, PASSED, SKIPPED, FunctionScore, GradeResult, TestOutcome
from seqlab.reports.base import Report, points
from seqlab.text_safety import html_text

_e = html_text

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 52rem;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { border-bottom: 2px solid #2b6cb0; padding-bottom: .3rem; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
.pass { color: #1a7f37; } .fail { color: #b42318; } .part { color: #9a6700; }
.hint { border-left: 4px solid #9a6700; padding: .3rem .8rem; background: #fff8e1; }
.note { border-left: 4px solid #2b6cb0; padding: .3rem .8rem; background: #eef4fb; }
li.failure { margin-bottom: 1rem; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } pre, .hint, .note { background: none; }
               .pass, .fail, .part { color: inherit; } }
""".strip()


def _mark(function: FunctionScore) -> str:
    if function.score == function.max_score:
        return '<span class="pass" aria-label="passed">✓</span>'
    if function.score == 0:
        return '<span class="fail" aria-label="failed">✗</span>'
    return '<span class="part" aria-label="partly passed">~</span>'


def _failure(test: TestOutcome, shown: set[str], hinted: set[str]) -> str:
    head = f"<strong>{_e(test.name)}</strong> ({_e(points(test.max_points))} points)"
    if test.message in shown and not test.counterexample:
        return f'<li class="failure">{head}: the same problem as above</li>'
    shown.add(test.message)
    parts = [head, f"<pre>{_e(test.message)}</pre>"]
    if test.counterexample:
        parts += ["<p>Smallest failing input found:</p>", f"<pre>{_e(test.counterexample)}</pre>"]
    if test.hint_text:
        text = "the same as above." if test.hint in hinted else _e(test.hint_text.removeprefix("Hint: "))
        hinted.add(test.hint)
        parts.append(f'<p class="hint"><strong>Hint:</strong> {text}</p>')
    return '<li class="failure">' + "\n".join(parts) + "</li>"


class HtmlReport(Report):
    suffix = ".html"

    def render(self, result: GradeResult) -> str:
        title = f"{result.assignment}: {points(result.score)} / {points(result.max_score)} points"
        body = [
            f"<h1>{_e(title)}</h1>",
            f"<p>Submission <code>{_e(result.submission)}</code> ({_e(result.kind)}), {_e(result.suite)} "
            f"tests, seed {result.seed}.</p>",
        ]
        for message in result.messages:
            if not (result.load_error and message.endswith(result.load_error)):
                body.append(f'<p class="note">{_e(message)}</p>')
        if result.load_error:
            body += [
                "<h2>Your code could not be loaded</h2>",
                "<p>No test could run, so every test failed for this one reason. Fix it first (the file and "
                "line are named below), then check again.</p>",
                f"<pre>{_e(result.load_error)}</pre>",
            ]
        body.append(self._table(result))
        failing = [f for f in result.functions if any(t.outcome == FAILED for t in f.tests)]
        if failing and not result.load_error:
            body.append("<h2>What to fix</h2>")
            for function in failing:
                shown: set[str] = set()
                hinted: set[str] = set()
                items = [_failure(t, shown, hinted) for t in function.tests if t.outcome == FAILED]
                body += [
                    f"<section><h3><code>{_e(function.name)}</code></h3>",
                    "<ul>",
                    *items,
                    "</ul></section>",
                ]
        skipped = [t for t in result.tests if t.outcome == SKIPPED]
        if skipped:
            body += ["<h2>Skipped (not counted)</h2>", "<ul>"]
            body += [
                f"<li><code>{_e(t.function)}</code>: {_e(t.name)}: {_e(t.message)}</li>" for t in skipped
            ]
            body.append("</ul>")
        if result.output:
            body += ["<h2>What your code printed</h2>", f"<pre>{_e(result.output[-4000:])}</pre>"]
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body)
            + "\n</main>\n</body>\n</html>\n"
        )

    @staticmethod
    def _table(result: GradeResult) -> str:
        rows = []
        for function in result.functions:
            counted = [t for t in function.tests if t.outcome != SKIPPED]
            passed = sum(t.outcome == PASSED for t in counted)
            rows.append(
                f'<tr><th scope="row">{_mark(function)} <code>{_e(function.name)}</code></th>'
                f'<td class="num">{_e(points(function.score))} / {_e(points(function.max_score))}</td>'
                f'<td class="num">{passed} / {len(counted)}</td></tr>'
            )
        return (
            "<table>\n<caption>Points per function</caption>\n"
            '<thead><tr><th scope="col">function</th><th scope="col">points</th>'
            '<th scope="col">tests passed</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody>\n</table>"
        )
