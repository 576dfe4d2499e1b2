"""How a worker process is started: its command line (inside the sandbox), its environment built from
scratch, and the set-up message it reads first (:mod:`seqlab.isolate.worker_main`)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from typing import Any

from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.limits import Limits
from seqlab.isolate.sandbox import SANDBOX_WORKDIR, SandboxPlan
from seqlab.suite.gpu import nvidia_device_present

__all__ = ["WORKER_SETUP_SECONDS", "popen_worker", "worker_environment", "worker_setup"]

#: Seconds the worker's own set-up (limits, user, imports such as torch, before any student code) may take
#: at most; a worker that has not said ready by then is a grader fault. Its time is charged to the
#: submission's budget all the same (see :meth:`seqlab.isolate.worker.Worker.start`).
WORKER_SETUP_SECONDS = 120.0

#: The grader's environment variables a worker keeps (everything else is left behind).
PASSED_ENV = (
    "PATH",
    "LANG",
    "LC_ALL",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "CUDA_VISIBLE_DEVICES",
    "LD_LIBRARY_PATH",  # where a CUDA driver or toolkit outside the wheel lives
)


def huge_pages_environment() -> dict[str, str]:
    """glibc's malloc backs its heap with transparent huge pages where the kernel allows them, and Python's
    objects are allocated by that malloc (``PYTHONMALLOC=malloc``: Python's own allocator maps its arenas
    in small pages, 35 MB of them with torch imported). The warm parent's memory (some 220 MB with torch)
    then takes a few hundred page-table entries, not tens of thousands, so forking a test's process and
    ending it cost a fraction (measured with torch: fork 3.9 -> 1.7 -> 1.2 ms, exit 6.3 -> 4.1 -> 1.7 ms,
    without the two settings, with the first, with both). Only from Linux 5.8, whose copy-on-write of a
    huge page copies one small page (before, a test's first write to it copied 2 MB); glibc before 2.35
    ignores the first setting."""
    release = platform.release().split(".")
    try:
        recent = sys.platform == "linux" and (int(release[0]), int(release[1].split("-")[0])) >= (5, 8)
    except (IndexError, ValueError):
        recent = False
    return {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1", "PYTHONMALLOC": "malloc"} if recent else {}


_HUGE_PAGES = huge_pages_environment()


def worker_environment(sandbox: SandboxPlan, workdir: str) -> dict[str, str]:
    """The worker's environment: the few variables of :data:`PASSED_ENV`, a home and temporary folder of
    its own, a fixed hash seed, one thread per numeric library, and no display."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    home = SANDBOX_WORKDIR if sandbox.confined else workdir
    env.update(
        HOME=home,
        TMPDIR=home,
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MPLBACKEND="Agg",
        **_HUGE_PAGES,
    )
    return env


def popen_worker(
    sandbox: SandboxPlan, limits: Limits, python: str, control: int, workdir: str
) -> subprocess.Popen[bytes]:
    """Start ``python -m seqlab.isolate.worker_main CONTROL`` inside ``sandbox``, in its own session (the
    grader kills its whole process group), its output on one pipe; raises OSError if it cannot start."""
    return subprocess.Popen(
        # -s: no user site-packages; -P: no script folder or cwd on sys.path. Not -I, which would
        # ignore PYTHONHASHSEED (the environment is built here from scratch, so nothing leaks in).
        [
            *sandbox.command(limits.scratch_bytes),
            python,
            *("-s", "-P", "-m", "seqlab.isolate.worker_main", str(control)),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(control,),
        cwd=workdir,
        env=worker_environment(sandbox, workdir),
        start_new_session=True,
    )


def worker_setup(
    source: SubmissionSource,
    limits: Limits,
    sandbox: SandboxPlan,
    preflight: tuple[str, ...],
    warm: tuple[str, ...],
) -> dict[str, Any]:
    """The set-up message a new worker reads first: the submission, its limits, the user to become, the
    modules to check and to import before the first test, and whether it is confined."""
    return {
        "module_name": source.module_name,
        "chunks": [list(chunk) for chunk in source.chunks],
        "limits": limits.rlimits(cuda=nvidia_device_present()),
        "drop_to": list(sandbox.drop_to) if sandbox.drop_to else None,
        "preflight": list(preflight),
        "warm": list(warm),
        "confined": sandbox.confined,
    }
