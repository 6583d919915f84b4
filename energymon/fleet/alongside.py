"""Publishing beside a collection: ``collect`` and ``gui`` honour the config's ``[publish]`` section.

The publisher (energymon.fleet.publisher) runs on a thread of its own in the collecting process, reading the
park's database that the collection writes, exactly as ``energymon publish`` would in a process of its own:
the same marks in ``<db>.publish.db``, the same lock (one publisher per database), the same store-and-forward.
A publisher that cannot start (another process publishes the database) or fails is logged in one line and
the collection goes on: the park's own monitoring never depends on the link to head office; what was not
sent is sent by the next publisher to run, from the marks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from energymon.config.publish import PublishSettings
from energymon.fleet.publisher import Publisher
from energymon.store.schema import StoreError

log = logging.getLogger("energymon.fleet.publish")


class PublisherThread:
    """One :class:`Publisher` on a thread; :meth:`stop` waits for it (its in-flight acks, then its commit)."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.settings = publisher.settings
        self.failure: str | None = None  # why it stopped on its own (None: running or stopped when asked)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="energymon-publisher", daemon=True)

    def start(self) -> None:
        log.info(
            "publishing as site %r to %s (target %r)",
            self.settings.site_id,
            self.settings.broker_url,
            self.settings.target,
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            self.publisher.run(self._stop)
        except StoreError as exc:
            self.failure = str(exc)
            log.error("not publishing: %s", exc)
        except Exception as exc:  # noqa: BLE001 - the collection goes on; one line says why publishing stopped
            self.failure = f"{type(exc).__name__}: {exc}"
            log.error("publishing stopped: %s (the collection goes on; the next start sends the rest)", exc)

    def stop(self, timeout_s: float = 20.0) -> None:
        """Stop and wait (the publisher waits up to its ``stop_wait_s`` for acknowledgements in flight)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


@contextmanager
def publishing(settings: PublishSettings | None, db_path: Path) -> Iterator[PublisherThread | None]:
    """Publish ``db_path`` for the duration of the block when ``settings`` is given (None: do nothing)."""
    if settings is None:
        yield None
        return
    thread = PublisherThread(Publisher(settings, db_path))
    thread.start()
    try:
        yield thread
    finally:
        thread.stop()
