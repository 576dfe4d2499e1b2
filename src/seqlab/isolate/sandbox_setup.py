"""``seqlab install-sandbox``: bring the sandbox's system package, so the default install is the secure one.

The worker's filesystem and network sandbox is bubblewrap (``bwrap``, see :mod:`seqlab.isolate.sandbox`), a
system package pip cannot install. The README's install command ends with this step: where bubblewrap is
missing and this user may install packages (root, or ``sudo`` without a password prompt) it installs Debian's
``bubblewrap`` with apt (running ``apt-get update`` first when the package lists are empty or stale);
then it probes every isolation layer and prints, for each one still missing, the command that fixes it.

Exit status: 0 when every layer is active afterwards, 1 otherwise (the probe's output says why and how to
fix it; grading one's own work still runs, ``grade-class`` and the Gradescope autograder refuse).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence

from seqlab.isolate import sandbox

__all__ = ["PACKAGE", "install_command", "install_sandbox", "probe_lines"]

#: The Debian/Ubuntu package that provides ``bwrap``.
PACKAGE = "bubblewrap"


def install_command() -> list[str] | None:
    """The command that installs :data:`PACKAGE` here without a prompt, or None when this user cannot:
    no apt, or neither root nor a password-less ``sudo``."""
    if shutil.which("apt-get") is None:
        return None
    command = ["apt-get", "install", "-y", "--no-install-recommends", PACKAGE]
    if os.geteuid() == 0:
        return command
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [sudo, "-n", *command]
    return None


def probe_lines(plan: sandbox.SandboxPlan) -> list[str]:
    """What ``seqlab probe`` prints: each layer, why an inactive one is off, and the command that fixes it."""
    lines = []
    for layer, active in plan.layers.items():
        reason = f"  ({plan.notes[layer]})" if layer in plan.notes else ""
        lines.append(f"{'active  ' if active else 'MISSING '} {layer}{reason}")
        if layer in plan.fixes:
            lines.append(f"         fix: {plan.fixes[layer]}")
    return lines


def _fresh_plan() -> sandbox.SandboxPlan:
    sandbox.forget_probes()  # the probe is cached per process; probe again after the install
    return sandbox.plan_sandbox("auto")


def _run(command: Sequence[str], say: Callable[[str], None]) -> bool:
    say("running: " + " ".join(command))
    done = subprocess.run(list(command), check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return done.returncode == 0


def install_sandbox(say: Callable[[str], None] = print, *, dry_run: bool = False) -> int:
    """Install bubblewrap where it is missing and this user may, then probe; the exit status (see above).

    With ``dry_run`` nothing is installed: the command that would run is printed.
    """
    if shutil.which("bwrap") is None:
        command = install_command()
        if command is None:
            say(
                f"bubblewrap is not installed and this user cannot install it here: ask an administrator to "
                f"run `sudo apt-get install {PACKAGE}` (or your system's package of bubblewrap)"
            )
        elif dry_run:
            say("would run: " + " ".join(command))
        elif not _run(command, say):
            if _run(command[:-4] + ["update"], say):  # the package lists were empty or stale
                _run(command, say)
    plan = _fresh_plan()
    for line in probe_lines(plan):
        say(line)
    if plan.notes:
        say(
            "the sandbox is incomplete: grading your own work still runs (each report says it was graded "
            "without full isolation); grade-class and the Gradescope autograder refuse to start unless "
            "given --sandbox off"
        )
        return 1
    say("every isolation layer is active")
    return 0
