"""A warm ``seqlab check`` for one notebook kernel: the process every check cell of that kernel runs in.

A check cell (:func:`seqlab.student.checks.check`) must not compare anything in the student's kernel, so
it runs ``seqlab check`` in another process. Starting that process costs seconds each time (Python,
pytest, hypothesis, numpy, torch); a student who runs a check after every edit would wait for it every
time. So the kernel starts this server once, on its first check, and sends it each check's command line:

    python -m seqlab.student.check_server

reads one JSON request per line on its standard input, ``{"argv": ["check", NOTEBOOK, ...]}``, runs
``seqlab check`` with exactly those arguments in this process (:func:`seqlab.cli.main`: the same command,
the same report file) and answers one JSON line, ``{"exit": CODE, "stderr": TEXT}``, on its standard
output. The student's code of every check still runs in a fresh isolated worker; this process holds only
the grader's side (the public tests are imported afresh each run, see
:func:`seqlab.suite.runner.run_hermetically`).

It ends when its input closes (the kernel ended or restarted) or after :data:`IDLE_SECONDS` without a
request; the kernel then starts a new one on its next check (:class:`CheckServer`).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import select
import subprocess
import sys
import time
from typing import IO, Any

from seqlab.errors import ChecksUnavailable

__all__ = ["IDLE_SECONDS", "CheckServer", "serve"]

#: A server nobody asked anything for this long ends itself (its memory is the student's laptop's).
IDLE_SECONDS = 1800.0
#: The last characters of a check's standard error kept in its answer (the reason a check could not run).
STDERR_CHARS = 4000


def serve(requests: IO[str], answers: IO[str], idle_seconds: float = IDLE_SECONDS) -> int:
    """Answer requests (one JSON line each) until ``requests`` closes or stays silent ``idle_seconds``."""
    from seqlab.cli import main

    while True:
        ready, _, _ = select.select([requests], [], [], idle_seconds)
        if not ready:
            return 0
        line = requests.readline()
        if not line:
            return 0
        try:
            argv = [str(arg) for arg in json.loads(line)["argv"]]
        except (ValueError, KeyError, TypeError) as exc:
            answer: dict[str, Any] = {"exit": 2, "stderr": f"seqlab: a malformed check request: {exc}"}
        else:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse refusing the arguments
                    code = exc.code if isinstance(exc.code, int) else 2
                except Exception as exc:  # noqa: BLE001 - answered, never a dead server
                    code, printed = 2, io.StringIO(f"seqlab: the check failed: {type(exc).__name__}: {exc}")
            answer = {"exit": code, "stderr": printed.getvalue()[-STDERR_CHARS:]}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


class CheckServer:
    """The kernel's side: start the server on the first :meth:`run`, send it command lines, and start a
    new one when it has ended (idle, killed, or a check that did not finish in time)."""

    def __init__(self, python: str = sys.executable) -> None:
        self.python = python
        self._process: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while one is running (``None`` before the first check or after
        :meth:`stop`)."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            try:
                self._process = subprocess.Popen(
                    [self.python, "-m", "seqlab.student.check_server"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            except OSError as exc:
                message = f"the process that runs the checks could not be started: {exc}"
                raise ChecksUnavailable(message) from exc
        return self._process

    def run(self, argv: list[str], timeout: float) -> tuple[int, str]:
        """Run ``seqlab <argv>`` in the server; its exit code and the end of what it wrote to stderr.

        Raises:
            ChecksUnavailable: the server could not be started, ended during the check, or did not answer
                within ``timeout`` seconds (it is then stopped; the next check starts another).
        """
        for _ in range(2):  # a server that ended while idle is replaced once
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(json.dumps({"argv": argv}) + "\n")
                process.stdin.flush()
                deadline = time.monotonic() + timeout
                ready, _, _ = select.select([process.stdout], [], [], timeout)
                line = process.stdout.readline() if ready else ""
            except OSError:  # it ended before it read the request (a broken pipe)
                line, deadline = "", math.inf
            if line:
                answer = json.loads(line)
                return int(answer["exit"]), str(answer.get("stderr", ""))
            self.stop()
            if time.monotonic() >= deadline:
                raise ChecksUnavailable(f"the checks did not finish within {timeout:.0f} s")
        raise ChecksUnavailable("the process that runs the checks ended unexpectedly")

    def stop(self) -> None:
        """End the server (a new one starts on the next check)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):  # unflushed input to a process that has ended
                        stream.close()
            self._process = None


if __name__ == "__main__":
    sys.exit(serve(sys.stdin, sys.stdout))
