"""JUnit XML for CI dashboards: one ``testsuite`` per assignment, one ``testcase`` per test."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from seqlab.model import FAILED, SKIPPED, GradeResult
from seqlab.reports.base import Report, points

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters (ANSI colours, NUL) printed by student code are dropped."""
    return _NOT_XML.sub("", text)


class JunitReport(Report):
    suffix = ".xml"

    def render(self, result: GradeResult) -> str:
        tests = result.tests
        suites = ET.Element("testsuites", name="seqlab")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=result.assignment,
            tests=str(len(tests)),
            failures=str(sum(t.outcome == FAILED for t in tests)),
            errors="0",
            skipped=str(sum(t.outcome == SKIPPED for t in tests)),
            time=f"{result.execution_time:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (("score", points(result.score)), ("max_score", points(result.max_score))):
            ET.SubElement(properties, "property", name=name, value=value)
        for test in tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{result.assignment}.{test.function}",
                name=_xml_text(test.name),
                time="0",
            )
            if test.outcome == FAILED:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=_xml_text(test.message.splitlines()[0][:200]) if test.message else "failed",
                    type="AssertionError",
                )
                detail = test.message + (f"\n\n{test.counterexample}" if test.counterexample else "")
                failure.text = _xml_text(detail)
            elif test.outcome == SKIPPED:
                ET.SubElement(case, "skipped", message=_xml_text(test.message))
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
