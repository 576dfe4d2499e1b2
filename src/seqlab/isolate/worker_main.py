"""Entry point of the worker process: the only place where student code runs.

Started by :class:`seqlab.isolate.worker.Worker` as ``python -s -P -m seqlab.isolate.worker_main CONTROL_FD``,
where the descriptor is the worker's end of a Unix socket, its control channel. It reads its set-up there,
applies the resource limits it is given, becomes the unprivileged user, checks that it can import what the
course needs (:func:`_preflight`) and says ``ready``. Anything that fails before ``ready`` is the grader's
fault (its installation, its sandbox), never the student's: the worker answers ``grader_fault`` with the
cause, or dies before answering. Then, as the warm parent (:class:`seqlab.isolate.warm_parent.WarmParent`), it
forks a process per test that executes the submission's code chunks in a fresh module and answers requests
(``call``, ``next``) on a socket of its own until the grader ends it. Every value it sends is encoded by
:mod:`seqlab.isolate.codec`; an exception of the student's code is answered as an error message, never
propagated. Nothing here trusts the submission, and the grader trusts nothing that comes from a test's
process.
"""

from __future__ import annotations

import os
import socket
import sys

from seqlab.isolate import codec
from seqlab.isolate.protocol import Status
from seqlab.isolate.session import reseed
from seqlab.isolate.warm_parent import WarmParent


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

    import numpy.random  # noqa: F401  - lazily imported by numpy 2, needed by reseed()

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


_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36


def prctl(option: int, value: int) -> None:
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the other layers remain


def harden() -> None:
    """Make this process undumpable (a test's process, which has the same user, cannot then read or write
    the warm parent's memory through ``/proc/<pid>/mem`` or ptrace it to carry state to the next test) and
    a child subreaper (every process a test leaves behind, however it detaches, becomes its child, so it
    can end them all)."""
    prctl(_PR_SET_DUMPABLE, 0)
    prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _warm_up(modules: list[str]) -> None:
    """Import, in the warm parent, what every test's process would otherwise import again (torch takes
    seconds): the fork then hands it over for free. No student code has run yet."""
    if "torch" in modules:
        import torch

        from seqlab.isolate.evidence import graph_call  # noqa: F401
        from seqlab.isolate.trace import traced_call

        # torch's import, its first dispatch and the trace modes' first use (seconds in all)
        traced_call(lambda t: (t + 1).sum().item(), (torch.zeros(2, dtype=torch.float64),), {})
    reseed()  # the first torch.manual_seed initialises its generators (17 ms, in every test's process)


#: a module as a submission's (see :func:`pre_fault`)
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
        harden()
        _warm_up([str(name) for name in setup.get("warm", preflight)])
    except BaseException as exc:  # noqa: BLE001 - no student code has run: this is the grader's fault
        codec.write_message(
            writer, {"status": Status.GRADER_FAULT, "message": f"{type(exc).__name__}: {exc}"}
        )
        return 1
    codec.write_message(writer, {"status": Status.READY})
    writer.close()
    return WarmParent(control, setup).serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
