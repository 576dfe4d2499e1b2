"""Entry point of the worker process: the only place where student code runs.

Started by :class:`seqlab.isolate.worker.Worker` as ``python -s -P -m seqlab.isolate.worker_main CONTROL_FD``,
where the descriptor is the worker's end of a Unix socket, its control channel. It reads its set-up there,
applies the resource limits it is given, becomes the unprivileged user, checks that it can import what the
course needs (:func:`_preflight`) and says ``ready``. Anything that fails before ``ready`` is the grader's
fault (its installation, its sandbox), never the student's: the worker answers ``grader_fault`` with the
cause, or dies before answering. Then, as the warm parent (:class:`_WarmParent`), it forks a process per test
that executes the submission's code chunks in a fresh module and answers requests (``call``, ``next``) on a
socket of its own until the grader ends it. Every value it sends is encoded by :mod:`seqlab.isolate.codec`; an
exception of the student's code is answered as an error message, never propagated. Nothing here trusts the
submission, and the grader trusts nothing that comes from a test's process.
"""

from __future__ import annotations

import os
import random
import socket
import sys
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from seqlab.errors import CodecError
from seqlab.isolate import codec
from seqlab.isolate import process_tree as _process_tree
from seqlab.isolate.protocol import Status

MAX_TRACEBACK_CHARS = 4000


def _apply_limits(limits: dict[str, int]) -> None:
    import resource

    table = {
        "memory_bytes": resource.RLIMIT_AS,
        "cpu_seconds": resource.RLIMIT_CPU,
        "file_size_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "core_bytes": resource.RLIMIT_CORE,
    }
    if hasattr(resource, "RLIMIT_NPROC") and "processes" in limits:
        table["processes"] = resource.RLIMIT_NPROC
    for name, which in table.items():
        value = limits.get(name)
        if value is None:
            continue
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value if name != "cpu_seconds" else value + 1))
        except (ValueError, OSError):
            pass  # reported by the grader's probe, not fatal here


def _drop_privileges(drop_to: list[int] | None) -> None:
    """Become the unprivileged user the grader chose (it runs as root), before any student code runs."""
    if not drop_to:
        return
    uid, gid = drop_to
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not drop privileges")


def _preflight(modules: list[str]) -> None:
    """Check, as the user that will run the student's code, that it can import what grading needs.

    ``numpy.random`` is imported (every call reseeds it); it and each module of ``modules`` (the reference
    solution's imports, e.g. ``torch``) must be found and its files readable, without importing the others
    (torch takes seconds); a folder the user cannot read would otherwise import as an empty namespace
    package. Raises ``ImportError`` naming the module and the file that cannot be read.
    """
    import importlib.util

    import numpy.random  # noqa: F401  - lazily imported by numpy 2, needed by _reseed()

    for name in ("numpy", "numpy.random", *modules):
        module = sys.modules.get(name)
        spec = getattr(module, "__spec__", None) if module is not None else importlib.util.find_spec(name)
        if spec is None:
            raise ImportError(f"the worker cannot find the module {name!r}")
        paths = [spec.origin] if spec.origin and spec.has_location else []
        paths += list(spec.submodule_search_locations or [])
        for path in paths:
            if not os.access(path, os.R_OK | (os.X_OK if os.path.isdir(path) else 0)):
                user = f"the worker's user (uid {os.getuid()})"
                raise ImportError(f"{user} cannot read {path} (module {name!r})")


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


def _reseed() -> None:
    random.seed(0)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(0)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(0)


#: Exceptions a prerequisite answered by the grader may raise in the worker, by name (others: RuntimeError).
_ANSWER_ERRORS = {
    cls.__name__: cls for cls in (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError)
}


class _AnsweredByTheGrader:
    """Stands in for a prerequisite of the function being graded (``rnn_cell_forward`` while
    ``rnn_forward`` is tested): a call sends its arguments to the grader, which answers with its reference
    version, so a mistake in the prerequisite costs only the prerequisite's own points. The grader answers
    only while a request that named this prerequisite runs; kept and called later, it is refused."""

    def __init__(self, session: _Session, name: str) -> None:
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


class _Session:
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
        _reseed()
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
            self.namespace[name] = _AnsweredByTheGrader(self, name)
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
            _reseed()
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


_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the other layers remain


def _harden() -> None:
    """Make this process undumpable (a test's process, which has the same user, cannot then read or write
    the warm parent's memory through ``/proc/<pid>/mem`` or ptrace it to carry state to the next test) and
    a child subreaper (every process a test leaves behind, however it detaches, becomes its child, so it
    can end them all)."""
    _prctl(_PR_SET_DUMPABLE, 0)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _warm_up(modules: list[str]) -> None:
    """Import, in the warm parent, what every test's process would otherwise import again (torch takes
    seconds): the fork then hands it over for free. No student code has run yet."""
    if "torch" in modules:
        import torch

        from seqlab.isolate.evidence import graph_call  # noqa: F401
        from seqlab.isolate.trace import traced_call

        # torch's import, its first dispatch and the trace modes' first use (seconds in all)
        traced_call(lambda t: (t + 1).sum().item(), (torch.zeros(2, dtype=torch.float64),), {})
    _reseed()  # the first torch.manual_seed initialises its generators (17 ms, in every test's process)


#: a module as a submission's (see :func:`_pre_fault`)
_TYPICAL_MODULE = """
from typing import Any
import numpy as np


def forward(x: np.ndarray, *rest: Any) -> tuple[np.ndarray, dict[str, Any], tuple[Any, ...]]:
    out = np.tanh(x @ x.T * 0.5 + np.zeros(x.shape[0], dtype=x.dtype))
    return out, {"x": x, "out": out, "shape": tuple(out.shape)}, rest


def refuse(x: Any) -> None:
    raise ValueError(f"refused {x!r}")


class Cache(dict):
    def keys_sorted(self) -> list[str]:
        return sorted(self)
"""


def _pre_fault(typical_module: types.CodeType) -> None:
    """Do, in a test's process before it is started, what every test's process does first, on grader-owned
    code and values: load a module and answer a call through a session on a socket of its own. The pages of
    the warm parent that this writes (reference counts, allocator pools, the interpreter's caches: 1000
    page faults, 4 ms with torch) are then copied while the test before runs, not on the next test's
    clock. No student code is involved and nothing is kept; a failure only means that the test pays for
    these pages itself."""
    try:
        import numpy as np

        values: list[Any] = [np.ones((3, 4)), np.arange(5), np.zeros(2, np.float32), {"a": [1.0, "b", None]}]
        values += [(3, 2.5, True), np.float64(1.5), np.int64(2)]
        torch = sys.modules.get("torch")
        if torch is not None:
            values.append(torch.ones((2, 3), dtype=torch.float64, requires_grad=True))
        blobs: list[bytes] = []
        request = {"op": "call", "name": "forward", "args": codec.encode(tuple(values), blobs), "kwargs": {}}
        grader_end, own_end = socket.socketpair()
        with grader_end, own_end, os.fdopen(own_end.detach(), "rb") as reader:
            session = _Session(reader, os.fdopen(os.dup(reader.fileno()), "wb", buffering=0))
            session.load("_seqlab_typical_module", [("<typical module>", typical_module)])
            sys.modules.pop("_seqlab_typical_module", None)
            refused = {"op": "call", "name": "refuse", "args": codec.encode((1,), []), "kwargs": {}}
            grader_end.sendall(codec.frame(request, blobs) + codec.frame(refused))
            session.handle(*codec.read_message(reader))  # an answer, then an error with its traceback
            session.handle(*codec.read_message(reader))
            session.writer.close()
            with grader_end.makefile("rb") as replies:
                codec.read_message(replies)
                codec.read_message(replies)
    except BaseException:  # noqa: BLE001, S110 - only a speed-up
        pass


def _empty_folder(folder: str) -> None:
    """Remove everything in ``folder`` (what a test's process wrote to its scratch space)."""
    import shutil

    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


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


@dataclass
class _TestProcess:
    """A process forked from the warm parent to answer one test. Until it is given ``go`` it waits, having
    run no student code; then it loads the submission and answers on its own socket (``channel``)."""

    index: int
    pid: int
    go: int  # the write end of the pipe it waits on (closed once it is started)
    channel: socket.socket  # the grader's end of its socket, handed to the grader when it starts
    pidfd: int | None  # readable once it has ended (None where the kernel has no pidfd_open)
    status: int | None = None  # its exit status, once reaped

    def poll(self) -> int | None:
        """Its exit status (negative: the signal) if it has ended (then reaped), else None."""
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return -9
            if pid:
                self.status = _exit_code(status)
        return self.status

    def wait(self) -> int:
        if self.status is None:
            try:
                self.status = _exit_code(os.waitpid(self.pid, 0)[1])
            except ChildProcessError:
                self.status = -9
        return self.status

    def close(self) -> None:
        for fd in (self.go, self.pidfd):
            if fd is not None and fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.go = -1
        self.pidfd = None
        self.channel.close()


def _exit_code(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


class _WarmParent:
    """The worker's first process: it never runs student code. It forks one *test process* at a time (the
    grader starts a new one for each graded function's tests: :meth:`seqlab.isolate.worker.Worker.isolate`),
    which loads the submission afresh and answers requests on a socket of its own, handed to the grader over
    the control channel (``test_process``). When the grader says ``end`` for it (or it dies), the parent kills
    it and what is left of it (its other processes, found through ``/proc``), waits until none of them can
    run anything more (:mod:`seqlab.isolate.process_tree`; not until the kernel has freed their memory),
    empties the scratch folders, and only then reports ``child_exit`` and starts the next one. So no test
    process has seen anything of another: state kept in memory, in files or in a process left running does not
    reach the next, and a test process cannot speak for the parent (it has no access to the control
    channel, and what it wrote on its own socket dies with the socket).

    The next test process is forked in advance, while the current one runs (it waits, running only the
    grader's :func:`_pre_fault`, until it is started): a fork of a parent holding torch costs milliseconds
    that the grader need not wait for."""

    def __init__(self, control: socket.socket, setup: dict[str, Any]) -> None:
        self.control = control
        self.commands = os.fdopen(os.dup(control.fileno()), "rb", buffering=0)  # select() sees all it holds
        self.events = os.fdopen(os.dup(control.fileno()), "wb", buffering=0)
        self.setup = setup
        self.chunks = compile_chunks(setup["chunks"])
        self.typical_module = compile(_TYPICAL_MODULE, "<typical module>", "exec")
        self.scratch = [os.getcwd(), "/dev/shm"] if setup.get("confined") else [os.getcwd()]
        self.forked = 0
        #: the parent's own descriptors, closed in every test's process first thing
        self.own_fds = (control.fileno(), self.commands.fileno(), self.events.fileno())

    def serve(self) -> int:
        import gc

        gc.collect()
        gc.freeze()  # a test's process never collects (so never writes to) the parent's objects: cheap forks
        spare = self._fork(running=None)
        while True:
            if spare.poll() is not None:  # killed by the test before it: never started, replaced
                spare.close()
                spare = self._fork(running=None)
            current = spare
            try:
                self._start(current)
            except OSError:  # the grader closed the control channel
                return self._stop(current)
            spare = self._fork(running=current)
            ended = self._await_end(current)
            if ended is None:
                return self._stop(current, spare)
            self._clean_up(keep=spare.pid)
            try:
                codec.write_message(
                    self.events, {"status": Status.CHILD_EXIT, "process": current.index, **ended}
                )
            except OSError:
                return self._stop(spare)

    def _fork(self, running: _TestProcess | None) -> _TestProcess:
        """Fork the next test's process (while ``running``, the current test's, runs); it waits for ``go``
        (a byte on its pipe) before it loads."""
        self.forked += 1
        ours, theirs = socket.socketpair()
        go_read, go_write = os.pipe()
        inherited = [*self.own_fds, go_write, ours.fileno()]
        if running is not None and running.pidfd is not None:
            inherited.append(running.pidfd)
        pid = os.fork()
        if pid == 0:  # the test's process
            status = 1
            try:
                for fd in inherited:
                    os.close(fd)
                _pre_fault(self.typical_module)
                started = os.read(go_read, 1) == b"g"
                os.close(go_read)
                if started:
                    reader = os.fdopen(theirs.detach(), "rb")  # buffered: a request's parts, few calls
                    writer = os.fdopen(os.dup(reader.fileno()), "wb", buffering=0)
                    session = _Session(reader, writer)
                    session.send(session.load(self.setup["module_name"], self.chunks))
                    status = session.serve()
                else:
                    status = 0
            finally:
                os._exit(status)
        os.close(go_read)
        theirs.close()
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        return _TestProcess(self.forked, pid, go_write, ours, pidfd)

    def _start(self, process: _TestProcess) -> None:
        """Let ``process`` load the submission, and hand its socket to the grader."""
        import signal

        try:
            os.kill(process.pid, signal.SIGCONT)  # the test before may have stopped it
            os.write(process.go, b"g")
        except OSError:
            pass  # it died: the grader reads its end from the socket and child_exit
        frame = codec.frame({"status": Status.TEST_PROCESS, "process": process.index})
        os.close(process.go)
        process.go = -1
        try:
            socket.send_fds(self.control, [frame], [process.channel.fileno()])
        finally:
            process.channel.close()

    def _await_end(self, current: _TestProcess) -> dict[str, Any] | None:
        """Wait until ``current`` ends by itself or the grader says ``end`` for it (then kill it); how it
        ended, or None when the grader closed the control channel."""
        import select
        import signal

        commands = self.commands.fileno()
        watched = [commands] + ([current.pidfd] if current.pidfd is not None else [])
        ended = False
        while not ended and current.poll() is None:
            ready, _, _ = select.select(watched, [], [], None if current.pidfd is not None else 0.02)
            if commands not in ready:
                continue
            try:
                request, _ = codec.read_message(self.commands, 4096)
            except (EOFError, OSError, CodecError):
                return None
            if request.get("op") == "end" and request.get("process") == current.index:
                ended = True  # else an end for a process that has already ended by itself
                _process_tree.kill([current.pid])
                if request.get("exit_status") is True:  # the grader reports how it ended: wait for that
                    current.wait()
        code = current.poll()  # None: exiting, reaped later (freeing its memory takes milliseconds)
        current.close()
        # killed here, not ended by itself a moment before (its exit status would then be its own)
        return {"code": code, "ended_by_grader": ended and code == -signal.SIGKILL}

    def _stop(self, *processes: _TestProcess | None) -> int:
        import signal

        for process in processes:
            if process is not None:
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except OSError:
                    pass
        _process_tree.end_descendants()
        return 0

    def _clean_up(self, keep: int) -> None:
        _process_tree.end_descendants(keep)
        for folder in self.scratch:
            _empty_folder(folder)


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    commands = os.fdopen(os.dup(control.fileno()), "rb", buffering=0)
    writer = os.fdopen(os.dup(control.fileno()), "wb", buffering=0)
    setup, _ = codec.read_message(commands)
    commands.close()
    try:
        _apply_limits(setup.get("limits", {}))
        _drop_privileges(setup.get("drop_to"))
        preflight = [str(name) for name in setup.get("preflight", [])]
        _preflight(preflight)
        _harden()
        _warm_up([str(name) for name in setup.get("warm", preflight)])
    except BaseException as exc:  # noqa: BLE001 - no student code has run: this is the grader's fault
        codec.write_message(
            writer, {"status": Status.GRADER_FAULT, "message": f"{type(exc).__name__}: {exc}"}
        )
        return 1
    codec.write_message(writer, {"status": Status.READY})
    writer.close()
    return _WarmParent(control, setup).serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
