"""The GUI's one way to run work off the GUI thread: named worker threads that run callables in turn.

The GUI thread never waits for I/O: a database read, a Modbus read of the
register inspector, an export file, the wait for a report's child process.
It hands such work to a :class:`Worker`: ``submit(call, on_done, on_error)``
queues ``call()`` and returns at once; what ``call`` returns (or the
exception it raises) comes back to ``on_done`` (or ``on_error``) on the
thread that made the worker, the GUI thread, through a queued signal. The
callbacks never run on a worker thread, so they may touch widgets.

A worker with one thread runs its calls one after the other, in the order
submitted, always on that same thread: what a call leaves there (the
database reader's open connection, ui.db_tasks) is there for the next one.
Threads start with the first call. :meth:`Worker.shutdown` lets the calls
queued so far finish and ends the threads; from then on nothing is run or
delivered. A worker destroyed without a shutdown (its window closed) waits
for its threads first, as a QThreadPool does, so no QThread is destroyed
while it runs.

The workers of the GUI: ``energymon-db-reader`` (ui.db_tasks, every database
read), ``energymon-probe-1``/``-2`` (ui.register_inspector.probe_worker: the
register inspector's reads and the devices page's identity reads),
``energymon-export`` (ui.trend_export) and ``energymon-report``
(ui.report_runner: it only waits for the report's child process).
"""

from __future__ import annotations

import functools
import itertools
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal

T = TypeVar("T")
Job = tuple[int, Callable[[], Any]] | None  # (token, call); None: the thread ends


class _Thread(QThread):
    """Runs the jobs of its worker's queue until it takes a ``None``."""

    def __init__(self, name: str, jobs: queue.SimpleQueue[Job], deliver: Callable[[int, bool, object], None]) -> None:
        super().__init__()
        self.setObjectName(name)
        self._jobs = jobs
        self._deliver = deliver

    def run(self) -> None:
        while (job := self._jobs.get()) is not None:
            token, call = job
            try:
                outcome, ok = call(), True
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread; the thread lives on
                outcome, ok = exc, False
            self._deliver(token, ok, outcome)


def _is_running(thread: QThread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # Qt destroyed it already (at interpreter exit), so it had ended
        return False


def _stop(
    jobs: queue.SimpleQueue[Job], threads: list[_Thread], closed: threading.Event, wait_ms: int | None = None
) -> None:
    """Deliver nothing more; end ``threads`` after the jobs queued so far (wait up to ``wait_ms``; None: no limit)."""
    closed.set()
    running = [t for t in threads if _is_running(t)]
    for _ in running:
        jobs.put(None)
    for thread in running:
        if wait_ms is None:
            thread.wait()
        else:
            thread.wait(wait_ms)


class Worker(QObject):
    """``threads`` named worker threads (``name``, or ``name-1``, ``name-2``, …) and their queue of calls."""

    _finished = Signal(int, bool, object)  # token, returned (True) or raised (False), the value or exception

    def __init__(self, name: str, threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._tokens = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None] | None, Callable[[Any], None] | None]] = {}
        self._closed = threading.Event()  # set from the GUI thread, read on the worker threads
        self.threads = [
            _Thread(name if threads == 1 else f"{name}-{i + 1}", self._jobs, self._deliver) for i in range(threads)
        ]
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        # Destroyed without a shutdown: end the threads before Qt destroys them (not through self, which is going).
        self.destroyed.connect(functools.partial(_stop, self._jobs, self.threads, self._closed))

    def submit(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> int:
        """Queue ``call()``; its value goes to ``on_done``, its exception to ``on_error``, on the GUI thread.

        Returns the call's token (increasing). After :meth:`shutdown` nothing is queued.
        """
        token = next(self._tokens)
        if self._closed.is_set():
            return token
        self._pending[token] = (on_done, on_error)
        for thread in self.threads:
            if not thread.isRunning():
                thread.start()
        self._jobs.put((token, call))
        return token

    def _deliver(self, token: int, ok: bool, outcome: object) -> None:  # on a worker thread
        if self._closed.is_set():
            return
        try:
            self._finished.emit(token, ok, outcome)
        except RuntimeError:  # the worker is gone (its window was closed)
            pass

    def _on_finished(self, token: int, ok: bool, outcome: object) -> None:  # on the GUI thread
        callbacks = self._pending.pop(token, None)
        if callbacks is None or self._closed.is_set():
            return
        callback = callbacks[0] if ok else callbacks[1]
        if callback is not None:
            callback(outcome)

    def shutdown(self, wait_ms: int | None = None, last: Callable[[], None] | None = None) -> None:
        """Take no more calls, deliver no more answers; the threads end once the calls queued so far have run.

        ``last`` runs on a worker thread after those calls (the reader closes its database there).
        Waits for the threads up to ``wait_ms`` (None: until they end).
        """
        self._pending.clear()
        if last is not None and any(_is_running(t) for t in self.threads):
            self._jobs.put((0, last))
        _stop(self._jobs, self.threads, self._closed, wait_ms)
