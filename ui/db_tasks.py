"""Every database read of the GUI, on one reader thread.

``DbTasks.submit(fn, on_done, on_error)`` runs ``fn(reader)`` (a
:class:`energymon.store.reader.StoreReader`, one short read transaction per query)
on the ``energymon-db-reader`` QThread and delivers the result to ``on_done``
on the GUI thread through a queued signal. The GUI thread never touches
SQLite. Results of a page that asked again before the answer came are
still delivered; pages keep only the newest (see ``key``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from energymon.store.reader import StoreReader
from energymon.store.writer import StoreError


class _Worker(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._reader: StoreReader | None = None

    @Slot(int, object, object)
    def run(self, token: int, db_path: Path, fn: Callable[[StoreReader], Any]) -> None:
        try:
            if self._reader is None or self._reader.path != db_path:
                self.close()
                if not Path(db_path).exists():
                    self.failed.emit(token, f"{db_path}: no database yet")
                    return
                self._reader = StoreReader(Path(db_path))
            self.done.emit(token, fn(self._reader))
        except StoreError as exc:
            self.failed.emit(token, str(exc))
        except Exception as exc:  # noqa: BLE001 - report, never kill the reader thread
            self.failed.emit(token, f"{db_path}: read failed: {type(exc).__name__}: {exc}")

    @Slot()
    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class DbTasks(QObject):
    """The GUI's database reader thread and its request/answer plumbing."""

    _request = Signal(int, object, object)
    _close = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path: Path | None = None
        self._tokens = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._latest: dict[str, int] = {}
        self.thread = QThread(self)
        self.thread.setObjectName("energymon-db-reader")
        self._worker = _Worker()
        self._worker.moveToThread(self.thread)
        self._request.connect(self._worker.run, Qt.QueuedConnection)
        self._close.connect(self._worker.close, Qt.BlockingQueuedConnection)
        self._worker.done.connect(self._on_done, Qt.QueuedConnection)
        self._worker.failed.connect(self._on_failed, Qt.QueuedConnection)
        self.thread.start()

    def submit(
        self,
        fn: Callable[[StoreReader], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
        key: str | None = None,
    ) -> None:
        """Run ``fn(reader)`` off the GUI thread; ``on_done(result)`` or ``on_error(message)`` back on it.

        With ``key``, only the newest request of that key is answered (older answers are dropped).
        """
        if self.db_path is None:
            if on_error is not None:
                on_error("no database")
            return
        token = next(self._tokens)
        self._pending[token] = (on_done, on_error)
        if key is not None:
            self._latest[key] = token
            self._pending[token] = (self._only_latest(key, token, on_done), on_error)
        self._request.emit(token, self.db_path, fn)

    def _only_latest(self, key: str, token: int, on_done: Callable[[Any], None]) -> Callable[[Any], None]:
        def deliver(result: Any) -> None:
            if self._latest.get(key) == token:
                on_done(result)

        return deliver

    def _on_done(self, token: int, result: Any) -> None:
        callbacks = self._pending.pop(token, None)
        if callbacks is not None:
            callbacks[0](result)

    def _on_failed(self, token: int, message: str) -> None:
        callbacks = self._pending.pop(token, None)
        if callbacks is not None and callbacks[1] is not None:
            callbacks[1](message)

    def shutdown(self) -> None:
        if self.thread.isRunning():
            self._close.emit()
            self.thread.quit()
            self.thread.wait(5000)
