"""Store-and-forward against a real Mosquitto: the broker stopped and restarted while the park grows, and the
publisher process killed with SIGKILL and restarted; afterwards the set of samples received downstream equals
the park's exactly (QoS 1 may deliver a sample twice: the test counts the copies, ingest would drop them)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from energymon.fleet.marks import Marks, marks_path
from energymon.fleet.publisher import Publisher
from energymon.store.writer import StoreWriter
from fleet.publish_support import (
    DAY0_MS,
    Downstream,
    Running,
    duplicates,
    live_samples,
    make_park,
    park_keys,
    park_samples,
    settings,
    wait_for,
)

from support import REPO, small_site_toml, write_config

OUTAGE_S = 5.0


def test_broker_restart_while_the_park_grows(tmp_path, start_mosquitto, caplog):
    caplog.set_level(logging.INFO, logger="energymon.fleet.publish")
    broker = start_mosquitto(persistence=True)
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS, 10_000, 20_000)  # about 2.3 days per channel, 60,000 samples
    downstream = Downstream(broker.host, broker.port)
    publisher = Publisher(settings(broker.port, max_samples=500), db, window=20, poll_s=0.1, retry_max_s=2.0)
    running = Running(publisher)
    writer = StoreWriter(db, max_delay_s=0.1)
    try:
        wait_for(lambda: len(downstream.keys()) > 5_000, 60, "the first samples")
        broker.stop()
        live_from = DAY0_MS + 20_000 * 10_000
        for second in range(int(OUTAGE_S * 10)):  # the park keeps collecting while the broker is down
            live_samples(writer, live_from + second * 10 * 1000, 1000, 10)
            time.sleep(0.1)
        broker.start()  # the same port; queued messages and the subscriber's session survive
        live_samples(writer, live_from + 10 * 1000 * int(OUTAGE_S * 10), 1000, 100)
        writer.close()
        assert writer.error is None
        park = park_keys(park_samples(db))
        wait_for(lambda: set(downstream.keys()) == park, 120, "every sample after the restart")
    finally:
        running.stop()
        downstream.close()
    counts = downstream.keys()
    assert set(counts) == park
    print(f"broker restart: {len(park)} samples, {duplicates(counts.values())} received twice or more")
    assert publisher.stats.connections >= 2
    lines = [r.getMessage() for r in caplog.records if r.name == "energymon.fleet.publish"]
    assert sum("lost" in line for line in lines) == 1, lines  # one line for the outage, not one per retry
    assert sum("back after" in line for line in lines) == 1, lines
    assert not any("cannot reach" in line for line in lines), lines


def _publish_config(tmp_path, port: int) -> os.PathLike:
    extra = (
        f'[publish]\nbroker = "mqtt://127.0.0.1:{port}"\nsite = "test park"\nclient_id = "kill-test"\n'
        "max_samples_per_message = 200\n"
    )
    text = small_site_toml({"c1": 1, "c2": 2}, database="park.db")
    return write_config(tmp_path, text + "\n" + extra)


def _publish_process(config, db) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "energymon.cli", "publish", "--config", str(config), "--db", str(db)]
    return subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_sigkill_and_restart(tmp_path, mqtt_broker):
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS, 1_000, 100_000)  # 300,000 samples in 1,500 messages of 200
    park = park_keys(park_samples(db))
    config = _publish_config(tmp_path, mqtt_broker.port)
    downstream = Downstream(mqtt_broker.host, mqtt_broker.port, client_id="kill-downstream")
    process = _publish_process(config, db)
    try:
        wait_for(lambda: len(downstream.keys()) > 30_000, 60, "the first samples")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        received_before = len(downstream.keys())
        assert received_before < len(park), "the publisher finished before it was killed"
        marks = Marks(marks_path(db))
        try:
            marked = marks.channel_marks(f"127.0.0.1:{mqtt_broker.port}")
        finally:
            marks.close()
        assert marked, "no mark committed before the kill"
        process = _publish_process(config, db)
        wait_for(lambda: set(downstream.keys()) == park, 120, "every sample after the restart")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output.decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        downstream.close()
    counts = downstream.keys()
    assert set(counts) == park
    print(f"SIGKILL: {len(park)} samples, {duplicates(counts.values())} received twice or more")
    assert "SIGTERM received: stopping" in output.decode()
