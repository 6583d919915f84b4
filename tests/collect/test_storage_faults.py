"""Collection through storage faults, against the simulator on loopback: a real full disk (a small tmpfs)
and another program's write lock held longer than the busy timeout. Collection keeps polling, the
writer holds the readings (in spill files beside the database when it can) and, once the disk has
space or the lock is released, writes them: every value the collector produced is stored."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from energymon.collect.reading import Reading
from energymon.collect.service import Collection
from energymon.config import Config, load_config
from energymon.events import STORAGE_FAILED, STORAGE_RESUMED
from energymon.sim.serve import SimulatedPark
from energymon.store.spool import SpoolLimits

from fault_fs import fill, small_filesystem, write_lock
from support import EVENING_S, FrozenClock, run, small_site_toml, stored, write_config

pytestmark = pytest.mark.wire

FAST_RETRIES = {"busy_timeout_s": 0.3, "retry_first_s": 0.2, "retry_max_s": 0.5}


async def start_park(directory: Path) -> tuple[SimulatedPark, Config]:
    """The small park served on free loopback ports; the collector's config (database in ``directory``)."""
    template = load_config(write_config(directory, small_site_toml({"c1": 1, "c2": 2}), "template.toml"))
    sim = SimulatedPark(template, clock=FrozenClock(EVENING_S), host="127.0.0.1", ports={"c1": 0, "c2": 0})
    await sim.start()
    return sim, load_config(write_config(directory, small_site_toml(sim.ports, poll_interval_s=0.2)))


async def until(condition: Callable[[], bool], task: asyncio.Task, limit_s: float = 20.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert not task.done(), "the collection stopped by itself"
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def produced(readings: list[Reading]) -> set[tuple[str, str, int, float]]:
    return {(r.device_id, q, r.ts_ms, v) for r in readings if r.ok for q, v in r.values.items() if v is not None}


def stored_rows(db_path: Path) -> set[tuple[str, str, int, float]]:
    return {(d, q, ts, v) for d, qs in stored(db_path).items() for q, pairs in qs.items() for ts, v in pairs}


def storage_events(db_path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT kind, detail FROM events WHERE kind LIKE 'storage_%' ORDER BY id").fetchall()
    finally:
        con.close()


def ok_polls(collection: Collection) -> int:
    return sum(h.polls - h.failures for h in collection.collector.health.values())


async def collect_through(collection: Collection, fault, clear) -> dict[str, object]:
    """Collect, bring on the fault, see writing stop while polling goes on, clear it, see writing resume."""
    readings: list[Reading] = []
    collection.collector.reading_subscribers.append(readings.append)
    writer = collection.writer
    seen: dict[str, object] = {}
    task = asyncio.create_task(collection.run())
    try:
        await until(lambda: writer.rows_committed > 0, task)
        handle = fault()
        await until(lambda: writer.outage is not None, task)
        polls_at_stop = ok_polls(collection)
        await asyncio.sleep(2.0)  # longer than the busy timeout and several retries
        assert writer.outage is not None, "writing resumed while the fault lasted"
        seen["polled_during"] = ok_polls(collection) - polls_at_stop
        seen["spilled"] = writer.spool.spill_bytes
        clear(handle)
        await until(lambda: writer.outage is None, task)
        await asyncio.sleep(0.5)  # and live writing goes on
    finally:
        collection.collector.stop()
        await task
    seen["readings"] = readings
    return seen


def test_a_write_lock_held_past_the_busy_timeout_loses_nothing(tmp_path):
    async def body():
        sim, config = await start_park(tmp_path)
        try:
            limits = SpoolLimits(chunk_bytes=1024, spill_after_bytes=2048, segment_bytes=4096)
            collection = Collection(config, config.storage.database, spool_limits=limits, **FAST_RETRIES)
            lock = write_lock(config.storage.database)
            seen = await collect_through(collection, lock.__enter__, lambda _: lock.__exit__(None, None, None))
        finally:
            await sim.stop()
        return config, seen

    config, seen = run(body, timeout_s=60)
    db_path = config.storage.database
    assert seen["polled_during"] > 20  # 9 devices every 0.2 s kept being polled
    assert seen["spilled"] > 0  # held in spill files beside the database, not only in memory
    assert not (db_path.parent / "site.db.spool").exists()  # and those are gone again
    assert stored_rows(db_path) == produced(seen["readings"])
    (failed, failed_detail), (resumed, resumed_detail) = storage_events(db_path)
    assert (failed, resumed) == (STORAGE_FAILED, STORAGE_RESUMED)
    assert "another program holds a write lock" in failed_detail
    assert "samples held and written" in resumed_detail and "dropped" not in resumed_detail


def test_a_full_disk_loses_nothing_once_space_is_freed(tmp_path):
    directory = tmp_path / "small-disk"

    async def body():
        with small_filesystem(directory, size_kb=4096):
            sim, config = await start_park(directory)
            try:
                collection = Collection(config, config.storage.database, **FAST_RETRIES)
                seen = await collect_through(collection, lambda: fill(directory), lambda filler: filler.unlink())
                rows = stored_rows(config.storage.database)
                events = storage_events(config.storage.database)
                con = sqlite3.connect(config.storage.database)
                integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
                con.close()
            finally:
                await sim.stop()
        return seen, rows, events, integrity

    seen, rows, events, integrity = run(body, timeout_s=60)
    assert seen["polled_during"] > 20
    assert seen["spilled"] == 0  # the full disk is the database's disk: held in memory
    assert rows == produced(seen["readings"])
    assert integrity == "ok"
    (failed, failed_detail), (resumed, resumed_detail) = events
    assert (failed, resumed) == (STORAGE_FAILED, STORAGE_RESUMED)
    assert "the disk is full" in failed_detail and "samples held and written" in resumed_detail
