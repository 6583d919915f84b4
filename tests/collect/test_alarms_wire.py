"""A configured alarm seen by the real collector over loopback Modbus, from the simulator into SQLite.

The simulator runs on a frozen clock that the test steps; the collector polls on real time every
0.1 s and stamps its readings with the simulated time. A threshold on the site's PV power (above 5 kW
for 30 s, critical) must start once, only after 30 simulated seconds of noon sun, stay one alarm over
many polls, and end once when the clock jumps to the night; stopping the collector then adds nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from energymon.collect.service import Collection
from energymon.config import load_config
from energymon.events import alarm_key
from energymon.sim.serve import SimulatedPark

from support import NOON_S, FrozenClock, run, write_config

POLL_S = 0.1
RULE = (
    '[[alarms]]\nid = "pv-on"\nname = "PV producing"\nseverity = "critical"\nkind = "threshold"\n'
    'site = "pv_power_w"\nabove = 5000\nfor_s = 30\n'
)


def site_toml(port: int) -> str:
    parts = [
        '[site]\nname = "alarm park"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n'
        '[storage]\ndatabase = "alarms.db"\n'
        f'[connections.gw]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = {port}\ntimeout_s = 0.3\n'
    ]
    for dev_id, role, unit, rated_kw in (("pv-1", "pv", 1, 100), ("pv-2", "pv", 2, 60), ("grid-1", "grid", 3, 1000)):
        parts.append(
            f'[[devices]]\nid = "{dev_id}"\nrole = "{role}"\nprofile = "energymon-{role}"\nconnection = "gw"\n'
            f"unit = {unit}\npoll_interval_s = {POLL_S}\nrated_power_kw = {rated_kw}\n"
        )
    return "\n".join(parts) + "\n" + RULE


def alarm_events(db_path: Path) -> list[tuple[str | None, str, str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT device_id, kind, severity, detail FROM events WHERE kind LIKE 'alarm_%' ORDER BY id"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.wire
def test_a_threshold_alarm_starts_after_for_s_and_ends_once(tmp_path):
    clock = FrozenClock(NOON_S)

    async def body():
        template = load_config(write_config(tmp_path, site_toml(1), "template.toml"))
        sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"gw": 0})
        await sim.start()
        try:
            config = load_config(write_config(tmp_path, site_toml(sim.ports["gw"])))
            assert [r.id for r in config.alarms] == ["pv-on"]
            collection = Collection(config, config.storage.database)
            started = time.monotonic()
            collection.collector.wall_clock = lambda: clock() + (time.monotonic() - started)
            readings: list = []
            collection.collector.reading_subscribers.append(readings.append)
            events: list = []
            collection.collector.event_subscribers.append(events.append)
            task = asyncio.create_task(collection.run())

            async def polls(n: int) -> None:
                start = len(readings)
                deadline = time.monotonic() + 15
                while sum(1 for r in readings[start:] if r.ok) < 3 * n:
                    assert not task.done(), "the collection stopped by itself"
                    assert time.monotonic() < deadline, "polls not reached in time"
                    await asyncio.sleep(0.01)

            try:
                await polls(5)
                noon_pv_w = sum(r.values["power_w"] for r in readings[-3:] if r.device_id.startswith("pv"))
                raised_early = [e for e in events if e.kind == "alarm_raised"]
                clock.advance(15.0)
                await polls(5)
                raised_at_15 = [e for e in events if e.kind == "alarm_raised"]
                clock.advance(15.0)
                await polls(5)
                clock.advance(1.0)
                await polls(20)  # many polls with the alarm active: no second event
                raised = [e for e in events if e.kind == "alarm_raised"]
                clock.advance(12 * 3600.0)  # 01:00 next night: no sun
                await polls(5)
            finally:
                collection.collector.stop()
                await task
        finally:
            await sim.stop()
        return config, noon_pv_w, raised_early, raised_at_15, raised

    config, noon_pv_w, raised_early, raised_at_15, raised = run(body, 90)
    assert noon_pv_w > 5000  # the premise: the noon sun gives the two inverters more than 5 kW
    assert raised_early == [] and raised_at_15 == []  # under 30 s: not yet
    assert len(raised) == 1
    stored = alarm_events(config.storage.database)
    assert [(dev, kind, sev) for dev, kind, sev, _ in stored] == [
        (None, "alarm_raised", "critical"),
        (None, "alarm_cleared", "info"),
    ]
    assert all(alarm_key(detail) == ("pv-on", "site") for *_, detail in stored)
    assert "PV producing: pv_power_w" in stored[0][3] and "above 5.000 kW for 3" in stored[0][3]
    assert "back below 5.000 kW after" in stored[1][3]
