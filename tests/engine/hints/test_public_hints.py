"""The public checks' hints: the catalogue's outputs on the public inputs, shipped as data, diagnose as the
catalogue itself does; and the observe rules declared as data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab.course.layout import load_reference
from seqlab.hints.catalogue import load_catalogue
from seqlab.hints.diagnosis import Diagnoser
from seqlab.hints.observe import EVERY_FUNCTION, Observe
from seqlab.hints.public import HINTS_FILE, RecordedDiagnoser, build_public_hints, load_public_hints
from seqlab.isolate.proxy import RecordedCall

ROOT = Path(__file__).resolve().parents[3]


def test_observe_rules_pick_what_is_compared():
    cache = (np.ones(2), {"x": 1})
    assert Observe(without_cache=(EVERY_FUNCTION,))("rnn_cell_forward", cache)[0].tolist() == [1.0, 1.0]
    assert len(Observe(without_cache=(EVERY_FUNCTION,))("f", cache)) == 1
    assert Observe(without_cache=("g",))("f", cache) is cache  # a rule only for the functions it names
    windows = Observe(empty_alike=("make_windows",))("make_windows", (np.zeros((0, 3)), np.zeros(0)))
    assert [w.shape for w in windows] == [(0,), (0,)]
    assert Observe(with_float_flag=("size",))("size", 5.0) == (5.0, True)
    grads = {"dx": 1, "cache": 2}
    assert Observe(keys={"f": ("dx",)})("f", grads) == {"dx": 1}
    assert Observe(keys={"f": ("dx",)})("f", (0.5, grads)) == (0.5, {"dx": 1})
    rules = Observe(without_cache=("*",), keys={"f": ("dx", "db")})
    assert Observe.from_dict(rules.to_dict()) == rules


@pytest.fixture(scope="module")
def encoding_hints() -> bytes:
    catalogue = load_catalogue(ROOT / "grader" / "encoding", "encoding")
    return build_public_hints(
        catalogue, load_reference("encoding"), ROOT / "solutions" / "encoding" / "public_tests"
    )


def test_the_released_hints_are_those_the_catalogue_gives_now(encoding_hints: bytes):
    assert (ROOT / "assignments" / "encoding" / "tests" / HINTS_FILE).read_bytes() == encoding_hints
    assert load_public_hints(ROOT / "assignments" / "encoding" / "tests") is not None


def test_recorded_hints_diagnose_as_the_catalogue_does(encoding_hints: bytes):
    """A public input and a student's output: the shipped table names what the real catalogue names."""
    reference = load_reference("encoding")
    catalogue = load_catalogue(ROOT / "grader" / "encoding", "encoding")
    real, shipped = Diagnoser(catalogue, reference), RecordedDiagnoser(encoding_hints)
    text = "God bless the queen."

    def student_tokenize(function, args, kwargs):  # the whitespace-split mistake, asked on the probes
        if function != "tokenize":
            raise LookupError(function)
        return args[0].lower().split()

    calls = [RecordedCall("tokenize", (text,), {}, text.lower().split())]
    expected = real.diagnose("tokenize", calls, ask=student_tokenize)
    assert expected is not None and expected.key == "tokenize-whitespace-split"
    found = shipped.diagnose("tokenize", calls, ask=student_tokenize)
    assert found is not None and (found.key, found.hint()) == (expected.key, expected.hint())
    right = [RecordedCall("tokenize", (text,), {}, reference.tokenize(text))]
    assert shipped.diagnose("tokenize", right, ask=student_tokenize) is None  # nothing wrong: no hint
    other = [RecordedCall("tokenize", ("Words never tested.",), {}, ["x"])]
    assert shipped.diagnose("tokenize", other) is None  # an input the table does not hold predicts nothing


def test_a_hints_file_of_another_version_is_refused(encoding_hints: bytes):
    import zlib

    from seqlab.errors import CourseError

    with pytest.raises(CourseError, match="another seqlab version"):
        RecordedDiagnoser(
            zlib.compress(zlib.decompress(encoding_hints).replace(b'"version":1', b'"version":9'))
        )
