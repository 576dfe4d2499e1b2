"""JUnit XML for CI dashboards: one ``testsuite`` per assignment, one ``testcase`` per test.

Every text and attribute passes through :func:`seqlab.text_safety.clean` (what XML 1.0 can hold: control
characters and lone surrogates become U+FFFD) and ElementTree escapes the markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from seqlab.model import FAILED, SKIPPED, GradeResult
from seqlab.reports.base import Report, points, test_feedback
from seqlab.text_safety import clean


class JunitReport(Report):
    suffix = ".xml"

    def render(self, result: GradeResult) -> str:
        tests = result.tests
        suites = ET.Element("testsuites", name="seqlab")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=clean(result.assignment),
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
                classname=clean(f"{result.assignment}.{test.function}"),
                name=clean(test.name),
                time="0",
            )
            if test.outcome == FAILED:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=clean(test.message).split("\n")[0][:200] if test.message else "failed",
                    type="AssertionError",
                )
                failure.text = clean(test_feedback(test))
            elif test.outcome == SKIPPED:
                ET.SubElement(case, "skipped", message=clean(test.message))
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
