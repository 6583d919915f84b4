"""A collection of 2,000 devices (200 connections of 10) starts, answers and stops cleanly, again and again.

The issue's crash: a 2,000-device ``energymon collect`` ended with SIGSEGV as it stopped. The store writer
had a backlog when asked to stop, and its close waited 30 s for its thread, then closed the SQLite
connection under the thread still inserting. The collection now waits for the writer to finish before it
returns; these runs check that every device answered and that no writer thread is left behind.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from energymon.collect.service import Collection
from energymon.config.parse import parse_config

from loopback_modbus import Arrivals, answer_pdu, park_config, serve
from support import run

DEVICES = 2000


def test_answer_pdu_fits_the_load_profile():
    pdu = answer_pdu(4, 0, 14)
    assert pdu[:2] == bytes((4, 28)) and len(pdu) == 30
    assert answer_pdu(6, 0, 1) == bytes((0x86, 1))
    assert answer_pdu(3, 0, 200) == bytes((0x83, 3))


def test_arrivals_judge_on_time_and_late_polls():
    arrivals = Arrivals()
    for k in range(10):
        arrivals.note(0, 1, 100.0 + k)  # on its grid
        if k != 5:
            arrivals.note(0, 2, 100.2 + k + (0.7 if k == 7 else 0.0))  # one slot missed, one late
    summary = arrivals.summary(1.0, 100.0, 110.0)
    assert summary["devices"] == 2
    assert summary["on_time_pct"] == pytest.approx(100 * 18 / 20)


@pytest.mark.wire
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_2000_device_collection_starts_and_stops_cleanly_three_times(tmp_path: Path):
    async def body() -> None:
        arrivals = Arrivals()
        server = await serve(arrivals)
        port = server.sockets[0].getsockname()[1]
        path = tmp_path / "site.toml"
        path.write_text(park_config(port, DEVICES), encoding="utf-8")
        config = parse_config(path.read_text(encoding="utf-8"), path)
        try:
            for attempt in range(3):
                collection = Collection(config, tmp_path / f"run{attempt}.db")
                await asyncio.wait_for(collection.run(4.0), 60)
                assert len(collection.collector.latest) == DEVICES
                assert all(r.ok for r in collection.collector.latest.values())
                assert collection.writer.error is None
                assert collection.writer.rows_committed > 0
                assert not [t for t in threading.enumerate() if t.name == "energymon-store-writer"]
        finally:
            server.close()

    run(body, timeout_s=170)
