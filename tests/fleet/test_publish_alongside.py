"""``collect`` (and ``gui``) honour ``[publish]``: the publisher runs on a thread beside the collection.

Real processes: ``energymon simulate`` serves the small park on loopback, ``energymon collect`` polls it with
a ``[publish]`` section pointing at a real Mosquitto, and a plain paho subscriber stands in for the ingest.
Every sample the park stored arrives downstream exactly once, including the last ones committed as the
collection stopped; one publisher per database (a lock); ``--no-publish`` and an unreachable broker leave
the collection alone.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from energymon.fleet.marks import acquire_publish_lock, marks_path
from energymon.store.schema import StoreError
from fleet.local_process import free_port
from fleet.publish_support import DAY0_MS, Downstream, duplicates, make_park, park_keys, park_samples, wait_for

from support import PYTHON, small_site_toml, write_config

pytestmark = [pytest.mark.process, pytest.mark.wire, pytest.mark.timeout(180)]


def _config(tmp_path: Path, ports: dict[str, int], broker_url: str, site: str) -> Path:
    publish = f'\n[publish]\nbroker = "{broker_url}"\nsite = "{site}"\nclient_id = "{site}-publisher"\n'
    return write_config(tmp_path, small_site_toml(ports, poll_interval_s=0.2) + publish)


@pytest.fixture
def simulated_park(tmp_path: Path) -> Iterator[dict[str, int]]:
    """The small park served by ``energymon simulate`` on free loopback ports (until the test ends)."""
    ports = {"c1": free_port(), "c2": free_port()}
    config = write_config(tmp_path, small_site_toml(ports, poll_interval_s=0.2), name="sim.toml")
    sim = subprocess.Popen(
        [PYTHON, "-m", "energymon.cli", "simulate", "--config", str(config), "--duration", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert sim.stdout is not None
        lines = [sim.stdout.readline() for _ in range(1 + len(ports))]  # the counters' origin, then one per port
        assert sum(line.startswith("serving ") for line in lines) == len(ports), lines
        yield ports
    finally:
        sim.terminate()
        sim.communicate(timeout=30)


def _collect(tmp_path: Path, config: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [PYTHON, "-m", "energymon.cli", "collect", "--config", str(config), "--db", str(db)]
    return subprocess.run(
        [*argv, "--duration", "3", "--summary-every", "0", *extra],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
    )


def test_collect_publishes_every_sample_once(tmp_path, simulated_park, mqtt_broker):
    downstream = Downstream(mqtt_broker.host, mqtt_broker.port, client_id="alongside-downstream")
    try:
        config = _config(tmp_path, simulated_park, mqtt_broker.url, "alongside park")
        db = tmp_path / "park.db"
        done = _collect(tmp_path, config, db)
        assert done.returncode == 0, done.stderr
        assert "publishing as site 'alongside park'" in done.stderr
        park = park_samples(db)
        stored = park_keys(park)
        assert len(stored) > 100  # 9 devices x 5 polls a second x 3 s, several quantities each
        # Nothing is left to a later run: the last samples, committed as the collection stopped, were sent too.
        wait_for(lambda: set(downstream.keys()) >= stored, 15, "every stored sample downstream")
        keys = downstream.keys()
        assert set(keys) == stored and duplicates(keys.values()) == 0
        by_channel = downstream.by_channel()
        for channel, rows in park.items():
            assert sorted(by_channel[channel]) == rows, channel  # the values too
        assert {m.site for m in downstream.samples} == {"alongside park"}
        assert marks_path(db).exists()
    finally:
        downstream.close()


def test_no_publish_and_an_unreachable_broker_leave_the_collection_alone(tmp_path, simulated_park):
    closed = f"mqtt://127.0.0.1:{free_port()}"  # nothing listens there
    config = _config(tmp_path, simulated_park, closed, "offline park")
    done = _collect(tmp_path, config, tmp_path / "quiet.db", "--no-publish")
    assert done.returncode == 0, done.stderr
    assert "publishing" not in done.stderr and not marks_path(tmp_path / "quiet.db").exists()
    done = _collect(tmp_path, config, tmp_path / "cut-off.db")
    assert done.returncode == 0, done.stderr
    assert "publishing as site 'offline park'" in done.stderr and "Traceback" not in done.stderr
    assert park_samples(tmp_path / "cut-off.db")  # collected all the same


def test_one_publisher_per_database(tmp_path):
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS, 1000, 10)
    lock = acquire_publish_lock(db)
    try:
        with pytest.raises(StoreError, match="another energymon process is already publishing this database"):
            acquire_publish_lock(db)
        config = write_config(
            tmp_path, small_site_toml({"c1": 1, "c2": 2}) + f'\n[publish]\nbroker = "mqtt://127.0.0.1:{free_port()}"\n'
        )
        argv = [PYTHON, "-m", "energymon.cli", "publish", "--config", str(config), "--db", str(db), "--duration", "5"]
        refused = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2
        last = refused.stderr.strip().splitlines()[-1]
        assert last.startswith("energymon: error:") and "already publishing this database" in last, refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        lock.release()
    acquire_publish_lock(db).release()  # free again once released


def test_the_gui_collecting_publishes_too_and_stops_cleanly(qtbot, tmp_path, simulated_park, mqtt_broker):
    from energymon.config import load_config
    from ui.app import start_site_window

    downstream = Downstream(mqtt_broker.host, mqtt_broker.port, client_id="gui-downstream")
    window = runner = None
    try:
        config = load_config(_config(tmp_path, simulated_park, mqtt_broker.url, "gui park"))
        window, runner, _ = start_site_window(config, tmp_path / "gui.db", collect=True)
        qtbot.addWidget(window)
        wait_for(lambda: len(downstream.keys()) > 50, 30, "samples published from the GUI's collection")
        assert {m.site for m in downstream.samples} == {"gui park"}
        assert "energymon-publisher" in {t.name for t in threading.enumerate()}
    finally:
        if window is not None:
            window.shutdown()
        if runner is not None:
            runner.stop()
        downstream.close()
    assert "energymon-publisher" not in {t.name for t in threading.enumerate()}  # stopped with the collection
    stored = park_keys(park_samples(tmp_path / "gui.db"))
    assert set(downstream.keys()) <= stored and duplicates(downstream.keys().values()) == 0
