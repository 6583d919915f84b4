"""profile = "sunspec" end to end: the simulator serves SunSpec devices, the collector discovers
their models and stores the same values the simulator holds."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from energymon.collect.service import Collection
from energymon.config import parse_config
from energymon.sim.serve import SimulatedPark

from support import EVENING_S, FrozenClock, run

SITE = """
[site]
name = "sunspec park"
timezone = "Asia/Shanghai"
latitude = 34.3
longitude = 109.06

[storage]
database = "site.db"

[connections.gw]
transport = "tcp"
host = "127.0.0.1"
port = {port}
timeout_s = 1.0

[[devices]]
id = "inv"
role = "pv"
profile = "sunspec"
connection = "gw"
unit = 1
poll_interval_s = 0.2
rated_power_kw = 100

[[devices]]
id = "bess"
role = "storage"
profile = "sunspec"
connection = "gw"
unit = 2
poll_interval_s = 0.2
rated_power_kw = 50

[devices.sim]
capacity_kwh = 100

[[devices]]
id = "meter"
role = "grid"
profile = "sunspec"
connection = "gw"
unit = 3
poll_interval_s = 0.2
rated_power_kw = 1000

[[devices]]
id = "sub"
role = "load"
profile = "sunspec"
connection = "gw"
unit = 4
poll_interval_s = 0.2
rated_power_kw = 300
"""


@pytest.mark.wire
def test_sunspec_devices_are_discovered_and_read(tmp_path):
    clock = FrozenClock(EVENING_S)
    path = tmp_path / "site.toml"

    async def body():
        template = parse_config(SITE.format(port=1502), path)
        sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"gw": 0})
        await sim.start()
        config = parse_config(SITE.format(port=sim.ports["gw"]), path)
        collection = Collection(config, config.storage.database)
        events = []
        collection.collector.event_subscribers.append(events.append)
        task = asyncio.create_task(collection.run())
        try:
            while not all(h.polls - h.failures >= 3 for h in collection.collector.health.values()):
                await asyncio.sleep(0.05)
        finally:
            collection.collector.stop()
            await task
            await sim.stop()
        return sim, config, collection, events

    sim, config, collection, events = run(body)
    db = sqlite3.connect(config.storage.database)
    stored = {}
    for device_id, quantity, value in db.execute(
        "SELECT c.device_id, c.quantity, s.value FROM samples s JOIN channels c ON c.id = s.channel_id ORDER BY s.ts_ms"
    ):
        stored[(device_id, quantity)] = value
    park = sim.park
    for device in config.devices:
        expected = park.values(device.id)
        got = {q: v for (d, q), v in stored.items() if d == device.id}
        assert got, device.id
        for quantity, value in got.items():
            # SunSpec integer models with scale factors: relative resolution of 16-bit values
            assert value == pytest.approx(expected[quantity], rel=2e-3, abs=0.6), (device.id, quantity)
    # The required quantities arrive for pv and the meters (counters included)
    assert {"power_w", "yield_wh"} <= {q for (d, q) in stored if d == "inv"}
    assert {"power_w", "imported_wh", "exported_wh"} <= {q for (d, q) in stored if d == "meter"}
    assert {"power_w", "consumed_wh"} <= {q for (d, q) in stored if d == "sub"}
    assert {"power_w", "soc_pct"} <= {q for (d, q) in stored if d == "bess"}
    discovered = [e for e in events if e.kind == "sunspec_discovered"]
    assert {e.device_id for e in discovered} == {"inv", "bess", "meter", "sub"}
    assert all("discovered at 40000" in e.detail for e in discovered), [e.detail for e in discovered]
    assert set().union(*(set(s.function_codes) for s in sim.servers.values())) <= {3}
