"""The grader's side of the trust boundary: a worker process that runs student code.

``Worker(source, limits).call(name, args, kwargs) -> CallResult`` sends one call through the plain-data
codec and returns what happened: a value, the student's exception, a timeout, a crash, or an unsendable
return value. A failed run is a result, not an exception. After a timeout or crash the process (and its
whole process group) is killed and the next call starts a fresh one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from seqlab.errors import CodecError, GraderFault
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate import codec
from seqlab.isolate.channels import ControlReader, DeadlineReader, OutputTail, WorkerProcess
from seqlab.isolate.consistency import AnswerBook, value_digest
from seqlab.isolate.launch import WORKER_SETUP_SECONDS, popen_worker, worker_setup
from seqlab.isolate.limits import Limits
from seqlab.isolate.protocol import STUDENT_FAILURES, Status
from seqlab.isolate.replies import (
    CLOSED_CHANNEL,
    MAX_MESSAGE_CHARS,
    MAX_NAME_CHARS,
    cut,
    describe_exit,
    missing_module,
)
from seqlab.isolate.results import CallResult, CallTrace, GraphEvidence, InputEvidence
from seqlab.isolate.sandbox import SandboxPlan, installed_module_path, plan_sandbox

__all__ = ["Worker", "WorkerStats"]

#: Prerequisites of a call: a student function's name -> the grader's own version that answers it.
Prerequisites = Mapping[str, Callable[..., Any]]


def _holds_tensor(encoded: Any) -> bool:
    """Whether an encoded value (:func:`seqlab.isolate.codec.encode`) holds a torch tensor anywhere."""
    if isinstance(encoded, dict):
        return encoded.get("$") == "tensor" or any(_holds_tensor(v) for v in encoded.values())
    if isinstance(encoded, list):
        return any(_holds_tensor(v) for v in encoded)
    return False


@dataclass
class WorkerStats:
    """Counters the report uses: how many starts, crashes, timeouts, and the output seen."""

    starts: int = 0
    timeouts: int = 0
    crashes: int = 0
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0


class Worker:
    """Runs one submission in a separate, resource-limited process."""

    def __init__(
        self,
        source: SubmissionSource,
        limits: Limits | None = None,
        python: str | None = None,
        sandbox: SandboxPlan | None = None,
        preflight: tuple[str, ...] = (),
        warm: tuple[str, ...] | None = None,
    ):
        """``preflight``: modules the worker must be able to import, checked as the worker's user before it
        says ready (the reference's imports, such as ``torch``; see :mod:`seqlab.isolate.worker_main`).
        ``warm``: those of them the warm parent imports before the first test, so that every test's process
        has them (default: all of ``preflight``); torch, when left out, is imported by the first test
        process that is sent a tensor."""
        self.source = source
        self.preflight = tuple(preflight)
        self.warm = self.preflight if warm is None else tuple(warm)
        self.fault: GraderFault | None = None
        self._probed: dict[tuple[str, str], bool] = {}  # see _works_in_a_fresh_worker
        self._is_probe = False  # a probe's own failures are not probed again
        self._answering = 0.0  # seconds the grader spent answering prerequisites in the current request
        #: every prerequisite call the grader answered: (name, args, kwargs, value), for the feedback
        self.answered: list[tuple[str, tuple[Any, ...], dict[str, Any], Any]] = []
        self.limits = limits or Limits()
        self.sandbox = sandbox if sandbox is not None else plan_sandbox("auto")
        self.python = python or sys.executable
        self.stats = WorkerStats()
        self.load_result: CallResult | None = None
        self._process: WorkerProcess | None = None
        self._spent = 0.0
        self._launched_at = 0.0
        self._awaiting_load = False
        self._cuda_ready_in = 0  # the test process (generation) in which CUDA was initialised (0: none)
        self._torch_ready_in = 0  # the test process in which torch was imported for arguments
        self._tests = 0  # test processes forked so far (the generation)
        self._test_process = False  # whether a test process is up and answering
        #: the answers of the current test process, for the same-call-same-answer check (the plugin sets
        #: its ``signatures``, the reference's)
        self.answers = AnswerBook()

    # -- lifecycle -------------------------------------------------------------------------------------
    def launch(self) -> None:
        """Start the process and send it the submission without waiting (the grader prepares meanwhile)."""
        if self._process is None:
            self._launched_at = time.monotonic()
            self._launch()
            self._awaiting_load = True

    def start(self) -> CallResult:
        """Start the process (if needed) and wait for the submission to load; returns the load outcome.

        A failed load is final: the process is stopped and every later request answers with it.

        Raises:
            GraderFault: the worker failed before it said ready (it could not start, apply its limits, drop
                privileges or import what grading needs): no student code ran, so nothing is the
                student's doing; or the submission imports a module this installation provides that a
                fresh worker cannot import either. Every later request raises it again.
        """
        if self.fault is not None:
            raise self.fault
        if self.load_result is not None and not self.load_result.ok:
            return self.load_result
        self.launch()
        if self._awaiting_load:
            self._awaiting_load = False
            setup = max(self.limits.startup_timeout, WORKER_SETUP_SECONDS)
            ready = self._event(time.monotonic() + setup, what="the grader's worker set-up")
            if ready.status != Status.READY:
                self._fail(ready)
            result = self._next_test_process(self.limits.startup_timeout)
            self._spent += time.monotonic() - self._launched_at
            if result.status != Status.OK:
                self._kill()
            unreadable = self._installation_fault(result)
            if unreadable:
                self._fail(CallResult(Status.GRADER_FAULT, message=unreadable))
            self.load_result = result
        assert self.load_result is not None
        return self.load_result

    def _installation_fault(self, failed: CallResult) -> str:
        """Why a load or call that failed on an import is the installation's fault, or "".

        It is when the module is part of the Python installation the worker is given (the grader finds it
        there without importing it) and a fresh worker, with the same sandbox and user, cannot import it
        either: its files are unreadable to the worker's user, or the sandbox hides them. A submission that
        raises the error itself, or hides the module from its own imports, stays the student's failure.
        """
        if failed.status not in (Status.LOAD_ERROR, Status.ERROR) or self._is_probe:
            return ""
        name = missing_module(failed.error_type, failed.message)
        path = installed_module_path(name) if name else None
        if path is None:
            return ""
        probe = (  # the module must import as the file the grader found, not as an empty namespace package
            f"import importlib, os\nmodule = importlib.import_module({name!r})\n"
            "found = getattr(module.__spec__, 'origin', None)\n"
            f"if os.path.realpath(str(found)) != os.path.realpath({path!r}):\n"
            f"    raise ImportError('imported as ' + str(found))\n"
        )
        if self._works_in_a_fresh_worker(probe):
            return ""
        return (
            f"the submission imports {name!r}, which this installation provides ({path}), but the "
            f"worker cannot import it ({failed.message}): check that the worker's user can read it"
        )

    def _works_in_a_fresh_worker(self, code: str, warm: str = "") -> bool:
        """Whether a new worker (same Python, limits, sandbox and user) whose submission is only ``code``
        loads it, and runs the warm-up ``warm`` when one is named; tried once per run (cached)."""
        key = (code, warm)
        if key not in self._probed:
            probe_source = SubmissionSource("seqlab_probe", self.source.path, "module", (("<probe>", code),))
            with Worker(probe_source, self.limits, self.python, self.sandbox, self.preflight) as probe:
                probe._is_probe = True
                self._probed[key] = probe.start().ok and (not warm or probe._warm(warm, warm).ok)
        return self._probed[key]

    def _next_test_process(self, timeout: float) -> CallResult:
        """Take the next test's process from the warm parent (it forked it in advance and starts it when
        the last one has ended and been cleaned up after); its load reply."""
        process = self._process
        assert process is not None
        deadline = time.monotonic() + timeout
        if process.exit_pending:
            ended = self._event(deadline, what="ending the last test's process")
            if ended.status != Status.CHILD_EXIT:
                return ended
            process.exit_pending = False
        started = self._event(deadline, what="starting your code")
        if started.status != Status.TEST_PROCESS:
            return (
                started if started.status != Status.CHILD_EXIT else self._lost("a test process ended unasked")
            )
        process.channel, process.index = started.value
        process.reader = DeadlineReader(process.channel)
        self._tests += 1
        self.answers.forget()
        result = self._exchange(None, [], self._left(deadline), what="starting your code")
        self._test_process = result.ok
        return result

    def isolate(self) -> None:
        """End the current test's process: the next request runs in a fresh one, forked from the warm parent,
        that has seen nothing of the earlier requests (call it before each test). The grader does not wait
        here: the warm parent ends it and starts the next one while the grader prepares the next test, and
        the next request waits for that (charged to the submission's budget)."""
        process = self._process
        if process is None or not self._test_process:
            return
        self._test_process = False
        self._end_test_process(process)

    def _end_test_process(self, process: WorkerProcess, exit_status: bool = False) -> None:
        """Ask the warm parent to kill the current test's process (its ``child_exit`` is read later, with the
        process' exit status if ``exit_status``: then the parent waits until the kernel has reaped it)."""
        process.close_channel()
        process.exit_pending = True
        request = {"op": "end", "process": process.index, "exit_status": exit_status}
        try:
            self._write(process.control.fileno(), request, [])
        except OSError:
            self._kill()  # the warm parent is gone: the next request starts a new worker

    def _event(self, deadline: float, what: str) -> CallResult:
        """The next message of the warm parent on the control channel, before ``deadline``: READY,
        GRADER_FAULT (its set-up failed), TEST_PROCESS (value: the test socket's descriptor and the
        process' number), CHILD_EXIT (value: the exit code); a dead, silent or garbled parent is killed
        and answers CRASH, TIMEOUT or PROTOCOL."""
        process = self._process
        assert process is not None
        began = time.monotonic()
        process.events.deadline = deadline
        try:
            event, _ = codec.read_message(process.events, 1 << 16)
        except TimeoutError:
            self.stats.timeouts += 1
            self._kill()
            return CallResult(Status.TIMEOUT, message=f"{what} did not finish within {deadline - began:g} s")
        except (EOFError, OSError):
            code = process.popen.poll()
            if code is None:
                try:
                    code = process.popen.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    code = None
            self.stats.crashes += 1
            self._kill()
            return CallResult(Status.CRASH, message=describe_exit(code), duration=time.monotonic() - began)
        except CodecError as exc:
            return self._lost(f"the worker sent malformed data ({exc})")
        status, duration = Status.parse(event.get("status")), time.monotonic() - began
        if status == Status.READY:
            return CallResult(Status.READY, duration=duration)
        if status == Status.GRADER_FAULT:
            return CallResult(Status.GRADER_FAULT, message=cut(event.get("message", ""), MAX_MESSAGE_CHARS))
        if status == Status.TEST_PROCESS and process.events.received and type(event.get("process")) is int:
            return CallResult(Status.TEST_PROCESS, value=(process.events.received.pop(0), event["process"]))
        if status == Status.CHILD_EXIT and event.get("process") == process.index:
            code = event.get("code")
            ended = (code if type(code) is int else None, event.get("ended_by_grader") is True)
            return CallResult(Status.CHILD_EXIT, value=ended, duration=duration)
        named = cut(event.get("status"), MAX_NAME_CHARS)
        return self._lost(f"the worker sent an unexpected message ({named})")

    def _lost(self, message: str) -> CallResult:
        self._kill()
        return CallResult(Status.PROTOCOL, message=message)

    @staticmethod
    def _left(deadline: float) -> float:
        return max(deadline - time.monotonic(), 0.001)

    def _fail(self, failed: CallResult) -> None:
        """Stop the worker and raise (and keep) the :class:`GraderFault` for ``failed``: the worker's set-up
        failed, or a fresh worker showed that the installation, not the submission, is at fault."""
        self._kill()  # drains the worker's output into stats first
        output, _ = self.output_text()
        cause = failed.message or failed.status
        if failed.status in (
            Status.CRASH,
            Status.TIMEOUT,
        ):  # before ready: the worker's own set-up crashed or hung
            cause = cause.replace("your code", "the grader's worker")
            tail = "\n".join(output.strip().splitlines()[-12:])
            cause += f"\nworker output:\n{tail}" if tail else ""
        self.fault = GraderFault(
            "the worker that runs student code cannot work on this installation (a problem with the "
            f"installation or its sandbox, not with the submission): {cause}"
        )
        raise self.fault

    def _launch(self) -> None:
        self.stats.starts += 1
        control, theirs = socket.socketpair()
        workdir = tempfile.TemporaryDirectory(prefix="seqlab-worker-")
        try:
            popen = popen_worker(self.sandbox, self.limits, self.python, theirs.fileno(), workdir.name)
        except OSError as exc:
            control.close()
            theirs.close()
            workdir.cleanup()
            self.fault = GraderFault(f"the worker that runs student code could not be started: {exc}")
            raise self.fault from exc
        theirs.close()
        output = OutputTail(popen.stdout, self.limits.output_bytes)
        self._process = WorkerProcess(popen, control, ControlReader(control), output, workdir)
        setup = worker_setup(self.source, self.limits, self.sandbox, self.preflight, self.warm)
        try:
            self._write(control.fileno(), setup, [])
        except OSError:
            pass  # the process died at once; reading its ready message reports the crash

    def close(self) -> None:
        """Stop the worker (idempotent)."""
        self._kill()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _kill(self) -> None:
        process, self._process = self._process, None
        self._test_process = False
        if process is None:
            return
        process.close_channel()
        process.events.close()
        process.control.close()
        try:
            os.killpg(process.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.popen.wait()
        process.output.join(timeout=2)
        self.stats.output += process.output.kept[: max(0, self.limits.output_bytes - len(self.stats.output))]
        self.stats.output_total += process.output.total
        process.workdir.cleanup()

    @property
    def time_spent(self) -> float:
        return self._spent

    # -- requests --------------------------------------------------------------------------------------
    def call(
        self,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        *,
        trace: bool = False,
        watch: bool = False,
        graph: bool = False,
        prerequisites: Prerequisites | None = None,
    ) -> CallResult:
        """Call the student's function ``name`` with plain-data arguments.

        With ``trace=True`` the call runs under the worker's torch operator trace and the result carries a
        :class:`CallTrace`; with ``watch=True`` it carries :class:`InputEvidence` (arguments changed in
        place, outputs sharing memory with them), with ``graph=True`` :class:`GraphEvidence` (whether a
        torch value stays on its inputs' autograd graph); one of the three at a time. ``prerequisites``
        maps names of other student functions to the grader's own versions (the reference's): while this
        call runs, the student's code that calls one of them is answered by the grader's version, computed
        here (see :data:`Prerequisites`).
        """
        blobs: list[bytes] = []
        request = {
            "op": "call",
            "name": name,
            "args": codec.encode(tuple(args), blobs),
            "kwargs": codec.encode(dict(kwargs or {}), blobs),
            "trace": bool(trace),
            "watch": bool(watch),
            "graph": bool(graph),
            "prerequisites": sorted(prerequisites or {}),
        }
        # A tensor always travels as a blob: without blobs there is none to look for (a 500,000-word dict
        # is not walked on every call).
        torch_needed = blobs and (_holds_tensor(request["args"]) or _holds_tensor(request["kwargs"]))
        if torch_needed and "torch" not in self.warm:  # else the warm parent imported it
            warmed = self._warm("warm_torch", "importing torch")
            if not warmed.ok:
                return warmed
        result = self._request(request, blobs, what=f"{name}()", prerequisites=prerequisites)
        return self.answers.check(request, blobs, result)

    def next(
        self, handle: codec.IteratorHandle, generation: int, prerequisites: Prerequisites | None = None
    ) -> CallResult:
        """Advance an iterator the worker returned earlier (``prerequisites`` as for :meth:`call`)."""
        if generation != self._tests or self._process is None or not self._test_process:
            return CallResult(Status.CRASH, message="the process holding this iterator ended")
        request = {"op": "next", "id": handle.id, "prerequisites": sorted(prerequisites or {})}
        return self._request(request, [], what="next()", prerequisites=prerequisites)

    @property
    def generation(self) -> int:
        """Changes whenever a new test process is forked (iterators do not outlive their process)."""
        return self._tests

    def warm_cuda(self) -> CallResult:
        """Initialise CUDA in the worker (driver, context, cuBLAS) before the first GPU check.

        It runs under the start-up timeout, once per test process (CUDA cannot be handed over by a fork,
        so the warm parent never initialises it), and is charged to the submission's budget like every
        start-up: a submission that makes the worker start again and again spends its own time.
        """
        return self._warm("warm_cuda", "initialising CUDA")

    def _warm(self, op: str, what: str) -> CallResult:
        """Run a warm-up ``op`` (``warm_torch``, ``warm_cuda``) once per process, under the start-up timeout.

        ``warm_torch`` imports torch (and runs the call trace once) before the first call whose arguments hold
        tensors when the warm parent has not imported it (the reference does not use torch): the worker
        needs torch to rebuild them.
        """
        load = self._ensure_test_process()
        if not load.ok:
            return load
        attribute = f"_{op.removeprefix('warm_')}_ready_in"
        if getattr(self, attribute) == self._tests:
            return CallResult(Status.OK, value=True)
        began = time.monotonic()
        result = self._exchange({"op": op}, [], self.limits.startup_timeout, what=what)
        self._spent += time.monotonic() - began
        if result.ok:
            setattr(self, attribute, self._tests)
        elif op == "warm_torch" and not self._works_in_a_fresh_worker("", warm=op):
            self._fail(
                CallResult(Status.GRADER_FAULT, message=f"the worker cannot import torch ({result.message})")
            )
        return result

    def _request(
        self,
        request: dict[str, Any],
        blobs: list[bytes],
        what: str,
        prerequisites: Prerequisites | None = None,
    ) -> CallResult:
        if self._spent < self.limits.submission_timeout:
            load = self._ensure_test_process()  # (re)starts the process after a crash or timeout
            if not load.ok:
                return load
        remaining = self.limits.submission_timeout - self._spent
        if remaining <= 0:
            return CallResult(
                Status.BUDGET,
                message=f"the submission's time budget of {self.limits.submission_timeout:g} s is spent",
            )
        began = time.monotonic()
        self._answering = 0.0
        result = self._exchange(request, blobs, min(self.limits.call_timeout, remaining), what, prerequisites)
        self._spent += time.monotonic() - began - self._answering
        unreadable = self._installation_fault(result)  # a call that imports what the worker cannot read
        if unreadable:
            self._fail(CallResult(Status.GRADER_FAULT, message=unreadable))
        return result

    def _ensure_test_process(self) -> CallResult:
        """Start the worker if needed (:meth:`start`) and make sure a test process is up to answer."""
        load = self.start()
        if not load.ok or self._test_process:
            return load
        began = time.monotonic()
        result = self._next_test_process(self.limits.startup_timeout)
        self._spent += time.monotonic() - began
        if (
            result.status == Status.LOAD_ERROR
        ):  # it loaded before: the submission's top level is not deterministic
            self._kill()
        return result if not result.ok else load

    def _send(self, header: dict[str, Any], blobs: list[bytes]) -> None:
        """Send a request to the current test's process."""
        assert self._process is not None
        self._write(self._process.channel, header, blobs)

    @staticmethod
    def _write(fd: int, header: dict[str, Any], blobs: list[bytes]) -> None:
        with os.fdopen(os.dup(fd), "wb", buffering=0) as stream:
            codec.write_message(stream, header, blobs)

    def _exchange(
        self,
        header: dict[str, Any] | None,
        blobs: list[bytes],
        timeout: float,
        what: str,
        prerequisites: Prerequisites | None = None,
    ) -> CallResult:
        """Send ``header`` (None: only await the load reply) and read the answer before ``timeout``; the
        time the grader spends answering prerequisites is not counted."""
        process = self._process
        assert process is not None
        began = time.monotonic()
        try:
            if header is not None:
                self._send(header, blobs)
            assert process.reader is not None  # _ensure_test_process gave this request a test process
            process.reader.deadline = began + timeout
            reply, reply_blobs = codec.read_message(process.reader, self.limits.reply_bytes)
            while reply.get("status") == Status.PREREQUISITE:
                answering = time.monotonic()
                self._answer(reply, reply_blobs, prerequisites or {})
                spent = time.monotonic() - answering
                self._answering += spent
                process.reader.deadline += spent
                reply, reply_blobs = codec.read_message(process.reader, self.limits.reply_bytes)
        except TimeoutError:
            self.stats.timeouts += 1
            self._kill()
            return CallResult(
                Status.TIMEOUT,
                message=f"{what} did not finish within {timeout:g} s",
                duration=time.monotonic() - began,
            )
        except (EOFError, OSError):  # a broken pipe: the test's process died (or closed its socket)
            return self._test_process_died(process, began)
        except CodecError as exc:
            self._kill()
            return CallResult(Status.PROTOCOL, message=f"the worker sent malformed data ({exc})")
        duration = time.monotonic() - began
        status = Status.parse(reply.get("status"))
        if status == Status.OK:
            if "functions" in reply:  # the answer to loading the submission
                functions = reply["functions"] if type(reply["functions"]) is list else []
                names = tuple(cut(f, MAX_NAME_CHARS) for f in functions[:1000])
                return CallResult(Status.OK, value=names, duration=duration)
            try:
                value = codec.decode(reply.get("value"), reply_blobs)
            except CodecError as exc:
                self._kill()
                return CallResult(Status.PROTOCOL, message=f"the worker sent malformed data ({exc})")
            digest, text = value_digest(reply.get("value"), reply_blobs)
            return CallResult(
                Status.OK,
                value=value,
                size=len(text) + sum(len(blob) for blob in reply_blobs),
                digest=b"" if b'"$": "iterator"' in text else digest,
                duration=duration,
                trace=CallTrace.from_reply(reply.get("trace")),
                inputs=InputEvidence.from_reply(reply.get("inputs")),
                graph=GraphEvidence.from_reply(reply.get("graph")),
            )
        mro = reply.get("error_mro")
        return CallResult(
            status if status in STUDENT_FAILURES else Status.PROTOCOL,
            error_type=cut(reply.get("error_type", ""), MAX_NAME_CHARS),
            error_mro=tuple(cut(x, MAX_NAME_CHARS) for x in (mro if type(mro) is list else [])[:32]),
            message=cut(reply.get("message", ""), MAX_MESSAGE_CHARS),
            traceback=cut(reply.get("traceback", ""), MAX_MESSAGE_CHARS, keep_end=True),
            duration=duration,
        )

    def _test_process_died(self, process: WorkerProcess, began: float) -> CallResult:
        """The current test's socket closed: its process died, or closed the socket and lives on. The warm
        parent ends it (and what it left running) and says how it ended; the warm parent lives on."""
        self.stats.crashes += 1
        self._test_process = False
        self._end_test_process(process, exit_status=True)
        if self._process is None:  # the warm parent is gone too
            return CallResult(Status.CRASH, message=describe_exit(process.popen.poll()))
        ended = self._event(time.monotonic() + self.limits.startup_timeout, what="ending your code's process")
        if ended.status != Status.CHILD_EXIT:
            return CallResult(Status.CRASH, message=describe_exit(None), duration=time.monotonic() - began)
        process.exit_pending = False
        code, by_grader = ended.value
        message = CLOSED_CHANNEL if by_grader else describe_exit(code)
        return CallResult(Status.CRASH, message=message, duration=time.monotonic() - began)

    def _answer(self, request: dict[str, Any], blobs: list[bytes], prerequisites: Prerequisites) -> None:
        """Answer the worker's call of a prerequisite with the grader's version, or refuse it: only the
        prerequisites of the request in progress are answered (a kept handle called later is refused)."""
        name = request.get("name")
        function = prerequisites.get(name) if isinstance(name, str) else None
        if function is None:
            reply: dict[str, Any] = {
                "op": "refuse",
                "error_type": "RuntimeError",
                "message": f"{name}() cannot be called here: the grader answers it only while the function "
                "that needs it is being graded",
            }
            self._send(reply, [])
            return
        args = codec.decode(request.get("args"), blobs)
        kwargs = codec.decode(request.get("kwargs"), blobs)
        if type(args) is not tuple or type(kwargs) is not dict:
            raise CodecError("malformed prerequisite call")
        try:
            value = function(*args, **kwargs)
            out: list[bytes] = []
            self.answered.append((name, args, kwargs, value))
            self._send({"op": "answer", "value": codec.encode(value, out)}, out)
        except Exception as exc:  # noqa: BLE001 - the reference refused these arguments: the student's doing
            self._send({"op": "error", "error_type": type(exc).__name__, "message": str(exc)[:2000]}, [])

    def output_text(self) -> tuple[str, int]:
        """The kept worker output (decoded) and the total number of bytes it printed."""
        kept = bytes(self.stats.output)
        total = self.stats.output_total
        if self._process is not None:
            kept += bytes(self._process.output.kept)
            total += self._process.output.total
        return kept[: self.limits.output_bytes].decode("utf-8", "replace"), total
