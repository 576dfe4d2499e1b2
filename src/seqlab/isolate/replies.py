"""How the grader reads what a worker says about itself: text cut to size, an exit status in words, and
the module an import error names. Nothing a worker sends is trusted: every text is cut here, whatever the
worker cut already."""

from __future__ import annotations

import re
import signal
from typing import Any

__all__ = [
    "CLOSED_CHANNEL",
    "IMPORT_ERRORS",
    "MAX_MESSAGE_CHARS",
    "MAX_NAME_CHARS",
    "cut",
    "describe_exit",
    "missing_module",
]

#: Longest message, traceback and exception name kept from a worker's reply.
MAX_MESSAGE_CHARS = 4000
MAX_NAME_CHARS = 200

CLOSED_CHANNEL = "the process running your code closed its connection to the grader (it was then ended)"

IMPORT_ERRORS = ("ModuleNotFoundError", "ImportError")
#: A module not found, or a name not found in a package imported from nowhere (an unreadable folder).
_MISSING_MODULE = re.compile(
    r"No module named '([A-Za-z_][A-Za-z0-9_.]*)'|from '([A-Za-z_][A-Za-z0-9_.]*)' \(unknown location\)"
)

_SIGNAL_HINTS = {
    "SIGKILL": " (often: the memory or CPU-time limit was exceeded)",
    "SIGXCPU": " (the CPU-time limit was exceeded)",
    "SIGSEGV": " (a segmentation fault)",
    "SIGXFSZ": " (it wrote a file larger than allowed)",
}


def cut(value: Any, limit: int, *, keep_end: bool = False) -> str:
    """``value`` as text of at most ``limit`` characters (its end, for a traceback), marked where cut."""
    text = value if type(value) is str else str(value) if type(value) in (int, float, bool) else ""
    if len(text) <= limit:
        return text
    return "[...] " + text[-limit:] if keep_end else text[:limit] + " [...]"


def describe_exit(code: int | None) -> str:
    """How the process running the student's code ended, for the student: ``code`` is its exit status
    (negative: the signal that killed it), None when it stopped answering without ending."""
    if code is None:
        return "the process running your code stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the process running your code was killed by {name}{_SIGNAL_HINTS.get(name, '')}"
    return f"the process running your code exited with status {code} (os._exit or a crash?)"


def missing_module(error_type: str, message: str) -> str:
    """The module an import error (``error_type``, ``message``) could not find, or ""."""
    if error_type not in IMPORT_ERRORS:
        return ""
    match = _MISSING_MODULE.search(message)
    return (match[1] or match[2]) if match else ""
