"""What the collector writes to the log file: its lifecycle, connections lost and restored, devices offline and
recovered, one line each with the id. A real collection on loopback, the simulator started while it runs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.device import DeviceRead
from drivers.link import ReadError
from energymon import log_files
from energymon.collect.connection_watch import ConnectionWatch
from energymon.collect.service import Collection, run_until_stopped
from energymon.config import load_config
from energymon.sim.serve import SimulatedPark

from support import free_port, run, small_site_toml, write_config

REFUSED = ReadError("connection", "cannot connect to 127.0.0.1:1502: connection refused or timed out")


def _read(ok: bool, *errors: ReadError) -> DeviceRead:
    return DeviceRead({}, errors, 1 if ok else 0, 1, 0.01)


def test_connection_watch_logs_each_change_once(caplog: pytest.LogCaptureFixture) -> None:
    watch = ConnectionWatch()
    with caplog.at_level(logging.INFO, logger="energymon.collector"):
        watch.update("c1", "127.0.0.1:1502", _read(False, REFUSED), 10.0)
        watch.update("c1", "127.0.0.1:1502", _read(False, REFUSED), 12.0)  # still down: no line
        watch.update("c1", "127.0.0.1:1502", _read(False, ReadError("timeout", "unit 3: no answer")), 13.0)
        watch.update("c1", "127.0.0.1:1502", _read(True), 40.0)
        watch.update("c1", "127.0.0.1:1502", _read(True), 41.0)
        watch.update("c2", "127.0.0.1:1503", _read(False, ReadError("timeout", "unit 1: no answer")), 42.0)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"connection c1 (127.0.0.1:1502) lost: {REFUSED.detail}"),
        ("INFO", "connection c1 (127.0.0.1:1502) restored after 30 s (2 failed polls)"),
    ]  # a device that times out on a live line (c2) is the device's fault, not the connection's


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(log_files.LOG_DIR_ENV, str(tmp_path / "logs"))
    path = log_files.install("collect")
    assert path is not None
    yield path
    log_files.uninstall()


def _wait_for(path: Path, text: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in path.read_text(encoding="utf-8"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in the log within {timeout_s} s:\n{path.read_text(encoding='utf-8')}")
        time.sleep(0.05)


@pytest.mark.wire
@pytest.mark.slow  # about 5 s: the collector's backoff before it tries the connections again
def test_collection_lifecycle_and_faults_reach_the_log_file(tmp_path: Path, log_file: Path) -> None:
    ports = {"c1": free_port(), "c2": free_port()}
    config = load_config(write_config(tmp_path, small_site_toml(ports, poll_interval_s=0.2)))
    db_path = tmp_path / "site.db"

    async def body() -> None:
        collection = Collection(config, db_path)
        stop = asyncio.Event()
        task = asyncio.create_task(run_until_stopped(collection, stop))
        for connection in ports:  # nothing listens yet
            await asyncio.to_thread(_wait_for, log_file, f"connection {connection} (", 10)
        sim = SimulatedPark(config, host="127.0.0.1", ports=ports)
        await sim.start()
        try:
            for connection, port in ports.items():
                await asyncio.to_thread(_wait_for, log_file, f"connection {connection} (127.0.0.1:{port}) restored", 20)
            await asyncio.to_thread(_wait_for, log_file, "pv-3: recovered", 20)
        finally:
            stop.set()
            await task
            await sim.stop()

    run(body, timeout_s=60)
    text = log_file.read_text(encoding="utf-8")
    lines = text.splitlines()
    started = next(line for line in lines if "collection started" in line)
    assert "site 'test park', 9 devices on 2 connections (c1, c2)" in started and str(db_path) in started
    for connection in ("c1", "c2"):
        address = f"127.0.0.1:{ports[connection]}"
        assert sum(f"connection {connection} ({address}) lost: cannot connect" in line for line in lines) == 1, text
        assert sum(f"connection {connection} ({address}) restored after" in line for line in lines) == 1, text
    assert any("WARNING energymon.collector: pv-1: offline: connection:" in line for line in lines), text
    assert any("INFO energymon.collector: pv-3: recovered:" in line for line in lines), text
    assert "collection stopped after" in lines[-1] and "(stop requested)" in lines[-1], text
