"""What a test's process runs: the student's code in a fresh module, and its answers to the grader's
requests (``call``, ``next``) on the test's own socket. An exception of the student's code is answered as an
error message, never propagated; prerequisites are answered by the grader (:class:`AnsweredByTheGrader`)."""

from __future__ import annotations

import random
import sys
import traceback
import types
from collections.abc import Iterator
from typing import Any, BinaryIO

from seqlab.errors import CodecError
from seqlab.isolate import codec
from seqlab.isolate.protocol import Status

MAX_TRACEBACK_CHARS = 4000


def _student_traceback(exc: BaseException, filenames: set[str]) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in filenames]
    lines = traceback.format_list(frames) if frames else []
    lines += traceback.format_exception_only(type(exc), exc)
    text = "".join(lines)
    return text[-MAX_TRACEBACK_CHARS:]


def _text(value: Any, *args: Any) -> str:
    """``str(value)`` (or ``value(*args)`` when arguments are given) that survives a hostile ``__str__``."""
    try:
        text = value(*args) if args else str(value)
        return text if type(text) is str else "<not a string>"
    except BaseException:  # noqa: BLE001 - the student's __str__ may raise anything
        return "<the exception could not be printed>"


_torch_seeded = False


def reseed() -> None:
    """Seed every generator a call may draw from with 0, as ``torch.manual_seed(0)`` would, in a few µs:
    Python's, numpy's legacy one, torch's CPU generator, and CUDA's where this process has initialised it.
    ``torch.manual_seed`` itself (2 ms a call: it queues CUDA's lazy seeding with a stack trace) runs once
    per process lineage: the warm parent's, inherited by every test's process, or the first after the
    student's code imported torch; CUDA, once initialised, then starts from that seed."""
    global _torch_seeded
    random.seed(0)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(0)
    torch = sys.modules.get("torch")
    if torch is None:
        return
    if not _torch_seeded:
        torch.manual_seed(0)
        _torch_seeded = True
        return
    torch.default_generator.manual_seed(0)
    cuda = sys.modules.get("torch.cuda")
    if cuda is not None and cuda.is_initialized():
        cuda.manual_seed_all(0)


#: Exceptions a prerequisite answered by the grader may raise in the worker, by name (others: RuntimeError).
_ANSWER_ERRORS = {
    cls.__name__: cls for cls in (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError)
}


class AnsweredByTheGrader:
    """Stands in for a prerequisite of the function being graded (``rnn_cell_forward`` while
    ``rnn_forward`` is tested): a call sends its arguments to the grader, which answers with its reference
    version, so a mistake in the prerequisite costs only the prerequisite's own points. The grader answers
    only while a request that named this prerequisite runs; kept and called later, it is refused."""

    def __init__(self, session: Session, name: str) -> None:
        self._session = session
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        blobs: list[bytes] = []
        try:
            encoded = {"args": codec.encode(tuple(args), blobs), "kwargs": codec.encode(dict(kwargs), blobs)}
        except CodecError as exc:
            raise TypeError(
                f"{self.__name__}() was given arguments that are not plain data ({exc})"
            ) from None
        self._session.send({"status": Status.PREREQUISITE, "name": self.__name__, **encoded}, blobs)
        reply, reply_blobs = codec.read_message(self._session.reader)
        if reply.get("op") == "answer":
            return codec.decode(reply.get("value"), reply_blobs)
        error = _ANSWER_ERRORS.get(str(reply.get("error_type")), RuntimeError)
        raise error(str(reply.get("message", "")))


class Session:
    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self.reader = reader
        self.writer = writer
        self.namespace: dict[str, Any] = {}
        self.filenames: set[str] = set()
        self.iterators: dict[int, Iterator[Any]] = {}

    def send(self, header: dict[str, Any], blobs: list[bytes] | None = None) -> None:
        codec.write_message(self.writer, header, blobs)

    def error(self, exc: BaseException) -> dict[str, Any]:
        if isinstance(exc, SystemExit):
            return {
                "status": Status.EXIT,
                "error_type": "SystemExit",
                "message": f"exit code {_text(exc.code)}",
            }
        return {
            "status": Status.ERROR,
            "error_type": _text(type(exc).__name__),
            "error_mro": [_text(cls.__name__) for cls in type(exc).__mro__],
            "message": _text(exc)[:MAX_TRACEBACK_CHARS],
            "traceback": _text(_student_traceback, exc, self.filenames),
        }

    def load(
        self, module_name: str, chunks: list[tuple[str, types.CodeType | BaseException]]
    ) -> dict[str, Any]:
        """Run the submission's compiled chunks (:func:`compile_chunks`) in a fresh module; the load reply."""
        module = types.ModuleType(module_name)
        module.__file__ = chunks[0][0] if chunks else module_name
        sys.modules[module_name] = module
        self.namespace = module.__dict__
        reseed()
        for filename, code in chunks:
            self.filenames.add(filename)
            try:
                if isinstance(code, BaseException):
                    raise code
                exec(code, self.namespace)  # noqa: S102 - this process exists to run student code
            except BaseException as exc:  # noqa: BLE001 - every failure is reported, none escapes
                return {**self.error(exc), "status": Status.LOAD_ERROR, "where": filename}
        functions = sorted(k for k, v in self.namespace.items() if callable(v) and not k.startswith("_"))
        return {"status": Status.OK, "functions": functions}

    def reply(self, value: Any, evidence: dict[str, Any] | None = None) -> None:
        if isinstance(value, (types.GeneratorType, Iterator)) and not isinstance(value, (str, bytes)):
            handle = len(self.iterators) + 1
            self.iterators[handle] = value
            value = codec.IteratorHandle(handle)
        blobs: list[bytes] = []
        try:
            encoded = codec.encode(value, blobs)
        except CodecError as exc:
            self.send({"status": Status.BAD_RETURN, "message": str(exc), "type": type(value).__name__})
            return
        header = {"status": Status.OK, "value": encoded, **(evidence or {})}
        self.send(header, blobs)

    def serve(self) -> int:
        """Answer requests until ``end`` (exit status 0) or until the channel closes."""
        while True:
            try:
                request, blobs = codec.read_message(self.reader)
            except EOFError:
                return 0
            if request.get("op") == "end":
                return 0
            self.handle(request, blobs)

    def handle(self, request: dict[str, Any], blobs: list[bytes]) -> None:
        """Answer one request; for its duration the prerequisites it names are answered by the grader."""
        names = request.get("prerequisites") or []
        names = [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
        saved = {name: self.namespace[name] for name in names if name in self.namespace}
        for name in names:
            self.namespace[name] = AnsweredByTheGrader(self, name)
        try:
            self._handle(request, blobs)
        finally:
            for name in names:
                if name in saved:
                    self.namespace[name] = saved[name]
                else:
                    self.namespace.pop(name, None)

    def _handle(self, request: dict[str, Any], blobs: list[bytes]) -> None:
        op = request.get("op")
        if op == "call":
            name = request.get("name")
            function = self.namespace.get(name) if isinstance(name, str) else None
            if not callable(function):
                kind = Status.MISSING if function is None else Status.NOT_CALLABLE
                self.send({"status": kind, "message": str(name)})
                return
            try:
                args = codec.decode(request.get("args"), blobs)
                kwargs = codec.decode(request.get("kwargs"), blobs)
            except CodecError as exc:
                self.send({"status": Status.PROTOCOL, "message": str(exc)})
                return
            reseed()
            evidence: dict[str, Any] = {}
            try:
                if request.get("trace") is True:
                    from seqlab.isolate.trace import traced_call

                    value, evidence["trace"] = traced_call(function, args, kwargs)
                elif request.get("watch") is True:
                    from seqlab.isolate.evidence import watched_call

                    value, evidence["inputs"] = watched_call(function, args, kwargs)
                elif request.get("graph") is True:
                    from seqlab.isolate.evidence import graph_call

                    value, evidence["graph"] = graph_call(function, args, kwargs)
                else:
                    value = function(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001
                self.send(self.error(exc))
                return
            self.reply(value, evidence)
        elif op == "next":
            iterator = self.iterators.get(request.get("id"))
            if iterator is None:
                self.send({"status": Status.PROTOCOL, "message": "unknown iterator"})
                return
            try:
                value = next(iterator)
            except StopIteration:
                self.send({"status": Status.STOP})
                return
            except BaseException as exc:  # noqa: BLE001
                self.send(self.error(exc))
                return
            self.reply(value)
        elif op == "warm_torch":
            try:
                import torch

                from seqlab.isolate.trace import traced_call

                # torch's import, its first dispatch and the trace modes' first use (seconds in all)
                traced_call(lambda t: (t + 1).sum().item(), (torch.zeros(2, dtype=torch.float64),), {})
            except BaseException as exc:  # noqa: BLE001 - reported; the call then fails on its own
                self.send(self.error(exc))
                return
            self.send({"status": Status.OK, "value": True})
        elif op == "warm_cuda":
            try:
                import torch

                ones = torch.ones((8, 8), device="cuda")
                (ones @ ones).sum().item()  # context, allocator and cuBLAS handle
                torch.cuda.synchronize()
            except BaseException as exc:  # noqa: BLE001 - reported, the first GPU call pays instead
                self.send(self.error(exc))
                return
            self.send({"status": Status.OK, "value": True})
        else:
            self.send({"status": Status.PROTOCOL, "message": f"unknown operation {op!r}"})


def compile_chunks(chunks: list[list[str]]) -> list[tuple[str, types.CodeType | BaseException]]:
    """Compile each ``(filename, source)`` chunk once, in the warm parent (parsing runs no student code);
    a chunk that does not compile keeps its error, raised when a test's process loads it."""
    compiled: list[tuple[str, types.CodeType | BaseException]] = []
    for filename, source in chunks:
        try:
            compiled.append((filename, compile(source, filename, "exec", dont_inherit=True)))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            compiled.append((filename, exc))
    return compiled
