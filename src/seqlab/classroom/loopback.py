"""A real Dask cluster on this machine (scheduler and workers on 127.0.0.1), for trying the cluster path on
one machine: the tests, the benchmarks and ``seqlab grade-class`` demonstrations."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from seqlab.errors import ClusterError

__all__ = ["loopback_cluster"]


@contextlib.contextmanager
def loopback_cluster(workers: int, folder: Path, *, start_timeout: float = 120.0) -> Iterator[str]:
    """Start a real Dask scheduler and ``workers`` worker processes (one thread each, ``--preload
    seqlab.cluster``) on 127.0.0.1, as ``dask scheduler`` / ``dask worker`` would on a cluster; yield the
    scheduler's address once every worker has registered; stop them all on exit. Logs go to ``folder``.

    For trying the cluster path on one machine, the tests and the benchmarks.
    """
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    python = [sys.executable, "-m"]
    scheduler = [*python, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0"]
    scheduler += ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    worker = [*python, "distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file), "--host"]
    worker += [
        "127.0.0.1",
        "--nthreads",
        "1",
        "--nworkers",
        "1",
        "--no-dashboard",
        "--preload",
        "seqlab.cluster",
    ]
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str], name: str) -> None:
        with (folder / f"{name}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            )

    try:
        start(scheduler, "scheduler")
        deadline = time.monotonic() + start_timeout
        while not scheduler_file.exists():
            if processes[0].poll() is not None or time.monotonic() > deadline:
                raise ClusterError(f"the Dask scheduler did not start; see {folder / 'scheduler.log'}")
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for number in range(workers):
            start(worker, f"worker-{number}")
        from distributed import Client

        with Client(address, timeout=start_timeout, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=start_timeout)
        yield address
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
