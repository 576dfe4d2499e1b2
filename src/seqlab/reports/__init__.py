"""Report writers: sibling classes over one :class:`~seqlab.model.GradeResult`.

Every writer turns a result into text (``render``); timing lives only in fields named ``execution_time``
(or JUnit's ``time``), so two gradings of the same submission differ nowhere else.
"""

from __future__ import annotations

from seqlab.reports.base import Report
from seqlab.reports.gradescope import GradescopeReport
from seqlab.reports.html import HtmlReport
from seqlab.reports.json import JsonReport
from seqlab.reports.junit import JunitReport
from seqlab.reports.markdown import MarkdownReport
from seqlab.reports.terminal import TerminalReport

WRITERS: dict[str, type[Report]] = {
    "json": JsonReport,
    "gradescope": GradescopeReport,
    "html": HtmlReport,
    "junit": JunitReport,
    "markdown": MarkdownReport,
    "terminal": TerminalReport,
}

__all__ = [
    "Report",
    "WRITERS",
    "JsonReport",
    "GradescopeReport",
    "HtmlReport",
    "JunitReport",
    "MarkdownReport",
    "TerminalReport",
]
