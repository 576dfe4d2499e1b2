"""Confining the worker: which isolation layers are available here, and the command that applies them.

Layers, from the outermost (see the threat model in docs/operators.rst):

``separate_process``, ``plain_data_codec``, ``scrubbed_environment``, ``resource_limits``
    always on: student code runs in its own process, talks plain data, gets a built-from-scratch
    environment and setrlimit limits (address space, CPU time, file size, open files, processes, no core
    dumps); the grader kills its whole process group on a timeout.
``unprivileged_user``
    when the grader runs as root (CI and Gradescope containers do), the worker switches to an unprivileged
    user (``nobody``) before it runs any student code, so the process limit applies and root's files
    are out of reach.
``filesystem_sandbox``, ``network_sandbox``
    bubblewrap (``bwrap``): a new mount namespace that holds only the operating system's ``/usr``, the
    Python installation and seqlab's own package, read-only, plus a private ``/tmp`` and ``/dev/shm``
    (tmpfs folders of ``Limits.scratch_bytes`` each, emptied after every test); no ``grader/``,
    ``solutions/``, submissions, reports or home folders. New network, PID, IPC and UTS namespaces, so
    no network at all; ``--die-with-parent`` and ``--new-session``.

:func:`plan_sandbox` probes what works on this machine once per process. In ``auto`` mode a missing layer
is reported (every grade carries ``extra.isolation`` and the CLI warns); ``require`` refuses to grade
without every layer; ``off`` turns the optional layers off (for debugging).
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.errors import ConfigError, SandboxUnavailable

__all__ = [
    "ISOLATION_WARNING",
    "CLASS_SANDBOX_MODES",
    "SANDBOX_MODES",
    "SandboxPlan",
    "claim_worker_uid",
    "forget_probes",
    "installed_module_path",
    "plan_sandbox",
    "worker_user",
]

SANDBOX_MODES = ("auto", "require", "off")
#: The modes of commands that grade a class unattended: every layer, or none by the operator's choice.
CLASS_SANDBOX_MODES = ("require", "off")
#: The user the worker becomes when the grader is root.
UNPRIVILEGED = (65534, 65534)
#: Where the worker runs inside the sandbox (a private tmpfs).
SANDBOX_WORKDIR = "/tmp"
#: What the commands warn where a layer is missing (mode ``auto``).
ISOLATION_WARNING = (
    "student code runs in a separate, resource-limited process, but not every isolation layer is active "
    "here (see extra.isolation in the report; `seqlab probe` says why): it may read files the grading "
    "user can read or open network connections"
)
_ALWAYS = ("separate_process", "plain_data_codec", "resource_limits", "scrubbed_environment")
_OPTIONAL = ("unprivileged_user", "filesystem_sandbox", "network_sandbox")


@dataclass(frozen=True)
class SandboxPlan:
    """How the worker is started here.

    Attributes:
        prefix: the command put before the worker's Python command (bubblewrap and its options), or ().
        switch_user: whether the worker switches to an unprivileged user before loading student code.
        layers: every layer and whether it is active.
        notes: for each inactive optional layer, why.
        fixes: for each inactive optional layer, the command (or setting) that makes it work here.
    """

    prefix: tuple[str, ...] = ()
    switch_user: bool = False
    layers: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    fixes: dict[str, str] = field(default_factory=dict)

    @property
    def drop_to(self) -> tuple[int, int] | None:
        """``(uid, gid)`` a worker started now switches to (:func:`worker_user`: this process's reserved
        uid, read at each start, not when the plan was made), or None."""
        return worker_user() if self.switch_user else None

    def command(self, scratch_bytes: int) -> tuple[str, ...]:
        """The prefix with each of the sandbox's private tmpfs folders (``/tmp``, ``/dev/shm``) limited to
        ``scratch_bytes``: what the worker writes there is the host's memory."""
        command: list[str] = []
        for argument in self.prefix:
            if argument == "--tmpfs":
                command += ["--size", str(int(scratch_bytes))]
            command.append(argument)
        return tuple(command)

    @property
    def confined(self) -> bool:
        """Whether the worker runs inside bubblewrap (its working folder is then the private ``/tmp``)."""
        return bool(self.prefix)

    def describe(self) -> dict[str, object]:
        """The report's ``extra.isolation``: each layer's state, and why an inactive one is off."""
        return {**self.layers, "inactive_because": dict(self.notes)}


def _python_roots() -> list[Path]:
    """The folders the worker's Python needs: installation, virtual environment, seqlab's package."""
    import seqlab

    roots = {Path(sys.base_prefix), Path(sys.prefix), Path(seqlab.__file__).resolve().parent}
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if path.is_dir() and "site-packages" in path.parts:
            roots.add(path)
    return sorted(_outermost(roots))


def installed_module_path(name: str) -> str | None:
    """Where the Python installation the worker is given (:func:`_python_roots`) holds module ``name``
    (dotted names too), or None. Nothing is imported: each package level is looked up on disk with
    :class:`importlib.machinery.PathFinder`, so a name a student chose never runs code in the grader."""
    from importlib.machinery import PathFinder

    roots = _python_roots()
    search: list[str] | None = None
    origin = None
    for part in name.split("."):
        spec = PathFinder.find_spec(part, search)
        if spec is None and search is None:  # a built-in or frozen top-level module
            return None
        if spec is None:
            return None
        origin = spec.origin if spec.has_location else None
        search = list(spec.submodule_search_locations or [])
    if origin is None or not any(Path(origin).resolve().is_relative_to(root) for root in roots):
        return None
    return origin


def _outermost(paths: set[Path]) -> set[Path]:
    return {p for p in paths if not any(other != p and p.is_relative_to(other) for other in paths)}


def bwrap_command(python_roots: list[Path], *, as_root: bool, devices: list[str]) -> list[str]:
    """The bubblewrap command prefix (ending in ``--``) for a worker that needs ``python_roots``."""
    command = [
        shutil.which("bwrap") or "bwrap",  # the same binary the probe checked
        "--die-with-parent",
        "--new-session",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    if not as_root:
        command.insert(1, "--unshare-user")
    for name in ("bin", "lib", "lib64", "sbin"):
        host = Path("/") / name
        if host.is_symlink():
            command += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            command += ["--ro-bind", str(host), str(host)]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"):
        if Path(name).exists():
            command += ["--ro-bind", name, name]
    command += ["--perms", "1777", "--tmpfs", SANDBOX_WORKDIR]  # first: a root under /tmp is bound into it
    ancestors = sorted(
        {a for root in python_roots for a in root.parents if a != Path("/")}, key=lambda a: len(a.parts)
    )
    for folder in ancestors:  # bwrap would create them 0700; the unprivileged worker must traverse them
        if folder != Path(SANDBOX_WORKDIR) and not str(folder).startswith(
            ("/usr", "/bin", "/lib", "/sbin", "/etc")
        ):
            command += ["--perms", "0755", "--dir", str(folder)]
    for root in python_roots:
        command += ["--ro-bind", str(root), str(root)]
    command += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm"]
    for device in devices:  # CUDA's device nodes, where there are some
        command += ["--dev-bind", device, device]
    if devices:  # the CUDA driver reads the PCI topology from /sys (read-only, nothing of the course)
        command += ["--ro-bind", "/sys", "/sys"]
    command += ["--chdir", SANDBOX_WORKDIR, "--"]
    return command


def _nvidia_devices() -> list[str]:
    return sorted(str(p) for p in Path("/dev").glob("nvidia*"))


def _bwrap_fix(installed: bool) -> str:
    """The command that makes bubblewrap work here."""
    if not installed:
        sudo = "" if os.geteuid() == 0 else "sudo "
        return (
            f"`seqlab install-sandbox` (runs `{sudo}apt-get install -y bubblewrap`; on Fedora `{sudo}dnf "
            f"install bubblewrap`, on Arch `{sudo}pacman -S bubblewrap`)"
        )
    return (
        "allow user namespaces: `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian), "
        "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 24.04); in a Docker "
        "container run it with "
        "`--security-opt seccomp=unconfined --security-opt apparmor=unconfined --cap-add SYS_ADMIN`"
    )


@functools.cache
def _bwrap_works(as_root: bool) -> tuple[bool, str]:
    if shutil.which("bwrap") is None:
        return False, "bubblewrap (bwrap) is not installed; install the Debian package `bubblewrap`"
    probe = [
        *bwrap_command(_python_roots(), as_root=as_root, devices=[]),
        sys.executable,
        "-c",
        "import numpy",
    ]
    try:
        done = subprocess.run(
            probe, capture_output=True, timeout=60, check=False, env={"PATH": "/usr/bin:/bin"}
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap could not start: {exc}"
    if done.returncode != 0:
        detail = (done.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return False, f"bubblewrap failed here ({detail[0]}); user namespaces may be disabled"
    return True, ""


def _traversable(folder: Path) -> bool:
    """Whether any user may traverse ``folder`` (its "others" execute bit)."""
    try:
        return bool(folder.stat().st_mode & 0o001)
    except OSError:
        return False


def _readable_by_anyone(path: Path) -> bool:
    """Whether every folder above ``path`` can be traversed by any user (so ``nobody`` reaches it)."""
    for folder in [path, *path.parents]:
        try:
            if not folder.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


#: Worker uids reserved by grader processes on this host: ``WORKER_UID_BASE - slot`` for slot 0, 1, ...
WORKER_UID_BASE = 65534
WORKER_UID_SLOTS = 256
#: The root-only folder holding one lock file per reserved slot.
WORKER_UID_LOCKS = Path(tempfile.gettempdir()) / "seqlab-worker-uids"
_claimed: dict[int, int] = {}  # pid -> the worker uid that process reserved (a forked child claims anew)


def claim_worker_uid() -> int | None:
    """Reserve a worker uid for this grader process alone, for as long as it lives, and use it.

    A process limit (``RLIMIT_NPROC``) counts a user's processes, so two submissions graded at once must
    not run as the same user: one's fork bomb would use up the other's limit, and one's ``kill(-1)`` would
    end the other's worker. Every grading process (:func:`seqlab.grading.pipeline.grade` claims before it
    starts a worker; a class run's pool and Dask workers claim when they start) takes the first free slot
    ``n`` (an exclusive ``flock`` on ``WORKER_UID_LOCKS/slot-n``, released by the kernel when the process
    ends, however it ends) and runs its workers as uid ``65534 - n`` (``SEQLAB_WORKER_UID``, which the
    processes it starts inherit; a grading process that inherited it claims a slot of its own all the same).
    Only as root (otherwise the worker does not switch users); ``None`` when no slot could be reserved (the
    worker then runs as the uid already set, or ``nobody``).
    """
    if os.geteuid() != 0:
        return None
    if os.getpid() in _claimed:
        return _claimed[os.getpid()]
    try:
        WORKER_UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        folder = WORKER_UID_LOCKS.lstat()
        if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != 0 or folder.st_mode & 0o022:
            return None  # not root's own private folder: do not trust its locks
        for slot in range(WORKER_UID_SLOTS):
            descriptor = os.open(
                WORKER_UID_LOCKS / f"slot-{slot}", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600
            )
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            _claimed[os.getpid()] = WORKER_UID_BASE - slot  # the descriptor stays open: the lock is held
            os.environ["SEQLAB_WORKER_UID"] = str(WORKER_UID_BASE - slot)
            return WORKER_UID_BASE - slot
    except OSError:
        return None
    return None


def worker_user() -> tuple[int, int]:
    """``(uid, gid)`` the worker runs as when the grader is root: ``nobody`` (65534), or the uid in
    ``SEQLAB_WORKER_UID``, which class grading gives each of its grader processes (a process limit is per
    user, so concurrent gradings must not share one)."""
    uid = os.environ.get("SEQLAB_WORKER_UID", "")
    return (int(uid), UNPRIVILEGED[1]) if uid.isdigit() and 0 < int(uid) < 2**31 else UNPRIVILEGED


def forget_probes() -> None:
    """Forget what was probed (bubblewrap, the plans): the next :func:`plan_sandbox` probes again, as after
    ``seqlab install-sandbox`` installed a layer."""
    _bwrap_works.cache_clear()
    plan_sandbox.cache_clear()


@functools.cache
def plan_sandbox(mode: str = "auto") -> SandboxPlan:
    """Probe this machine and return how workers are started (cached per mode).

    Raises:
        ConfigError: for an unknown mode.
        SandboxUnavailable: in ``require`` mode, when a layer cannot be applied.
    """
    if mode not in SANDBOX_MODES:
        raise ConfigError(f"unknown sandbox mode {mode!r}; choose one of {', '.join(SANDBOX_MODES)}")
    layers = dict.fromkeys(_ALWAYS, True) | dict.fromkeys(_OPTIONAL, False)
    notes: dict[str, str] = {}
    if mode == "off":
        notes = dict.fromkeys(_OPTIONAL, "turned off (sandbox mode 'off')")
        return SandboxPlan(layers=layers, notes=notes)
    as_root = os.geteuid() == 0
    works, why = _bwrap_works(as_root)
    prefix: tuple[str, ...] = ()
    fixes: dict[str, str] = {}
    if works:
        prefix = tuple(bwrap_command(_python_roots(), as_root=as_root, devices=_nvidia_devices()))
        layers["filesystem_sandbox"] = layers["network_sandbox"] = True
    else:
        notes["filesystem_sandbox"] = notes["network_sandbox"] = why
        fixes["filesystem_sandbox"] = fixes["network_sandbox"] = _bwrap_fix(shutil.which("bwrap") is not None)
    switch_user = False
    if not as_root:
        layers["unprivileged_user"] = True  # the grader's own user is not root
    elif works or all(_readable_by_anyone(root) for root in _python_roots()):
        switch_user = True
        layers["unprivileged_user"] = True
    else:
        notes["unprivileged_user"] = (
            f"the Python installation ({sys.base_prefix}) is not readable by other users and there is no "
            "bubblewrap to expose it"
        )
        closed = sorted(
            {str(f) for root in _python_roots() for f in [root, *root.parents] if not _traversable(f)}
        )
        fixes["unprivileged_user"] = (
            "install bubblewrap (it exposes the installation to the worker), or let other users reach it: "
            f"`chmod o+x {' '.join(closed)}` (and `chmod -R o+rX` on the installation if its files are "
            "private)"
        )
    plan = SandboxPlan(prefix=prefix, switch_user=switch_user, layers=layers, notes=notes, fixes=fixes)
    if mode == "require" and notes:
        missing = "; ".join(f"{layer}: {reason} (fix: {fixes[layer]})" for layer, reason in notes.items())
        raise SandboxUnavailable(
            f"the sandbox is required but incomplete here: {missing}. To grade without isolation all the "
            "same, pass --sandbox off (every report then says so)"
        )
    return plan
