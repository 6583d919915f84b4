"""Keep a running collection's long-lived objects out of Python's full garbage collections.

A collection builds its per-device state once (profile points, the data-quality watchers of every
quantity: tens of thousands of objects at 1,000 devices) and keeps it while it runs. A full (oldest
generation) collection traverses every tracked object while holding the GIL, so with that state it
stops every other thread, the GUI's included, for tens of milliseconds, many times a minute
(benchmarks/gui_load.py splits the GUI's late ticks by the collections that overlapped them). Once every
device has been polled once, its state is built: :class:`LongLivedState` then collects once and freezes
what is alive (``gc.freeze``), so later full collections look only at newer objects. The GUI freezes its
start-up objects the same way (ui/app.py).

At stop, :meth:`LongLivedState.release` unfreezes, collects what the stopped collection left (its cycles
included) and freezes again what is still alive, so starting and stopping collections does not keep
their objects for the life of the process.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable

SETTLE_AFTER_S = 60.0  # freeze by then even if some device has not answered a single poll


class LongLivedState:
    """Freezes once, when every device of ``device_ids`` has been polled once (or after ``settle_after_s``)."""

    def __init__(self, device_ids: Iterable[str], settle_after_s: float = SETTLE_AFTER_S) -> None:
        self._waiting = set(device_ids)
        self._deadline = time.monotonic() + settle_after_s
        self._lock = threading.Lock()
        self.frozen = False

    def polled(self, device_id: str) -> None:
        """A poll of ``device_id`` completed (answered or not): freeze once the last device has had one."""
        if self.frozen:
            return
        self._waiting.discard(device_id)
        if self._waiting and time.monotonic() < self._deadline:
            return
        with self._lock:
            if not self.frozen:
                gc.collect()
                gc.freeze()
                self.frozen = True

    def release(self) -> None:
        """The collection stopped: let its objects be collected (see the module docstring)."""
        with self._lock:
            if not self.frozen:
                return
            self.frozen = False
            gc.unfreeze()
            gc.collect()
            gc.freeze()
