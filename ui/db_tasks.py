"""Every database read of the GUI, on one reader thread.

``DbTasks.submit(fn, on_done, on_error)`` runs ``fn(reader)`` (a
:class:`energymon.store.reader.StoreReader`, one short read transaction per query)
on the ``energymon-db-reader`` thread (a one-thread :class:`ui.background.Worker`)
and delivers the result to ``on_done`` on the GUI thread. The GUI thread never
touches SQLite. The reader is opened on that thread and kept there for the
next read. Results of a page that asked again before the answer came are
still delivered; pages keep only the newest (see ``key``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread

from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError
from ui.background import Worker


class _ReaderSlot:
    """The reader of the database last read; touched only on the reader thread."""

    def __init__(self) -> None:
        self.reader: StoreReader | None = None

    def open(self, db_path: Path) -> StoreReader:
        if self.reader is None or self.reader.path != db_path:
            self.close()
            if not Path(db_path).exists():
                raise StoreError(f"{db_path}: no database yet")
            self.reader = StoreReader(Path(db_path))
        return self.reader

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None


def _message(db_path: Path, exc: Exception) -> str:
    """What a page shows of a failed read: the store's own message, else the error's type and text."""
    if isinstance(exc, StoreError):
        return str(exc)
    return f"{db_path}: read failed: {type(exc).__name__}: {exc}"


class DbTasks:
    """The GUI's database reader thread and its request/answer plumbing."""

    def __init__(self, parent: QObject | None = None) -> None:
        self.db_path: Path | None = None
        self._latest: dict[str, int] = {}
        self._slot = _ReaderSlot()
        self._worker = Worker("energymon-db-reader", parent=parent)
        self.thread: QThread = self._worker.threads[0]

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
        db_path = self.db_path
        if db_path is None:
            if on_error is not None:
                on_error("no database")
            return
        slot = self._slot
        token = 0  # this request's token, known once submitted (answers come later, on this thread)

        def done(result: Any) -> None:
            if key is None or self._latest.get(key) == token:
                on_done(result)

        def failed(exc: Exception) -> None:
            if on_error is not None:
                on_error(_message(db_path, exc))

        token = self._worker.submit(lambda: fn(slot.open(db_path)), done, failed)
        if key is not None:
            self._latest[key] = token

    def shutdown(self) -> None:
        """Close the reader (on its thread, after the reads queued so far) and end the thread."""
        self._worker.shutdown(last=self._slot.close)
