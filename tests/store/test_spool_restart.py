"""Held readings across a restart: a writer stopped during an outage keeps what it holds in spill files, the
next writer of the database writes them first (nothing lost, nothing twice); spill files a killed process left
are taken over too, and one that cannot be read is set aside, never deleted."""

from __future__ import annotations

import logging
import sqlite3

from test_writer_faults import DiskFull, as_rows, polls, stored_rows, wait_for

from energymon.events import STORAGE_RESUMED
from energymon.store.spool import CHUNK_BYTES, Spool, SpoolLimits, decode, read_spill, spill_dir_for
from energymon.store.writer import StoreWriter


def events(db_path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT kind, detail FROM events ORDER BY id").fetchall()
    finally:
        con.close()


def test_stopped_during_an_outage_the_held_readings_are_written_at_the_next_start(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="energymon.store")
    db_path = tmp_path / "site.db"
    limits = SpoolLimits(spill_after_bytes=CHUNK_BYTES, segment_bytes=CHUNK_BYTES)  # some in files, some in memory
    writer = StoreWriter(db_path, max_delay_s=0.05, retry_first_s=0.05, retry_max_s=0.1, spool_limits=limits)
    before, during = polls(0, 10), polls(10, 3000)
    for batch in before:
        writer.put_samples(batch)
    wait_for(lambda: len(stored_rows(db_path)) == len(as_rows(before)))
    DiskFull(writer)
    for batch in during:
        writer.put_samples(batch)
    wait_for(lambda: writer.spool.added_samples == len(as_rows(during)))
    assert writer.spool.spill_bytes > 0 and writer.spool.memory_bytes > 0
    writer.close()
    assert writer.error is None, writer.error
    assert writer.kept is not None and f"{len(as_rows(during)):,} held samples kept in" in writer.kept
    spill = spill_dir_for(db_path)
    assert len(list(spill.glob("*.spool"))) >= 2
    assert stored_rows(db_path) == as_rows(before)

    again = StoreWriter(db_path, max_delay_s=0.05)
    after = polls(3010, 10)
    for batch in after:
        again.put_samples(batch)
    again.close()
    assert again.error is None
    assert stored_rows(db_path) == as_rows(before + during + after)  # nothing lost
    kinds = [k for k, _ in events(db_path)]
    assert kinds.count("storage_failed") == 1 and kinds.count(STORAGE_RESUMED) == 1
    detail = dict(events(db_path))[STORAGE_RESUMED]
    assert f"{len(as_rows(during)):,} samples held by an earlier run" in detail
    assert not spill.exists()
    assert any("held samples kept in" in r.getMessage() for r in caplog.records)


def test_spill_files_of_a_killed_process_are_taken_over_and_written_once(tmp_path):
    db_path = tmp_path / "site.db"
    StoreWriter(db_path).close()
    spill = spill_dir_for(db_path)
    limits = SpoolLimits(spill_after_bytes=CHUNK_BYTES, segment_bytes=CHUNK_BYTES)
    killed = Spool(spill, limits)  # the process died here: what was spilled is on disk, its memory is gone
    batches = polls(0, 3000)
    for batch in batches:
        killed.add(batch)
    files = sorted(spill.glob("*.spool"))
    assert files
    spilled = as_rows([item for f in files for item in decode(*reversed(read_spill(f)))])
    assert 0 < len(spilled) < len(as_rows(batches))
    (spill / "00000000.spool").write_bytes(b"not a spool file")  # and one that cannot be read
    twice = files[0].read_bytes()

    writer = StoreWriter(db_path)
    writer.close()
    assert stored_rows(db_path) == spilled
    assert sorted(p.name for p in spill.iterdir()) == ["00000000.spool.unreadable"]  # set aside, not deleted

    files[0].write_bytes(twice)  # the same file once more (e.g. copied back by hand): nothing is stored twice
    StoreWriter(db_path).close()
    assert stored_rows(db_path) == spilled
    con = sqlite3.connect(db_path)
    total = con.execute("SELECT count(*) FROM samples").fetchone()[0]
    con.close()
    assert total == len(spilled)
