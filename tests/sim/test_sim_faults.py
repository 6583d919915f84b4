"""Fault injection in the simulator: the decision functions, the server hooks and ``simulate --fault``.

The collector's behaviour under each fault, over real Modbus on loopback, is in test_faults_collect.py.
"""

from __future__ import annotations

import asyncio
import math
import struct
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.profile_file import builtin_names, load_profile
from drivers.quantities import QUANTITIES, Kind, Role
from energymon.cli.main import main
from energymon.config import load_config
from energymon.config.sim_params import FAULT_KINDS, Fault, parse_fault_spec
from energymon.sim.faults import (
    REFUSE,
    SILENCE,
    WRAP_LEAD_S,
    CounterRegister,
    DeviceFaults,
    FaultPlan,
    WireAction,
    counter_registers,
    describe,
    wire_action,
    wrap_lead_units,
    wrap_offset,
    wrapped,
)
from energymon.sim.modbus_server import GATEWAY_TARGET_FAILED, ModbusTcpServer, crc16
from energymon.sim.serve import SimulatedPark, SimulationError
from energymon.sim.sunspec_image import sunspec_image_profile

from support import EVENING_S, FrozenClock, free_port, run, small_site_toml, write_config

U32 = CounterRegister(1.0, 2.0**32)


# -- the schedule ---------------------------------------------------------------------------


def test_a_fault_is_on_from_its_start_for_its_duration():
    f = Fault("black-hole", start_after_s=10, duration_s=5)
    assert [f.active(t) for t in (0, 9.999, 10, 14.999, 15, 100)] == [False, False, True, True, False, False]
    forever = Fault("frozen", start_after_s=3)
    assert not forever.active(2.9) and forever.active(3) and forever.active(1e9)


def test_describe_states_kind_parameters_and_window():
    assert describe(Fault("black-hole", 60, 120)) == "black-hole from +60 s to +180 s"
    assert describe(Fault("slow", delay_s=2.5)) == "slow (2.5 s late) from +0 s until stopped"
    assert describe(Fault("exception", 1, None, exception_code=4)) == "exception (exception 4) from +1 s until stopped"


# -- wire faults: what happens to a request ---------------------------------------------------


def test_no_active_fault_means_a_normal_answer():
    assert wire_action((), alone_on_port=True) is None
    # Value faults change registers, not the exchange.
    assert wire_action((Fault("frozen"), Fault("counter-wrap")), alone_on_port=False) is None


def test_offline_refuses_alone_and_is_0x0b_behind_a_gateway():
    assert wire_action((Fault("offline"),), alone_on_port=True) == REFUSE
    assert wire_action((Fault("offline"),), alone_on_port=False) == WireAction("exception", 0.0, GATEWAY_TARGET_FAILED)


def test_each_wire_kind_and_their_precedence():
    assert wire_action((Fault("black-hole"),), False) == SILENCE
    assert wire_action((Fault("slow", delay_s=1.5),), False) == WireAction("answer", 1.5)
    assert wire_action((Fault("exception", exception_code=4),), False) == WireAction("exception", 0.0, 4)
    assert wire_action((Fault("garbage"),), False) == WireAction("garbage")
    # slow delays whatever is sent; offline > black-hole > garbage > exception.
    assert wire_action((Fault("slow", delay_s=2), Fault("exception")), False) == WireAction("exception", 2, 6)
    assert wire_action((Fault("exception"), Fault("garbage")), False).kind == "garbage"
    assert wire_action((Fault("garbage"), Fault("black-hole")), False) == SILENCE
    assert wire_action((Fault("black-hole"), Fault("offline")), True) == REFUSE


def test_the_plan_times_faults_from_the_simulators_start(tmp_path):
    clock = FrozenClock(EVENING_S)
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2})))
    plan = FaultPlan.for_devices(config.devices, {"pv-1": [Fault("black-hole", 10, 5)]}, clock)
    clock.advance(100)
    plan.start(clock())  # the simulator starts now: a fault's start_after_s counts from here
    assert plan.wire(["pv-1"], False) is None
    clock.advance(10)
    assert plan.wire(["pv-1"], False) == SILENCE
    assert plan.wire(["pv-2"], False) is None  # other devices are untouched
    assert plan.wire(["pv-2", "pv-1"], False) == SILENCE  # a unit shared with a faulty device
    clock.advance(5)
    assert plan.wire(["pv-1"], False) is None
    assert plan.schedule() == ["pv-1: black-hole from +10 s to +15 s"]


# -- value faults ---------------------------------------------------------------------------


def test_counter_registers_wrap_where_a_32_bit_register_would():
    profile = load_profile("energymon-grid")  # u64 counters, 1 Wh
    assert counter_registers(profile) == {"imported_wh": U32, "exported_wh": U32}
    assert counter_registers(load_profile("huawei-sun2000")) == {"yield_wh": CounterRegister(10.0, 2.0**32)}
    # A signed 32-bit register cannot hold more than 2**31 - 1: it wraps there.
    assert counter_registers(load_profile("huawei-sun2000-meter"))["imported_wh"] == CounterRegister(10.0, 2.0**31)
    assert counter_registers(load_profile("eastron-sdm630"))["imported_wh"] == CounterRegister(1000.0, 2.0**32)
    sunspec = counter_registers(sunspec_image_profile(Role.GRID))
    assert set(sunspec) == {"imported_wh", "exported_wh"}
    # Measurements are never touched.
    assert all(QUANTITIES[q].kind is Kind.COUNTER for p in builtin_names() for q in counter_registers(load_profile(p)))


def test_wrap_arithmetic():
    assert wrap_lead_units(100_000, U32) == math.ceil(100_000 * WRAP_LEAD_S / 3600)
    assert wrap_lead_units(0.001, U32) == 1  # at least one register unit below the wrap
    offset = wrap_offset(5e9, U32, 1000)  # a 64-bit counter already beyond 2**32: the offset is negative
    assert wrapped(5e9, offset, U32) == pytest.approx(2**32 - 1000)
    assert wrapped(5e9 + 999, offset, U32) == pytest.approx(2**32 - 1)
    assert wrapped(5e9 + 1000, offset, U32) == pytest.approx(0)
    assert wrapped(5e9 + 1500, offset, U32) == pytest.approx(500)
    tens = CounterRegister(10.0, 2.0**32)  # 10 Wh per register unit
    offset = wrap_offset(1e6, tens, 3)
    assert wrapped(1e6, offset, tens) == pytest.approx((2**32 - 3) * 10)
    assert wrapped(1e6 + 40, offset, tens) == pytest.approx(10)


@given(start=st.floats(0, 1e13), gains=st.lists(st.floats(0, 1e6), max_size=20))
@settings(max_examples=200, deadline=None)
def test_a_wrapped_counter_counts_on_modulo_the_register(start, gains):
    lead = 2000
    offset = wrap_offset(start, U32, lead)
    value, shown = start, wrapped(start, offset, U32)
    assert shown == pytest.approx(2**32 - lead, abs=1e-3 * max(1.0, start / 1e9))
    for gain in gains:
        value += gain
        now = wrapped(value, offset, U32)
        assert 0 <= now < 2**32
        step = (now - shown + 2**31) % 2**32 - 2**31  # the register's step, across a wrap
        assert step == pytest.approx(gain, abs=1e-2 * max(1.0, value / 1e9))
        shown = now


def faults(*items: Fault, rated_w: float = 3600.0) -> DeviceFaults:
    return DeviceFaults("m", items, {"imported_wh": U32, "exported_wh": U32}, rated_w)


def test_counter_reset_counts_from_zero_at_its_start_and_ends():
    f = faults(Fault("counter-reset", 10, 20))
    view = {"power_w": 5.0, "imported_wh": 1000.0, "exported_wh": 7.0}
    assert f.apply(view, 0) == view
    assert f.apply(view, 10) == {"power_w": 5.0, "imported_wh": 0.0, "exported_wh": 0.0}
    assert f.apply({**view, "imported_wh": 1250.0}, 20) == {"power_w": 5.0, "imported_wh": 250.0, "exported_wh": 0.0}
    assert f.apply({**view, "imported_wh": 1300.0}, 30) == {**view, "imported_wh": 1300.0}  # the old meter is back


def test_counter_wrap_places_each_counter_just_below_the_wrap():
    f = faults(Fault("counter-wrap", 5), rated_w=3600.0)  # lead: 60 s at 3.6 kW = 60 Wh
    view = {"power_w": 1.0, "imported_wh": 1e10, "exported_wh": 20.0}
    assert f.apply(view, 0) == view
    shown = f.apply(view, 5)
    assert shown["power_w"] == 1.0
    assert shown["imported_wh"] == pytest.approx(2**32 - 60) and shown["exported_wh"] == pytest.approx(2**32 - 60)
    later = f.apply({**view, "imported_wh": 1e10 + 100}, 6)
    assert later["imported_wh"] == pytest.approx(40)  # wrapped
    assert later["exported_wh"] == pytest.approx(2**32 - 60)


def test_frozen_keeps_the_values_of_its_start():
    f = faults(Fault("frozen", 1, 2))
    assert f.apply({"power_w": 1.0}, 0) == {"power_w": 1.0}
    assert f.apply({"power_w": 2.0}, 1) == {"power_w": 2.0}
    assert f.apply({"power_w": 3.0}, 2.5) == {"power_w": 2.0}
    assert f.apply({"power_w": 4.0}, 3) == {"power_w": 4.0}
    # A frozen device shows its counters as they were when it froze, wrapped or not.
    g = faults(Fault("counter-reset"), Fault("frozen", 1))
    assert g.apply({"imported_wh": 100.0}, 0) == {"imported_wh": 0.0}
    assert g.apply({"imported_wh": 150.0}, 1) == {"imported_wh": 50.0}
    assert g.apply({"imported_wh": 900.0}, 9) == {"imported_wh": 50.0}


def test_not_implemented_shows_nothing():
    f = faults(Fault("not-implemented", 0, 1))
    assert f.apply({"power_w": 1.0, "imported_wh": 5.0}, 0.5) == {}
    assert f.apply({"power_w": 1.0}, 1) == {"power_w": 1.0}


class FakePark:
    """Counts in Wh as fast as time runs; records where it was advanced to."""

    def __init__(self, t_s: float) -> None:
        self.t_s = t_s
        self.stops: list[float] = []

    def advance_to(self, t_s: float) -> None:
        if t_s > self.t_s:
            self.t_s = t_s
            self.stops.append(t_s)

    def device_view(self, device_id: str) -> dict[str, float]:
        return {"power_w": 3600.0, "imported_wh": self.t_s}


def test_the_plan_takes_a_value_faults_state_at_its_exact_start():
    clock = FrozenClock(1000.0)
    plan = FaultPlan({"m": faults(Fault("frozen", 10, 10), Fault("counter-reset", 12))}, clock)
    park = FakePark(1000.0)
    # The first request comes long after both faults began: the park stops at each start on the way.
    assert plan.view(park, "m", 1015.0) == {"power_w": 3600.0, "imported_wh": 1010.0}
    assert park.stops == [1010.0, 1012.0, 1015.0]
    assert plan.view(park, "m", 1030.0) == {"power_w": 3600.0, "imported_wh": 18.0}  # thawed; reset at +12
    assert park.stops[-2:] == [1020.0, 1030.0]


# -- the simulated devices under value faults ---------------------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize("profile_name", ["sunspec", *builtin_names()])
def test_not_implemented_reads_missing_for_every_point_of_every_profile(tmp_path, profile_name):
    """Every built-in profile (and SunSpec) encodes a not-implemented device so that it decodes as all missing."""
    role = "pv" if profile_name == "sunspec" else load_profile(profile_name).role.value
    text = (
        '[site]\nname = "t"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n'
        '[connections.c]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 1502\n'
        f'[[devices]]\nid = "d"\nrole = "{role}"\nprofile = "{profile_name}"\nconnection = "c"\n'
        'rated_power_kw = 100\n[[devices.sim.faults]]\nkind = "not-implemented"\n'
    )
    config = load_config(write_config(tmp_path, text))
    sim = SimulatedPark(config, clock=FrozenClock(EVENING_S))
    device = config.devices[0]
    profile = device.profile or sunspec_image_profile(device.role)
    server = sim.servers["c"]
    words = []
    for block in profile.blocks:
        answer = server.handle(device.unit, struct.pack(">BHH", block.function_code, block.address, block.count))
        assert answer[0] == block.function_code, (block, answer)
        words.append(list(struct.unpack(f">{block.count}H", answer[2:])))
    values = profile.decode_blocks(words)
    assert values and all(v is None for v in values.values()), values
    assert sim.reported("d") == {}


# -- the server's fault hooks ---------------------------------------------------------------


@pytest.mark.wire
@given(seed=st.integers(0, 2**32))
@settings(max_examples=300, deadline=None)
def test_garbage_is_never_a_valid_frame(seed):
    tcp = ModbusTcpServer("127.0.0.1", 0, {})
    rtu = ModbusTcpServer("127.0.0.1", 0, {}, framing="rtu")
    tcp._rng.seed(seed)
    rtu._rng.seed(seed)
    for _ in range(5):
        data = tcp.garbage()
        assert 3 <= len(data) <= 40
        assert len(data) < 4 or data[2:4] != b"\x00\x00"  # a Modbus TCP frame has protocol id 0
        data = rtu.garbage()
        assert crc16(data[:-2]) != data[-2:]


class Echo:
    def read_registers(self, table, address, count):
        return [(address + i) & 0xFFFF for i in range(count)]


def request(framing: str, unit: int, tid: int = 1, address: int = 7) -> bytes:
    pdu = struct.pack(">BHH", 3, address, 1)
    if framing == "socket":
        return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu
    frame = bytes([unit]) + pdu
    return frame + crc16(frame)


def answer(framing: str, unit: int, pdu: bytes, tid: int = 1) -> bytes:
    if framing == "socket":
        return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu
    frame = bytes([unit]) + pdu
    return frame + crc16(frame)


@pytest.mark.wire
@pytest.mark.parametrize("framing", ["socket", "rtu"])
def test_the_servers_fault_hook_per_unit(framing):
    """Unit 1 gets the action under test, unit 2 is healthy; answers on the connection stay in order."""

    async def exchange(action: WireAction | None) -> tuple[bytes, float, ModbusTcpServer]:
        server = ModbusTcpServer("127.0.0.1", 0, {1: Echo(), 2: Echo()}, framing=framing)
        server.fault_action = lambda unit: action if unit == 1 else None
        await server.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            started = time.monotonic()
            writer.write(request(framing, 1, tid=1) + request(framing, 2, tid=2))
            await writer.drain()
            data = b""
            try:
                while not data.endswith(answer(framing, 2, bytes([3, 2, 0, 7]), tid=2)):
                    chunk = await asyncio.wait_for(reader.read(256), 2.0)
                    if not chunk:
                        break
                    data += chunk
            except TimeoutError:
                pass
            return data, time.monotonic() - started, server
        finally:
            writer.close()
            await server.stop()

    healthy = answer(framing, 2, bytes([3, 2, 0, 7]), tid=2)
    data, _, _ = run(lambda: exchange(None))
    assert data == answer(framing, 1, bytes([3, 2, 0, 7]), tid=1) + healthy
    data, _, server = run(lambda: exchange(SILENCE))
    assert data == healthy  # unit 1 swallowed, unit 2 answered
    assert server.faulted == {"silence": 1} and server.requests == 2
    data, _, _ = run(lambda: exchange(WireAction("exception", 0.0, 4)))
    assert data == answer(framing, 1, bytes([0x83, 4]), tid=1) + healthy
    data, elapsed, _ = run(lambda: exchange(WireAction("answer", 0.2)))
    assert data == answer(framing, 1, bytes([3, 2, 0, 7]), tid=1) + healthy and elapsed >= 0.2
    data, _, _ = run(lambda: exchange(WireAction("garbage")))
    assert data.endswith(healthy) and len(data) > len(healthy)
    assert not data.startswith(answer(framing, 1, bytes([3, 2, 0, 7]), tid=1))
    data, _, server = run(lambda: exchange(REFUSE))
    assert data == b"" and server.faulted == {"refuse": 1}  # the connection was dropped


@pytest.mark.wire
def test_without_faults_the_servers_have_no_hook(tmp_path):
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2})))
    sim = SimulatedPark(config, clock=FrozenClock(EVENING_S), faults={"pv-1": [Fault("exception")]})
    assert sim.servers["c1"].fault_action is not None
    assert sim.servers["c2"].fault_action is None  # the normal path stays as it was
    assert not SimulatedPark(config, clock=FrozenClock(EVENING_S)).faults


@pytest.mark.wire
def test_a_fault_for_an_unknown_device_is_refused(tmp_path):
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2})))
    with pytest.raises(SimulationError, match="unknown device 'pv-9'"):
        SimulatedPark(config, faults={"pv-9": [Fault("offline")]})


# -- energymon simulate --fault ------------------------------------------------------------------


def test_fault_spec_parsing():
    assert parse_fault_spec("pv-1:black-hole") == ("pv-1", Fault("black-hole"))
    assert parse_fault_spec("pv-1:slow@30") == ("pv-1", Fault("slow", 30.0))
    assert parse_fault_spec("m_2:counter-wrap@1.5+60") == ("m_2", Fault("counter-wrap", 1.5, 60.0))
    for bad in ("pv-1", "pv-1:", ":offline", "pv-1:offline@", "pv-1:offline@-1", "pv-1:offline+5", "pv 1:offline"):
        with pytest.raises(ValueError):
            parse_fault_spec(bad)
    with pytest.raises(ValueError, match="unknown fault kind 'melt'"):
        parse_fault_spec("pv-1:melt")
    assert set(FAULT_KINDS) == {
        "offline",
        "black-hole",
        "slow",
        "exception",
        "garbage",
        "counter-wrap",
        "counter-reset",
        "frozen",
        "frozen-power",
        "not-implemented",
    }


@pytest.mark.wire
@pytest.mark.parametrize(
    "spec, message",
    [
        ("pv-1", "is not DEVICE:KIND[@START_S[+DURATION_S]]"),
        ("pv-1:melt", "unknown fault kind 'melt'"),
        ("pv-1:offline@soon", "is not DEVICE:KIND"),
        ("pv-9:offline", "has no device 'pv-9'"),
    ],
)
def test_simulate_with_a_bad_fault_is_one_line_and_exit_2(tmp_path, capsys, spec, message):
    path = write_config(tmp_path, small_site_toml({"c1": free_port(), "c2": free_port()}))
    assert main(["simulate", "--config", str(path), "--duration", "5", "--fault", "pv-2:frozen", "--fault", spec]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was served
    err = captured.err.strip()
    assert err.count("\n") == 0 and err.startswith("energymon: error: --fault") and message in err
    assert "Traceback" not in err


@pytest.mark.wire
def test_simulate_prints_the_fault_schedule(tmp_path, capsys):
    text = small_site_toml({"c1": free_port(), "c2": free_port()}).replace(
        "base_load_kw = 40\n",
        'base_load_kw = 40\n[[devices.sim.faults]]\nkind = "exception"\n'
        "exception_code = 4\nstart_after_s = 5\nduration_s = 10\n",
    )
    path = write_config(tmp_path, text)
    assert (
        main(
            [
                "simulate",
                "--config",
                str(path),
                "--duration",
                "0.3",
                "--fault",
                "pv-1:black-hole@60+120",
                "--fault",
                "load-1:slow",
                "--fault",
                "pv-1:frozen@2.5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    faults_printed = [line for line in out if line.startswith("fault ")]
    assert faults_printed == [
        "fault pv-1: black-hole from +60 s to +180 s",
        "fault pv-1: frozen from +2.5 s until stopped",
        "fault load-1: slow (5 s late) from +0 s until stopped",
        "fault load-2: exception (exception 4) from +5 s to +15 s",  # from [[devices.sim.faults]]
    ]
    assert out.index(faults_printed[0]) > max(i for i, line in enumerate(out) if line.startswith("serving "))
    assert out[-1].startswith("stopped;")
