"""Durability under ``kill -9``: a collector killed at random moments loses nothing it committed.

One simulated park serves real Modbus TCP on loopback for the whole test. The headless collector
(``energymon collect``, a real subprocess) is started on the same database again and again and killed
with SIGKILL each time: at a random moment after it has committed, or, in every other cycle, the moment
after a random delay that its WAL file is seen to change, i.e. while a commit is being written (the WAL
left behind shows whether the kill cut it short; the counts are printed, see ``-s``).

While it runs, a separate reader takes short read transactions and snapshots every stored sample key;
the last snapshot before the kill is a set of samples that was committed. After each kill, a copy of
exactly what the dead process left on disk (database and WAL, not the shared-memory index) is opened
fresh: ``PRAGMA integrity_check`` is ok, every key of the snapshot is there, nothing that survived an
earlier kill is gone, and no reading is stored half (all of a device's quantities at a time or none).
The original files are left as the kill left them, so every restart recovers a crashed database and
must get its writer lock back.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sqlite3
import struct
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

from energymon.collect.service import BackgroundRunner
from energymon.config import load_config
from energymon.sim.serve import SimulatedPark
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError

from support import EVENING_S, PYTHON, FrozenClock, small_site_toml, write_config

KILLS = 20
POLL_S = 0.2  # device poll interval of the collector
SNAPSHOT_EVERY_S = 0.1  # how often the reader snapshots the committed keys
SEED = int(os.environ.get("ENERGYMON_KILL_SEED", "20240621"))

WAL_MAGIC = (0x377F0682, 0x377F0683)


def wal_uncommitted_frames(wal: Path) -> int:
    """Frames of the WAL's current generation after its last commit frame: a commit cut short by the kill.

    A frame belongs to the current generation when its salts equal the header's (older frames left
    behind a WAL reset carry other salts); a partially written frame counts too.
    """
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return 0
    if len(data) < 32:
        return 1 if data else 0
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", data[:24])
    if magic not in WAL_MAGIC or page_size == 0:
        return 0
    if page_size == 1:  # the encoding of 65536
        page_size = 65536
    frame = 24 + page_size
    offset, since_commit = 32, 0
    while offset + 24 <= len(data):
        _page, commit_size, s1, s2 = struct.unpack(">4I", data[offset : offset + 16])
        if (s1, s2) != (salt1, salt2):
            break
        if offset + frame > len(data):
            since_commit += 1
            break
        since_commit = 0 if commit_size else since_commit + 1
        offset += frame
    return since_commit


def wal_state(wal: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(wal)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def snapshot(reader: StoreReader) -> set[tuple[str, str, int]]:
    return reader.sample_keys()  # one short read transaction: only committed rows


def inspect_copy(db_path: Path, work: Path) -> tuple[str, set[tuple[str, str, int]]]:
    """Integrity and sample keys of a fresh copy of the database and its WAL, as the kill left them."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    copy = work / db_path.name
    shutil.copyfile(db_path, copy)
    wal = Path(str(db_path) + "-wal")
    if wal.exists():
        shutil.copyfile(wal, str(copy) + "-wal")
    con = sqlite3.connect(copy)  # the first connection: rebuilds the WAL index from the WAL file
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    reader = StoreReader(copy)
    try:
        keys = reader.sample_keys()
    finally:
        reader.close()
    shutil.rmtree(work)
    return integrity, keys


def half_readings(keys: set[tuple[str, str, int]], quantities: dict[str, frozenset[str]]) -> list:
    """Readings (device, ts) stored with only some of the device's quantities."""
    by_reading: dict[tuple[str, int], set[str]] = defaultdict(set)
    for device_id, quantity, ts_ms in keys:
        by_reading[(device_id, ts_ms)].add(quantity)
    return [(reading, sorted(qs)) for reading, qs in by_reading.items() if qs != quantities[reading[0]]]


@pytest.mark.slow
@pytest.mark.wire
@pytest.mark.process
@pytest.mark.timeout(300)
def test_collector_killed_at_random_moments_loses_no_committed_batch(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    clock = FrozenClock(EVENING_S)  # a frozen park: every reading has every quantity, all plausible
    ports: dict[str, int] = {}
    ready = threading.Event()

    async def serve(stop: asyncio.Event) -> None:
        template = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2}), "template.toml"))
        sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"c1": 0, "c2": 0})
        await sim.start()
        ports.update(sim.ports)
        ready.set()
        try:
            await stop.wait()
        finally:
            await sim.stop()

    runner = BackgroundRunner(serve, name="test-simulator")
    runner.start()
    db_path = tmp_path / "killed.db"
    wal = Path(str(db_path) + "-wal")
    proc: subprocess.Popen | None = None
    survived: set[tuple[str, str, int]] = set()  # everything found after the previous kill
    torn = {True: 0, False: 0}  # kills that left a commit cut short in the WAL: aimed, random
    try:
        assert ready.wait(15), runner.error
        config_path = write_config(tmp_path, small_site_toml(ports, poll_interval_s=POLL_S), "kill.toml")
        quantities: dict[str, frozenset[str]] = {}
        for d in load_config(config_path).devices:
            assert d.profile is not None  # small_site_toml: built-in profiles, no SunSpec discovery
            quantities[d.id] = frozenset(d.profile.quantities)
        for cycle in range(KILLS):
            log = tmp_path / f"collect-{cycle}.log"

            def output(log: Path = log) -> str:
                return log.read_text(encoding="utf-8", errors="replace")

            with open(log, "w", encoding="utf-8") as out:
                proc = subprocess.Popen(
                    [
                        PYTHON,
                        "-m",
                        "energymon.cli",
                        "collect",
                        "--config",
                        str(config_path),
                        "--db",
                        str(db_path),
                        "--duration",
                        "120",
                        "--summary-every",
                        "0",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    text=True,
                    cwd=tmp_path,
                )
            reader: StoreReader | None = None
            committed: set[tuple[str, str, int]] = set()  # the last snapshot
            try:
                # Until this run has committed something of its own: the restart got the writer lock
                # back from the killed process and recovered the database.
                deadline = time.monotonic() + 30
                while not committed - survived:
                    assert proc.poll() is None, f"cycle {cycle}: the collector exited by itself:\n{output()}"
                    assert time.monotonic() < deadline, f"cycle {cycle}: nothing committed:\n{output()}"
                    time.sleep(SNAPSHOT_EVERY_S)
                    if reader is None:
                        try:
                            reader = StoreReader(db_path)
                        except StoreError:  # first run: the file or its schema is not there yet
                            continue
                    try:
                        committed = snapshot(reader)
                    except sqlite3.OperationalError:  # first run: the migrations are not all applied yet
                        assert cycle == 0, f"cycle {cycle}: {output()}"
                assert reader is not None  # opened by the loop above, which ends once it has read something
                assert survived <= committed, f"cycle {cycle}: the restart lost committed samples"

                # Ingest, snapshotting, until the kill: at a random moment, or (every other cycle) the
                # moment the writer is seen writing its WAL after a random delay.
                aim = cycle % 2 == 1
                now = time.monotonic()
                kill_at = now + (rng.uniform(0.05, 0.6) if aim else rng.uniform(0.1, 1.8))
                give_up = kill_at + 5.0  # an aimed kill happens anyway if no commit is seen
                next_snapshot = now + SNAPSHOT_EVERY_S
                last_wal = wal_state(wal)
                while True:
                    assert proc.poll() is None, f"cycle {cycle}: the collector exited by itself:\n{output()}"
                    now = time.monotonic()
                    state = wal_state(wal)
                    if now >= kill_at and (not aim or state != last_wal or now >= give_up):
                        break
                    if now >= next_snapshot:
                        committed = snapshot(reader)
                        next_snapshot = time.monotonic() + SNAPSHOT_EVERY_S
                        state = wal_state(wal)
                    last_wal = state
                    if aim and now >= kill_at:
                        time.sleep(0)  # watch the WAL closely: a commit's writes take well under a millisecond
                    else:
                        time.sleep(max(0.0, min(next_snapshot, kill_at) - time.monotonic()))
                reader.close()  # closed while the writer still runs: no checkpoint on close
                reader = None
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
                assert proc.returncode == -signal.SIGKILL, output()
            finally:
                if reader is not None:
                    reader.close()
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)

            torn[aim] += wal_uncommitted_frames(wal) > 0  # read before anything opens the database again
            integrity, after = inspect_copy(db_path, tmp_path / "inspect")
            assert integrity == "ok", f"cycle {cycle}: {integrity}"
            lost = committed - after
            assert not lost, f"cycle {cycle}: {len(lost)} committed samples lost, e.g. {sorted(lost)[:5]}"
            assert survived <= after, f"cycle {cycle}: samples that survived an earlier kill are gone"
            assert len(after) > len(survived)
            half = half_readings(after, quantities)
            assert not half, f"cycle {cycle}: readings stored in part: {half[:5]}"
            survived = after
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        runner.stop()

    # The database itself, after the last kill, opened as the next collector or viewer would.
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    reader = StoreReader(db_path)
    try:
        assert reader.sample_keys() >= survived
        assert {d["id"] for d in reader.devices()} == set(quantities)
    finally:
        reader.close()
    aimed = KILLS // 2
    print(
        f"\n{KILLS} kills (seed {SEED}), a commit cut short in the WAL by {torn[True]} of {aimed} aimed and "
        f"{torn[False]} of {KILLS - aimed} random ones; {len(survived)} samples survived"
    )
