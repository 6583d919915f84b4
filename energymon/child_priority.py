"""Lower the CPU priority of a background child process (history, reports)."""

from __future__ import annotations

import os


def lower_priority(niceness: int) -> None:
    """Add ``niceness`` to this process's POSIX nice value; a no-op where that is not possible
    (Windows, or not allowed here): the process then runs at its parent's priority."""
    if hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError:
            pass
