"""Plain JSON: the whole result model, stable key order."""

from __future__ import annotations

import json

from seqlab.model import GradeResult
from seqlab.reports.base import Report


class JsonReport(Report):
    suffix = ".json"

    def render(self, result: GradeResult) -> str:
        return json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n"
