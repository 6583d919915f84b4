"""Data quality seen by the real collector over loopback Modbus, from the simulator's injected faults into SQLite.

The simulator runs on a frozen clock that the tests step (15 s at a time, so each step moves its
voltages, currents and frequency); the collector polls on real time every 0.1 s and stamps its
readings with the simulated time. The devices' ``[devices.quality]`` tables shorten the thresholds to
this time scale. What must hold:

- a frozen grid meter (``frozen-power``: its power repeats, its voltages and currents move) raises one
  ``data_frozen`` naming ``power_w`` and its value, one ``data_ok`` when it moves again, and nothing
  per poll; meanwhile its readings name ``power_w`` as suspect and "frozen" in their problems;
- a meter frozen whole (``frozen``) while power flows: its counter is flat (one event), power suspect;
- a PV inverter at night and a battery full at its SoC limit, each for an hour, raise nothing;
- a device whose points all read "not implemented" after giving values: one ``data_stale``, then ok;
- the stored samples are what the device said (suspect values included), at the readings' times.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from energymon.collect.reading import Reading
from energymon.collect.service import Collection
from energymon.config import Config, load_config
from energymon.config.sim_params import Fault
from energymon.sim.serve import SimulatedPark

from support import NIGHT_S, NOON_S, FrozenClock, run, stored, write_config

POLL_S = 0.1
STEP_S = 15.0  # each clock step: the park moves on 15 s
# Thresholds for this time scale: 5 polls and 60 s frozen, 60 s flat, 5 polls stale. The simulated grid
# frequency (50 +- 0.03 Hz, a 144 s sine, read in 0.01 Hz) has seven values: sampled every 15 s it shows
# one of them for four samples near a crest, so it is not judged at this scale.
QUICK = (
    "[devices.quality]\nfrozen_polls = 5\nfrozen_min_s = 60\ncounter_flat_min_s = 60\nstale_polls = 5\n"
    'frozen_ignore = ["frequency_hz"]\n'
)


def site_toml(port: int, devices: list[tuple[str, str, int, float, str]], quality: str = QUICK) -> str:
    """``devices``: (id, role, unit, rated kW, extra TOML after the device's keys), all on one gateway;
    ``quality``: every device's ``[devices.quality]`` table ("": the defaults)."""
    parts = [
        '[site]\nname = "quality park"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n'
        '[storage]\ndatabase = "quality.db"\n'
        f'[connections.gw]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = {port}\ntimeout_s = 0.3\n'
    ]
    for dev_id, role, unit, rated_kw, extra in devices:
        parts.append(
            f'[[devices]]\nid = "{dev_id}"\nrole = "{role}"\nprofile = "energymon-{role}"\nconnection = "gw"\n'
            f"unit = {unit}\npoll_interval_s = {POLL_S}\nrated_power_kw = {rated_kw}\n{quality}{extra}"
        )
    return "\n".join(parts)


PARK = [
    ("pv-1", "pv", 1, 100, ""),
    ("load-1", "load", 2, 200, '[devices.sim]\nload_shape = "warehouse"\nbase_load_kw = 120\n'),
    ("grid-1", "grid", 3, 1000, ""),
]


@dataclass
class Run:
    config: Config
    collection: Collection
    clock: FrozenClock
    readings: list[Reading] = field(default_factory=list)
    task: asyncio.Task | None = None

    @property
    def db(self) -> Path:
        return self.config.storage.database

    def mine(self, device_id: str, since: int = 0) -> list[Reading]:
        return [r for r in self.readings[since:] if r.device_id == device_id]

    async def polls(self, device_id: str, n: int, limit_s: float = 15.0) -> None:
        """Wait for ``n`` more answered polls of ``device_id``."""
        start = len(self.readings)
        deadline = time.monotonic() + limit_s
        while sum(1 for r in self.mine(device_id, start) if r.ok) < n:
            assert self.task is not None and not self.task.done(), "the collection stopped by itself"
            assert time.monotonic() < deadline, "polls not reached in time"
            await asyncio.sleep(0.01)

    async def steps(self, n: int, device_ids: list[str]) -> None:
        """Step the clock ``n`` times, each followed by two answered polls of every device."""
        for _ in range(n):
            self.clock.advance(STEP_S)
            for device_id in device_ids:
                await self.polls(device_id, 2)


@contextlib.asynccontextmanager
async def running(
    directory: Path,
    devices: list[tuple[str, str, int, float, str]],
    clock: FrozenClock,
    faults: dict[str, list[Fault]],
    quality: str = QUICK,
) -> AsyncIterator[Run]:
    template = load_config(write_config(directory, site_toml(1, devices, quality), "template.toml"))
    sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"gw": 0}, faults=faults)
    await sim.start()
    try:
        config = load_config(write_config(directory, site_toml(sim.ports["gw"], devices, quality)))
        collection = Collection(config, config.storage.database)
        started = time.monotonic()  # stamps: the simulated time, plus real time so they still increase
        collection.collector.wall_clock = lambda: clock() + (time.monotonic() - started)
        r = Run(config, collection, clock)
        collection.collector.reading_subscribers.append(r.readings.append)
        r.task = asyncio.create_task(collection.run())
        try:
            yield r
        finally:
            collection.collector.stop()
            await r.task
    finally:
        await sim.stop()


def quality_events(db_path: Path) -> list[tuple[str | None, str, str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT device_id, kind, severity, detail FROM events WHERE kind LIKE 'data_%' ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def assert_stored_as_read(r: Run, device_id: str) -> None:
    """Every value of every answered poll is stored as read, suspect or not; nothing else is."""
    expected = {(q, x.ts_ms, v) for x in r.mine(device_id) if x.ok for q, v in x.values.items() if v is not None}
    got = {(q, ts, v) for q, samples in stored(r.db).get(device_id, {}).items() for ts, v in samples}
    assert got == expected


@pytest.mark.wire
def test_a_frozen_grid_meter_is_one_event_then_ok_and_its_samples_stay_as_read(tmp_path):
    """``frozen-power`` from +30 s for 120 s: the grid meter repeats its power while the rest moves."""
    clock = FrozenClock(NOON_S)
    faults = {"grid-1": [Fault("frozen-power", start_after_s=30.0, duration_s=120.0)]}

    async def body():
        async with running(tmp_path, PARK, clock, faults) as r:
            await r.steps(2, ["grid-1"])  # +30 s: the fault begins
            mark = len(r.readings)
            await r.steps(8, ["grid-1", "pv-1"])  # +150 s: over; 2 minutes frozen
            during = len(r.readings)
            await r.steps(3, ["grid-1"])
            return r, mark, during

    r, mark, during = run(body, 90)
    found = quality_events(r.db)
    grid = [(k, sev, detail) for dev, k, sev, detail in found if dev == "grid-1"]
    assert [(k, sev) for k, sev, _ in grid] == [("data_frozen", "warning"), ("data_ok", "info")]
    frozen_w = r.mine("grid-1", mark)[0].values["power_w"]
    assert grid[0][2].startswith(f"power_w: {int(frozen_w)} W unchanged in ")
    assert grid[0][2].endswith("while the device's other values moved")
    assert grid[1][2].startswith("power_w: moving again after 2 min")
    assert not [e for e in found if e[0] != "grid-1"]  # the healthy devices raised nothing
    frozen = [x for x in r.mine("grid-1", mark) if "power_w" in x.suspect]
    assert frozen and all(x.values["power_w"] == frozen_w for x in frozen)
    assert all("frozen: power_w" in x.problems and x.state == "degraded" for x in frozen)
    voltages = {x.values["voltage_l1_v"] for x in r.mine("grid-1", mark)[: during - mark]}
    assert len(voltages) > 3  # the rest moved meanwhile
    after = r.mine("grid-1", during)
    assert after and not any(x.suspect for x in after[2:])  # normal again once it moved
    assert r.collection.collector.health["grid-1"].state == "online"  # the answer's health is untouched
    assert_stored_as_read(r, "grid-1")


@pytest.mark.wire
def test_a_meter_frozen_whole_while_power_flows_has_a_flat_counter(tmp_path):
    """``frozen`` from +30 s for 150 s at noon: the grid meter imports, every value it shows stands still.
    No value can be told frozen against the others, but the import counter is flat under that power."""
    clock = FrozenClock(NOON_S)
    faults = {"grid-1": [Fault("frozen", start_after_s=30.0, duration_s=150.0)]}

    async def body():
        async with running(tmp_path, PARK, clock, faults) as r:
            await r.steps(2, ["grid-1"])
            mark = len(r.readings)
            await r.steps(10, ["grid-1"])
            await r.steps(2, ["grid-1"])
            return r, mark

    r, mark = run(body, 90)
    grid = [(k, detail) for dev, k, _, detail in quality_events(r.db) if dev == "grid-1"]
    power_w = r.mine("grid-1", mark)[0].values["power_w"]
    assert power_w > 0.02 * 1000e3  # it imports more than 2 % of its rating: energy flows
    assert [k for k, _ in grid] == ["data_frozen", "data_ok"]
    assert grid[0][1].startswith("imported_wh: ") and f"while power_w says {int(power_w)} W flows" in grid[0][1]
    assert grid[1][1].startswith("imported_wh: counting again after ")
    flat = [x for x in r.mine("grid-1", mark) if x.suspect]
    assert flat and all(x.suspect == {"imported_wh", "power_w"} for x in flat)
    assert_stored_as_read(r, "grid-1")


async def an_hour(r: Run, device_ids: list[str]) -> None:
    """An hour in 60 s steps, each followed by two answered polls of each device."""
    for _ in range(60):
        r.clock.advance(60.0)
        for device_id in device_ids:
            await r.polls(device_id, 2)


@pytest.mark.wire
@pytest.mark.slow
def test_a_pv_inverter_at_night_for_an_hour_raises_nothing(tmp_path):
    """01:00: the inverter gives 0 W, 0 A and a flat yield, its status and temperature constant; its
    voltages and frequency move. Judged with the default thresholds (30 polls and 5 minutes frozen,
    10 minutes flat)."""
    clock = FrozenClock(NIGHT_S)

    async def body():
        async with running(tmp_path, PARK, clock, {}, quality="") as r:
            await an_hour(r, ["pv-1"])
            return r

    r = run(body, 180)
    assert not [e for e in quality_events(r.db) if e[0] == "pv-1"]
    pv = [x for x in r.mine("pv-1") if x.ok]
    assert {x.values["power_w"] for x in pv} == {0.0} and {x.values["current_l1_a"] for x in pv} == {0.0}
    assert len({x.values["yield_wh"] for x in pv}) == 1
    assert not any(x.suspect or x.problems for x in pv)


@pytest.mark.wire
@pytest.mark.slow
def test_a_battery_full_at_its_soc_limit_for_an_hour_raises_nothing(tmp_path):
    """Noon, PV surplus: the battery (1 kWh, so full within a minute) sits at its 95 % SoC limit, idle,
    with status, SoH and temperature constant, for an hour. Default thresholds."""
    clock = FrozenClock(NOON_S)
    devices = [
        ("pv-1", "pv", 1, 100, ""),
        ("bess-1", "storage", 2, 50, "[devices.sim]\ncapacity_kwh = 1\nsoc_max_pct = 95\n"),
        ("grid-1", "grid", 3, 1000, ""),
    ]

    async def body():
        async with running(tmp_path, devices, clock, {}, quality="") as r:
            await an_hour(r, ["bess-1"])
            return r

    r = run(body, 180)
    assert not [e for e in quality_events(r.db) if e[0] == "bess-1"]
    bess = [x for x in r.mine("bess-1") if x.ok]
    held = bess[len(bess) // 10 :]
    assert {x.values["soc_pct"] for x in held} == {95.0} and {x.values["power_w"] for x in held} == {0.0}
    assert not any(x.suspect or x.problems for x in bess)


@pytest.mark.wire
def test_points_that_go_missing_are_stale_once_then_fresh(tmp_path):
    """``not-implemented`` from +30 s for 60 s on the load meter: every quantity it gave goes missing while
    it answers. One data_stale naming them all, one data_ok when they are back."""
    clock = FrozenClock(NOON_S)
    faults = {"load-1": [Fault("not-implemented", start_after_s=30.0, duration_s=60.0)]}

    async def body():
        async with running(tmp_path, PARK, clock, faults) as r:
            await r.steps(2, ["load-1"])
            await r.polls("load-1", 10)  # more than stale_polls answered polls with nothing
            await r.steps(5, ["load-1"])
            return r

    r = run(body, 60)
    load = [(k, detail) for dev, k, _, detail in quality_events(r.db) if dev == "load-1"]
    assert [k for k, _ in load] == ["data_stale", "data_ok"]
    named = {part.split(":")[0] for part in load[0][1].split("; ")}
    given = {q for x in r.mine("load-1") if x.ok for q, v in x.values.items() if v is not None}
    assert named == given and "power_w" in named
    assert any(x.problems and x.problems[-1].startswith("stale: ") for x in r.mine("load-1"))
