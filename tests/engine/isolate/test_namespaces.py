"""seqlab.isolate.namespaces: a process forked inside the real sandbox gets namespaces of its own.

A probe runs in bubblewrap exactly as a worker is started (:func:`seqlab.isolate.sandbox.plan_sandbox`),
plays the zygote (it writes a file to /tmp, creates a SysV shared memory segment, listens on an abstract
Unix socket and on a loopback port), forks, and the child enters fresh namespaces; what the child could
still see of the zygote, and what happens to what it leaves behind, comes back as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from seqlab.isolate.sandbox import plan_sandbox

PROBE = r"""
import ctypes, errno, json, os, select, socket, sys, time
from seqlab.isolate.namespaces import enter_fresh_namespaces

libc = ctypes.CDLL(None, use_errno=True)
KEY, IPC_CREAT = 0x5EC1AB, 0o1000
with open("/tmp/zygote-file", "w") as f:
    f.write("the zygote's")
segment = libc.shmget(KEY, 4096, IPC_CREAT | 0o666)
abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
abstract.bind("\0seqlab-zygote-probe"); abstract.listen()
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen()
port = tcp.getsockname()[1]
left_behind_r, left_behind_w = os.pipe()
facts_r, facts_w = os.pipe()
child = os.fork()
if child == 0:
    os.close(left_behind_r); os.close(facts_r)
    enter_fresh_namespaces(["/tmp", "/dev/shm"], 1 << 20)
    facts = {"pid": os.getpid(), "proc": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}
    facts["tmp"] = os.listdir("/tmp")
    facts["shm"] = libc.shmget(KEY, 0, 0o666)
    for name, address, family in (("abstract", "\0seqlab-zygote-probe", socket.AF_UNIX),
                                  ("tcp", ("127.0.0.1", port), socket.AF_INET)):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.connect(address); facts[name] = "connected"
        except OSError as exc:
            facts[name] = errno.errorcode.get(exc.errno, str(exc.errno))
    with open("/proc/net/dev") as dev:
        facts["interfaces"] = sorted(line.split(":")[0].strip() for line in dev.readlines()[2:])
    try:
        with open("/tmp/big", "wb") as big:
            big.write(b"x" * (2 << 20))
        facts["big"] = "written"
    except OSError as exc:
        facts["big"] = errno.errorcode.get(exc.errno, str(exc.errno))
    if os.fork() == 0:  # left behind, holding the pipe: must end with the namespace's first process
        os.setsid(); time.sleep(60); os._exit(0)
    os.close(left_behind_w)
    os.write(facts_w, json.dumps(facts).encode()); os.close(facts_w)
    os._exit(7)
os.close(left_behind_w); os.close(facts_w)
facts = json.loads(os.read(facts_r, 1 << 16))
_, status = os.waitpid(child, 0)
facts["exit"] = os.WEXITSTATUS(status)
ready, _, _ = select.select([left_behind_r], [], [], 10)
facts["left_behind_ended"] = bool(ready) and os.read(left_behind_r, 1) == b""
facts["zygote_tmp"] = sorted(os.listdir("/tmp"))
facts["zygote_shm_kept"] = libc.shmget(KEY, 0, 0o666) == segment
libc.shmctl(segment, 0, None)  # IPC_RMID
print(json.dumps(facts))
"""


@pytest.fixture(scope="module")
def facts() -> dict:
    if os.geteuid() != 0:
        pytest.skip("the zygote's namespaces need the grader to be root (as in CI and Gradescope)")
    plan = plan_sandbox("auto")
    if not plan.confined:
        pytest.skip(f"no sandbox here: {plan.notes.get('filesystem_sandbox', '')}")
    done = subprocess.run(
        [*plan.command(8 << 20), sys.executable, "-c", PROBE],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_child_is_the_first_process_of_its_own_pid_namespace_and_sees_only_itself(facts):
    assert facts["pid"] == 1
    assert facts["proc"] == [1]


def test_the_child_sees_none_of_the_zygotes_files_ipc_or_sockets(facts):
    assert facts["tmp"] == []
    assert facts["shm"] == -1  # ENOENT: another IPC namespace
    assert facts["abstract"] == "ECONNREFUSED"  # abstract Unix sockets belong to the network namespace
    assert facts["tcp"] in ("ENETUNREACH", "ECONNREFUSED")
    assert facts["interfaces"] == ["lo"]


def test_the_childs_scratch_space_is_limited_and_does_not_outlive_it(facts):
    assert facts["big"] == "ENOSPC"  # 2 MiB into a 1 MiB tmpfs
    # its own file kept, the child's gone with its tmpfs (the sandbox's /tmp may also hold the Python
    # installation's bind mounts, where the course lives under /tmp, as in CI)
    assert "zygote-file" in facts["zygote_tmp"] and "big" not in facts["zygote_tmp"]
    assert facts["zygote_shm_kept"]


def test_what_the_child_leaves_running_ends_with_it_and_its_exit_status_comes_through(facts):
    assert facts["exit"] == 7
    assert facts["left_behind_ended"]
