"""A grading installation that is really broken for the worker's user, made without touching the shared one.

:func:`numpy_hidden_plan` is this machine's bubblewrap sandbox with one more mount: an empty, root-only
(0700) tmpfs over a folder of the installed numpy (``numpy/random`` by default, numpy 2 imports it lazily;
``numpy`` itself to break the worker's own start). As root the grader still reads the real files; the worker,
once it has become the unprivileged user, cannot: exactly an installation whose files the worker's user
cannot read (the venv made by another user with a umask of 077), limited to the worker's mount namespace so
that tests running beside it are unaffected.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy
import pytest

from seqlab.isolate.sandbox import SandboxPlan, plan_sandbox

NUMPY = Path(numpy.__file__).resolve().parent


def unreadable_plan(*folders: Path) -> SandboxPlan:
    """The auto sandbox, with each of ``folders`` replaced by an empty folder the worker cannot read."""
    plan = plan_sandbox("auto")
    if os.geteuid() != 0 or not plan.prefix or not plan.switch_user:
        pytest.skip("needs root and bubblewrap, so that the worker runs as another user in its own mounts")
    prefix = list(plan.prefix)
    at = prefix.index("--chdir")
    for folder in folders:
        prefix[at:at] = ["--perms", "0700", "--tmpfs", str(folder)]
    return dataclasses.replace(plan, prefix=tuple(prefix))


def numpy_hidden_plan(folder: str = "random") -> SandboxPlan:
    """The auto sandbox, with ``numpy/<folder>`` (or numpy itself for ``""``) unreadable to the worker."""
    return unreadable_plan(NUMPY / folder if folder else NUMPY)
