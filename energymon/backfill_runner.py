"""Backfill: generate a span of history with the simulator and write it through the store's one writer.

Used by ``energymon simulate --backfill-days N`` and by the demo's first start.
Generation (energymon.sim.backfill) runs on the caller's thread, day by day;
the writer thread commits each device's day as it comes, at most
``IN_FLIGHT`` device-days ahead, so memory stays bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from energymon.config import Config
from energymon.history_writer import DeviceHistory
from energymon.sim.backfill import generate_history
from energymon.sim.park import save_park_state
from energymon.sim.quantize import quantize
from energymon.store import StoreWriter

IN_FLIGHT = 8
DAY_S = 86_400.0


@dataclass(frozen=True)
class BackfillResult:
    start_s: float
    end_s: float
    samples: int
    seconds: float
    final_state: dict


def run_backfill(config: Config, writer: StoreWriter, start_s: float, end_s: float, seed: int = 1,
                 progress: Callable[[float, int], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False) -> BackfillResult | None:
    """Write the history of ``[start_s, end_s)``; returns None if ``cancelled()`` became true on the way.

    ``progress(share_done, samples_so_far)`` is called after each day is handed to the writer.
    """
    started = time.perf_counter()
    devices = {d.id: d for d in config.devices}
    slots = threading.Semaphore(IN_FLIGHT)
    samples = 0
    final_state = None
    for chunk in generate_history(config, start_s, end_s, seed):
        for device_id, device_samples in chunk.devices.items():
            while not slots.acquire(timeout=0.5):
                if cancelled() or writer.error:
                    return None
            values = quantize(devices[device_id], device_samples.values)  # register resolution, as read live
            writer.put_history(DeviceHistory(device_id, device_samples.ts_ms, values), slots)
        samples += chunk.sample_count
        if chunk.final_state is not None:
            final_state = chunk.final_state
        if progress is not None:
            progress(chunk.progress, samples)
        if cancelled():
            return None
    for _ in range(IN_FLIGHT):  # wait until the writer has committed everything handed over
        while not slots.acquire(timeout=0.5):
            if writer.error:
                return None
    return BackfillResult(start_s, end_s, samples, time.perf_counter() - started, final_state)


def backfill_database(config: Config, db_path: Path, days: float, seed: int, state_path: Path,
                      config_text: str | None = None, report: Callable[[str], None] = print) -> BackfillResult:
    """``energymon simulate --backfill-days``: ``days`` of history ending now into ``db_path``.

    The park's state at the end is saved to ``state_path``, so a simulator
    started with ``--state`` continues the same counters. Raises StoreError if
    the database cannot be written.
    """
    from energymon.store import StoreError, record_site

    writer = StoreWriter(db_path)
    record_site(writer.db, config, config_text)
    end_s = time.time()
    last_shown = [-1]

    def progress(share: float, samples: int) -> None:
        percent = int(share * 100)
        if percent // 10 != last_shown[0]:
            last_shown[0] = percent // 10
            report(f"history: {percent:3d} % ({share * days:.0f} of {days:g} days), {samples:,} samples")

    try:
        result = run_backfill(config, writer, end_s - days * DAY_S, end_s, seed, progress, lambda: False)
    finally:
        writer.close(timeout_s=600)
    if result is None or writer.error:
        raise StoreError(writer.error or f"{db_path}: history was not written completely")
    save_park_state(state_path, result.final_state)
    return result
