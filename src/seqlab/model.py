"""The result model every report is written from: one immutable record per test, function and grade."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from seqlab.text_safety import valid_unicode


class Outcome(StrEnum):
    """A test's verdict (a ``str``: ``Outcome.PASSED == "passed"``, as JSON reports write it)."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # worth nothing either way: left out of the maximum too


PASSED, FAILED, SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED


def _keep_valid(record: object, name: str) -> None:
    """Replace a frozen record's text field by its :func:`~seqlab.text_safety.valid_unicode` form."""
    value = getattr(record, name)
    if isinstance(value, str):
        object.__setattr__(record, name, valid_unicode(value))


@dataclass(frozen=True)
class TestOutcome:
    """One hidden (or public) test as graded.

    Attributes:
        id: the test's id relative to its suite, e.g. ``test_tokenize.py::test_lowercases``.
        name: a readable name shown to students.
        function: the student's function the test grades.
        max_points: what the test is worth.
        outcome: ``passed``, ``failed`` or ``skipped``.
        message: why it failed (or was skipped), in student-facing words.
        counterexample: hypothesis' shrunk failing input, when there is one.
        hint: the key of the known misconception the failing outputs match (see
            :mod:`seqlab.hints.catalogue`). Empty when none was recognised.
        hint_text: that misconception's sentence for the student (``Hint: your output matches ...``), kept
            apart from ``message`` so that writers show it on its own line; empty without a hint.

    Text fields hold valid Unicode: a lone surrogate (student code can raise one) becomes U+FFFD here, so
    every result can be stored and written as UTF-8. Writers escape the rest (:mod:`seqlab.text_safety`).
    """

    id: str
    name: str
    function: str
    max_points: float
    outcome: Outcome
    message: str = ""
    counterexample: str = ""
    hint: str = ""
    hint_text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))  # a stored "passed" reads back typed
        for name in ("id", "name", "function", "message", "counterexample", "hint", "hint_text"):
            _keep_valid(self, name)

    @property
    def points(self) -> float:
        return self.max_points if self.outcome == PASSED else 0.0


@dataclass(frozen=True)
class FunctionScore:
    """The tests of one student function and the points they add up to."""

    name: str
    tests: tuple[TestOutcome, ...]

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_points for t in self.tests if t.outcome != SKIPPED)


@dataclass(frozen=True)
class GradeResult:
    """Everything known about one graded submission; writers in :mod:`seqlab.reports` render it.

    ``submission``, ``messages`` and ``output`` hold valid Unicode (lone surrogates become U+FFFD), as in
    :class:`TestOutcome`.
    """

    assignment: str
    submission: str
    kind: str
    functions: tuple[FunctionScore, ...]
    messages: tuple[str, ...] = ()
    output: str = ""
    output_bytes: int = 0
    seed: int = 0
    suite: str = "hidden"
    seqlab_version: str = ""
    execution_time: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    #: why the submission could not be read or loaded (the error, file, line and caret), so that every test
    #: failed for that one reason; also the end of one of ``messages``. Empty when it loaded.
    load_error: str = ""

    def __post_init__(self) -> None:
        _keep_valid(self, "submission")
        _keep_valid(self, "output")
        _keep_valid(self, "load_error")
        messages = tuple(valid_unicode(m) if isinstance(m, str) else m for m in self.messages)
        object.__setattr__(self, "messages", messages)

    @property
    def score(self) -> float:
        return round(sum(f.score for f in self.functions), 6)

    @property
    def max_score(self) -> float:
        return round(sum(f.max_score for f in self.functions), 6)

    @property
    def tests(self) -> tuple[TestOutcome, ...]:
        return tuple(t for f in self.functions for t in f.tests)

    @property
    def hint_counts(self) -> dict[str, dict[str, int]]:
        """How many failed tests of each function were diagnosed with each misconception (keys sorted)."""
        counts: dict[str, dict[str, int]] = {}
        for test in self.tests:
            if test.hint:
                per_function = counts.setdefault(test.function, {})
                per_function[test.hint] = per_function.get(test.hint, 0) + 1
        return {name: dict(sorted(keys.items())) for name, keys in counts.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeResult:
        """Rebuild a result from :meth:`to_dict`'s form (a JSON report); derived totals are recomputed."""
        fields = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        fields["functions"] = tuple(
            FunctionScore(
                function["name"],
                tuple(
                    TestOutcome(**{key: test[key] for key in TestOutcome.__dataclass_fields__ if key in test})
                    for test in function["tests"]
                ),
            )
            for function in data["functions"]
        )
        fields["messages"] = tuple(data.get("messages", ()))
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (stable key order) used by the JSON report."""
        data = asdict(self)
        data["score"] = self.score
        data["max_score"] = self.max_score
        data["hints"] = self.hint_counts
        for function, record in zip(self.functions, data["functions"], strict=True):
            record["score"] = function.score
            record["max_score"] = function.max_score
        return data
