"""Each injected fault, seen by the real collector over loopback Modbus (TCP and RTU over TCP) into SQLite.

The simulator runs on a frozen clock that the tests step; the collector polls on real time at a
short interval. What PRODUCT.md requires of the collector under each fault:

- values that fail become missing, never numbers; a failed read stores no sample (nothing repeated);
- one dead device never stalls the others (same gateway included); a dead unit is backed off;
- offline / recovered events once per transition;
- counters are stored exactly as the device reported them (a wrap or a reset stays visible).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from energymon.collect.collector import Collector
from energymon.collect.reading import Reading
from energymon.collect.service import Collection
from energymon.config import Config, load_config
from energymon.config.sim_params import Fault
from energymon.sim.faults import WRAP_LEAD_S
from energymon.sim.serve import SimulatedPark
from energymon.views.live import site_totals

from support import EVENING_S, NOON_S, FrozenClock, run, stored, write_config

POLL_S = 0.1
TIMEOUT_S = 0.3


@dataclass(frozen=True)
class Dev:
    id: str
    role: str
    conn: str
    unit: int
    rated_kw: float
    profile: str | None = None  # default energymon-<role>
    sim: str = ""  # extra [devices.sim] lines
    faults: tuple[dict, ...] = ()  # [[devices.sim.faults]] tables


def site_toml(ports: dict[str, int], devices: Sequence[Dev]) -> str:
    """Connections named ``bus*`` are RTU over TCP (a serial gateway), the others Modbus TCP.

    Timeouts are 0.3 s; on RTU the link stays quiet for the default resync time (0.5 s) after one.
    """
    parts = [
        '[site]\nname = "fault park"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n'
        '[storage]\ndatabase = "faults.db"\n'
    ]
    for name, port in ports.items():
        transport = "rtu-over-tcp" if name.startswith("bus") else "tcp"
        parts.append(
            f'[connections.{name}]\ntransport = "{transport}"\nhost = "127.0.0.1"\nport = {port}\n'
            f"timeout_s = {TIMEOUT_S}\n"
        )
    for d in devices:
        text = (
            f'[[devices]]\nid = "{d.id}"\nrole = "{d.role}"\nprofile = "{d.profile or "energymon-" + d.role}"\n'
            f'connection = "{d.conn}"\nunit = {d.unit}\npoll_interval_s = {POLL_S}\nrated_power_kw = {d.rated_kw}\n'
        )
        if d.sim:
            text += f"[devices.sim]\n{d.sim}"
        for fault in d.faults:
            text += "[[devices.sim.faults]]\n" + "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in fault.items())
        parts.append(text)
    return "\n".join(parts)


@dataclass
class Run:
    sim: SimulatedPark
    config: Config
    collection: Collection
    clock: FrozenClock
    readings: list[Reading] = field(default_factory=list)
    task: asyncio.Task | None = None

    @property
    def collector(self) -> Collector:
        return self.collection.collector

    @property
    def db(self) -> Path:
        return self.config.storage.database

    def ok_polls(self, device_id: str) -> int:
        health = self.collector.health[device_id]
        return health.polls - health.failures

    def mine(self, device_id: str, since: int = 0) -> list[Reading]:
        return [r for r in self.readings[since:] if r.device_id == device_id]

    async def wait(self, condition: Callable[[], bool], limit_s: float = 15.0) -> None:
        deadline = time.monotonic() + limit_s
        while not condition():
            assert self.task is not None and not self.task.done(), "the collection stopped by itself"
            assert time.monotonic() < deadline, "condition not reached in time"
            await asyncio.sleep(0.01)

    async def polls(self, device_id: str, n: int, ok: bool | None = True, limit_s: float = 15.0) -> None:
        """Wait for ``n`` more polls of ``device_id`` (successful, failed, or either with ``ok=None``)."""
        start = len(self.readings)
        await self.wait(lambda: sum(1 for r in self.mine(device_id, start) if ok is None or r.ok is ok) >= n, limit_s)


@contextlib.asynccontextmanager
async def running(
    directory: Path, devices: Sequence[Dev], clock: FrozenClock, faults: dict[str, list[Fault]] | None = None
) -> AsyncIterator[Run]:
    """Simulator on free loopback ports (faults from each device's TOML plus ``faults``) and a collection."""
    names = list(dict.fromkeys(d.conn for d in devices))
    template = load_config(write_config(directory, site_toml({n: 1 for n in names}, devices), "template.toml"))
    sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={n: 0 for n in names}, faults=faults)
    await sim.start()
    try:
        config = load_config(write_config(directory, site_toml(sim.ports, devices)))
        collection = Collection(config, config.storage.database)
        # The collector's time stamps follow the simulated clock (plus the real time since start, so they
        # still increase while it is frozen): energy counted in a clock step then takes that step's time,
        # as on a real site, and the counter monitor judges rates against the simulated time.
        started = time.monotonic()
        collection.collector.wall_clock = lambda: clock() + (time.monotonic() - started)
        r = Run(sim, config, collection, clock)
        collection.collector.reading_subscribers.append(r.readings.append)
        r.task = asyncio.create_task(collection.run())
        try:
            yield r
        finally:
            collection.collector.stop()
            await r.task
    finally:
        await sim.stop()


# -- what is in the database --------------------------------------------------------------


def events(db_path: Path) -> list[tuple[str | None, str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT device_id, kind, detail FROM events ORDER BY id").fetchall()
    finally:
        con.close()


def check_invariants(r: Run) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """What must hold under any fault; returns the stored samples.

    - every stored sample is a value of a successful poll, at that poll's time, and every value of a
      successful poll is stored: no failed poll leaves a sample, nothing is repeated or invented;
    - the offline / recovered events follow the readings' transitions, once each;
    - the database is intact.
    """
    data = stored(r.db)
    log = events(r.db)
    for device in r.config.devices:
        mine = r.mine(device.id)
        expected = {(q, r_.ts_ms, v) for r_ in mine if r_.ok for q, v in r_.values.items() if v is not None}
        got = {(q, ts, v) for q, samples in data.get(device.id, {}).items() for ts, v in samples}
        assert got == expected, device.id
        assert all(not r_.values for r_ in mine if not r_.ok)  # a failed read carries no values
        transitions, state = [], "unknown"
        for r_ in mine:
            if not r_.ok and state != "offline":
                transitions.append("device_offline")
                state = "offline"
            elif r_.ok and state == "offline":
                transitions.append("device_recovered")
                state = "online"
            elif r_.ok:
                state = "online"
        logged = [kind for dev, kind, _ in log if dev == device.id and kind in ("device_offline", "device_recovered")]
        assert logged == transitions, device.id
    con = sqlite3.connect(r.db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    return data


def assert_values_match_simulator(r: Run, data, device_ids: Sequence[str], last_only: bool = False) -> None:
    """With the clock frozen, a healthy device's every stored value is its simulator's value (to register
    resolution). ``last_only``: the clock was stepped; check the latest sample (taken after the last step)."""
    for device_id in device_ids:
        device = r.config.device(device_id)
        assert device.profile is not None  # these parks use built-in profiles, no SunSpec discovery
        scale = {p.quantity: p.scale for p in device.profile.points}
        expected = r.sim.reported(device_id)
        for quantity, samples in data[device_id].items():
            for _, value in samples[-1:] if last_only else samples:
                assert abs(value - expected[quantity]) <= 0.5 * scale[quantity] + 1e-9 * abs(expected[quantity]), (
                    device_id,
                    quantity,
                    value,
                    expected[quantity],
                )


def failed_polls_stored_nothing(r: Run, data, device_id: str) -> None:
    failed = [x for x in r.mine(device_id) if not x.ok]
    assert failed
    stamps = {ts for samples in data.get(device_id, {}).values() for ts, _ in samples}
    assert not stamps & {x.ts_ms for x in failed}


GATEWAY = [  # one Modbus TCP gateway with five units
    Dev("pv-1", "pv", "gw", 1, 100),
    Dev("load-1", "load", "gw", 2, 200, sim='load_shape = "warehouse"\nbase_load_kw = 120\n'),
    Dev("load-2", "load", "gw", 3, 150, sim='load_shape = "office"\nbase_load_kw = 40\n'),
    Dev("grid-1", "grid", "gw", 4, 1000),
    Dev("bess-1", "storage", "gw", 5, 50, sim="capacity_kwh = 100\n"),
]
BUS = [  # an RS-485 line behind a serial gateway: RTU frames over TCP, three meters
    Dev("meter-a", "load", "bus", 1, 200, sim="base_load_kw = 90\n"),
    Dev("meter-b", "load", "bus", 2, 200, sim='load_shape = "office"\nbase_load_kw = 30\n'),
    Dev("meter-c", "load", "bus", 3, 200, sim='load_shape = "ev-fleet"\nbase_load_kw = 70\n'),
]


# -- offline --------------------------------------------------------------------------------


@pytest.mark.wire
def test_offline_alone_on_its_port_refuses_connections_and_recovers_on_schedule(tmp_path):
    """[[devices.sim.faults]] offline from +10 s for 20 s, on a device alone on its port."""
    clock = FrozenClock(EVENING_S)
    solo = Dev("solo", "load", "solo", 1, 100, faults=({"kind": "offline", "start_after_s": 10.0, "duration_s": 20.0},))

    async def body():
        async with running(tmp_path, [solo, *GATEWAY[:2]], clock) as r:
            await r.polls("solo", 3)
            clock.advance(10)  # the fault begins: the simulator closes the port
            await r.polls("solo", 1, ok=False)
            assert not r.sim.servers["solo"].listening
            gateway_before = {d: r.ok_polls(d) for d in ("pv-1", "load-1")}
            failures = r.collector.health["solo"].failures
            await r.polls("solo", 1, ok=False, limit_s=10)  # backed off, and still refused
            # Meanwhile the other connection went on at full pace.
            assert all(r.ok_polls(d) - gateway_before[d] >= 10 for d in gateway_before)
            assert r.collector.health["solo"].failures == failures + 1
            clock.advance(20)  # the fault ends: the port opens again
            await r.polls("solo", 3, limit_s=20)
            assert r.sim.servers["solo"].listening
            return r

    r = run(body, 60)
    data = check_invariants(r)
    failed_polls_stored_nothing(r, data, "solo")
    errors = [x.error for x in r.mine("solo") if not x.ok]
    assert all("connection" in e for e in errors), errors
    assert any("cannot connect" in e for e in errors)  # refused, not just dropped
    log = [(d, k) for d, k, _ in events(r.db)]
    assert log.count(("solo", "device_offline")) == 1 and log.count(("solo", "device_recovered")) == 1
    assert r.collector.health["solo"].state == "online"
    for device_id in ("pv-1", "load-1"):
        assert r.collector.health[device_id].failures == 0
    assert_values_match_simulator(r, data, ["pv-1", "load-1"], last_only=True)


@pytest.mark.wire
def test_offline_behind_a_gateway_is_exception_0x0b_and_backed_off(tmp_path):
    clock = FrozenClock(EVENING_S)

    async def body():
        async with running(tmp_path, GATEWAY, clock, faults={"load-2": [Fault("offline")]}) as r:
            await r.wait(lambda: all(r.ok_polls(d.id) >= 30 for d in GATEWAY if d.id != "load-2"))
            return r

    r = run(body, 60)
    data = check_invariants(r)
    assert "load-2" not in data  # never a number
    health = r.collector.health["load-2"]
    assert health.state == "offline" and health.failures == health.polls >= 1
    assert "exception 11" in health.last_error
    healthy = [d.id for d in GATEWAY if d.id != "load-2"]
    assert health.polls < min(r.collector.health[d].polls for d in healthy) / 5  # backed off
    assert all(r.collector.health[d].failures == 0 for d in healthy)
    assert_values_match_simulator(r, data, healthy)


# -- black hole -----------------------------------------------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize("devices, dead", [(GATEWAY, "grid-1"), (BUS, "meter-b")], ids=["tcp-gateway", "rtu-bus"])
def test_a_black_hole_behind_a_gateway_silences_only_that_unit(tmp_path, devices, dead):
    """The gateway swallows one unit's requests; the other units on the same connection keep their polls going."""
    clock = FrozenClock(EVENING_S)

    async def body():
        async with running(tmp_path, devices, clock, faults={dead: [Fault("black-hole")]}) as r:
            health = r.collector.health[dead]
            await r.wait(lambda: health.failures >= 1)
            marks = {d.id: r.ok_polls(d.id) for d in devices}
            started = time.monotonic()
            await r.wait(lambda: health.failures >= 2)  # a second timeout, after a backoff of 2 s
            elapsed = time.monotonic() - started
            return r, marks, elapsed

    r, marks, elapsed = run(body, 60)
    data = check_invariants(r)
    assert dead not in data
    health = r.collector.health[dead]
    assert health.state == "offline" and "timeout" in health.last_error
    healthy = [d.id for d in devices if d.id != dead]
    for device_id in healthy:
        assert r.collector.health[device_id].failures == 0
        # While the dead unit was being retried, every healthy unit kept polling: at least half its
        # nominal rate over the interval (only the dead unit's timeouts share the line).
        assert r.ok_polls(device_id) - marks[device_id] >= 0.5 * elapsed / POLL_S, device_id
    assert health.polls < min(r.collector.health[d].polls for d in healthy) / 5
    assert_values_match_simulator(r, data, healthy)  # no answer was ever taken for another unit's
    # Every request the gateway swallowed was the dead unit's, and only those timed out.
    swallowed = r.sim.servers[devices[0].conn].faulted["silence"]
    assert swallowed >= 2 and r.collector.links[devices[0].conn].timeouts in (swallowed, swallowed - 1)


SUNSPEC_GATEWAY = [Dev(f"inv-{i}", "pv", "gw", i, 100, profile="sunspec") for i in range(1, 4)]
SUNSPEC_BUS = [Dev(f"inv-{i}", "pv", "bus", i, 100, profile="sunspec") for i in range(1, 4)]


@pytest.mark.wire
@pytest.mark.parametrize("devices", [SUNSPEC_GATEWAY, SUNSPEC_BUS], ids=["tcp-gateway", "rtu-bus"])
def test_a_dead_sunspec_unit_costs_one_timeout_per_attempt(tmp_path, devices):
    """Three SunSpec inverters behind one gateway, one swallowed by it after discovery. Every attempt at the
    dead unit - polls with its discovered map, and the new discoveries after three failures - is one
    request that times out: discovery gives up at the first silent base address instead of waiting the
    timeout at 40000, 0 and 50000 in turn. Its siblings never fail."""
    clock = FrozenClock(EVENING_S)
    dead = devices[-1].id

    async def body():
        async with running(tmp_path, devices, clock, faults={dead: [Fault("black-hole", start_after_s=10)]}) as r:
            await r.wait(lambda: all(r.ok_polls(d.id) >= 3 for d in devices))  # discovered, read
            clock.advance(10)  # the gateway swallows the dead unit's requests from now on
            health = r.collector.health[dead]
            await r.wait(lambda: health.failures >= 5, limit_s=30)  # past a rediscovery (after 3 failures)
            return r

    r = run(body, 60)
    data = check_invariants(r)
    health = r.collector.health[dead]
    assert health.state == "offline" and "timeout" in health.last_error
    assert any("holding register 40000" in (x.error or "") for x in r.mine(dead))  # it was rediscovered
    for d in devices[:-1]:
        assert r.collector.health[d.id].failures == 0
    swallowed = r.sim.servers[devices[0].conn].faulted["silence"]
    timeouts = r.collector.links[devices[0].conn].timeouts
    # One unanswered request per failed attempt (the last may still be waiting when the run ends).
    assert health.failures <= swallowed <= health.failures + 1 and timeouts in (swallowed, swallowed - 1)
    assert dead not in data or all(ts < r.collector.health[dead].since_ms for ts, _ in data[dead]["power_w"])


# -- slow -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.wire
def test_slow_answers_are_late_and_too_slow_ones_time_out(tmp_path):
    """``tardy`` (alone on its port) answers 0.15 s late, within the 0.3 s timeout: stored, with its
    latency. ``sluggish`` (TCP gateway) and ``meter-b`` (RTU bus) answer 0.45 and 0.6 s late: every read
    times out and nothing is stored; the late answers that do arrive are never taken for a later
    request, and their neighbours on the same connection keep polling."""
    clock = FrozenClock(EVENING_S)
    devices = [
        Dev("tardy", "load", "solo", 1, 100, faults=({"kind": "slow", "delay_s": 0.15},)),
        Dev("sluggish", "load", "gw", 1, 100, sim="base_load_kw = 20\n"),
        Dev("load-n", "load", "gw", 2, 200, sim="base_load_kw = 90\n"),
        *BUS[:2],
    ]
    # Answers leave in order: load-n's comes right after sluggish's late one, 0.15 s after load-n asked;
    # on the bus meter-b's late answer arrives while the link is quiet after the timeout (resync).
    faults = {"sluggish": [Fault("slow", delay_s=0.45)], "meter-b": [Fault("slow", delay_s=0.6)]}

    async def body():
        async with running(tmp_path, devices, clock, faults=faults) as r:
            health = r.collector.health
            await r.wait(
                lambda: (
                    health["sluggish"].failures >= 2 and health["meter-b"].failures >= 2 and r.ok_polls("tardy") >= 10
                )
            )
            await r.polls("load-n", 3)
            await r.polls("meter-a", 3)
            return r

    r = run(body, 60)
    data = check_invariants(r)
    assert r.collector.health["tardy"].failures == 0
    assert all(x.latency_s >= 0.15 for x in r.mine("tardy"))  # lower bound only
    for device_id in ("sluggish", "meter-b"):
        assert device_id not in data
        assert "timeout" in r.collector.health[device_id].last_error
    for device_id in ("load-n", "meter-a"):  # the late answers reach the link after it gave up: dropped
        assert r.collector.health[device_id].failures == 0
    assert_values_match_simulator(r, data, ["tardy", "load-n", "meter-a"])


# -- exception, garbage ------------------------------------------------------------------------


@pytest.mark.wire
def test_exception_responses_store_nothing_and_record_the_error(tmp_path):
    clock = FrozenClock(EVENING_S)
    devices = [
        *GATEWAY[:2],
        Dev("busy", "grid", "gw", 7, 1000, faults=({"kind": "exception", "exception_code": 4, "duration_s": 5.0},)),
    ]

    async def body():
        async with running(tmp_path, devices, clock) as r:
            await r.wait(lambda: r.collector.health["busy"].failures >= 1)
            clock.advance(5)  # the exceptions stop
            await r.polls("busy", 3, limit_s=20)
            return r

    r = run(body, 60)
    data = check_invariants(r)
    failed_polls_stored_nothing(r, data, "busy")
    errors = [x.error for x in r.mine("busy") if not x.ok]
    assert all("Modbus exception 4 (server device failure)" in e for e in errors), errors
    assert r.collector.health["busy"].state == "online"
    assert all(r.collector.health[d.id].failures == 0 for d in GATEWAY[:2])
    assert_values_match_simulator(r, data, [d.id for d in devices], last_only=True)


@pytest.mark.wire
@pytest.mark.parametrize("devices, noisy", [(GATEWAY[:3], "load-1"), (BUS, "meter-a")], ids=["tcp-gateway", "rtu-bus"])
def test_garbage_answers_store_nothing_and_the_link_recovers(tmp_path, devices, noisy):
    clock = FrozenClock(EVENING_S)

    async def body():
        async with running(tmp_path, devices, clock, faults={noisy: [Fault("garbage", 0, 10)]}) as r:
            await r.wait(lambda: r.collector.health[noisy].failures >= 1)
            clock.advance(10)  # the device talks sense again
            await r.polls(noisy, 3, limit_s=20)
            return r

    r = run(body, 60)
    data = check_invariants(r)
    failed_polls_stored_nothing(r, data, noisy)
    errors = [x.error for x in r.mine(noisy) if not x.ok]
    assert errors and all(e.startswith(("timeout", "invalid")) for e in errors), errors
    healthy = [d.id for d in devices if d.id != noisy]
    assert all(r.collector.health[d].failures == 0 for d in healthy)
    assert_values_match_simulator(r, data, [d.id for d in devices], last_only=True)
    assert r.sim.servers[devices[0].conn].faulted["garbage"] >= 1


# -- counters: wrap and reset -----------------------------------------------------------------


async def step_and_record(r: Run, device_id: str, steps: Sequence[float]) -> list[dict[str, float]]:
    """Step the simulator's clock; before and after each step wait for two polls and note what the device reports."""
    await r.polls(device_id, 2)
    reported = [r.sim.reported(device_id)]
    for dt in steps:
        r.clock.advance(dt)
        await r.polls(device_id, 2)
        reported.append(r.sim.reported(device_id))
    return reported


def distinct(samples: list[tuple[int, float]]) -> list[float]:
    out: list[float] = []
    for _, value in samples:
        if not out or out[-1] != value:
            out.append(value)
    return out


@pytest.mark.wire
def test_counter_wrap_is_stored_exactly_as_the_device_reports_it(tmp_path):
    """A 64-bit load meter (reported as a 32-bit counter) and a u32 inverter counter in 10 Wh, both
    placed just below 2**32 register units: the stored samples show the wrap, nothing smoothed."""
    clock = FrozenClock(NOON_S)
    devices = [
        Dev("load-1", "load", "gw", 1, 200, sim="base_load_kw = 150\n"),
        Dev("inv-h", "pv", "gw", 2, 100, profile="huawei-sun2000"),
        Dev("load-2", "load", "gw", 3, 100),
    ]
    faults = {"load-1": [Fault("counter-wrap", 30)], "inv-h": [Fault("counter-wrap", 30)]}

    async def body():
        async with running(tmp_path, devices, clock, faults=faults) as r:
            seen = {d: await step_and_record(r, d, []) for d in ("load-1", "inv-h")}
            before = {"load-1": seen["load-1"][0]["consumed_wh"], "inv-h": seen["inv-h"][0]["yield_wh"]}
            clock.advance(30)  # the fault begins
            await r.polls("load-1", 2)
            await r.polls("inv-h", 2)
            for _ in range(8):
                clock.advance(30)
                await r.polls("load-1", 2)
                await r.polls("inv-h", 2)
                for d in seen:
                    seen[d].append(r.sim.reported(d))
            return r, before, seen

    r, before, seen = run(body, 60)
    data = check_invariants(r)
    for device_id, quantity, unit_wh in (("load-1", "consumed_wh", 1.0), ("inv-h", "yield_wh", 10.0)):
        values = distinct(data[device_id][quantity])
        rated_w = r.config.device(device_id).rated_power_kw * 1000
        lead = math.ceil(rated_w * WRAP_LEAD_S / 3600 / unit_wh)
        assert values[0] == pytest.approx(before[device_id], abs=unit_wh)  # before the fault: the real counter
        assert values[1] == (2**32 - lead) * unit_wh, device_id  # at the fault's start: just below the wrap
        wraps = [i for i in range(2, len(values)) if values[i] < values[i - 1]]
        assert len(wraps) == 1, (device_id, values)  # the wrap is visible, once, not smoothed away
        assert all(0 <= v < 2**32 * unit_wh for v in values[1:])
        # Every stored value is what the device reported (to its register's resolution).
        reported = [x[quantity] for x in seen[device_id][1:]]
        for value in values[2:]:
            assert min(abs(value - x) for x in reported) <= 0.5 * unit_wh, (device_id, value)
    assert before["load-1"] < 2**31 and before["inv-h"] < 2**31 * 10  # the premise: far from the wrap before
    assert r.collector.health["load-2"].failures == 0
    log = [k for _, k, _ in events(r.db)]
    assert "device_offline" not in log
    # The counter monitor, once per occurrence: the fault's start is a jump no meter can count in 30 s (a
    # replaced meter); the u32 inverter counter's roll-over is a wrap. The load meter's map says 64 bits,
    # so its drop at 2**32 is, by its map, a reset.
    counter_events = [(d, k) for d, k, _ in events(r.db) if k in ("counter_wrap", "counter_reset", "meter_replaced")]
    assert sorted(counter_events) == [
        ("inv-h", "counter_wrap"),
        ("inv-h", "meter_replaced"),
        ("load-1", "counter_reset"),
        ("load-1", "meter_replaced"),
    ]


@pytest.mark.wire
def test_counter_reset_is_stored_exactly_as_the_device_reports_it(tmp_path):
    """A grid meter is replaced at +60 s: its counters restart from 0 and count on; the store shows
    exactly that (0 at the reset, then the new meter's counts), the energy accounting comes later."""
    clock = FrozenClock(EVENING_S)
    devices = [Dev("grid-1", "grid", "gw", 1, 1000), Dev("load-1", "load", "gw", 2, 200)]
    faults = {"grid-1": [Fault("counter-reset", 60)]}

    async def body():
        async with running(tmp_path, devices, clock, faults=faults) as r:
            reported = await step_and_record(r, "grid-1", [30, 30, 30, 30])
            return r, reported

    r, reported = run(body, 60)
    data = check_invariants(r)
    imported = distinct(data["grid-1"]["imported_wh"])
    expected = distinct([(0, round(x["imported_wh"])) for x in reported])
    assert imported == expected
    assert imported[0] > 1e6 and imported[1] > imported[0]  # the old meter, counting
    assert imported[2] == 0.0  # exactly zero at the reset (+60 s)
    assert imported[3] > 0 and imported[4] > imported[3]  # the new meter counts on
    exported = distinct(data["grid-1"]["exported_wh"])
    assert exported[-1] == 0.0 and exported[0] > 0  # importing in the evening: nothing exported since
    assert r.collector.health["grid-1"].failures == 0
    resets = [(d, detail.split(":")[0]) for d, k, detail in events(r.db) if k == "counter_reset"]
    assert resets == [("grid-1", "imported_wh"), ("grid-1", "exported_wh")]  # once each, not per poll
    assert not [k for _, k, _ in events(r.db) if k in ("meter_replaced", "implausible_value", "counter_wrap")]


# -- frozen ------------------------------------------------------------------------------------


@pytest.mark.wire
def test_a_frozen_device_keeps_its_values_while_the_park_moves_on(tmp_path):
    clock = FrozenClock(NOON_S)
    devices = [
        Dev("pv-1", "pv", "gw", 1, 100),
        Dev("load-1", "load", "gw", 2, 200),
        Dev("grid-1", "grid", "gw", 3, 1000, faults=({"kind": "frozen", "start_after_s": 30.0},)),
    ]

    async def body():
        async with running(tmp_path, devices, clock) as r:
            await r.polls("grid-1", 2)
            clock.advance(30)
            await r.polls("grid-1", 2)
            at_start = r.sim.park.device_view("grid-1")  # the park at the fault's start
            mark = len(r.readings)
            moving = []
            for _ in range(4):
                clock.advance(45)
                await r.polls("grid-1", 2)
                await r.polls("pv-1", 2)
                moving.append(r.sim.park.device_view("grid-1"))
            return r, at_start, mark, moving

    r, at_start, mark, moving = run(body, 60)
    data = check_invariants(r)
    after = [x for x in r.mine("grid-1", mark) if x.ok]
    assert len(after) >= 8
    for quantity in ("power_w", "imported_wh", "exported_wh", "voltage_l1_v"):
        frozen = {x.values[quantity] for x in after}
        assert len(frozen) == 1, quantity  # stored values stay constant...
        assert frozen.pop() == pytest.approx(at_start[quantity], abs=1.0)  # ... at the fault's start
    assert len({round(m["imported_wh"]) for m in moving}) == 4  # while the park moved on
    assert len({v for _, v in data["pv-1"]["power_w"]}) > 1  # and the other devices show it
    assert r.collector.health["grid-1"].failures == 0


# -- not implemented ---------------------------------------------------------------------------


@pytest.mark.wire
def test_not_implemented_points_are_stored_as_missing(tmp_path):
    """A SunSpec inverter and a profile meter read every point as "not implemented" for 30 s:
    nothing is stored, the live view has no number for them; afterwards their values are back."""
    clock = FrozenClock(NOON_S)
    devices = [
        Dev("inv-ss", "pv", "ss", 1, 100, profile="sunspec", faults=({"kind": "not-implemented", "duration_s": 30.0},)),
        Dev("load-1", "load", "gw", 1, 200, faults=({"kind": "not-implemented", "duration_s": 30.0},)),
        Dev("grid-1", "grid", "gw", 2, 1000),
    ]

    async def body():
        async with running(tmp_path, devices, clock) as r:
            await r.polls("inv-ss", 3)
            await r.polls("load-1", 3)
            now_ms = int(r.collector.wall_clock() * 1000)  # the collector's (simulated) time
            totals = site_totals({d.id: r.config.device(d.id).role for d in devices}, dict(r.collector.latest), now_ms)
            mark = len(r.readings)
            clock.advance(30)
            await r.polls("inv-ss", 3)
            await r.polls("load-1", 3)
            return r, totals, mark

    r, totals, mark = run(body, 60)
    data = check_invariants(r)
    for device_id in ("inv-ss", "load-1"):
        during = [x for x in r.readings[:mark] if x.device_id == device_id]
        assert during and all(x.ok and all(v is None for v in x.values.values()) for x in during), device_id
        first_ok_after = min(x.ts_ms for x in r.mine(device_id, mark) if x.values.get("power_w") is not None)
        assert all(ts >= first_ok_after for samples in data[device_id].values() for ts, _ in samples)
        assert data[device_id]["power_w"]  # back after the fault
        assert r.collector.health[device_id].failures == 0  # it answered: missing values, not an outage
    assert totals.pv_w.value is None and totals.pv_w.reporting == 0  # not a number in the live view
    assert totals.load_w.value is None
    assert totals.grid_w.value is not None
