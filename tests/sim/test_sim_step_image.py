"""The step image: the park advances once per step for all devices; reads serve that step's values."""

from __future__ import annotations

import asyncio
import struct

import pytest

from energymon.config import load_config
from energymon.config.sim_params import Fault
from energymon.sim.large_park import repeated_demo_config_text
from energymon.sim.modbus_server import crc16
from energymon.sim.park import Park
from energymon.sim.serve import ParkDevice, SimulatedPark
from energymon.sim.step_image import MAX_STEP_S, StepImage, default_step_s

from support import NOON_S, FrozenClock, run, write_config

SAMPLE = ("inv-a1", "inv-b2", "inv-c1", "bess-1", "bess-2", "wh-1", "office", "ev-fleet", "irr-1", "grid")


def _tables(device) -> set[str]:
    return {"holding"} if device.profile is None else {b.table for b in device.profile.blocks}


def test_step_image_values_equal_a_direct_advance_to_at_the_same_instant(demo_config):
    clock = FrozenClock(NOON_S)
    sim = SimulatedPark(demo_config, clock=clock, step_s=1.0)
    reference = Park(demo_config, NOON_S, seed=1)  # the same park, advanced directly
    direct = StepImage(reference, lambda: reference.t_s, 0.0)  # encodes the reference park where it is
    instants = []
    for dt in (0.0, 0.3, 0.4, 0.5, 2.25, 0.1, 61.0, 0.9, 0.2):
        clock.advance(dt)
        for device_id in SAMPLE:
            served = sim.reported(device_id)
            assert sim.step.t_s is not None
            if not instants or instants[-1] != sim.step.t_s:
                instants.append(sim.step.t_s)
                reference.advance_to(sim.step.t_s)
            assert served == reference.device_view(device_id), (device_id, clock.t_s)
            # ... and so are its registers: those the device encodes from a directly advanced park
            device = demo_config.device(device_id)
            for table in _tables(device):
                assert sim.devices[device_id].image(table) == ParkDevice(direct, device).image(table)
    # a read less than a step after the image's instant is served from it; a step later the park moves on
    assert instants == [NOON_S, NOON_S + 1.2, NOON_S + 3.45, NOON_S + 64.55, NOON_S + 65.65]


def test_reads_within_a_step_share_one_advance_and_one_encoding(demo_config):
    clock = FrozenClock(NOON_S)
    sim = SimulatedPark(demo_config, clock=clock, step_s=1.0)
    server = sim.servers["roof-a"]
    request = struct.pack(">BHH", 3, sim.devices["inv-a1"].device.profile.blocks[0].address, 10)
    first = server.handle(1, request)
    generation = sim.step.generation
    clock.advance(0.6)
    assert server.handle(1, request) == first and sim.step.generation == generation
    clock.advance(0.6)
    server.handle(1, request)
    assert sim.step.generation == generation + 1


def test_step_zero_advances_at_every_new_instant(demo_config):
    clock = FrozenClock(NOON_S)
    sim = SimulatedPark(demo_config, clock=clock, step_s=0.0)
    sim.reported("grid")
    clock.advance(0.01)
    sim.reported("grid")
    assert sim.step.t_s == sim.park.t_s == NOON_S + 0.01


def test_default_step_is_exact_for_small_parks_and_half_the_shortest_poll_for_large(demo_config, tmp_path):
    assert default_step_s(demo_config) == 0.0  # 18 devices: advanced at every read, as before
    big = repeated_demo_config_text(72)  # polled every 2 s and 5 s
    assert default_step_s(load_config(write_config(tmp_path, big))) == MAX_STEP_S
    text = big.replace("poll_interval_s = 5", "poll_interval_s = 0.2", 1)
    assert default_step_s(load_config(write_config(tmp_path, text))) == pytest.approx(0.1)


def test_a_value_fault_acts_from_its_instant_within_a_step(demo_config):
    clock = FrozenClock(NOON_S)
    sim = SimulatedPark(demo_config, clock=clock, step_s=1.0, faults={"wh-1": [Fault("counter-reset", 0.5)]})
    sim.faults.start(clock())
    assert sim.reported("wh-1")["consumed_wh"] > 1000.0
    clock.advance(0.6)  # within the step, but past the fault's start: the image is renewed
    assert 0.0 < sim.reported("wh-1")["consumed_wh"] < 50.0  # what ~400 kW count in the 0.1 s since the reset


def test_the_repeated_demo_park_has_the_devices_asked_for(tmp_path):
    config = load_config(write_config(tmp_path, repeated_demo_config_text(40)))
    assert len(config.devices) == 40
    assert len({d.id for d in config.devices}) == 40
    assert {d.connection for d in config.devices} <= set(config.connections)
    ports = [c.port for c in config.connections.values()]
    assert len(set(ports)) == len(ports)  # every connection on its own port


def _read_plan(device) -> tuple[int, int, int]:
    """(function code, address, count) of one read the device answers normally."""
    if device.profile is None:  # SunSpec: the marker and the common model
        return 3, 40000, 70
    block = device.profile.blocks[0]
    return (3 if block.table == "holding" else 4), block.address, block.count


async def _read_all(sim: SimulatedPark, config) -> dict[str, bool]:
    answered: dict[str, bool] = {}

    async def connection(name: str) -> None:
        conn = config.connections[name]
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.ports[name])
        try:
            for tid, device in enumerate(d for d in config.devices if d.connection == name):
                fc, address, count = _read_plan(device)
                pdu = struct.pack(">BHH", fc, address, count)
                if conn.transport == "rtu-over-tcp":
                    frame = bytes([device.unit]) + pdu
                    writer.write(frame + crc16(frame))
                    head = await reader.readexactly(3)
                    rest = await reader.readexactly(2 if head[1] & 0x80 else head[2] + 2)
                    answered[device.id] = not head[1] & 0x80 and crc16(head + rest[:-2]) == rest[-2:]
                else:
                    writer.write(struct.pack(">HHHB", tid, 0, len(pdu) + 1, device.unit) + pdu)
                    _, _, length, _ = struct.unpack(">HHHB", await reader.readexactly(7))
                    body = await reader.readexactly(length - 1)
                    answered[device.id] = not body[0] & 0x80 and body[1] == 2 * count
        finally:
            writer.close()

    await asyncio.gather(*(connection(name) for name in sim.servers))
    return answered


@pytest.mark.wire
def test_a_1000_device_park_starts_and_answers_every_device_over_loopback(tmp_path):
    config = load_config(write_config(tmp_path, repeated_demo_config_text(1000)))
    assert len(config.devices) == 1000

    async def body() -> dict[str, bool]:
        sim = SimulatedPark(config, host="127.0.0.1", ports={name: 0 for name in config.connections})
        await sim.start()
        try:
            return await _read_all(sim, config)
        finally:
            await sim.stop()

    answered = run(body, 120)
    assert len(answered) == 1000
    assert [d for d, ok in answered.items() if not ok] == []
