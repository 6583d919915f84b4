"""Keep a running collection's long-lived objects out of Python's full garbage collections.

A collection builds its per-device state once (profile points, the data-quality watchers of every
quantity: tens of thousands of objects at 1,000 devices) and keeps it while it runs. A full (oldest
generation) collection traverses every tracked object while holding the GIL, so with that state it
stops every other thread, the GUI's included, for tens of milliseconds, many times a minute
(benchmarks/gui_load.py splits the GUI's late ticks by the collections that overlapped them). Once every
device has been polled once, its state is built: :class:`LongLivedState` then freezes what is alive
(``gc.freeze``), so later full collections look only at newer objects. The GUI freezes its start-up
objects the same way (ui/app.py).

It never runs a collection itself, and nothing is unfrozen at stop: this runs on the collector's thread,
and a collection there would run the finalizers of garbage Qt wrappers (the GUI's) off the GUI thread,
which crashes Qt (seen as a segmentation fault when a test's demo window closed). What freezing costs: a
stopped collection's objects that form reference cycles stay allocated until the process ends; all its
other objects are freed as usual, by their reference counts.
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
                gc.freeze()
                self.frozen = True
