"""Plain JSON: the whole result model, stable key order; every string :func:`~seqlab.text_safety.clean`-ed,
so the document is valid UTF-8 for any parser (no lone surrogate escapes, no control characters)."""

from __future__ import annotations

import json

from seqlab.model import GradeResult
from seqlab.reports.base import Report
from seqlab.text_safety import clean_data


class JsonReport(Report):
    suffix = ".json"

    def render(self, result: GradeResult) -> str:
        return json.dumps(clean_data(result.to_dict()), indent=2, sort_keys=True) + "\n"
