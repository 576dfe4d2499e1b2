"""How the worker's warm parent ends what a test's process leaves behind, found through ``/proc``.

A killed process is harmless once every one of its threads is *exiting* (the kernel's ``PF_EXITING``, set
when it enters ``do_exit``): it never returns to user mode, and its last system call has finished, so it
can neither write another file nor start another process. What the kernel does after that (tearing down an
address space that holds torch: 4-15 ms) need not be waited for: the warm parent cleans up, starts the next
test's process and reaps the dead one later (:func:`reap_zombies`).

Only the warm parent uses this module, in the worker's own process namespace (every process in it is the
worker's), single-threaded.
"""

from __future__ import annotations

import os
import signal
import time

PF_EXITING = 0x4  # include/linux/sched.h: "getting shut down"


def _stat(path: str) -> tuple[bytes, int, int] | None:
    """(state, parent pid, flags) of ``/proc/.../stat``, or None when it is gone or unreadable."""
    try:
        with open(path, "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[0], int(fields[1]), int(fields[6])
    except (OSError, IndexError, ValueError):
        return None


def _threads(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def children(pid: int) -> list[int] | None:
    """The children of process ``pid`` (of each of its threads), or None where the kernel does not list
    them (``/proc/<pid>/task/<tid>/children`` needs CONFIG_PROC_CHILDREN)."""
    found: list[int] = []
    for tid in _threads(pid):
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as listed:
                found.extend(int(child) for child in listed.read().split())
        except FileNotFoundError:
            continue  # the thread has just ended
        except (OSError, ValueError):
            return None
    return found


def _children_by_scan() -> dict[int, list[int]]:
    """Every process' children, from a scan of ``/proc`` (where :func:`children` is not available)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(f"/proc/{entry}/stat")
            if stat is not None:
                tree.setdefault(stat[1], []).append(int(entry))
    return tree


def descendants(root: int, keep: int = 0) -> list[int]:
    """Every process below ``root`` (children, their children, ...), but ``keep`` and what is below it."""
    tree = None if children(root) is not None else _children_by_scan()
    found: list[int] = []
    below = [root]
    while below:
        pid = below.pop()
        kids = (children(pid) or []) if tree is None else tree.get(pid, [])
        for kid in kids:
            if kid != keep and kid not in found:
                found.append(kid)
                below.append(kid)
    return found


def exiting(pid: int) -> bool:
    """Whether process ``pid`` can run nothing more: every thread exiting or a zombie, or it is gone."""
    for tid in _threads(pid):
        stat = _stat(f"/proc/{pid}/task/{tid}/stat")
        if stat is not None and stat[0] not in (b"Z", b"X") and not stat[2] & PF_EXITING:
            return False
    return True


def kill(pids: list[int]) -> None:
    """SIGKILL each of ``pids`` and return once each is :func:`exiting` (not when it is reaped). A process
    that never gets there keeps this waiting: the grader's timeout then ends the whole worker."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    pause = 0.0
    for pid in pids:
        while not exiting(pid):
            time.sleep(pause)  # 0 at first: the killed process needs a core for a moment
            pause = min(pause * 2 or 0.0001, 0.002)


def end_descendants(keep: int = 0, rounds: int = 64) -> None:
    """Kill every process below this one but ``keep`` (the next test's process, which has run nothing), round
    after round while killed ones leave new ones behind, then reap the dead children that are ready."""
    me = os.getpid()
    for _ in range(rounds):
        living = [pid for pid in descendants(me, keep) if not exiting(pid)]
        if not living:
            break
        kill(living)
    reap_zombies(keep)


def reap_zombies(keep: int = 0) -> None:
    """Reap this process' children that have ended (zombies), but ``keep``, without waiting for others."""
    me = os.getpid()
    listed = children(me)
    for pid in listed if listed is not None else _children_by_scan().get(me, []):
        if pid == keep:
            continue
        stat = _stat(f"/proc/{pid}/stat")
        if stat is None or stat[0] in (b"Z", b"X"):
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
