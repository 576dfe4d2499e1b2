"""seqlab.isolate.worker (+ _worker_main, proxy): real worker processes running tiny submissions.

Every test starts real processes (``make_worker`` from conftest.py, or the module-scoped ``shared`` worker);
nothing about the worker is faked. Timeouts are kept below a second so the file runs in seconds.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import resource
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from seqlab.errors import CodecError, SubmissionFailed, SubmissionUnavailable
from seqlab.grading.loader import SubmissionSource
from seqlab.isolate import worker as w
from seqlab.isolate.codec import IteratorHandle
from seqlab.isolate.limits import GIB, MIB, Limits
from seqlab.isolate.protocol import Status
from seqlab.isolate.proxy import SubmissionProxy

QUICK = Limits(call_timeout=0.5, startup_timeout=10.0)

WELL_BEHAVED = """
    import numpy as np

    class Bad(ValueError):
        pass

    def scale(x, *, factor=2):
        return x * factor, str(x.dtype)

    def describe(*args, **kwargs):
        return {"args": args, "kwargs": kwargs}

    def inner(n):
        raise Bad(f"bad value {n}")

    def outer(n):
        return inner(n)

    def reshape(n):
        return np.arange(n).reshape(2, 2)

    def not_implemented(x):
        raise NotImplementedError

    def liar():
        class AlwaysEqual:
            def __eq__(self, other):
                return True
        return AlwaysEqual()

    def returns_set():
        return {1, 2}

    def count(n):
        for i in range(n):
            yield np.full(i, i)

    def blows_up_midway():
        yield 1
        raise KeyError("second")

    def leaves():
        raise SystemExit(3)

    def ping():
        return "pong"

    CONSTANT = 3
"""


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for a non-reaping PID 1 counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_dead(pid: int, within: float = 3.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.02)
    return not pid_alive(pid)


@pytest.fixture(scope="module")
def shared():
    """One worker on the well-behaved module, for tests that do not break it."""
    source = SubmissionSource(
        "toy", Path("/nonexistent/toy.py"), "module", (("toy.py", textwrap.dedent(WELL_BEHAVED)),)
    )
    with w.Worker(source, Limits(call_timeout=2.0, startup_timeout=10.0)) as worker:
        yield worker


# -- loading -----------------------------------------------------------------------------------------------


def test_start_loads_and_lists_the_public_functions(shared):
    loaded = shared.start()
    assert loaded.status == Status.OK
    assert shared.start() is loaded and shared.stats.starts == 1, "start() twice started twice"
    assert {"scale", "describe", "outer", "count", "Bad"} <= set(loaded.value)
    assert "CONSTANT" not in loaded.value and "np" not in loaded.value


def test_module_level_exception_fails_start_with_student_traceback(make_worker):
    worker = make_worker("x = 1\n\ndef f():\n    return 1\n\nraise ValueError('broken at import')\n")
    loaded = worker.start()
    assert not loaded.ok
    assert loaded.error_type == "ValueError" and loaded.message == "broken at import"
    assert 'File "toy.py", line 6' in loaded.traceback
    assert "seqlab" not in loaded.traceback


def test_syntax_error_fails_start(make_worker):
    loaded = make_worker("def f(:\n    return 1\n").start()
    assert not loaded.ok
    assert loaded.error_type == "SyntaxError"
    assert "toy.py" in loaded.traceback and "seqlab" not in loaded.traceback


@pytest.mark.parametrize(
    "source, error_type",
    [
        ("raise ValueError('top')\n", "ValueError"),
        ("def f(:\n", "SyntaxError"),
        ("import sys\nsys.exit(2)\n", "SystemExit"),
    ],
    ids=["exception", "syntax-error", "sys-exit"],
)
def test_failed_top_level_is_a_load_error(make_worker, source, error_type):
    assert make_worker(source).start().status == Status.LOAD_ERROR
    # Without start(), the first call reports the same load error, and the proxy explains it.
    proxy = SubmissionProxy(make_worker(source))
    with pytest.raises(SubmissionUnavailable) as failure:
        proxy.f()
    assert failure.value.status == Status.LOAD_ERROR
    assert "could not be loaded" in failure.value.student_message
    assert error_type in failure.value.student_message


def test_start_after_a_call_is_harmless(make_worker):
    worker = make_worker("def ping():\n    return 'pong'\n", Limits(call_timeout=1.0, startup_timeout=1.0))
    assert worker.call("ping").value == "pong"
    assert worker.start().ok
    assert worker.call("ping").value == "pong"


def test_call_after_launch_gets_its_own_answer(make_worker):
    worker = make_worker("def ping():\n    return 'pong'\ndef two():\n    return 2\n")
    worker.launch()
    assert worker.call("ping").value == "pong"
    assert worker.call("two").value == 2


def test_launch_then_start_loads_once(make_worker):
    worker = make_worker("def ping():\n    return 'pong'\n")
    worker.launch()
    worker.launch()
    assert worker.start().ok and worker.stats.starts == 1
    assert worker.call("ping").value == "pong"
    assert worker.time_spent > 0


# -- calls that return -------------------------------------------------------------------------------------


def test_call_with_arrays_and_kwargs(shared):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    result = shared.call("scale", (x,), {"factor": 3})
    assert result.status == Status.OK and result.error_type == ""
    doubled, dtype = result.value
    assert dtype == "float32"
    assert doubled.dtype == np.float32 and doubled.shape == (2, 3)
    np.testing.assert_array_equal(doubled, x * 3)


def test_arguments_arrive_as_sent(shared):
    args = (1, 2.5, None, "s", [1, (2,)], {"k": np.arange(2)})
    result = shared.call("describe", args, {"flag": True, "arr": np.ones((2, 2), dtype=np.int8)})
    assert result.ok
    assert result.value["args"][:5] == args[:5]
    assert type(result.value["args"]) is tuple
    np.testing.assert_array_equal(result.value["args"][5]["k"], np.arange(2))
    assert result.value["kwargs"]["flag"] is True
    assert result.value["kwargs"]["arr"].dtype == np.int8


def test_unsendable_argument_is_refused_in_the_grader(shared):

    with pytest.raises(CodecError):
        shared.call("describe", ({1, 2},))


def test_students_exception_is_an_error_with_type_mro_and_student_frames_only(shared):
    result = shared.call("outer", (7,))
    assert result.status == Status.ERROR
    assert result.error_type == "Bad"
    assert result.error_mro == ("Bad", "ValueError", "Exception", "BaseException", "object")
    assert result.message == "bad value 7"
    frames = re.findall(r'File "([^"]+)", line \d+, in (\w+)', result.traceback)
    assert frames == [("toy.py", "outer"), ("toy.py", "inner")]
    assert "seqlab" not in result.traceback and "_worker_main" not in result.traceback
    assert result.traceback.rstrip().endswith("Bad: bad value 7")


def test_exception_inside_numpy_keeps_only_the_student_frame(shared):
    result = shared.call("reshape", (3,))
    assert result.status == Status.ERROR and result.error_type == "ValueError"
    assert re.findall(r'File "([^"]+)"', result.traceback) == ["toy.py"]


def test_object_with_lying_eq_is_a_bad_return(shared):
    result = shared.call("liar")
    assert result.status == Status.BAD_RETURN
    assert result.value is None
    assert "AlwaysEqual" in result.message


def test_set_return_is_a_bad_return_and_worker_keeps_running(shared):
    starts = shared.stats.starts
    assert shared.call("returns_set").status == Status.BAD_RETURN
    assert shared.call("ping").value == "pong"
    assert shared.stats.starts == starts


def test_missing_and_not_callable(shared):
    missing = shared.call("no_such_function")
    assert missing.status == Status.MISSING and "no_such_function" in missing.message
    assert shared.call("CONSTANT").status == Status.NOT_CALLABLE


def test_sys_exit_is_exit_status_and_worker_survives(shared):
    starts = shared.stats.starts
    result = shared.call("leaves")
    assert result.status == Status.EXIT and "3" in result.message
    assert shared.call("ping").value == "pong"
    assert shared.stats.starts == starts


# -- iterators ---------------------------------------------------------------------------------------------


def test_generator_returns_a_handle_and_next_walks_it(shared):
    result = shared.call("count", (3,))
    assert result.ok and isinstance(result.value, IteratorHandle)
    values = [shared.next(result.value, shared.generation) for _ in range(4)]
    assert [v.status for v in values] == [Status.OK, Status.OK, Status.OK, Status.STOP]
    for i, v in enumerate(values[:3]):
        np.testing.assert_array_equal(v.value, np.full(i, i))


def test_exception_inside_a_generator_is_an_error(shared):
    handle = shared.call("blows_up_midway").value
    assert shared.next(handle, shared.generation).value == 1
    failed = shared.next(handle, shared.generation)
    assert failed.status == Status.ERROR and failed.error_type == "KeyError"


def test_iterator_of_a_killed_worker_reports_crash(make_worker):
    worker = make_worker("import os\ndef gen():\n    yield 1\n    yield 2\ndef die():\n    os._exit(9)\n")
    handle = worker.call("gen").value
    generation = worker.generation
    assert worker.next(handle, generation).value == 1
    assert worker.call("die").status == Status.CRASH
    assert worker.next(handle, generation).status == Status.CRASH  # no process at all
    assert worker.call("gen").ok  # a fresh process, with its own iterator 1
    assert worker.generation != generation
    stale = worker.next(handle, generation)
    assert stale.status == Status.CRASH and "ended" in stale.message


# -- crashes, exits, timeouts ------------------------------------------------------------------------------


def test_os_exit_is_a_crash_and_the_next_call_gets_a_fresh_test_process(make_worker):
    """A crash ends only the test's process: the warm parent forks the next one (no new worker, no new
    warm-up), and the dead one is gone."""
    worker = make_worker("import os\ndef die():\n    os._exit(7)\ndef ping():\n    return os.getpid()\n")
    first_pid = worker.call("ping").value
    result = worker.call("die")
    assert result.status == Status.CRASH and "status 7" in result.message
    assert worker.stats.crashes == 1 and worker.stats.starts == 1
    generation = worker.generation
    second_pid = worker.call("ping").value
    assert worker.stats.starts == 1 and worker.generation == generation + 1
    assert second_pid != first_pid
    assert wait_dead(first_pid)


STATEFUL = """
    import os

    seen = []

    def remember(x):
        seen.append(x)
        return len(seen)

    def write(name):
        with open(os.path.join(os.environ["TMPDIR"], name), "w") as out:
            out.write("kept")
        return os.listdir(os.environ["TMPDIR"])

    def files():
        return sorted(os.listdir(os.environ["TMPDIR"]))

    def detach():
        # a grandchild in a session of its own: killing the test's process group would miss it
        read, write = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                import time
                os.write(write, str(os.getpid()).encode())
                time.sleep(60)
            os._exit(0)
        os.wait()
        return int(os.read(read, 32))

    def processes():
        # those that can still run: a killed process the kernel has yet to free (a zombie, or exiting: flag
        # PF_EXITING, 0x4) can do nothing more
        living = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (OSError, ValueError):
                continue
            if entry.isdigit() and fields[0] not in ("Z", "X") and not int(fields[6]) & 0x4:
                living.append(int(entry))
        return living

    def counter():
        seen.append(0)
        return len(seen)
"""


def test_isolate_gives_the_next_test_a_process_that_has_seen_nothing(make_worker):
    """What a test's process kept in memory or wrote to its scratch folder does not reach the next test."""
    worker = make_worker(STATEFUL)
    assert [worker.call("remember", (x,)).value for x in "abc"] == [1, 2, 3]  # one test: one process
    worker.call("write", ("note",))
    assert worker.call("files").value == ["note"]
    worker.isolate()
    assert worker.call("remember", ("d",)).value == 1
    assert worker.call("files").value == []
    assert worker.stats.starts == 1  # forked from the warm parent, not started again


SABOTEUR = """
    import os, time

    def siblings():
        found = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if entry.isdigit() and parent == os.getppid() and int(entry) != os.getpid():
                found.append(int(entry))
        return found

    def signal_the_next_test(number):
        # the warm parent forks the next test's process while this test runs: stop or kill it
        deadline = time.monotonic() + 5
        while not siblings() and time.monotonic() < deadline:
            time.sleep(0.01)
        signalled = siblings()
        for pid in signalled:
            os.kill(pid, number)
        return len(signalled)

    def ping():
        return os.getpid()
"""


@pytest.mark.parametrize("number", ["SIGSTOP", "SIGKILL"])
def test_a_test_that_stops_or_kills_the_next_tests_process_does_not_stop_the_next_test(make_worker, number):
    import signal

    worker = make_worker(SABOTEUR)
    assert worker.call("signal_the_next_test", (int(getattr(signal, number)),)).value >= 1
    worker.isolate()
    assert worker.call("ping").ok
    assert worker.stats.starts == 1 and worker.stats.crashes == 0


def test_a_process_left_running_by_a_test_is_ended_before_the_next(make_worker):
    worker = make_worker(STATEFUL)
    detached = worker.call("detach").value
    assert detached in worker.call("processes").value, "the detached process should run during its test"
    worker.isolate()
    assert detached not in worker.call("processes").value, "a process of the earlier test survived"


def test_the_same_request_answered_otherwise_within_a_test_fails(make_worker):
    worker = make_worker(STATEFUL)
    assert worker.call("counter").value == 1
    second = worker.call("counter")
    assert second.status == Status.INCONSISTENT and "same arguments" in second.message
    worker.isolate()
    assert worker.call("counter").value == 1  # a new test: nothing to compare with


def test_iterators_do_not_outlive_their_test(make_worker):
    worker = make_worker("def gen():\n    yield 1\n    yield 2\n")
    handle, generation = worker.call("gen").value, worker.generation
    assert worker.next(handle, generation).value == 1
    worker.isolate()
    assert worker.next(handle, generation).status == Status.CRASH


def test_segfault_is_a_crash_naming_the_signal(make_worker):
    worker = make_worker("import ctypes\ndef segv():\n    return ctypes.string_at(0)\n")
    result = worker.call("segv")
    assert result.status == Status.CRASH and "SIGSEGV" in result.message


def test_infinite_loop_times_out_and_the_process_group_is_killed(make_worker):
    worker = make_worker(
        """
        import os, subprocess, sys

        def hang():
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            print("PIDS", os.getpid(), child.pid, flush=True)
            while True:
                pass

        def ping():
            return "pong"
        """,
        QUICK,
    )
    assert worker.start().ok
    began = time.monotonic()
    result = worker.call("hang")
    elapsed = time.monotonic() - began
    assert result.status == Status.TIMEOUT
    assert "0.5 s" in result.message
    assert QUICK.call_timeout <= elapsed < QUICK.call_timeout + 3.0
    assert worker.stats.timeouts == 1
    text, _ = worker.output_text()
    worker_pid, child_pid = map(int, re.search(r"PIDS (\d+) (\d+)", text).groups())
    assert wait_dead(worker_pid), "the worker survived its timeout"
    assert wait_dead(child_pid), "a process the student spawned survived the timeout"
    assert worker.call("ping").value == "pong"
    assert worker.stats.starts == 2


def test_student_cannot_outlive_close(make_worker):
    worker = make_worker(
        "import subprocess, sys\n"
        "def spawn():\n"
        "    return subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']).pid\n"
    )
    pid = worker.call("spawn").value
    assert pid_alive(pid)
    worker.close()
    assert wait_dead(pid)
    worker.close()  # idempotent


def test_startup_timeout(make_worker):
    worker = make_worker("while True:\n    pass\n", Limits(call_timeout=0.5, startup_timeout=0.5))
    began = time.monotonic()
    result = worker.start()
    assert result.status == Status.TIMEOUT
    assert time.monotonic() - began < 5.0


def test_submission_budget_is_shared_by_all_calls(make_worker):
    worker = make_worker(
        "def hang():\n    while True:\n        pass\n"
        "def shout():\n    print('SHOUT RAN', flush=True)\n    return 1\n",
        Limits(call_timeout=30.0, startup_timeout=10.0),
    )
    assert worker.start().ok
    # Leave one second of budget after start-up (start-up counts; its length varies with the load).
    worker.limits = dataclasses.replace(worker.limits, submission_timeout=worker.time_spent + 1.0)
    began = time.monotonic()
    hung = worker.call("hang")
    assert hung.status == Status.TIMEOUT
    assert time.monotonic() - began < 5.0, "the call got the whole call_timeout, not the budget left"
    spent = worker.time_spent
    budget = worker.call("shout")
    assert budget.status == Status.BUDGET and "time budget" in budget.message
    assert worker.time_spent == spent
    assert "SHOUT RAN" not in worker.output_text()[0]
    assert worker.stats.starts == 1, "a spent budget must not start a new process"


def test_exhausted_budget_refuses_before_running(make_worker):
    worker = make_worker(
        "def shout():\n    print('SHOUT RAN', flush=True)\n    return 1\n",
        Limits(call_timeout=1.0, submission_timeout=0.001, startup_timeout=10.0),
    )
    worker.start()
    assert worker.call("shout").status == Status.BUDGET
    assert "SHOUT RAN" not in worker.output_text()[0]


# -- output ------------------------------------------------------------------------------------------------


def test_output_is_kept_up_to_the_cap_and_the_total_is_counted(make_worker):
    limits = Limits(call_timeout=10.0, startup_timeout=10.0, output_bytes=1000)
    worker = make_worker(
        """
        import os, sys

        def flood(n):
            sys.stdout.write("x" * n)
            sys.stdout.flush()
            print("to stderr", file=sys.stderr, flush=True)
            return n

        def die():
            os._exit(1)
        """,
        limits,
    )
    five_mb = 5 * MIB
    assert worker.call("flood", (five_mb,)).value == five_mb  # printing does not disturb the channel
    assert worker.call("die").status == Status.CRASH
    assert worker.call("flood", (10,)).value == 10  # a second process: output still capped overall
    worker.close()
    kept, total = worker.output_text()
    assert kept == "x" * 1000
    assert total >= five_mb + 10 + 2 * len("to stderr\n")


# -- environment and limits --------------------------------------------------------------------------------


ENVIRONMENT = """
import os, resource, sys

def environment():
    return dict(os.environ), hash("seqlab"), os.getcwd()

def limits():
    names = ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE")
    return {name: resource.getrlimit(getattr(resource, name)) for name in names}

def flags():
    return (sys.flags.no_user_site, sys.flags.safe_path), list(sys.path), os.getcwd()
"""


def test_worker_environment_is_clean(make_worker, monkeypatch):
    monkeypatch.setenv("SEQLAB_TEST_SECRET", "hunter2-do-not-leak")
    first = make_worker(ENVIRONMENT).call("environment")
    second = make_worker(ENVIRONMENT).call("environment")
    env, _, cwd = first.value
    assert "SEQLAB_TEST_SECRET" not in env
    assert not any("hunter2" in value for value in env.values())
    assert env["PYTHONHASHSEED"] == "0"
    assert env["HOME"] == cwd and os.path.basename(cwd).startswith("seqlab-worker-")
    assert cwd != os.getcwd()
    assert second.value[2] != cwd, "two workers share a working folder"


def test_string_hashing_is_the_same_in_every_worker(make_worker):
    source = (
        "def order():\n    return hash('seqlab'), list({'gru', 'lstm', 'rnn', 'tanh', 'sigmoid', 'relu'})\n"
    )
    first = make_worker(source).call("order").value
    second = make_worker(source).call("order").value
    assert first == second


def test_worker_applies_its_rlimits_and_runs_isolated(make_worker):
    limits = Limits(memory_bytes=3 * GIB, cpu_seconds=50, file_size_bytes=5 * MIB, open_files=64)
    worker = make_worker(ENVIRONMENT, limits)
    got = worker.call("limits").value
    assert got["RLIMIT_AS"] == (3 * GIB, 3 * GIB)
    assert got["RLIMIT_CPU"][0] == 50
    assert got["RLIMIT_FSIZE"] == (5 * MIB, 5 * MIB)
    assert got["RLIMIT_NOFILE"] == (64, 64)
    assert got["RLIMIT_CORE"] == (0, 0)
    isolated, path, cwd = worker.call("flags").value
    assert isolated == (1, True)  # -s and -P: no user site-packages, no cwd or script folder on sys.path
    assert "" not in path and cwd not in path, "the working folder must not be importable"
    # The limits are the worker's alone.
    assert resource.getrlimit(resource.RLIMIT_AS) != (3 * GIB, 3 * GIB)


def test_sixteen_gib_allocation_fails_inside_the_worker(make_worker):
    worker = make_worker(
        "import numpy as np\n"
        "def allocate():\n"
        "    return np.empty(2 * 1024**3, dtype=np.float64).nbytes\n"  # 16 GiB, never touched
        "def ping():\n"
        "    return 'pong'\n",
        Limits(call_timeout=5.0, startup_timeout=10.0),  # default memory limit: 8 GiB
    )
    result = worker.call("allocate")
    assert result.status == Status.ERROR, f"16 GiB were allocated: {result}"
    assert "MemoryError" in result.error_mro
    assert worker.call("ping").value == "pong"
    assert worker.stats.crashes == 0


def test_no_unpickling_in_the_grader(make_worker, monkeypatch):
    used: list[str] = []

    def refuse(name):
        def fail(*args, **kwargs):
            used.append(name)
            raise AssertionError(f"the grader used pickle.{name}")

        return fail

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse(name))
    worker = make_worker(
        "import numpy as np\n"
        "def values():\n"
        "    return {'a': np.arange(3.0), 'b': (1, 'x', [np.float32(2)]), 'c': np.array(['u'])}\n"
    )
    result = worker.call("values")
    assert result.ok and used == []
    np.testing.assert_array_equal(result.value["a"], np.arange(3.0))
    assert result.value["b"][2][0].dtype == np.float32


FORGER = """
import json, os, pickle, struct, sys, time
import numpy as np

def _channel():  # the test process' socket to the grader: its only one
    return next(fd for fd in range(3, 256) if _is_socket(fd))

def _is_socket(fd):
    import stat
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False

def _frame(header, blobs=()):
    payload = json.dumps(header).encode()
    parts = [struct.pack(">II", len(payload), len(blobs)), payload]
    for blob in blobs:
        parts += [struct.pack(">Q", len(blob)), blob]
    return b"".join(parts)

class Evil:
    def __reduce__(self):
        return (print, ("UNPICKLED IN THE GRADER",))

def forge_pickle():
    value = {"$": "ndarray", "blob": 0, "dtype": "|O", "shape": [1]}
    os.write(_channel(), _frame({"status": "ok", "value": value}, [pickle.dumps([Evil()])]))
    time.sleep(30)

def forge_tag():
    os.write(_channel(), _frame({"status": "ok", "value": {"$": "object", "module": "os", "name": "system"}}))
    time.sleep(30)

def forge_deep():
    os.write(_channel(), struct.pack(">II", 200000, 0) + b"[" * 100000 + b"]" * 100000)
    time.sleep(30)

def ping():
    return "pong"
"""


def test_forged_pickle_reply_is_a_protocol_error_never_unpickled(make_worker, monkeypatch, capsys):
    used: list[str] = []
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: used.append("loads"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: used.append("load"))
    worker = make_worker(FORGER)
    for forge in ("forge_pickle", "forge_tag"):
        result = worker.call(forge)
        assert result.status == Status.PROTOCOL, result
        assert result.value is None
        assert worker.call("ping").value == "pong"  # a fresh process answers again
    assert used == []
    assert "UNPICKLED" not in capsys.readouterr().out


def test_forged_deeply_nested_reply_does_not_crash_the_grader(make_worker):
    worker = make_worker(FORGER)
    assert worker.call("forge_deep").status == Status.PROTOCOL


def test_exception_with_broken_str_is_still_an_error(make_worker):
    worker = make_worker(
        "class Weird(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no str for you')\n"
        "def weird():\n"
        "    raise Weird()\n"
    )
    result = worker.call("weird")
    assert result.status == Status.ERROR and result.error_type == "Weird"


# -- through the SubmissionProxy ---------------------------------------------------------------------------


def test_proxy_returns_values_and_classifies_failures(shared):
    proxy = SubmissionProxy(shared)
    assert proxy.ping() == "pong"
    with pytest.raises(SubmissionFailed) as failed:
        proxy.outer(2)
    assert failed.value.status == "error" and failed.value.error_type == "Bad"
    assert "ValueError" in failed.value.error_mro
    assert "`outer` raised Bad: bad value 2" in failed.value.student_message
    assert 'File "toy.py"' in failed.value.student_message
    with pytest.raises((SubmissionFailed, SubmissionUnavailable), match="not plain data") as bad:
        proxy.liar()
    assert bad.value.status == "bad_return"
    with pytest.raises(SubmissionUnavailable, match="not implemented yet"):
        proxy.not_implemented(1)
    with pytest.raises(SubmissionUnavailable, match="does not define a function named `nope`"):
        proxy.nope()
    with pytest.raises(SubmissionUnavailable, match="sys.exit"):
        proxy.leaves()
    # An input-dependent failure is not sticky: the function is called again.
    with pytest.raises(SubmissionFailed):
        proxy.outer(3)
    assert "outer" not in proxy.broken and "nope" in proxy.broken
    assert not isinstance(SubmissionUnavailable("f", "timeout", "m"), Exception)


def test_proxy_makes_timeouts_sticky_per_function(make_worker):
    worker = make_worker(
        "def hang(x):\n    while True:\n        pass\ndef ping():\n    return 'pong'\n", QUICK
    )
    proxy = SubmissionProxy(worker)
    with pytest.raises(SubmissionUnavailable) as first:
        proxy.hang(1)
    assert first.value.status == "timeout" and "infinite loop" in first.value.student_message
    calls = proxy.calls
    began = time.monotonic()
    with pytest.raises(SubmissionUnavailable) as again:
        proxy.hang(2)
    assert time.monotonic() - began < 0.25
    assert again.value.student_message == first.value.student_message
    assert proxy.calls == calls and worker.stats.timeouts == 1
    assert proxy.ping() == "pong"


def test_proxy_iterators(make_worker):
    worker = make_worker("import os\ndef gen():\n    yield from range(3)\ndef die():\n    os._exit(1)\n")
    proxy = SubmissionProxy(worker)
    assert list(proxy.gen()) == [0, 1, 2]
    iterator = proxy.gen()
    assert next(iterator) == 0
    with pytest.raises(SubmissionUnavailable):
        proxy.die()
    with pytest.raises(SubmissionUnavailable) as crashed:
        next(iterator)
    assert crashed.value.status == "crash"
