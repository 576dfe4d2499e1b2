"""Fresh namespaces for a process forked inside the sandbox: the core of a warm zygote (issue 20).

Today every submission gets its own bubblewrap sandbox, and its worker imports numpy and torch again
(torch: about 3 s of CPU, half of the test suite's CPU). A zygote would import them once, inside one
sandbox, and fork each submission's warm parent. For that fork to be as isolated from the submissions
before and after it as a sandbox of its own, it has to get what bubblewrap gives each sandbox, before any
student code runs. :func:`enter_fresh_namespaces` does that, in a forked child of a process that is root
inside the sandbox (bubblewrap started by root, without ``--unshare-user``):

* new **mount**, **IPC** and **network** namespaces (no SysV IPC, abstract Unix socket or loopback port
  of another submission is reachable), with every mount made private first;
* a fresh, size-limited **tmpfs** on each scratch folder (``/tmp``, ``/dev/shm``): nothing another
  submission wrote there is visible, and nothing written here outlives this process;
* a new **PID** namespace, whose first process (pid 1) is the one that returns: it sees only its own
  processes in a ``/proc`` mounted for it, and when it ends the kernel ends every process it left behind.

The caller then drops privileges (``setgroups``, ``setgid``, ``setuid``: no capability is left) and applies
the resource limits, as the worker does today (:mod:`seqlab.isolate.worker_main`). This module is not yet
used by the grader; its tests run it inside the real sandbox. Known limit, for the wiring: the tmpfs on
``/tmp`` hides whatever bubblewrap bound below it, such as a course and its virtual environment under
``/tmp`` (as in CI), so modules not imported before the call could no longer be found there.
"""

from __future__ import annotations

import ctypes
import functools
import os
import select
import signal
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["NamespaceError", "enter_fresh_namespaces"]

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1


class NamespaceError(OSError):
    """A namespace or mount could not be set up: the grader's environment, never the student's doing."""


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise NamespaceError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc().mount(
            source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
            data.encode() if data else None,
        ),
        f"mount {fstype or source} on {target}",
    )  # fmt: skip


def enter_fresh_namespaces(scratch: Sequence[str], scratch_bytes: int) -> None:
    """Move this process into new mount, IPC, network and PID namespaces with a fresh tmpfs of
    ``scratch_bytes`` on each folder of ``scratch``; the call returns in the new PID namespace's first
    process (pid 1), with a ``/proc`` of its own.

    The calling process does not return: it forks that first process, becomes its *waiting parent* and
    ends as the first process ends (the same exit code, or the same signal). The first process is killed
    when the waiting parent dies (``PR_SET_PDEATHSIG``), and with it everything left in its namespace.
    Call it in a forked child before any student code runs. Raises :class:`NamespaceError` where the kernel
    refuses: the namespaces and scratch mounts in the calling process (before the fork), the death signal
    and ``/proc`` in the first process.
    """
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID), "unshare")
    _mount("none", "/", None, MS_REC | MS_PRIVATE)  # no mount propagates in or out
    for folder in scratch:
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(scratch_bytes)},mode=1777")
    alive_read, alive_write = os.pipe()  # open in the waiting parent for as long as it lives
    first = os.fork()
    if first != 0:
        os.close(alive_read)
        _wait_and_mirror(first)
    os.close(alive_write)
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if select.select([alive_read], [], [], 0)[0]:  # end of file: it died before the line above
        os._exit(1)
    os.close(alive_read)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _wait_and_mirror(pid: int) -> NoReturn:
    """Wait for ``pid`` and end this process the way it ended."""
    try:
        _, status = os.waitpid(pid, 0)  # retried by Python itself when a signal interrupts it (PEP 475)
    except ChildProcessError:
        os._exit(1)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
