"""Where a command's CPU goes, by kind of process: sandboxed workers' warm parents and test processes,
graders, nbgrader, Jupyter kernels, seqlab commands.

    sudo python benchmarks/profile_cpu_by_process.py -- python -m pytest tests/e2e/test_grading.py

It runs the command under BSD process accounting (``acct(2)``: the kernel writes one record per ended
process, with its own user and system CPU time, pid, parent pid and uid, however short it lived) and
samples every process's command line twice a second (``/proc``), so that each record can be given a
kind. A sandboxed worker is recognised by its uid (seqlab's worker uids, ``65534 - slot``) or by the
``seqlab.isolate.worker_main`` command line; in each sandbox the worker's first process (lowest pid) is its
warm parent, the others are test processes (and whatever they started). Processes that ended before any
sample are counted under the kind of the closest sampled ancestor's, or ``unsampled``. Needs root
(``acct(2)``) and Linux; writes only to a temporary folder. It also prints how busy the CPUs were.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from seqlab.isolate.sandbox import WORKER_UID_BASE, WORKER_UID_SLOTS

#: struct acct_v3 (linux/acct.h): the fields up to ac_comm, and the command name's 16 bytes.
ACCT_V3 = struct.Struct("<BBHIIIIIIfHHHHHHHH16s")
AHZ = 100  # acct's clock ticks per second


def comp_t(value: int) -> int:
    """acct's ``comp_t``: a 13-bit mantissa and a base-8 exponent."""
    return (value & 0x1FFF) << (3 * (value >> 13))


@dataclass(frozen=True)
class Ended:
    """One accounting record: an ended process."""

    pid: int
    ppid: int
    uid: int
    comm: str
    cpu: float  # user + system seconds of this process alone


def read_records(path: Path) -> list[Ended]:
    raw = path.read_bytes()
    records = []
    for offset in range(0, len(raw) - ACCT_V3.size + 1, ACCT_V3.size):
        fields = ACCT_V3.unpack_from(raw, offset)
        uid, pid, ppid, comm = fields[4], fields[6], fields[7], fields[18]
        cpu = (comp_t(fields[10]) + comp_t(fields[11])) / AHZ  # ac_utime + ac_stime
        records.append(Ended(pid, ppid, uid, comm.split(b"\0")[0].decode("latin-1"), cpu))
    return records


class Sampler(threading.Thread):
    """The command line each pid last had (sampled twice a second); the CPUs' busy and total ticks."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.commands: dict[int, str] = {}
        self.stop = threading.Event()
        self.ticks: list[tuple[int, int]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            with open("/proc/stat") as stat:
                values = [int(v) for v in stat.readline().split()[1:8]]
            self.ticks.append((sum(values) - values[3] - values[4], sum(values)))
            for entry in os.listdir("/proc"):
                if entry.isdigit():  # read again each time: the first look may come before its exec
                    try:
                        raw = Path(f"/proc/{entry}/cmdline").read_bytes()
                    except OSError:
                        continue
                    self.commands[int(entry)] = raw.replace(b"\0", b" ").decode("utf-8", "replace")[:300]
            self.stop.wait(0.5)


KINDS = (
    ("worker_main", "sandboxed worker"),
    ("ipykernel", "Jupyter kernel"),
    ("nbgrader", "nbgrader"),
    ("check_server", "seqlab check server"),
    (" -m seqlab", "seqlab command"),
    ("/bin/seqlab ", "seqlab command"),
    ("xdist", "pytest (grader, in-process gradings)"),
    ("exec(eval(sys.stdin", "pytest (grader, in-process gradings)"),
    ("forkserver", "class-grading pool"),
    ("pytest", "pytest (grader, in-process gradings)"),
    ("chrom", "chromium"),
    ("jupyter", "JupyterLab"),
    ("pip", "pip"),
)


def kind_of(command: str, comm: str) -> str:
    for needle, kind in KINDS:
        if needle in command:
            return kind
    return f"other ({comm})"


def is_worker(record: Ended, commands: dict[int, str]) -> bool:
    in_slots = WORKER_UID_BASE - WORKER_UID_SLOTS < record.uid <= WORKER_UID_BASE
    return in_slots or "worker_main" in commands.get(record.pid, "")


def summarise(records: list[Ended], commands: dict[int, str]) -> dict[str, tuple[float, int]]:
    by_pid = {r.pid: r for r in records}
    workers = {r.pid for r in records if is_worker(r, commands)}
    sandboxes: dict[int, list[int]] = collections.defaultdict(list)
    for pid in workers:
        top = pid
        while by_pid[top].ppid in workers:
            top = by_pid[top].ppid
        sandboxes[by_pid[top].ppid].append(pid)  # the sandbox's init: the parent of its first processes
    kinds: dict[int, str] = {}
    for members in sandboxes.values():
        members.sort()
        kinds[members[0]] = "sandboxed worker: warm parent"
        kinds.update(dict.fromkeys(members[1:], "sandboxed worker: test processes"))
    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0])
    for record in records:
        kind = kinds.get(record.pid)
        if kind is None:
            ancestor, hops = record.pid, 0
            while ancestor not in commands and ancestor in by_pid and hops < 20:
                ancestor, hops = by_pid[ancestor].ppid, hops + 1
            command = commands.get(ancestor)
            kind = "unsampled" if command is None else kind_of(command, record.comm)
        totals[kind][0] += record.cpu
        totals[kind][1] += 1
    return {kind: (cpu, int(count)) for kind, (cpu, count) in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="+", help="the command to profile (after --)")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        parser.error("process accounting needs Linux and root")
    libc = ctypes.CDLL(None, use_errno=True)
    with tempfile.TemporaryDirectory() as folder:
        accounting = Path(folder) / "acct"
        accounting.touch()
        if libc.acct(str(accounting).encode()) != 0:
            parser.error(f"acct(2) failed: {os.strerror(ctypes.get_errno())}")
        sampler = Sampler()
        sampler.start()
        began = time.monotonic()
        try:
            code = subprocess.call(args.command)
        finally:
            libc.acct(None)
            sampler.stop.set()
            sampler.join()
        wall = time.monotonic() - began
        records = read_records(accounting)
    totals = summarise(records, sampler.commands)
    busy = sampler.ticks[-1][0] - sampler.ticks[0][0]
    ticks = sampler.ticks[-1][1] - sampler.ticks[0][1]
    everything = sum(cpu for cpu, _ in totals.values())
    print(f"{wall:.0f} s wall, CPUs busy {busy / max(ticks, 1):.0%}, {everything:.0f} CPU-s ended")
    print(f"{'CPU-s':>8} {'share':>6} {'processes':>9}  kind")
    for kind, (cpu, count) in sorted(totals.items(), key=lambda item: -item[1][0]):
        print(f"{cpu:8.0f} {cpu / max(everything, 1e-9):6.1%} {count:9d}  {kind}")
    return code


if __name__ == "__main__":
    sys.exit(main())
