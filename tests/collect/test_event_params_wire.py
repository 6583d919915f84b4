"""The collector's own events with their params, end to end: simulated devices over loopback Modbus (a SunSpec
inverter, a meter that goes offline and comes back), a configured alarm, the real collector writing into a
real SQLite file; every stored event has params, its detail is their English, its Chinese has no English."""

from __future__ import annotations

import asyncio
import time

import pytest

from energymon.collect.service import Collection
from energymon.config import parse_config
from energymon.event_texts import event_text
from energymon.sim.serve import SimulatedPark
from energymon.store.reader import StoreReader

from support import NOON_S, FrozenClock, english_words, run

SITE = """
[site]
name = "event park"
timezone = "Asia/Shanghai"
latitude = 34.3
longitude = 109.06

[storage]
database = "site.db"

[connections.gw]
transport = "tcp"
host = "127.0.0.1"
port = {gw}
timeout_s = 0.3

[connections.solo]
transport = "tcp"
host = "127.0.0.1"
port = {solo}
timeout_s = 0.3

[[devices]]
id = "inv"
role = "pv"
profile = "sunspec"
connection = "gw"
unit = 1
poll_interval_s = 0.2
rated_power_kw = 100

[[devices]]
id = "solo"
role = "load"
profile = "energymon-load"
connection = "solo"
unit = 1
poll_interval_s = 0.1
rated_power_kw = 100

[[devices.sim.faults]]
kind = "offline"
start_after_s = 10.0
duration_s = 20.0

[[alarms]]
id = "pv-on"
name = "PV producing"
site = "pv_power_w"
above = 1000
"""


@pytest.mark.wire
def test_the_collectors_events_are_stored_with_params_and_read_in_chinese(tmp_path):
    clock = FrozenClock(NOON_S)
    path = tmp_path / "site.toml"

    async def body():
        template = parse_config(SITE.format(gw=1502, solo=1503), path)
        sim = SimulatedPark(template, clock=clock, host="127.0.0.1", ports={"gw": 0, "solo": 0})
        await sim.start()
        config = parse_config(SITE.format(gw=sim.ports["gw"], solo=sim.ports["solo"]), path)
        collection = Collection(config, config.storage.database)
        started = time.monotonic()
        collection.collector.wall_clock = lambda: clock() + (time.monotonic() - started)
        kinds: list[str] = []
        collection.collector.event_subscribers.append(lambda e: kinds.append(e.kind))
        health = collection.collector.health

        async def until(condition, limit_s: float = 15.0) -> None:
            deadline = time.monotonic() + limit_s
            while not condition():
                assert time.monotonic() < deadline, "not reached in time"
                await asyncio.sleep(0.02)

        task = asyncio.create_task(collection.run())
        try:
            await until(lambda: all(h.polls - h.failures >= 3 for h in health.values()) and "alarm_raised" in kinds)
            clock.advance(10)  # the meter's port closes
            await until(lambda: "device_offline" in kinds)
            clock.advance(20)  # and opens again
            await until(lambda: "device_recovered" in kinds, 20.0)
        finally:
            collection.collector.stop()
            await task
            await sim.stop()
        return config

    config = run(body, 60)
    reader = StoreReader(config.storage.database)
    try:
        stored = reader.events_between(0, 2**62)
    finally:
        reader.close()
    kinds = [e.kind for e in stored]
    for kind in ("collector_started", "sunspec_discovered", "alarm_raised", "device_offline", "device_recovered"):
        assert kind in kinds, kinds
    assert kinds[-2:] == ["alarm_cleared", "collector_stopped"]  # the alarm ends with the watching
    for e in stored:
        assert e.params is not None, e
        assert event_text(e.kind, e.params, "en") == e.detail, e
        zh = event_text(e.kind, e.params, "zh")
        assert not english_words(zh, ("inv", "solo", "pv-on", "PV producing")), (e.kind, zh)
    by_kind = {e.kind: e for e in stored}
    assert event_text("collector_started", by_kind["collector_started"].params, "zh") == "2 台设备"
    assert event_text("sunspec_discovered", by_kind["sunspec_discovered"].params, "zh").startswith("SunSpec 模型 1、")
    assert event_text("device_offline", by_kind["device_offline"].params, "zh").startswith("读取失败：连接失败")
    assert event_text("device_recovered", by_kind["device_recovered"].params, "zh").endswith("秒")
    cleared = event_text("alarm_cleared", by_kind["alarm_cleared"].params, "zh")
    assert cleared.startswith("pv-on [全站] PV producing：全站光伏功率不再监视（采集程序停止）")
