"""Backfill: generate a span of history with the simulator and write it through the store's one writer.

Used by ``energymon simulate --backfill-days N`` and by the demo's first start.
Generation and encoding run in a child process (energymon.backfill.process);
this thread passes each encoded device-day to the writer thread, which
inserts it between live batches, at most ``IN_FLIGHT`` device-days ahead, so
memory stays bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from energymon.backfill.process import ChunkDone, Finished, HistoryProcess
from energymon.config import Config
from energymon.sim.park import save_park_state
from energymon.site_time import DAY_S
from energymon.store.history import PreparedHistory
from energymon.store.samples import stored_span
from energymon.store.schema import StoreError
from energymon.store.site_record import record_site
from energymon.store.writer import StoreWriter

IN_FLIGHT = 8


@dataclass(frozen=True)
class BackfillResult:
    start_s: float
    end_s: float
    samples: int
    seconds: float
    final_state: dict


def run_backfill(
    config: Config,
    writer: StoreWriter,
    start_s: float,
    end_s: float,
    seed: int = 1,
    progress: Callable[[float, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> BackfillResult | None:
    """Write the history of ``[start_s, end_s)``; returns None if ``cancelled()`` became true on the way.

    ``progress(share_done, samples_so_far)`` is called after each day is handed
    to the writer. Raises energymon.backfill.process.HistoryProcessError if the
    history process fails.
    """
    started = time.perf_counter()
    slots = threading.Semaphore(IN_FLIGHT)
    stopped = lambda: cancelled() or writer.error is not None  # noqa: E731
    samples = 0
    final_state = None

    def hand_over(history: PreparedHistory) -> bool:
        while not slots.acquire(timeout=0.5):
            if stopped():
                return False
        writer.put_history(history, slots)
        return True

    with HistoryProcess(config, start_s, end_s, seed) as process:
        for message in process.messages(stopped):
            if isinstance(message, PreparedHistory):
                if not hand_over(message):
                    return None
            elif isinstance(message, ChunkDone):
                samples = message.samples
                if progress is not None:
                    progress(message.share_done, samples)
            elif isinstance(message, Finished):
                final_state = message.final_state
    if final_state is None:  # cancelled (or the writer failed) before the end
        return None
    for _ in range(IN_FLIGHT):  # wait until the writer has committed everything handed over
        while not slots.acquire(timeout=0.5):
            if writer.error:
                return None
    return BackfillResult(start_s, end_s, samples, time.perf_counter() - started, final_state)


def backfill_database(
    config: Config,
    db_path: Path,
    days: float,
    seed: int,
    state_path: Path,
    config_text: str | None = None,
    report: Callable[[str], None] = print,
    end_s: float | None = None,
) -> BackfillResult:
    """``energymon simulate --backfill-days``: ``days`` of history ending now (or at ``end_s``) into ``db_path``.

    The park's state at the end is saved to ``state_path``, so a simulator
    started with ``--state`` continues the same counters. Raises StoreError if
    the database cannot be written or already holds samples in the span (history
    ends now, so a database in use has them).
    """
    writer = StoreWriter(db_path, raw_retention_days=config.storage.raw_retention_days)
    end_s = time.time() if end_s is None else end_s
    start_s = end_s - days * DAY_S
    stored = stored_span(writer.db, int(start_s * 1000), int(end_s * 1000))
    if stored is not None:
        writer.close()
        first, last = (datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S") for ms in stored)
        raise StoreError(
            f"{db_path} already holds samples in the span to fill ({first} to {last} UTC); a "
            "simulated history would interleave with them, and its counters with theirs. "
            "Write the history into a new database"
        )
    record_site(writer.db, config, config_text)
    last_shown = [-1]

    def progress(share: float, samples: int) -> None:
        percent = int(share * 100)
        if percent // 10 != last_shown[0]:
            last_shown[0] = percent // 10
            report(f"history: {percent:3d} % ({share * days:.0f} of {days:g} days), {samples:,} samples")

    try:
        result = run_backfill(config, writer, start_s, end_s, seed, progress, lambda: False)
    finally:
        writer.close(timeout_s=600)
    if result is None or writer.error:
        raise StoreError(writer.error or f"{db_path}: history was not written completely")
    save_park_state(state_path, result.final_state)
    return result
