"""seqlab.isolate.process_tree on real processes: finding a process' descendants (through the kernel's
children lists and through a scan of /proc), and ending them without waiting for the kernel to free them."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from seqlab.isolate import process_tree as tree

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")

#: a child that starts a grandchild in a session of its own, prints its pid and sleeps
FAMILY = """
import os, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
print(grandchild.pid, flush=True)
time.sleep(60)
"""


@pytest.fixture
def family():
    child = subprocess.Popen([sys.executable, "-c", FAMILY], stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())
    yield child, grandchild
    for pid in (child.pid, grandchild):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    child.wait()


def test_descendants_are_found_through_the_children_lists_and_by_a_scan(family):
    child, grandchild = family
    if tree.children(os.getpid()) is None:
        pytest.skip("this kernel keeps no children lists (CONFIG_PROC_CHILDREN)")
    assert {child.pid, grandchild} <= set(tree.descendants(os.getpid()))
    scanned = tree._children_by_scan()  # noqa: SLF001 - the fallback, compared with the kernel's lists
    assert child.pid in scanned[os.getpid()] and grandchild in scanned[child.pid]
    assert grandchild not in tree.descendants(os.getpid(), keep=child.pid), "keep's own are kept too"


def test_killed_processes_are_exiting_at_once_and_reaped_later(family):
    child, grandchild = family
    assert not tree.exiting(child.pid) and not tree.exiting(grandchild)
    tree.kill([child.pid, grandchild])
    assert tree.exiting(child.pid) and tree.exiting(grandchild)  # can run nothing more, maybe not yet freed
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{child.pid}") and time.monotonic() < deadline:
        tree.reap_zombies()
        time.sleep(0.01)
    assert not os.path.exists(f"/proc/{child.pid}"), "the dead child was never reaped"
