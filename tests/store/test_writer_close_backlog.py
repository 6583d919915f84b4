"""StoreWriter.close never closes the connection under a thread still writing: with a backlog longer than the
timeout it waits on (the 2,000-device collection that ended in SIGSEGV, issue 20)."""

from __future__ import annotations

import time

from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

from support import record_hand_site


def test_close_with_a_backlog_longer_than_the_timeout_writes_it_all(tmp_path, caplog):
    path = tmp_path / "site.db"
    record_hand_site(path, [("pv-1", "pv", 100)])
    writer = StoreWriter(path, max_delay_s=60)
    start_ms = int(time.time() * 1000)
    batches = 60_000
    for i in range(batches):
        writer.put_samples(SampleBatch("pv-1", start_ms + i * 1000, {"power_w": float(i), "yield_wh": 1e6 + i}))
    writer.close(timeout_s=0.01)  # far shorter than writing the queue takes
    assert writer.error is None
    reader = StoreReader(path)
    try:
        assert reader.sample_count("pv-1") == 2 * batches
    finally:
        reader.close()
    assert any("still writing" in r.getMessage() for r in caplog.records)
