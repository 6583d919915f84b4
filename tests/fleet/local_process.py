"""Local processes and ports for the fleet's test servers: free loopback ports, liveness by pid, bounded waits.

Used by ``fleet.servers``; the tests use the pid checks to show that stopping a server leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"
LOG_TAIL_CHARS = 2_000


class ServerError(RuntimeError):
    """A test server did not start (or stop) within its bounds; the message carries its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that the OS reports free right now (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_accepts(port: int) -> bool:
    """Whether something accepts a TCP connection on 127.0.0.1:``port`` now."""
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    return False


def process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a container's init may never reap a daemon)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def child_pids(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (a postmaster's backends and workers), from /proc."""
    found = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat_path.read_text().rpartition(")")[2].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat_path.parent.name))
    return found


def log_tail(path: Path) -> str:
    """The last characters of a server's log file, for an error message ('' when there is none yet)."""
    try:
        return path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
    except OSError:
        return ""


def wait_until(condition_met: Callable[[], bool], timeout_s: float, poll_s: float = 0.05) -> bool:
    """Poll ``condition_met`` until it returns true or ``timeout_s`` passes; its last answer."""
    deadline = time.monotonic() + timeout_s
    while not condition_met():
        if time.monotonic() >= deadline:
            return bool(condition_met())
        time.sleep(poll_s)
    return True
