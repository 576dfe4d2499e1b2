"""Resource limits of a grading run, every one a named, documented value."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from seqlab.declare import option, positive_float

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
            :data:`seqlab.isolate.launch.WORKER_SETUP_SECONDS`); charged to the submission's budget.
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

    call_timeout: float = option(
        10.0,
        flag="--call-timeout",
        parse=positive_float,
        metavar="SECONDS",
        help="seconds one call of a student function may take (default %(default)s)",
        verdict=True,
        exported=True,
    )
    submission_timeout: float = option(
        300.0,
        flag="--timeout",
        parse=positive_float,
        metavar="SECONDS",
        help="seconds all calls of the submission may take together (default %(default)s)",
        verdict=True,
        exported=True,
    )
    startup_timeout: float = option(
        30.0,
        flag="--startup-timeout",
        parse=positive_float,
        metavar="SECONDS",
        help="seconds the submission's top level may take to run (default %(default)s)",
        verdict=True,
        exported=True,
    )
    memory_bytes: int = option(8 * GIB, help="address-space limit of the worker (RLIMIT_AS)", verdict=True)
    cpu_seconds: int = option(600, help="CPU-time limit of one worker process (RLIMIT_CPU)", verdict=True)
    file_size_bytes: int = option(64 * MIB, help="largest file the worker may write", verdict=True)
    open_files: int = option(256, help="most file descriptors the worker may hold", verdict=True)
    processes: int = option(512, help="most processes and threads of the worker's user", verdict=True)
    output_bytes: int = option(64 * 1024, help="the worker's stdout/stderr kept for the report", verdict=True)
    scratch_bytes: int = option(256 * MIB, help="size of the sandbox's private /tmp (a tmpfs)", verdict=True)
    reply_bytes: int = option(64 * MIB, help="largest reply the grader reads from the worker", verdict=True)

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
