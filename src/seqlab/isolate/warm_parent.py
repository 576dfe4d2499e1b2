"""The worker's first process, which never runs student code: it forks a test process at a time and
ends it when the grader says so (:class:`WarmParent`)."""

from __future__ import annotations

import os
import socket
import sys
import types
from dataclasses import dataclass
from typing import Any

from seqlab.errors import CodecError
from seqlab.isolate import codec
from seqlab.isolate import process_tree as _process_tree
from seqlab.isolate.protocol import Status
from seqlab.isolate.session import Session, compile_chunks

TYPICAL_MODULE = """
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


def pre_fault(typical_module: types.CodeType) -> None:
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
            session = Session(reader, os.fdopen(os.dup(reader.fileno()), "wb", buffering=0))
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


def empty_folder(folder: str) -> None:
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


@dataclass
class TestProcess:
    """A process forked from the warm parent to answer one test. Until it is given ``go`` it waits, having
    run no student code; then it loads the submission and answers on its own socket (``channel``)."""

    index: int
    pid: int
    go: int  # the parent's end of the socket it waits on for ``go`` (closed once it is started)
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
                self.status = exit_code(status)
        return self.status

    def wait(self) -> int:
        if self.status is None:
            try:
                self.status = exit_code(os.waitpid(self.pid, 0)[1])
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


def exit_code(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


class WarmParent:
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
    grader's :func:`pre_fault`, until it is started): a fork of a parent holding torch costs milliseconds
    that the grader need not wait for."""

    def __init__(self, control: socket.socket, setup: dict[str, Any]) -> None:
        self.control = control
        self.commands = os.fdopen(os.dup(control.fileno()), "rb", buffering=0)  # select() sees all it holds
        self.events = os.fdopen(os.dup(control.fileno()), "wb", buffering=0)
        self.setup = setup
        self.chunks = compile_chunks(setup["chunks"])
        self.typical_module = compile(TYPICAL_MODULE, "<typical module>", "exec")
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
            while not self._wake(spare):  # killed by the test before it: never started, replaced
                spare.wait()
                spare.close()
                spare = self._fork(running=None)
            current = spare
            try:
                self._hand_over(current)
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

    def _fork(self, running: TestProcess | None) -> TestProcess:
        """Fork the next test's process (while ``running``, the current test's, runs); it waits for ``go``
        (a byte on a socket of its own, which it answers) before it loads."""
        self.forked += 1
        ours, theirs = socket.socketpair()
        go_ours, go_theirs = socket.socketpair()
        inherited = [*self.own_fds, go_ours.fileno(), ours.fileno()]
        if running is not None and running.pidfd is not None:
            inherited.append(running.pidfd)
        pid = os.fork()
        if pid == 0:  # the test's process
            status = 1
            try:
                for fd in inherited:
                    os.close(fd)
                pre_fault(self.typical_module)
                started = os.read(go_theirs.fileno(), 1) == b"g"
                if started:
                    os.write(go_theirs.fileno(), b"a")  # alive once the test before has ended
                go_theirs.close()
                if started:
                    reader = os.fdopen(theirs.detach(), "rb")  # buffered: a request's parts, few calls
                    writer = os.fdopen(os.dup(reader.fileno()), "wb", buffering=0)
                    session = Session(reader, writer)
                    session.send(session.load(self.setup["module_name"], self.chunks))
                    status = session.serve()
                else:
                    status = 0
            finally:
                os._exit(status)
        go_theirs.close()
        theirs.close()
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        return TestProcess(self.forked, pid, go_ours.detach(), ours, pidfd)

    def _wake(self, process: TestProcess) -> bool:
        """Let ``process`` load the submission; whether it is alive to do so. The test before, and all it
        left, have ended: a signal it sent this process (SIGKILL, SIGSTOP) has been delivered before the
        process can answer ``go``, so an answer means that no earlier test decides this one's fate."""
        import signal

        try:
            os.kill(process.pid, signal.SIGCONT)  # the test before may have stopped it
            os.write(process.go, b"g")
            alive = os.read(process.go, 1) == b"a"
        except OSError:
            alive = False
        os.close(process.go)
        process.go = -1
        return alive

    def _hand_over(self, process: TestProcess) -> None:
        """Hand the socket of a started ``process`` to the grader."""
        frame = codec.frame({"status": Status.TEST_PROCESS, "process": process.index})
        try:
            socket.send_fds(self.control, [frame], [process.channel.fileno()])
        finally:
            process.channel.close()

    def _await_end(self, current: TestProcess) -> dict[str, Any] | None:
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

    def _stop(self, *processes: TestProcess | None) -> int:
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
            empty_folder(folder)
