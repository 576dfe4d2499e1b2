"""seqlab.hints.catalogue: the mistaken reference, the diagnosis rule, catalogue loading, the student guide.

The diagnosis is exercised on a small reference module made here (a "cell" and a "layer" that loops over
it), with calls recorded as the submission proxy records them; the course's own catalogues are checked for
completeness of their student documentation.
"""

from __future__ import annotations

import itertools
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

from seqlab.course.layout import ASSIGNMENTS, find_course_root
from seqlab.errors import CourseError
from seqlab.hints.catalogue import load_catalogue
from seqlab.hints.diagnosis import Diagnoser, mistaken_reference
from seqlab.hints.guide import GUIDE_FILE, student_guide
from seqlab.isolate.proxy import RecordedCall
from seqlab.misconceptions import Catalogue

REFERENCE_SOURCE = """
import numpy as np

def cell(x, h):
    return np.tanh(x + h), {"h": np.tanh(x + h)}

def layer(xs, h):
    out = []
    for x in xs:
        h, _ = cell(x, h)
        out.append(h)
    return np.array(out)

def count(n):
    return n + 1

def windows(n):
    for start in itertools.count():
        yield list(range(start, start + n))
"""


@pytest.fixture(scope="module")
def reference() -> types.ModuleType:
    module = types.ModuleType("toy_reference")
    module.__dict__["itertools"] = itertools
    exec(compile(REFERENCE_SOURCE, "toy_reference.py", "exec"), module.__dict__)
    return module


def without_cache(function: str, value):
    return value[0] if isinstance(value, tuple) else value


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    catalogue = Catalogue("toy", observe=without_cache)

    @catalogue.mistake("sigmoid", "cell", title="a sigmoid cell", explanation="Use tanh.", where="section 1")
    def _(ref, x, h):
        return 1 / (1 + np.exp(-(x + h))), {}

    @catalogue.mistake("no-state", "cell", title="a cell that forgets h", explanation="Add h.", where="s. 1")
    def _(ref, x, h):
        return np.tanh(x), {}

    @catalogue.mistake("off-by-two", "count", title="n + 2", explanation="One more.", where="s. 2")
    def _(ref, n):
        return n + 2

    @catalogue.mistake("n-plus-2-again", "count", title="n + 2 too", explanation="Same.", where="s. 2")
    def _(ref, n):
        return n + 2 if n > 0 else n + 1

    @catalogue.mistake("late-start", "windows", title="late windows", explanation="Start at 0.", where="s. 3")
    def _(ref, n):
        for start in itertools.count(1):
            yield list(range(start, start + n))

    return catalogue


def call(function: str, args: tuple, value, iterator: bool = False) -> RecordedCall:
    return RecordedCall(function, args, {}, value, iterator)


def test_a_mistaken_function_is_seen_by_its_callers_and_the_reference_is_untouched(reference, catalogue):
    sigmoid = catalogue.misconceptions[0]
    mistaken = mistaken_reference(reference, "cell", sigmoid.mistake)
    xs = np.array([0.5, -1.0, 2.0])
    layer = mistaken.layer(xs, 0.0)
    h, expected = 0.0, []
    for x in xs:  # the sigmoid layer, computed independently
        h = 1 / (1 + np.exp(-(x + h)))
        expected.append(h)
    np.testing.assert_allclose(layer, expected)
    h, untouched = 0.0, []
    for x in xs:
        h = np.tanh(x + h)
        untouched.append(h)
    np.testing.assert_allclose(reference.layer(xs, 0.0), untouched)
    assert reference.layer.__globals__["cell"] is reference.cell


def test_a_mistake_reaches_the_untouched_reference_as_correct(reference):
    mistaken = mistaken_reference(reference, "count", lambda ref, n: ref.correct.count(n) + 1)
    assert mistaken.count(3) == 5 and mistaken.correct is reference and reference.count(3) == 4
    clashing = types.ModuleType("clashing")
    clashing.correct = 1
    with pytest.raises(CourseError, match="defines `correct`"):
        mistaken_reference(clashing, "count", lambda ref, n: n)


def test_the_one_mistake_that_explains_every_wrong_output_is_named(reference, catalogue):
    diagnoser = Diagnoser(catalogue, reference)
    xs = np.array([0.3, 0.7])
    forgetful = np.tanh(xs)  # each step ignores h
    found = diagnoser.diagnose("layer", [call("layer", (xs, 0.5), forgetful)])
    assert found is not None and found.key == "no-state"  # recognised through the layer
    assert diagnoser.diagnose("cell", [call("cell", (0.2, 0.4), (np.tanh(0.2), {}))]).key == "no-state"


def test_right_outputs_are_ignored_and_every_wrong_one_must_match(reference, catalogue):
    diagnoser = Diagnoser(catalogue, reference)
    sigmoid = 1 / (1 + np.exp(-0.6))
    right = call("cell", (0.2, 0.4), (np.tanh(0.6), {}))
    wrong = call("cell", (0.2, 0.4), (sigmoid, {}))
    assert diagnoser.diagnose("cell", [right, wrong, right]).key == "sigmoid"
    assert diagnoser.diagnose("cell", [right]) is None  # nothing wrong: nothing to diagnose
    unexplained = call("cell", (1.0, 1.0), (0.123, {}))
    assert diagnoser.diagnose("cell", [wrong, unexplained]) is None  # one wrong output no mistake explains
    assert diagnoser.diagnose("cell", [call("cell", (0.2, 0.4), (0.5 * np.tanh(0.6), {}))]) is None


def test_an_ambiguous_diagnosis_names_nothing_and_more_inputs_decide(reference, catalogue):
    diagnoser = Diagnoser(catalogue, reference)
    positive = call("count", (3,), 5)  # both "off-by-two" and "n-plus-2-again" give 5
    assert diagnoser.diagnose("count", [positive]) is None
    assert diagnoser.diagnose("count", [positive, call("count", (0,), 2)]).key == "off-by-two"


def test_only_calls_of_the_failed_function_count_and_unreadable_outputs_are_skipped(reference, catalogue):
    diagnoser = Diagnoser(catalogue, reference)
    assert diagnoser.diagnose("count", [call("cell", (0.2, 0.4), (0.0, {}))]) is None
    assert diagnoser.diagnose("missing_function", [call("missing_function", (1,), 2)]) is None
    assert diagnoser.diagnose("cell", [call("cell", ("not", "numbers"), (1.0, {}))]) is None


def test_a_generator_is_compared_on_the_items_the_test_took(reference, catalogue):
    diagnoser = Diagnoser(catalogue, reference)
    late = [[1, 2], [2, 3], [3, 4]]
    assert diagnoser.diagnose("windows", [call("windows", (2,), late, iterator=True)]).key == "late-start"
    right = [[0, 1], [1, 2]]
    assert diagnoser.diagnose("windows", [call("windows", (2,), right, iterator=True)]) is None


def test_a_mistake_that_raises_on_an_input_does_not_explain_it(reference):
    catalogue = Catalogue("toy")

    @catalogue.mistake("fragile", "count", title="t", explanation="e", where="w")
    def _(ref, n):
        raise ZeroDivisionError

    assert Diagnoser(catalogue, reference).diagnose("count", [call("count", (1,), 7)]) is None


def test_a_mistake_that_does_not_cascade_names_only_its_own_function(reference):
    catalogue = Catalogue("toy")
    catalogue.mistake("halved", "cell", title="t", explanation="e", where="w", cascades=False)(
        lambda ref, x, h: (np.tanh(x + h) / 2, {})
    )
    diagnoser = Diagnoser(catalogue, reference)
    assert diagnoser.diagnose("cell", [call("cell", (0.2, 0.4), (np.tanh(0.6) / 2, {}))]).key == "halved"
    xs = np.array([0.3])
    assert diagnoser.diagnose("layer", [call("layer", (xs, 0.5), np.tanh(xs + 0.5) / 2)]) is None


def test_a_key_twice_is_refused() -> None:
    catalogue = Catalogue("toy")
    catalogue.mistake("k", "f", title="t", explanation="e", where="w")(lambda ref: None)
    with pytest.raises(ValueError, match="twice"):
        catalogue.mistake("k", "g", title="t", explanation="e", where="w")(lambda ref: None)


def test_the_hint_is_the_catalogue_sentence(catalogue) -> None:
    expected = "Hint: your output matches a sigmoid cell. Use tanh. (See section 1.)"
    assert catalogue.misconceptions[0].hint() == expected


def test_loading_a_catalogue(tmp_path: Path) -> None:
    assert load_catalogue(tmp_path, "toy") is None
    (tmp_path / "misconceptions.py").write_text("raise RuntimeError('broken')\n")
    with pytest.raises(CourseError, match="does not import"):
        load_catalogue(tmp_path, "toy")
    (tmp_path / "misconceptions.py").write_text("catalogue = {}\n")
    with pytest.raises(CourseError, match="must define `catalogue`"):
        load_catalogue(tmp_path, "toy")
    (tmp_path / "misconceptions.py").write_text(
        textwrap.dedent(
            """
            from seqlab.misconceptions import Catalogue
            catalogue = Catalogue("toy")
            catalogue.mistake("k", "f", title="t", explanation="e", where="w")(lambda ref: 1)
            """
        )
    )
    loaded = load_catalogue(tmp_path, "toy")
    assert [m.key for m in loaded] == ["k"] and len(loaded) == 1


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_misconception_is_documented_for_students(assignment: str) -> None:
    """The release's MISTAKES.md is the catalogue's student guide, naming every entry in full."""
    root = find_course_root()
    catalogue = load_catalogue(root / "grader" / assignment, assignment)
    assert catalogue is not None and len(catalogue) > 0, f"{assignment} has no misconceptions catalogue"
    guide = (root / "assignments" / assignment / GUIDE_FILE).read_text(encoding="utf-8")
    assert guide == student_guide(catalogue), f"run `seqlab release {assignment}`"
    for misconception in catalogue:
        for text in (misconception.key, misconception.title, misconception.explanation, misconception.where):
            assert text in guide
        assert "notebook" in misconception.where  # points to the notebook section that explains it


# -- discriminating evidence: probes and forms -------------------------------------------------------------

INDEX_REFERENCE = """
def index(words):
    out = {}
    for word in words:
        out.setdefault(word, len(out))
    return out
"""


def index_catalogue(with_probes: bool) -> Catalogue:
    catalogue = Catalogue("toy")

    @catalogue.mistake("sorted", "index", title="a sorted index", explanation="First appearance.", where="s")
    def _(ref, words):
        return {word: i for i, word in enumerate(sorted(set(words)))}

    @catalogue.mistake("reversed", "index", title="a reversed index", explanation="Forwards.", where="s")
    def _(ref, words):
        return {word: i for i, word in enumerate(reversed(list(dict.fromkeys(words))))}

    @catalogue.form("reversed")
    def _(ref, words):  # the same mistake written as "last appearance first"
        order = []
        for word in reversed(words):
            if word not in order:
                order.append(word)
        return {word: i for i, word in enumerate(order)}

    if with_probes:
        catalogue.probe("index", ["c", "a", "b", "a"])
        catalogue.probe("index", ["b", "b", "a", "c"])
    return catalogue


def index_reference() -> types.ModuleType:
    module = types.ModuleType("toy_index_reference")
    exec(INDEX_REFERENCE, module.__dict__)  # noqa: S102 - the test's own reference
    return module


def frequency_index(words):  # a mistake the catalogue does not know: the most frequent word first
    counts = {word: words.count(word) for word in words}
    return {word: i for i, word in enumerate(sorted(counts, key=lambda w: (-counts[w], w)))}


def test_a_mistake_that_only_coincides_on_the_shrunk_input_is_refused_by_the_probes() -> None:
    """On ['c', 'a', 'b'] a frequency-ordered index (ties alphabetical) is the sorted one: without probes
    that alone names "sorted"; with the probes, where the student's index is not the sorted one, nothing."""
    shrunk = [RecordedCall("index", (["c", "a", "b"],), {}, frequency_index(["c", "a", "b"]))]

    def ask(function, args, kwargs):
        return frequency_index(*args, **kwargs)

    without = Diagnoser(index_catalogue(with_probes=False), index_reference())
    assert without.diagnose("index", shrunk, ask=ask).key == "sorted"
    assert (
        Diagnoser(index_catalogue(with_probes=True), index_reference()).diagnose("index", shrunk, ask=ask)
        is None
    )


def test_a_mistake_confirmed_by_the_probes_is_named() -> None:
    def sorted_index(words):
        return {word: i for i, word in enumerate(sorted(set(words)))}

    shrunk = [RecordedCall("index", (["c", "a", "b"],), {}, sorted_index(["c", "a", "b"]))]
    diagnoser = Diagnoser(index_catalogue(with_probes=True), index_reference())
    assert diagnoser.diagnose("index", shrunk, ask=lambda f, a, k: sorted_index(*a)).key == "sorted"


def test_a_student_failing_on_a_probe_gets_no_hint() -> None:
    def sorted_index(words):
        return {word: i for i, word in enumerate(sorted(set(words)))}

    def ask(function, args, kwargs):
        raise LookupError("error")

    shrunk = [RecordedCall("index", (["b", "a"],), {}, sorted_index(["b", "a"]))]
    assert (
        Diagnoser(index_catalogue(with_probes=True), index_reference()).diagnose("index", shrunk, ask=ask)
        is None
    )


def test_any_form_of_a_mistake_names_it_and_forms_need_a_known_key() -> None:
    """The reversed index written as "last appearance first" is a form of the same mistake."""

    def last_first(words):
        order = []
        for word in reversed(words):
            if word not in order:
                order.append(word)
        return {word: i for i, word in enumerate(order)}

    recorded = [RecordedCall("index", (["a", "b", "a", "c"],), {}, last_first(["a", "b", "a", "c"]))]
    diagnoser = Diagnoser(index_catalogue(with_probes=True), index_reference())
    assert diagnoser.diagnose("index", recorded, ask=lambda f, a, k: last_first(*a)).key == "reversed"
    with pytest.raises(ValueError, match="does not have"):
        index_catalogue(with_probes=False).form("no-such-key")
