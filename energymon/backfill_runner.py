"""Backfill: generate a span of history with the simulator and write it through the store's one writer.

Used by ``energymon simulate --backfill-days N`` and by the demo's first start.
Generation (energymon.sim.backfill) runs on the caller's thread, day by day;
the writer thread commits each device's day as it comes, at most
``IN_FLIGHT`` device-days ahead, so memory stays bounded. Days are handed
over cut at UTC midnight, the store's block boundary, so each block is
encoded once rather than merged with its other half later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
    carried: dict[str, DeviceHistory] = {}  # samples after the last UTC midnight, handed over with the next chunk

    def hand_over(history: DeviceHistory) -> bool:
        while not slots.acquire(timeout=0.5):
            if cancelled() or writer.error:
                return False
        writer.put_history(history, slots)
        return True

    for chunk in generate_history(config, start_s, end_s, seed):
        last = chunk.final_state is not None
        cut_ms = int(chunk.end_s // DAY_S * DAY_S * 1000)  # the last UTC midnight up to the chunk's end
        for device_id, device_samples in chunk.devices.items():
            values = quantize(devices[device_id], device_samples.values)  # register resolution, as read live
            history = _joined(carried.pop(device_id, None), DeviceHistory(device_id, device_samples.ts_ms, values))
            if not last:
                history, carried[device_id] = _split(history, cut_ms)
            if history.ts_ms.size and not hand_over(history):
                return None
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


def _joined(before: DeviceHistory | None, after: DeviceHistory) -> DeviceHistory:
    if before is None:
        return after
    return DeviceHistory(after.device_id, np.concatenate((before.ts_ms, after.ts_ms)),
                         {q: np.concatenate((before.values[q], v)) for q, v in after.values.items()})


def _split(history: DeviceHistory, cut_ms: int) -> tuple[DeviceHistory, DeviceHistory]:
    """The samples before ``cut_ms`` and those from it on."""
    at = int(np.searchsorted(history.ts_ms, cut_ms))
    return (DeviceHistory(history.device_id, history.ts_ms[:at], {q: v[:at] for q, v in history.values.items()}),
            DeviceHistory(history.device_id, history.ts_ms[at:], {q: v[at:] for q, v in history.values.items()}))


def backfill_database(config: Config, db_path: Path, days: float, seed: int, state_path: Path,
                      config_text: str | None = None, report: Callable[[str], None] = print,
                      end_s: float | None = None) -> BackfillResult:
    """``energymon simulate --backfill-days``: ``days`` of history ending now (or at ``end_s``) into ``db_path``.

    The park's state at the end is saved to ``state_path``, so a simulator
    started with ``--state`` continues the same counters. Raises StoreError if
    the database cannot be written.
    """
    from energymon.store import StoreError, record_site

    writer = StoreWriter(db_path, raw_retention_days=config.storage.raw_retention_days)
    record_site(writer.db, config, config_text)
    end_s = time.time() if end_s is None else end_s
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
