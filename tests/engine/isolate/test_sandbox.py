"""seqlab.isolate.sandbox: the isolation layers, probed on this machine and tested by what a worker can do.

Every test runs a real worker (bubblewrap included where it is installed) and asks it to do what the
layer forbids; where a layer is not available here the test is skipped with the probe's reason.
"""

from __future__ import annotations

import os
import socket
import textwrap
from pathlib import Path

import pytest

from seqlab.course.layout import find_course_root
from seqlab.errors import ConfigError, SandboxUnavailable
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate.limits import Limits
from seqlab.isolate.protocol import Status
from seqlab.isolate.sandbox import SANDBOX_MODES, SandboxPlan, _python_roots, plan_sandbox
from seqlab.isolate.worker import Worker

AUTO = plan_sandbox("auto")
COURSE = find_course_root()
LIMITS = Limits(call_timeout=10.0, startup_timeout=30.0)

PROBES = """
import os, socket

def whoami():
    return [os.getuid(), os.geteuid(), os.getgid()]

def read(path):
    with open(path, "rb") as stream:
        return len(stream.read())

def listing(path):
    return sorted(os.listdir(path))

def connect(host, port):
    with socket.create_connection((host, port), timeout=2):
        return "connected"

def write_tmp():
    with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "scratch.txt"), "w") as stream:
        stream.write("ok")
    return os.environ.get("HOME")

def spawn(count):
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            import time
            time.sleep(30)
            os._exit(0)
        pids.append(pid)
    return len(pids)
"""


def needs(layer: str):
    return pytest.mark.skipif(
        not AUTO.layers.get(layer), reason=f"{layer} is not available here: {AUTO.notes.get(layer)}"
    )


@pytest.fixture(scope="module")
def probe_worker():
    source = SubmissionSource(
        "toy", Path("/nonexistent/toy.py"), "module", (("toy.py", textwrap.dedent(PROBES)),)
    )
    with Worker(source, LIMITS, sandbox=AUTO) as worker:
        assert worker.start().status == Status.OK
        yield worker


def call(worker: Worker, name: str, *args):
    return worker.call(name, args)


def test_the_plan_reports_every_layer_and_why_one_is_off():
    described = AUTO.describe()
    for layer in ("separate_process", "plain_data_codec", "resource_limits", "scrubbed_environment"):
        assert described[layer] is True
    for layer in ("unprivileged_user", "filesystem_sandbox", "network_sandbox"):
        assert isinstance(described[layer], bool)
        assert described[layer] or described["inactive_because"][layer]


def test_off_mode_turns_the_optional_layers_off_with_the_reason():
    plan = plan_sandbox("off")
    assert plan.prefix == () and plan.drop_to is None
    assert not plan.layers["filesystem_sandbox"] and "turned off" in plan.notes["filesystem_sandbox"]


def test_unknown_mode_is_refused():
    with pytest.raises(ConfigError, match="sandbox mode"):
        plan_sandbox("sometimes")
    assert SANDBOX_MODES == ("auto", "require", "off")


def test_require_mode_fails_closed_exactly_when_a_layer_is_missing():
    if AUTO.notes:
        with pytest.raises(SandboxUnavailable, match="required but incomplete"):
            plan_sandbox("require")
    else:
        assert plan_sandbox("require").layers == AUTO.layers


@needs("unprivileged_user")
def test_the_worker_does_not_run_as_root(probe_worker):
    uid, euid, _ = call(probe_worker, "whoami").value
    assert uid != 0 and euid != 0


@needs("filesystem_sandbox")
@pytest.mark.parametrize("secret", ["grader", "solutions"])
def test_the_hidden_suites_and_references_are_not_there(probe_worker, secret):
    folder = COURSE / secret
    result = call(probe_worker, "listing", str(folder))
    assert result.status == "error" and result.error_type in ("FileNotFoundError", "PermissionError"), result
    some_file = next(p for p in folder.rglob("*.py"))
    assert call(probe_worker, "read", str(some_file)).status == "error"


@needs("filesystem_sandbox")
def test_the_home_folder_and_the_grader_process_are_out_of_reach(probe_worker):
    home = Path.home()
    seen = call(probe_worker, "listing", str(home))
    if seen.status == "ok":  # home is only there as the way to the Python installation below it
        needed = {root.relative_to(home).parts[0] for root in _python_roots() if root.is_relative_to(home)}
        assert set(seen.value) <= needed, seen.value
    parent = os.getpid()  # the grader: not in the worker's PID namespace
    assert call(probe_worker, "read", f"/proc/{parent}/environ").status == "error"


@needs("filesystem_sandbox")
def test_the_private_tmp_is_writable_and_is_home(probe_worker):
    result = call(probe_worker, "write_tmp")
    assert result.status == Status.OK and result.value == "/tmp"


@needs("network_sandbox")
def test_no_network_not_even_the_graders_loopback():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        source = SubmissionSource("toy", Path("/x/toy.py"), "module", (("toy.py", textwrap.dedent(PROBES)),))
        with Worker(source, LIMITS, sandbox=AUTO) as worker:
            result = worker.call("connect", ("127.0.0.1", port))
    assert result.status == "error" and result.error_type in ("ConnectionRefusedError", "OSError"), result


@needs("unprivileged_user")
def test_a_fork_bomb_hits_the_process_limit():
    source = SubmissionSource("toy", Path("/x/toy.py"), "module", (("toy.py", textwrap.dedent(PROBES)),))
    with Worker(source, Limits(call_timeout=10.0, processes=16), sandbox=AUTO) as worker:
        result = worker.call("spawn", (64,))
    assert result.status == "error" and result.error_type in ("BlockingIOError", "OSError"), result


def test_a_plan_without_prefix_runs_the_worker_unconfined():
    plan = SandboxPlan(layers={"separate_process": True})
    assert not plan.confined


def test_cuda_devices_are_passed_through_with_sys(tmp_path):
    """Where NVIDIA device nodes exist they are bound into the sandbox, with /sys for the driver."""
    from seqlab.isolate.sandbox import bwrap_command

    command = bwrap_command([tmp_path], as_root=True, devices=["/dev/nvidia0", "/dev/nvidiactl"])
    assert command[command.index("/dev/nvidia0") - 1] == "--dev-bind"
    assert "/sys" in command and command[-1] == "--"
    assert "/sys" not in bwrap_command([tmp_path], as_root=True, devices=[])


FILL = """
import os

def fill(folder, chunk):
    written = 0
    block = b"x" * (1 << 20)
    try:
        for n in range(100000):
            with open(os.path.join(folder, f"fill-{n}"), "wb") as out:
                for _ in range(chunk):
                    out.write(block)
                    written += len(block)
    except OSError:
        pass
    return written
"""


@needs("filesystem_sandbox")
@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm"])
def test_the_private_scratch_folders_hold_no_more_than_their_limit(folder):
    """Each file under the file-size limit, many files: the tmpfs (the host's memory) stops them all at
    ``scratch_bytes``, and the next test finds the folder empty again."""
    limits = Limits(call_timeout=20.0, startup_timeout=30.0, file_size_bytes=8 << 20, scratch_bytes=32 << 20)
    source = SubmissionSource("toy", Path("/nonexistent/toy.py"), "module", (("toy.py", FILL),))
    with Worker(source, limits, sandbox=AUTO) as worker:
        written = worker.call("fill", (folder, 4)).value
        assert 16 << 20 <= written <= limits.scratch_bytes
        worker.isolate()
        assert worker.call("fill", (folder, 4)).value == written  # emptied between tests
