"""Every built-in profile over the wire: the simulator encodes a device through the profile, the
collector reads it over loopback Modbus TCP and decodes it through the same profile."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from pathlib import Path

import pytest

from drivers.device import read_device
from drivers.link import ModbusTcpLink
from drivers.profile_file import builtin_names, load_profile
from energymon.collect.service import Collection
from energymon.config import parse_config
from energymon.sim.modbus_server import ILLEGAL_DATA_VALUE, ModbusTcpServer
from energymon.sim.serve import SimulatedPark

from support import EVENING_S, NOON_S, FrozenClock, run

RATED_KW = {"pv": 100, "storage": 50, "grid": 1000, "load": 300, "meteo": 1}
# Devices whose registers cannot hold the default rating's power: simulated at their own size.
RATED_KW_OF_PROFILE = {"deye-sun-battery": 12}  # LV hybrid, battery power an i16 in W (at most 32.7 kW)


def site(port: int, names: list[str]) -> str:
    parts = [
        '[site]\nname = "profiles"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n',
        '[storage]\ndatabase = "p.db"\n',
        f'[connections.gw]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = {port}\ntimeout_s = 1.0\n',
    ]
    for unit, name in enumerate(names, start=1):
        role = load_profile(name).role.value
        sim = "[devices.sim]\ncapacity_kwh = 100\n" if role == "storage" else ""
        rated_kw = RATED_KW_OF_PROFILE.get(name, RATED_KW[role])
        parts.append(
            f'[[devices]]\nid = "{name}"\nrole = "{role}"\nprofile = "{name}"\nconnection = "gw"\n'
            f"unit = {unit}\npoll_interval_s = 0.2\nrated_power_kw = {rated_kw}\n{sim}"
        )
    return "\n".join(parts)


def lsb(point, value: float) -> float:
    """Resolution of a point's encoding at ``value`` (base units)."""
    raw = abs(value / point.scale)
    if point.dtype.is_float:
        if raw == 0:
            return 0.0
        bits = 23 if point.dtype.registers == 2 else 52
        return abs(point.scale) * 2.0 ** (math.floor(math.log2(raw)) - bits)
    return abs(point.scale)


@pytest.mark.wire
@pytest.mark.parametrize("clock_s", [NOON_S, EVENING_S], ids=["noon", "evening"])
def test_every_builtin_profile_round_trips_over_the_wire(tmp_path: Path, clock_s: float) -> None:
    names = builtin_names()
    clock = FrozenClock(clock_s)
    path = tmp_path / "site.toml"

    async def body():
        template = parse_config(site(1502, names), path)
        sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"gw": 0})
        await sim.start()
        config = parse_config(site(sim.ports["gw"], names), path)
        collection = Collection(config, config.storage.database)
        task = asyncio.create_task(collection.run())
        try:
            while not all(h.polls - h.failures >= 2 for h in collection.collector.health.values()):
                await asyncio.sleep(0.05)
        finally:
            collection.collector.stop()
            await task
            await sim.stop()
        return sim, config, collection

    sim, config, collection = run(body)
    assert all(h.failures == 0 for h in collection.collector.health.values())
    db = sqlite3.connect(config.storage.database)
    stored: dict[tuple[str, str], float] = {}
    for device_id, quantity, value in db.execute(
        "SELECT c.device_id, c.quantity, s.value FROM samples s JOIN channels c ON c.id = s.channel_id ORDER BY s.ts_ms"
    ):
        stored[(device_id, quantity)] = value
    for device in config.devices:
        expected = sim.park.values(device.id)
        points = {p.quantity: p for p in device.profile.points}
        got = {q: v for (d, q), v in stored.items() if d == device.id}
        # Everything the profile maps arrives, except values whose encoding means "missing"
        # (a counter of 0 where 0 is the sentinel, say) - none of those at these instants.
        served = set(device.profile.simulated_quantities)  # the rest: their conditions are not met
        assert set(got) == served, (device.id, served ^ set(got))
        for quantity, value in got.items():
            tolerance = lsb(points[quantity], expected[quantity]) * 0.5 + 1e-9 * abs(expected[quantity]) + 1e-9
            assert abs(value - expected[quantity]) <= tolerance, (device.id, quantity, value, expected[quantity])
    assert set().union(*(set(s.function_codes) for s in sim.servers.values())) <= {3, 4}


class LimitedMeter:
    """A meter that refuses a read of more than ``limit`` registers with exception 3 (illegal data value), as
    Eastron documents for requests over 30 parameters (SDM72D-M manual V1.5, part 3)."""

    def __init__(self, image: dict[str, dict[int, int]], limit: int) -> None:
        self.image, self.limit = image, limit
        self.counts: list[int] = []

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        self.counts.append(count)
        if count > self.limit:
            return ILLEGAL_DATA_VALUE
        words = self.image.get(table, {})
        return [words.get(a, 0) for a in range(address, address + count)]


@pytest.mark.wire
def test_the_sdm630_reads_stay_within_eastrons_limit_and_every_value_arrives():
    profile = load_profile("eastron-sdm630")
    truth = {p.quantity: 100.0 + i for i, p in enumerate(profile.points)}  # distinct values
    meter = LimitedMeter(profile.encode_values(truth), limit=60)

    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: meter})
        await server.start()
        link = ModbusTcpLink("127.0.0.1", server.port, timeout_s=1.0)
        try:
            return await read_device(link, 1, profile)
        finally:
            link.close()
            await server.stop()

    read = run(body)
    assert read.complete and read.values == pytest.approx(truth, rel=1e-6)
    assert meter.counts == [54, 16]  # two reads of at most 60 registers; one 76-register read would lose all 12
