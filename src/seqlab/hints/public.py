"""Hints in the public checks: the catalogue's diagnoses for the public tests' own inputs, shipped as data.

The misconceptions catalogue (:mod:`seqlab.hints.catalogue`) is grader code: its mistakes are implementations
close to the reference and never leave ``grader/``. What the public checks need of it is much less: for
each input the public tests (and the catalogue's probes) call a function with, the output the reference
gives and the output each mistake gives where it differs. ``seqlab release`` computes these by running the
public tests against the reference in-process (:func:`build_public_hints`) and writes them beside the
public tests as :data:`HINTS_FILE`, a zlib-compressed message of seqlab's plain-data codec (no pickle);
the outputs it holds are those of the public inputs, whose right answers the public tests show anyway.

When a public check fails, the grading plugin diagnoses it with a :class:`RecordedDiagnoser`: the
:class:`seqlab.hints.catalogue.Diagnoser` itself, whose predictions are looked up in that table instead of
computed, so a hint in a public check follows exactly the hidden suite's rules (one candidate only, the
probes agree, the evidence discriminates). A call that is not in the table predicts nothing.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from seqlab.errors import CodecError, CourseError, SubmissionFailed
from seqlab.hints.catalogue import Catalogue, Misconception, observe_whole
from seqlab.hints.diagnosis import NOT_COMPARABLE, Diagnoser
from seqlab.hints.observe import Observe
from seqlab.isolate.codec import decode, encode, frame, read_message

__all__ = ["HINTS_FILE", "RecordedDiagnoser", "build_public_hints", "load_public_hints", "write_public_hints"]

#: The hints of an assignment's public tests, in its released ``tests/`` folder.
HINTS_FILE = "hints.seqlab"
_VERSION = 1
_REFERENCE = "reference"


def call_key(function: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """A digest of one call (its function and arguments, as the codec writes them)."""
    blobs: list[bytes] = []
    header = {"function": function, "args": encode(list(args), blobs), "kwargs": encode(dict(kwargs), blobs)}
    return hashlib.sha256(frame(header, blobs)).hexdigest()


class _Recorder:
    """The ``submission`` of the public tests at release time: the reference, each call recorded, with the
    proxy's ways (an exception arrives as :class:`SubmissionFailed`; the reference, trusted, keeps its
    inputs and its autograd graph)."""

    def __init__(self, reference: ModuleType) -> None:
        self._reference = reference
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        getattr(self._reference, name)  # an AttributeError for a name the reference lacks

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, args, kwargs)

        def with_evidence(evidence: str) -> Any:  # as seqlab.isolate.proxy.RemoteFunction's
            return lambda *args, **kwargs: self._call(name, args, kwargs, evidence=evidence)

        call.__name__ = name
        call.with_evidence = with_evidence  # type: ignore[attr-defined]  # seqlab.testing's evidence helpers
        return call

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], evidence: str = "") -> Any:
        self.calls.append((name, args, dict(kwargs)))
        try:
            value = getattr(self._reference, name)(*args, **kwargs)
        except Exception as exc:
            mro = [cls.__name__ for cls in type(exc).__mro__]
            raise SubmissionFailed(
                name, "error", str(exc), error_type=type(exc).__name__, error_mro=mro
            ) from exc
        if evidence == "inputs":
            return value, SimpleNamespace(changed=[], aliased=[])
        if evidence == "graph":
            return value, SimpleNamespace(inputs=[], connected=[], outputs=[])
        if evidence:
            raise CourseError(f"the public hints cannot record a call with {evidence!r} evidence")
        return value


class _RecordingPlugin:
    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder
        self.failed: list[str] = []

    @pytest.fixture
    def submission(self) -> _Recorder:
        return self.recorder

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(report.nodeid)


def _public_calls(reference: ModuleType, public_tests: Path) -> list[tuple[str, tuple, dict]]:
    from seqlab.suite.runner import run_hermetically

    recorder = _Recorder(reference)
    plugin = _RecordingPlugin(recorder)
    code, printed = run_hermetically(public_tests, [plugin], public=True)
    if code != 0 or plugin.failed:
        failed = ", ".join(plugin.failed) or printed[-2000:]
        raise CourseError(f"the public tests in {public_tests} do not pass on the reference: {failed}")
    return recorder.calls


def build_public_hints(catalogue: Catalogue, reference: ModuleType, public_tests: Path) -> bytes:
    """The hints file of ``public_tests`` (see the module doc) for ``catalogue`` and ``reference``."""
    observe = catalogue.observe
    if observe is observe_whole:
        observe = Observe()
    if not isinstance(observe, Observe):
        raise CourseError(
            f"the {catalogue.assignment} catalogue's observe is not a seqlab.misconceptions.Observe; the "
            "public hints can only observe a student's output by a rule declared as data"
        )
    diagnoser = Diagnoser(catalogue, reference)
    calls = [(f, a, k) for f, a, k in _public_calls(reference, Path(public_tests)) if hasattr(reference, f)]
    probes = {f: list(inputs) for f, inputs in catalogue.probes.items()}
    inputs = calls + [(f, a, k) for f, listed in probes.items() for a, k in listed]
    table: dict[str, list[Any]] = {}
    for function, args, kwargs in inputs:
        key = call_key(function, args, kwargs)
        if key in table:
            continue
        expected = diagnoser.predict(reference, function, args, kwargs, None)
        if expected is NOT_COMPARABLE or not _plain(expected):  # an iterator: its items are not kept
            continue
        outputs: list[Any] = [[_REFERENCE, 0, expected]]
        for misconception in catalogue:
            for form, namespace in enumerate(diagnoser.forms(misconception.key)):
                predicted = diagnoser.predict(namespace, function, args, kwargs, None)
                if (
                    predicted is not NOT_COMPARABLE
                    and _plain(predicted)
                    and not diagnoser.agree(predicted, expected)
                ):
                    outputs.append([misconception.key, form, predicted])
        table[key] = outputs
    header = {
        "version": _VERSION,
        "assignment": catalogue.assignment,
        "observe": observe.to_dict(),
        "misconceptions": [
            {
                "key": m.key,
                "function": m.function,
                "title": m.title,
                "explanation": m.explanation,
                "where": m.where,
                "cascades": m.cascades,
                "forms": len(catalogue.implementations(m.key)),
            }
            for m in catalogue
        ],
        "probes": [[f, [[list(a), k] for a, k in listed]] for f, listed in probes.items()],
    }
    blobs: list[bytes] = []
    header["table"] = encode(table, blobs)
    header["probes"] = encode(header["probes"], blobs)
    return zlib.compress(frame(header, blobs), 9)


def _plain(value: Any) -> bool:
    """Whether the codec can write ``value`` (plain data, not an iterator)."""
    try:
        encode(value, [])
    except CodecError:
        return False
    return True


def write_public_hints(
    catalogue: Catalogue | None, reference: ModuleType, public_tests: Path, out: Path
) -> bool:
    """Write the hints file ``out``, unless there is no catalogue; return whether one was written."""
    if catalogue is None or not len(catalogue):
        return False
    out.write_bytes(build_public_hints(catalogue, reference, public_tests))
    return True


class RecordedDiagnoser(Diagnoser):
    """A :class:`Diagnoser` whose reference and mistakes are the outputs of a hints file."""

    def __init__(self, data: bytes) -> None:
        header, blobs = read_message(io.BytesIO(zlib.decompress(data)))
        if header.get("version") != _VERSION:
            raise CourseError(
                "the public hints file was written by another seqlab version: run seqlab release"
            )
        observe = Observe.from_dict(header["observe"])
        catalogue = Catalogue(str(header["assignment"]), observe=observe)
        # Decoded on first use: a tensor (an output of a torch function) imports torch, seconds that a
        # check of a numpy function need not wait for.
        table = header["table"]
        if type(table) is not dict or table.get("$") != "dict" or type(table.get("items")) is not list:
            raise CourseError("the public hints file is malformed: run seqlab release")
        self._outputs = _OnDemand({decode(k, blobs): v for k, v in table["items"]}, blobs, _by_label)
        forms: dict[str, int] = {}
        for entry in header["misconceptions"]:
            catalogue.misconceptions.append(
                Misconception(
                    entry["key"],
                    entry["function"],
                    entry["title"],
                    entry["explanation"],
                    entry["where"],
                    mistake=_not_here,
                    cascades=bool(entry["cascades"]),
                )
            )
            forms[entry["key"]] = int(entry["forms"])
        encoded_probes = {str(decode(f, blobs)): listed for f, listed in header["probes"]}
        catalogue.probes = _OnDemand(encoded_probes, blobs, lambda v: [(tuple(a), dict(k)) for a, k in v])
        functions = {m.function for m in catalogue} | set(catalogue.probes)
        self.catalogue = catalogue
        self.reference = SimpleNamespace(label=_REFERENCE, **{f: None for f in functions})
        self._mistaken = {
            (key, form): SimpleNamespace(label=(key, form))
            for key, count in forms.items()
            for form in range(count)
        }
        self._asked = {}

    def _output(self, namespace: Any, function: str, args: tuple, kwargs: dict, items: int | None) -> Any:
        if items is not None:
            raise LookupError("an iterator's items are not in the hints")
        label = namespace.label
        outputs = self._outputs.get(call_key(function, args, kwargs), {})
        if label in outputs:
            return outputs[label]
        if label != _REFERENCE and _REFERENCE in outputs:
            return outputs[_REFERENCE]  # this mistake gives the reference's output here
        raise LookupError(f"{function}: this input is not in the hints")


def _by_label(outputs: list) -> dict[Any, Any]:
    """A recorded call's outputs: the reference's, and each form's of each mistake, by label."""
    return {(label if label == _REFERENCE else (label, form)): value for label, form, value in outputs}


class _OnDemand(dict):
    """A dict whose values are kept in the codec's encoded form until first read, then decoded and
    ``convert``-ed once (decoding a tensor imports torch)."""

    def __init__(self, encoded: dict[Any, Any], blobs: list[bytes], convert: Any) -> None:
        super().__init__(encoded)
        self._blobs = blobs
        self._convert = convert
        self._decoded: set[Any] = set()

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if key not in self._decoded:
            value = self._convert(decode(value, self._blobs))
            super().__setitem__(key, value)
            self._decoded.add(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def values(self) -> Any:
        return [self[key] for key in self]

    def items(self) -> Any:
        return [(key, self[key]) for key in self]


def _not_here(*args: Any, **kwargs: Any) -> Any:
    raise LookupError("a mistake's implementation is grader code, not part of the public hints")


def load_public_hints(public_tests: Path) -> RecordedDiagnoser | None:
    """The diagnoser of the hints file beside the public tests, or None when there is none."""
    path = Path(public_tests) / HINTS_FILE
    if not path.is_file():
        return None
    return RecordedDiagnoser(path.read_bytes())
