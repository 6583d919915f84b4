"""Simulator -> real Modbus TCP on loopback -> collector -> SQLite, with the simulator's clock frozen.

With a frozen clock the simulated park does not move, so every stored value must equal the
simulator's own canonical value to within the resolution of its register encoding.
"""

from __future__ import annotations

import asyncio
import sqlite3
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from drivers.transformer_ratios import factor as ratio_factor
from energymon.collect.collector import Collector
from energymon.collect.reading import Reading
from energymon.collect.schedule import backoff_s
from energymon.collect.service import Collection
from energymon.config import Config, load_config
from energymon.sim.serve import SimulatedPark
from energymon.views.live import is_fresh

from support import EVENING_S, FrozenClock, free_port, run, small_site_toml, stored, write_config

POLL_S = 0.2


@pytest.fixture
def evening_clock() -> FrozenClock:
    """19:00 in Xi'an: the sun is low but up, storage discharges into the evening peak, grid imports."""
    return FrozenClock(EVENING_S)


async def start_small_park(
    directory: Path,
    clock: FrozenClock,
    invert: frozenset[str] = frozenset(),
    device_lines: dict[str, str] | None = None,
    served_devices: str = "",
    **collector_toml_args,
) -> tuple[SimulatedPark, Config]:
    """Serve the small park on free loopback ports; return it and the collector's config for those ports.

    ``collector_toml_args`` (extra connections and devices) go into the collector's config only;
    ``served_devices`` (more ``[[devices]]``) into both.
    """
    template_toml = small_site_toml(
        {"c1": 1, "c2": 2}, invert=invert, device_lines=device_lines, extra_devices=served_devices
    )
    template = load_config(write_config(directory, template_toml, "template.toml"))
    sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"c1": 0, "c2": 0})
    await sim.start()
    assert all(port > 0 for port in sim.ports.values())
    config = load_config(
        write_config(
            directory,
            small_site_toml(
                sim.ports,
                poll_interval_s=POLL_S,
                invert=invert,
                device_lines=device_lines,
                extra_devices=served_devices + collector_toml_args.pop("extra_devices", ""),
                **collector_toml_args,
            ),
        )
    )
    return sim, config


async def collect_until(collection: Collection, done: Callable[[], bool], limit_s: float = 15.0) -> None:
    """Run the collection until ``done()`` holds (checked every 20 ms); fail if it never does."""
    task = asyncio.create_task(collection.run())
    try:
        deadline = time.monotonic() + limit_s
        while not done():
            assert not task.done(), "the collection stopped by itself"
            assert time.monotonic() < deadline, "condition not reached in time"
            await asyncio.sleep(0.02)
    finally:
        collection.collector.stop()
        await task


def ok_polls(collector: Collector, device_id: str) -> int:
    health = collector.health[device_id]
    return health.polls - health.failures


def events(db_path: Path) -> list[tuple[str | None, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT device_id, kind FROM events ORDER BY id").fetchall()
    finally:
        con.close()


def integrity(db_path: Path) -> str:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


INVERTED = frozenset({"pv-3", "bess-2", "grid-1"})


@pytest.mark.wire
def test_every_stored_value_is_the_simulators_value(tmp_path, evening_clock):
    async def body():
        sim, config = await start_small_park(tmp_path, evening_clock, invert=INVERTED)
        try:
            collection = Collection(config, config.storage.database)
            started_ms = int(time.time() * 1000)
            await collect_until(
                collection, lambda: all(ok_polls(collection.collector, d.id) >= 3 for d in config.devices)
            )
            finished_ms = int(time.time() * 1000)
        finally:
            await sim.stop()
        return sim, config, collection, started_ms, finished_ms

    sim, config, collection, started_ms, finished_ms = run(body)
    park = sim.park
    assert park.t_s == evening_clock()  # the park never moved
    data = stored(config.storage.database)
    assert set(data) == {d.id for d in config.devices}
    for device in config.devices:
        expected = park.values(device.id)  # canonical: as if installed correctly
        health = collection.collector.health[device.id]
        assert health.failures == 0 and health.state == "online"
        assert set(data[device.id]) == set(device.profile.quantities) == set(expected)
        scale = {p.quantity: p.scale for p in device.profile.points}
        for quantity, samples in data[device.id].items():
            # One row per successful poll, none lost, none invented.
            assert len(samples) == health.polls, (device.id, quantity)
            for ts_ms, value in samples:
                assert started_ms - 1000 <= ts_ms <= finished_ms + 1000
                tolerance = 0.5 * scale[quantity] * (1 + 1e-9) + 1e-12 * abs(expected[quantity])
                assert abs(value - expected[quantity]) <= tolerance, (device.id, quantity, value, expected[quantity])

    # Inverted devices really are inverted on the wire, and stored the right way round.
    for device_id in INVERTED:
        role = config.device(device_id).role
        wire, canonical = park.device_view(device_id), park.values(device_id)
        assert wire["power_w"] == -canonical["power_w"]
        latest = {q: samples[-1][1] for q, samples in data[device_id].items()}
        assert latest["power_w"] == pytest.approx(canonical["power_w"], abs=0.5)
        if role.value == "grid":
            assert abs(canonical["imported_wh"] - canonical["exported_wh"]) > 10  # a swap would show
            assert latest["imported_wh"] == pytest.approx(canonical["imported_wh"], abs=0.5)
            assert latest["exported_wh"] == pytest.approx(canonical["exported_wh"], abs=0.5)
        if role.value == "storage":
            assert latest["charged_wh"] == pytest.approx(canonical["charged_wh"], abs=0.5)
            assert latest["discharged_wh"] == pytest.approx(canonical["discharged_wh"], abs=0.5)
    # The premise of the inversion checks: real flows in every direction at this frozen time.
    assert data["pv-3"]["power_w"][-1][1] > 0  # generation is positive although the wire says negative
    assert data["bess-2"]["power_w"][-1][1] > 0  # discharging
    assert data["grid-1"]["power_w"][-1][1] > 0  # importing

    # Only read function codes ever reached the devices.
    for server in sim.servers.values():
        assert set(server.function_codes) <= {3, 4}
    assert integrity(config.storage.database) == "ok"
    kinds = [kind for _, kind in events(config.storage.database)]
    assert kinds[0] == "collector_started" and kinds[-1] == "collector_stopped"
    assert "device_offline" not in kinds


# A grid meter behind 200/5 A current and 10 kV/100 V voltage transformers that also has its counters
# the wrong way round; a storage meter whose power alone has the wrong sign.
TRANSFORMED = {
    "grid-1": "ct_ratio = 40\npt_ratio = 100\nswap_counters = true\n",
    "bess-2": "invert_power = true\n",
}


@pytest.mark.wire
def test_ratios_and_one_sided_inversions_store_primary_values_the_right_way_round(tmp_path, evening_clock):
    """The simulated meters report secondary values and their own wrong signs on the wire; the collector
    stores primary values, the right way round, to the resolution of the meter's registers x its ratios."""

    async def body():
        sim, config = await start_small_park(tmp_path, evening_clock, device_lines=TRANSFORMED)
        try:
            collection = Collection(config, config.storage.database)
            await collect_until(
                collection, lambda: all(ok_polls(collection.collector, d.id) >= 3 for d in config.devices)
            )
        finally:
            await sim.stop()
        return sim, config, collection

    sim, config, collection = run(body)
    park, data = sim.park, stored(config.storage.database)
    grid_wire, grid = park.device_view("grid-1"), park.values("grid-1")
    assert grid_wire["power_w"] == pytest.approx(grid["power_w"] / 4000)  # secondary power: CT x PT
    assert grid_wire["current_l1_a"] == pytest.approx(grid["current_l1_a"] / 40)
    assert grid_wire["voltage_l1_v"] == pytest.approx(grid["voltage_l1_v"] / 100)
    assert grid_wire["imported_wh"] == pytest.approx(grid["exported_wh"] / 4000)  # and the pair swapped
    assert abs(grid["imported_wh"] - grid["exported_wh"]) > 1e5  # a swap would show
    bess_wire, bess = park.device_view("bess-2"), park.values("bess-2")
    assert bess_wire["power_w"] == -bess["power_w"] != 0 and bess_wire["charged_wh"] == bess["charged_wh"]
    for device_id in ("grid-1", "bess-2"):
        device = config.device(device_id)
        assert device.profile is not None
        assert collection.collector.health[device_id].failures == 0
        scale = {p.quantity: p.scale for p in device.profile.points}
        expected = park.values(device_id)
        for quantity, samples in data[device_id].items():
            # The register's resolution on the secondary side, seen on the primary side.
            step = scale[quantity] * ratio_factor(quantity, device.ct_ratio, device.pt_ratio)
            value = samples[-1][1]
            tolerance = 0.5 * step * (1 + 1e-9) + 1e-9 * abs(expected[quantity])
            assert abs(value - expected[quantity]) <= tolerance, (device_id, quantity, value, expected[quantity])


# A meter that reports secondary values and holds its ratios in registers 0 and 1 (a profile file next to the
# config); the simulated one is set to 200/5 A and 10 kV/100 V.
HELD_RATIO_PROFILE = """
[profile]
name = "ratio-meter"
role = "grid"
title = "meter holding its CT and PT ratios"
source = "test"
[[points]]
quantity = "ct_ratio"
address = 0
dtype = "u16"
[[points]]
quantity = "pt_ratio"
address = 1
dtype = "u16"
[[points]]
quantity = "power_w"
address = 2
dtype = "f32"
[[points]]
quantity = "current_l1_a"
address = 4
dtype = "f32"
[[points]]
quantity = "voltage_l1_v"
address = 6
dtype = "f32"
[[points]]
quantity = "imported_wh"
address = 8
dtype = "f32"
[[points]]
quantity = "exported_wh"
address = 10
dtype = "f32"
primary = true
"""
HELD_RATIO_DEVICE = """
[[devices]]
id = "grid-2"
role = "grid"
profile = "ratio-meter.toml"
connection = "c2"
unit = 5
poll_interval_s = 0.2
rated_power_kw = 1000
[devices.sim]
ct_ratio = 40
pt_ratio = 100
"""


@pytest.mark.wire
def test_ratios_held_by_the_meter_are_read_and_applied(tmp_path, evening_clock):
    """The wire carries secondary floats and the ratios; the store holds primary values and the ratios."""
    (tmp_path / "ratio-meter.toml").write_text(HELD_RATIO_PROFILE, encoding="utf-8")

    async def body():
        sim, config = await start_small_park(tmp_path, evening_clock, served_devices=HELD_RATIO_DEVICE)
        try:
            collection = Collection(config, config.storage.database)
            await collect_until(collection, lambda: ok_polls(collection.collector, "grid-2") >= 3)
        finally:
            await sim.stop()
        return sim, config

    sim, config = run(body)
    park, data = sim.park, stored(config.storage.database)
    truth = park.values("grid-2")
    profile = config.device("grid-2").profile
    assert profile is not None
    wire = profile.encode_values(truth)["holding"]
    assert (wire[0], wire[1]) == (40, 100)
    secondary = {"power_w": (2, 4000), "current_l1_a": (4, 40), "voltage_l1_v": (6, 100), "imported_wh": (8, 4000)}
    for quantity, (address, ratio) in secondary.items():
        raw = struct.unpack(">f", struct.pack(">HH", wire[address], wire[address + 1]))[0]
        assert raw == pytest.approx(truth[quantity] / ratio, rel=1e-6), quantity  # the wire is secondary ...
        assert data["grid-2"][quantity][-1][1] == pytest.approx(truth[quantity], rel=1e-6), quantity  # ... stored
    assert data["grid-2"]["ct_ratio"][-1][1] == 40 and data["grid-2"]["pt_ratio"][-1][1] == 100
    assert data["grid-2"]["exported_wh"][-1][1] == pytest.approx(truth["exported_wh"], rel=1e-6)  # primary = true


@pytest.mark.slow
@pytest.mark.wire
def test_a_dead_connection_never_stalls_the_others(tmp_path, evening_clock):
    """One connection refuses, one swallows requests without answering, and one unit behind a live
    gateway does not exist; every other device must keep pace and the dead ones are backed off."""

    async def body():
        loop = asyncio.get_running_loop()
        black_hole = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
        silent_port = black_hole.sockets[0].getsockname()[1]
        dead_port = free_port()
        extra = (
            f'[connections.dead]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = {dead_port}\ntimeout_s = 0.5\n'
            f'[connections.silent]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = {silent_port}\n'
            "timeout_s = 0.5\n"
        )
        extra_devices = "".join(
            f'[[devices]]\nid = "{dev_id}"\nrole = "load"\nprofile = "energymon-load"\nconnection = "{conn}"\n'
            f"unit = {unit}\npoll_interval_s = {POLL_S}\nrated_power_kw = 100\n"
            # ghost-meter: a unit the (live) c1 gateway does not have; it answers exception 0x0B
            for dev_id, conn, unit in (("lost-meter", "dead", 1), ("mute-meter", "silent", 1), ("ghost-meter", "c1", 9))
        )
        sim, config = await start_small_park(tmp_path, evening_clock, extra=extra, extra_devices=extra_devices)
        dead = ["lost-meter", "mute-meter", "ghost-meter"]
        healthy = [d.id for d in config.devices if d.id not in dead]
        try:
            collection = Collection(config, config.storage.database)
            collector = collection.collector
            await collect_until(
                collection,
                lambda: (
                    all(ok_polls(collector, d) >= 8 for d in healthy)
                    and all(collector.health[d].polls >= 2 for d in dead)
                ),
            )
        finally:
            await sim.stop()
            black_hole.close()
            await black_hole.wait_closed()
        return config, collector, healthy, dead

    config, collector, healthy, dead = run(body)
    data = stored(config.storage.database)
    log = events(config.storage.database)
    for device_id in dead:
        health = collector.health[device_id]
        assert device_id not in data  # no sample, ever
        assert health.state == "offline" and health.failures == health.polls
        assert log.count((device_id, "device_offline")) == 1  # logged once, not per failed poll
        # Backed off: a failing device is retried far less often than healthy ones are polled.
        assert health.polls < min(collector.health[d].polls for d in healthy)
    assert "timeout" in collector.health["mute-meter"].last_error
    assert "connection" in collector.health["lost-meter"].last_error
    assert "exception 11" in collector.health["ghost-meter"].last_error  # gateway target failed to respond
    for device_id in healthy:
        assert device_id in data and collector.health[device_id].failures == 0
        assert (device_id, "device_offline") not in log


def test_backoff_grows_with_the_outage_and_is_bounded():
    assert backoff_s(5, 0.5) == 5  # never faster than the poll interval
    assert backoff_s(0.2, 0.5) == 2.5  # five attempt costs: a dead unit takes at most a fifth of its line
    assert backoff_s(0.2, 0.5, outage_s=600) == 60  # a tenth of the outage so far
    assert backoff_s(0.2, 0.5, outage_s=1e6) == 300  # capped


@pytest.mark.slow
@pytest.mark.wire
def test_nothing_stale_after_a_device_stops_answering_and_it_recovers(tmp_path, evening_clock):
    async def body() -> tuple[Config, list[Reading], dict[str, int], list[str], list[str]]:
        sim, config = await start_small_park(tmp_path, evening_clock)
        readings: list[Reading] = []
        c2 = [d.id for d in config.devices if d.connection == "c2"]
        c1 = [d.id for d in config.devices if d.connection == "c1"]
        marks: dict[str, int] = {}
        try:
            collection = Collection(config, config.storage.database)
            collector = collection.collector
            collector.reading_subscribers.append(readings.append)
            task = asyncio.create_task(collection.run())

            async def wait(condition, limit_s=15.0):
                deadline = time.monotonic() + limit_s
                while not condition():
                    assert not task.done() and time.monotonic() < deadline
                    await asyncio.sleep(0.02)

            def after(mark, device_id, ok=None):
                return [r for r in readings[marks[mark] :] if r.device_id == device_id and (ok is None or r.ok is ok)]

            try:
                await wait(lambda: all(ok_polls(collector, d) >= 3 for d in c2))
                await sim.servers["c2"].stop()  # the gateway goes away
                marks["down"] = len(readings)
                await wait(
                    lambda: (
                        all(after("down", d, ok=False) for d in c2)
                        and all(len(after("down", d, ok=True)) >= 3 for d in c1)
                    )
                )
                marks["failed"] = len(readings)
                now_ms = int(time.time() * 1000)
                for d in c2:  # the live view does not present the last good values as current
                    assert not is_fresh(collector.latest[d], now_ms)
                await sim.servers["c2"].start()  # same port: the gateway is back
                marks["up"] = len(readings)
                await wait(lambda: all(after("up", d, ok=True) for d in c2))
            finally:
                collector.stop()
                await task
        finally:
            await sim.stop()
        return config, readings, marks, c1, c2

    config, readings, marks, c1, c2 = run(body)
    data = stored(config.storage.database)
    log = events(config.storage.database)
    for device_id in c2:
        mine = [r for r in readings if r.device_id == device_id]
        down = [r for r in readings[marks["down"] : marks["up"]] if r.device_id == device_id]
        # At most the one poll that was in flight when the gateway went away can still succeed.
        assert all(not r.ok for r in down[1:])
        failed = [r for r in mine if not r.ok]
        assert failed and all(not r.values for r in failed)  # a failed read carries no values
        # The database holds exactly the successful polls: nothing repeated for failed ones.
        ok_ts = sorted(r.ts_ms for r in mine if r.ok)
        for quantity, samples in data[device_id].items():
            assert [ts for ts, _ in samples] == ok_ts, (device_id, quantity)
        first_failure = failed[0].ts_ms
        recovered = [r.ts_ms for r in mine if r.ok and r.ts_ms > first_failure]
        assert recovered
        gap = [ts for ts, _ in data[device_id]["power_w"] if first_failure <= ts < recovered[0]]
        assert gap == []
        assert log.count((device_id, "device_offline")) == 1
        assert log.count((device_id, "device_recovered")) == 1
        assert log.index((device_id, "device_offline")) < log.index((device_id, "device_recovered"))
    for device_id in c1:  # the other gateway never noticed
        assert all(r.ok for r in readings if r.device_id == device_id)
        assert (device_id, "device_offline") not in log


@pytest.mark.wire
def test_an_implausible_value_is_dropped_and_reported_once(tmp_path, evening_clock):
    """A PV inverter whose configured rating is far below what it reports: power_w is rejected."""

    async def body():
        sim, _ = await start_small_park(tmp_path, evening_clock)
        # The same devices, but pv-1 claims to be a 1 kW inverter; the simulator serves ~100 kW.
        text = small_site_toml(sim.ports, poll_interval_s=POLL_S).replace(
            'id = "pv-1"\nrole = "pv"\nprofile = "energymon-pv"\nconnection = "c1"\nunit = 1\n'
            f"poll_interval_s = {POLL_S}\nrated_power_kw = 100",
            'id = "pv-1"\nrole = "pv"\nprofile = "energymon-pv"\nconnection = "c1"\nunit = 1\n'
            f"poll_interval_s = {POLL_S}\nrated_power_kw = 1",
        )
        config = load_config(write_config(tmp_path, text, "small-rating.toml"))
        assert config.device("pv-1").rated_power_kw == 1
        try:
            collection = Collection(config, tmp_path / "implausible.db")
            await collect_until(collection, lambda: ok_polls(collection.collector, "pv-1") >= 3)
        finally:
            await sim.stop()
        return sim, config

    sim, config = run(body)
    assert sim.park.values("pv-1")["power_w"] > 1.25 * 1000  # the premise: beyond 125 % of 1 kW
    data = stored(tmp_path / "implausible.db")
    assert "power_w" not in data["pv-1"]  # never stored, never clamped
    assert data["pv-1"]["yield_wh"]  # the rest of the reading is kept
    log = events(tmp_path / "implausible.db")
    assert log.count(("pv-1", "implausible_value")) == 1


@pytest.mark.wire
def test_a_counter_that_stepped_back_while_collection_was_stopped_is_an_event(tmp_path, evening_clock):
    """Run 1 stores pv-1's counter; before run 2 the device's counter restarts from 0 (a replaced meter, or a
    simulator started afresh). Run 2's first reading is judged against what the store holds: an event, not a
    silent new base."""
    from energymon.config.sim_params import Fault

    async def first_run():
        sim, config = await start_small_park(tmp_path, evening_clock)
        try:
            collection = Collection(config, config.storage.database)
            await collect_until(collection, lambda: ok_polls(collection.collector, "pv-1") >= 3)
        finally:
            await sim.stop()
        return config

    config = run(first_run)
    before = [k for d, k in events(config.storage.database) if d == "pv-1"]
    assert not {"counter_reset", "meter_replaced"} & set(before)

    async def second_run():
        template = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2}), "template.toml"))
        ports = {name: c.port for name, c in config.connections.items()}
        sim = SimulatedPark(
            template, clock=evening_clock, host="127.0.0.1", ports=ports, faults={"pv-1": [Fault("counter-reset")]}
        )
        await sim.start()
        try:
            collection = Collection(config, config.storage.database)
            await collect_until(collection, lambda: ok_polls(collection.collector, "pv-1") >= 3)
        finally:
            await sim.stop()

    run(second_run)
    after = [k for d, k in events(config.storage.database) if d == "pv-1"][len(before) :]
    assert {"counter_reset", "meter_replaced"} & set(after), after
