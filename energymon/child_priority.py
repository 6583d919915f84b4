"""Lower the CPU priority of a background child process (history, reports)."""

from __future__ import annotations

import os

CHILD_NICENESS = 19  # POSIX nice of background children: the lowest priority, they take the spare core


def lower_priority(niceness: int = CHILD_NICENESS) -> None:
    """Add ``niceness`` to this process's POSIX nice value; a no-op where that is not possible
    (Windows, or not allowed here): the process then runs at its parent's priority."""
    if hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError:
            pass
