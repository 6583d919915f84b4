"""The writer through storage faults: an injected write error is held and written on resume (one event and
one log line each way, the events themselves kept), the spool's bound drops the oldest and counts them,
spill files keep order, a damaged file is reported by the time-bounded quick_check."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import pytest

from energymon.events import INFO, STORAGE_FAILED, STORAGE_RESUMED, WARNING, Event
from energymon.store.faults import storage_cause
from energymon.store.health_check import quick_check
from energymon.store.spool import CHUNK_BYTES, Spool, SpoolLimits
from energymon.store.writer import SampleBatch, StoreWriter

from support import stored

QUANTITIES = ("power_w", "yield_wh", "voltage_l1_v", "current_l1_a", "frequency_hz")


def polls(start: int, count: int, devices: tuple[str, ...] = ("pv-1", "pv-2")) -> list[SampleBatch]:
    """``count`` polls of each device, one a second from 2024-06-21 00:00 UTC + ``start`` s."""
    base_ms = 1_718_928_000_000
    return [
        SampleBatch(d, base_ms + (start + i) * 1000, {q: float(start + i) + k / 10 for k, q in enumerate(QUANTITIES)})
        for i in range(count)
        for d in devices
    ]


def as_rows(batches: list[SampleBatch]) -> set[tuple[str, str, int, float]]:
    return {(b.device_id, q, b.ts_ms, v) for b in batches for q, v in b.values.items() if v is not None}


def stored_rows(db_path: Path) -> set[tuple[str, str, int, float]]:
    return {(d, q, ts, v) for d, qs in stored(db_path).items() for q, pairs in qs.items() for ts, v in pairs}


def storage_events(db_path: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT kind, severity, detail FROM events WHERE kind LIKE 'storage_%' ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


class DiskFull:
    """Makes the writer's sample inserts fail as SQLite does on a full disk, while ``on``."""

    def __init__(self, writer: StoreWriter) -> None:
        self.on = True
        self.failures = 0
        self._real = writer._insert_samples
        writer._insert_samples = self  # type: ignore[method-assign]

    def __call__(self, by_channel):
        if self.on:
            self.failures += 1
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorname = "SQLITE_FULL"
            raise exc
        return self._real(by_channel)


def test_an_injected_write_error_is_held_and_written_when_writing_works_again(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="energymon.store")
    db_path = tmp_path / "site.db"
    writer = StoreWriter(db_path, max_delay_s=0.05, retry_first_s=0.05, retry_max_s=0.2)
    before, during, after = polls(0, 20), polls(20, 200), polls(220, 20)
    for batch in before:
        writer.put_samples(batch)
    wait_for(lambda: len(stored_rows(db_path)) == len(as_rows(before)))
    fault = DiskFull(writer)
    for batch in during:
        writer.put_samples(batch)
    writer.put_event(Event(before[-1].ts_ms, "pv-1", "device_offline", "error", "held with the readings"))
    wait_for(lambda: writer.outage is not None and writer.outage.attempts >= 3)
    assert writer.error is None and writer.spool.samples == len(as_rows(during))
    fault.on = False
    wait_for(lambda: writer.outage is None)
    for batch in after:
        writer.put_samples(batch)
    writer.close()

    assert writer.error is None
    assert stored_rows(db_path) == as_rows(before + during + after)  # nothing lost
    (failed, failed_severity, failed_detail), (resumed, resumed_severity, resumed_detail) = storage_events(db_path)
    assert (failed, failed_severity) == (STORAGE_FAILED, "error")
    assert "writing stopped: the disk is full" in failed_detail and str(db_path) in failed_detail
    assert (resumed, resumed_severity) == (STORAGE_RESUMED, INFO)
    assert f"{len(as_rows(during)):,} samples held and written" in resumed_detail
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT detail FROM events WHERE kind = 'device_offline'").fetchall() == [
        ("held with the readings",)
    ]
    con.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "energymon.store"]
    assert sum("writing stopped" in line for line in lines) == 1
    assert sum("writing again" in line for line in lines) == 1
    assert fault.failures >= 4  # the first write and at least three retries


def test_past_the_spools_bound_the_oldest_are_dropped_counted_and_reported(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="energymon.store")
    db_path = tmp_path / "site.db"
    limits = SpoolLimits(memory_bytes=3 * CHUNK_BYTES, spill_after_bytes=CHUNK_BYTES, spill_bytes=0)
    writer = StoreWriter(db_path, max_delay_s=0.05, retry_first_s=0.05, retry_max_s=0.1, spool_limits=limits)
    fault = DiskFull(writer)
    batches = polls(0, 2000)  # 2 x 2000 polls of 5 values: 63 bytes a poll, 252 kB > 192 kB
    for batch in batches:
        writer.put_samples(batch)
    wait_for(lambda: writer.spool.added_samples == len(as_rows(batches)))
    dropped = writer.spool.dropped_samples
    assert dropped > 0 and writer.spool.memory_bytes <= limits.memory_bytes
    fault.on = False
    wait_for(lambda: writer.outage is None)
    writer.close()

    rows = stored_rows(db_path)
    assert len(rows) + dropped == len(as_rows(batches))
    assert dropped % len(QUANTITIES) == 0
    assert rows == as_rows(batches[dropped // len(QUANTITIES) :])  # the oldest polls went, the rest is whole
    (_, _, failed), (kind, severity, detail) = storage_events(db_path)  # the failure event survived the drop
    assert (kind, severity) == (STORAGE_RESUMED, WARNING)
    assert f"{dropped:,} oldest samples dropped past the spool's bound" in detail
    assert any(f"{dropped:,} oldest samples dropped" in r.getMessage() for r in caplog.records)


def test_spill_files_keep_the_order_and_their_own_bound(tmp_path):
    spill = tmp_path / "site.db.spool"
    limits = SpoolLimits(spill_after_bytes=CHUNK_BYTES, segment_bytes=2 * CHUNK_BYTES, spill_bytes=6 * CHUNK_BYTES)
    spool = Spool(spill, limits)
    batches = polls(0, 4000)
    for batch in batches:
        spool.add(batch)
    files = sorted(spill.glob("*.spool"))
    assert len(files) >= 2 and spool.spill_bytes <= limits.spill_bytes
    assert spool.dropped_samples > 0 and spool.samples + spool.dropped_samples == len(as_rows(batches))
    out: list = []
    while (held := spool.oldest()) is not None:
        out += held.items
        spool.release(held)
    assert out == batches[-len(out) :]  # in order, and exactly the newest
    assert not list(spill.glob("*.spool"))
    spool.close()
    assert not spill.exists()


def test_no_spill_file_that_would_leave_the_disk_without_free_space(tmp_path):
    limits = SpoolLimits(spill_after_bytes=CHUNK_BYTES, keep_free_bytes=1 << 60)
    spool = Spool(tmp_path / "x.spool", limits)
    for batch in polls(0, 2000):
        spool.add(batch)
    assert spool.spill_bytes == 0 and spool.memory_bytes > CHUNK_BYTES and spool.dropped_samples == 0
    assert spool.spill_problem is not None and "MiB free" in spool.spill_problem


def test_the_causes_are_named():
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorname = "SQLITE_READONLY"
    assert storage_cause(full, Path("/tmp/a.db")).startswith("the disk is full")
    assert storage_cause(busy, Path("/tmp/a.db")).startswith("another program holds a write lock")
    assert storage_cause(readonly, Path("/tmp/a.db")).startswith("the database file is read-only")
    assert "damaged" in storage_cause(sqlite3.DatabaseError("database disk image is malformed"), Path("/tmp/a.db"))


def damage_a_page(db_path: Path, table: str = "sample_blocks") -> None:
    """Overwrite the root page of ``table`` with garbage (the file still opens; quick_check finds it)."""
    con = sqlite3.connect(db_path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    with db_path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)


def test_quick_check_finds_a_damaged_page_and_is_bounded_in_time(tmp_path):
    db_path = tmp_path / "site.db"
    writer = StoreWriter(db_path)
    for batch in polls(0, 500):
        writer.put_samples(batch)
    writer.close()
    assert quick_check(db_path).ok
    damage_a_page(db_path)
    health = quick_check(db_path)
    assert not health.ok and health.complete
    warning = health.warning()
    assert warning is not None and str(db_path) in warning and "damaged" in warning


@pytest.mark.slow
def test_quick_check_on_a_large_file_is_cut_short_and_says_so(tmp_path):
    db_path = tmp_path / "big.db"
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b BLOB)")
    con.execute("CREATE INDEX t_b ON t (b)")
    con.executemany("INSERT INTO t (b) VALUES (randomblob(200))", ((),) * 400_000)
    con.commit()
    con.close()
    health = quick_check(db_path, budget_s=0.02)
    assert not health.complete and health.ok
    note = health.cut_short()
    assert note is not None and "cut short" in note and str(db_path) in note
