"""Resource limits of a grading run, every one a named, documented value."""

from __future__ import annotations

from dataclasses import asdict, dataclass

GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Limits applied to the worker that runs a submission.

    Attributes:
        call_timeout: wall-clock seconds one call of a student function may take.
        submission_timeout: wall-clock seconds all calls of one submission may take together
            (start-up included); once spent, remaining calls fail at once.
        startup_timeout: seconds the submission's top level may take to run, in each test's process (the
            worker's own set-up before it, such as importing torch, has up to
            :data:`seqlab.isolate.worker.WORKER_SETUP_SECONDS`); charged to the submission's budget.
        memory_bytes: address-space limit of the worker (RLIMIT_AS).
        cpu_seconds: CPU-time limit of one worker process (RLIMIT_CPU).
        file_size_bytes: largest file the worker may write (RLIMIT_FSIZE).
        open_files: most file descriptors the worker may hold (RLIMIT_NOFILE).
        processes: most processes and threads the worker's user may run (RLIMIT_NPROC; applies to an
            unprivileged user only, so it holds where the grader is not root or the worker drops to one).
        output_bytes: how much of the worker's stdout/stderr is kept for the report.
        scratch_bytes: size of the sandbox's private ``/tmp`` (a tmpfs, so what is written there is the
            host's memory); files written there count against it, each also against ``file_size_bytes``.
        reply_bytes: largest reply the grader reads from the worker (header and arrays together); a
            larger one fails the call (the grader never decodes or compares it).
    """

    call_timeout: float = 10.0
    submission_timeout: float = 300.0
    startup_timeout: float = 30.0
    memory_bytes: int = 8 * GIB
    cpu_seconds: int = 600
    file_size_bytes: int = 64 * MIB
    open_files: int = 256
    processes: int = 512
    output_bytes: int = 64 * 1024
    scratch_bytes: int = 256 * MIB
    reply_bytes: int = 64 * MIB

    def rlimits(self, *, cuda: bool = False) -> dict[str, int]:
        """The limits the worker applies to itself with ``setrlimit``.

        With ``cuda=True`` (an NVIDIA device is present) there is no address-space limit: the CUDA driver
        reserves address space far beyond any sensible RLIMIT_AS (tens of GiB, mapped but not used), and
        would fail to initialise under it. CPU time, file size and descriptors stay limited.
        """
        values = asdict(self)
        limits = {
            "memory_bytes": values["memory_bytes"],
            "cpu_seconds": values["cpu_seconds"],
            "file_size_bytes": values["file_size_bytes"],
            "open_files": values["open_files"],
            "processes": values["processes"],
            "core_bytes": 0,
        }
        if cuda:
            del limits["memory_bytes"]
        return limits
