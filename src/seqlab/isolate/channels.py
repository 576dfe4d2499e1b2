"""The grader's ends of a worker's channels: readers that give up at a deadline, the control socket that
passes descriptors, the tail of the worker's output, and the handles of one worker process."""

from __future__ import annotations

import array
import os
import select
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["ControlReader", "DeadlineReader", "OutputTail", "WorkerProcess", "close_fd"]


class DeadlineReader:
    """A file-like reader over a pipe or socket whose reads give up at a deadline.

    It reads what the channel holds (up to 1 MiB) and serves later reads from that buffer, so a reply made
    of many small parts (a header, then a length and a blob per array) costs one ``select`` per
    channel-full rather than one per part. One reader lives as long as its channel: what it read ahead is
    kept for the next exchange, which sets a new ``deadline``.
    """

    def __init__(self, fd: int, deadline: float = 0.0) -> None:
        self.fd = fd
        self.deadline = deadline
        self._buffer = b""
        self._position = 0

    def read(self, size: int) -> bytes:
        if self._position >= len(self._buffer):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            self._buffer, self._position = self._receive(), 0
            if not self._buffer:
                return b""
        chunk = self._buffer[self._position : self._position + size]
        self._position += len(chunk)
        return chunk

    def _receive(self) -> bytes:
        return os.read(self.fd, 1 << 20)


class ControlReader(DeadlineReader):
    """Reads the warm parent's control channel (a Unix socket), keeping the descriptors it passes (one per
    ``test_process`` message: the grader's end of that test's socket), in order."""

    def __init__(self, control: socket.socket) -> None:
        super().__init__(control.fileno())
        self.control = control
        self.received: list[int] = []

    def _receive(self) -> bytes:
        data, ancillary, _, _ = self.control.recvmsg(1 << 16, socket.CMSG_SPACE(8 * FD_SIZE))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % FD_SIZE
                self.received.extend(array.array("i", payload[:usable]))
        return data

    def close(self) -> None:
        for fd in self.received:
            close_fd(fd)
        self.received.clear()


FD_SIZE = array.array("i").itemsize


def close_fd(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


class OutputTail:
    """Drains the worker's stdout+stderr, keeping the first ``limit`` bytes and counting the rest."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.total = 0
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: Any) -> None:
        while True:
            chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else stream.read(1 << 16)
            if not chunk:
                return
            self.total += len(chunk)
            room = self.limit - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


@dataclass
class WorkerProcess:
    popen: subprocess.Popen[bytes]
    control: socket.socket  # to and from the warm parent (set-up, ready, test_process, end, child_exit)
    events: ControlReader
    output: OutputTail
    workdir: tempfile.TemporaryDirectory[str]
    channel: int = -1  # the grader's end of the current test process's socket (-1: none)
    reader: DeadlineReader | None = None  # reads ``channel``
    index: int = 0  # the warm parent's number for the current test process
    exit_pending: bool = False  # an end was sent for the last test process, its child_exit not yet read

    def close_channel(self) -> None:
        if self.channel >= 0:
            close_fd(self.channel)
        self.channel, self.reader = -1, None
