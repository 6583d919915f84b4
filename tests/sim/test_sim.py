"""The simulator: solar geometry against astronomy, park physics (balances close), its Modbus server."""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.quantities import DIRECTION_PAIRS, Role
from drivers.signs import oriented
from energymon.config import load_config
from energymon.sim.modbus_server import ModbusTcpServer
from energymon.sim.park import Park
from energymon.sim.pv import ac_power_w, cell_temperature_c, dc_power_w, inverter_efficiency
from energymon.sim.serve import SimulatedPark, SimulationError
from energymon.sim.solar import clear_sky_ghi_w_m2, solar_elevation_deg
from energymon.sim.timebase import local_time
from energymon.sim.weather import clear_sky_index

from support import NIGHT_S, NOON_S, SHANGHAI, run, small_site_toml, write_config

XIAN_LAT, XIAN_LON = 34.3, 109.06
OBLIQUITY_DEG = 23.44  # tilt of the Earth's axis: the solstice declination


def day_max_elevation(day: datetime, lat: float, lon: float) -> tuple[float, datetime]:
    """Highest elevation over a UTC day, scanned by the minute, and when it occurs."""
    best = (-99.0, day)
    for minute in range(24 * 60):
        t = day + timedelta(minutes=minute)
        best = max(best, (solar_elevation_deg(t, lat, lon), t))
    return best


# -- solar geometry ------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, lat, lon, expected_noon_elevation",
    [
        # Solar noon elevation = 90 - |latitude - declination|; declination 0 at the equinoxes,
        # +23.44 at the June solstice, -23.44 at the December solstice.
        (datetime(2024, 3, 20, tzinfo=UTC), XIAN_LAT, XIAN_LON, 90 - XIAN_LAT),
        (datetime(2024, 9, 22, tzinfo=UTC), XIAN_LAT, XIAN_LON, 90 - XIAN_LAT),
        (datetime(2024, 6, 20, tzinfo=UTC), XIAN_LAT, XIAN_LON, 90 - XIAN_LAT + OBLIQUITY_DEG),
        (datetime(2024, 12, 21, tzinfo=UTC), XIAN_LAT, XIAN_LON, 90 - XIAN_LAT - OBLIQUITY_DEG),
        (datetime(2024, 3, 20, tzinfo=UTC), 0.0, 0.0, 90.0),
        (datetime(2024, 12, 21, tzinfo=UTC), -33.87, 151.21, 90 - 33.87 + OBLIQUITY_DEG),  # Sydney
        (datetime(2024, 6, 20, tzinfo=UTC), 51.48, 0.0, 90 - 51.48 + OBLIQUITY_DEG),  # Greenwich
    ],
)
def test_noon_elevation_matches_astronomy(date, lat, lon, expected_noon_elevation):
    elevation, when = day_max_elevation(date, lat, lon)
    assert elevation == pytest.approx(expected_noon_elevation, abs=1.0)
    # Solar noon is at 12:00 mean solar time, i.e. 12:00 UTC - longitude / 15 h, give or take the
    # equation of time (at most about 17 minutes).
    mean_noon = date + timedelta(hours=12 - lon / 15)
    offset_min = ((when - mean_noon).total_seconds() / 60 + 720) % 1440 - 720
    assert abs(offset_min) <= 18


def test_sun_is_down_at_night_and_lowest_at_solar_midnight():
    local_midnight = datetime(2024, 3, 20, 0, 0, tzinfo=SHANGHAI)
    assert solar_elevation_deg(local_midnight, XIAN_LAT, XIAN_LON) < -30
    # At the equinox the sun at solar midnight is as far below the horizon as it is above it at noon.
    _, noon = day_max_elevation(datetime(2024, 3, 20, tzinfo=UTC), XIAN_LAT, XIAN_LON)
    assert solar_elevation_deg(noon + timedelta(hours=12), XIAN_LAT, XIAN_LON) == pytest.approx(
        -(90 - XIAN_LAT), abs=1.0
    )
    # Sunrise and sunset at the equinox are about 6 h from solar noon everywhere.
    assert abs(solar_elevation_deg(noon - timedelta(hours=6), XIAN_LAT, XIAN_LON)) < 2
    assert abs(solar_elevation_deg(noon + timedelta(hours=6), XIAN_LAT, XIAN_LON)) < 2


def test_polar_night_and_midnight_sun():
    # North of the Arctic circle the sun never rises in late December and never sets in late June.
    dec = [solar_elevation_deg(datetime(2024, 12, 21, h, tzinfo=UTC), 78.2, 15.6) for h in range(24)]
    jun = [solar_elevation_deg(datetime(2024, 6, 21, h, tzinfo=UTC), 78.2, 15.6) for h in range(24)]
    assert max(dec) < 0 < min(jun)


def test_clear_sky_irradiance():
    assert clear_sky_ghi_w_m2(0.0) == 0.0
    assert clear_sky_ghi_w_m2(-10.0) == 0.0
    values = [clear_sky_ghi_w_m2(e) for e in range(1, 91)]
    assert all(a < b for a, b in zip(values, values[1:]))  # more sun, more irradiance
    # Sun overhead: solar constant 1361 W/m2 x a clear-sky transmittance of 0.7..0.85.
    assert 0.7 * 1361 <= clear_sky_ghi_w_m2(90.0) <= 0.85 * 1361


def test_pv_power_model():
    assert dc_power_w(0.0, 120_000, 25.0) == 0.0
    assert dc_power_w(-5.0, 120_000, 25.0) == 0.0
    assert ac_power_w(0.0, 100_000) == 0.0  # no input: the inverter sleeps, it does not draw
    # At STC (1000 W/m2, 25 degC) DC = rated DC less the lumped DC losses.
    assert dc_power_w(1000.0, 100_000, 25.0, losses=0.1) == pytest.approx(90_000)
    # Hot cells produce less: -0.35 %/K.
    assert dc_power_w(1000.0, 100_000, 60.0, losses=0.0) == pytest.approx(100_000 * (1 - 0.0035 * 35))
    assert cell_temperature_c(800.0, 20.0) == pytest.approx(20.0 + 27.0)  # NOCT 47 degC: +27 K at 800 W/m2
    # Inverter part-load curve (PVWatts v5): best near 30-60 % load, poor at a few percent, never above 1.
    loads = [0.01, 0.05, 0.1, 0.3, 0.5, 1.0]
    eta = [float(inverter_efficiency(z * 100_000 / 0.98, 100_000)) for z in loads]
    assert eta[0] < 0.8 < eta[1] < eta[2] < eta[3]
    assert 0.975 <= max(eta) <= 0.985
    assert eta[-1] == pytest.approx(0.98, abs=0.003)  # nominal efficiency at rated input
    # The inverter clips at its rated AC power.
    assert ac_power_w(200_000.0, 100_000) == 100_000
    assert ac_power_w(50_000.0, 100_000) == pytest.approx(50_000 * float(inverter_efficiency(50_000.0, 100_000)))


# -- the park model ------------------------------------------------------------------


def role_sum(park: Park, role: Role, quantity: str) -> float:
    return sum(park.values(d)[quantity] for d, s in park.devices.items() if s.device.role is role)


def test_pv_is_exactly_zero_at_night_and_counters_stand_still(demo_config):
    park = Park(demo_config, NIGHT_S, seed=1, step_s=10)
    before = {d: park.values(d)["yield_wh"] for d in park.devices if park.devices[d].device.role is Role.PV}
    for _ in range(6):
        park.advance_to(park.t_s + 600)
        for d in before:
            values = park.values(d)
            assert values["power_w"] == 0.0
            assert values["dc_power_w"] == 0.0
            assert values["status_code"] == 0  # standby
    assert {d: park.values(d)["yield_wh"] for d in before} == before


def test_pv_produces_at_noon_within_rating(demo_config):
    park = Park(demo_config, NOON_S, seed=1)
    for d, sim in park.devices.items():
        if sim.device.role is Role.PV:
            power = park.values(d)["power_w"]
            assert 0 < power <= sim.device.rated_power_kw * 1000


def test_park_over_three_days_balances_and_stays_physical(demo_config):
    start = datetime(2024, 6, 20, 0, 0, tzinfo=SHANGHAI).timestamp()
    step = 300.0  # 864 instants over the three days
    park = Park(demo_config, start, seed=3, step_s=step)
    devices = {d: s.device for d, s in park.devices.items()}
    counters = {
        Role.PV: ["yield_wh"],
        Role.LOAD: ["consumed_wh"],
        Role.STORAGE: ["charged_wh", "discharged_wh"],
        Role.GRID: ["imported_wh", "exported_wh"],
    }
    first = {d: dict(park.values(d)) for d in devices}
    previous = first
    peak_pv_share = 0.0
    saw = {"charge": False, "discharge": False, "import": False}
    for _ in range(int(3 * 86400 / step)):
        park.advance_to(park.t_s + step)
        now = {d: dict(park.values(d)) for d in devices}
        # Instantaneous balance: pv + storage + grid = metered load (the park has no unmetered load).
        pv = role_sum(park, Role.PV, "power_w")
        storage = role_sum(park, Role.STORAGE, "power_w")
        grid = role_sum(park, Role.GRID, "power_w")
        load = role_sum(park, Role.LOAD, "power_w")
        assert pv + storage + grid == pytest.approx(load, rel=1e-12, abs=1e-6)
        saw["charge"] |= storage < 0
        saw["discharge"] |= storage > 0
        saw["import"] |= grid > 0
        for d, device in devices.items():
            if device.role is Role.METEO:  # the irradiance sensor: no power, no counters
                assert 0 <= now[d]["irradiance_w_m2"] <= 1400
                continue
            rated = device.rated_power_kw * 1000
            power = now[d]["power_w"]
            if device.role is Role.PV:
                assert 0 <= power <= rated
                peak_pv_share = max(peak_pv_share, power / rated)
            elif device.role is Role.LOAD:
                assert 0 <= power <= rated
            elif device.role is Role.STORAGE:
                assert abs(power) <= rated
                # Dispatch stops exactly at the SoC limits (the last step before a limit is partial).
                sim = device.sim
                assert sim.soc_min_pct - 1e-9 <= now[d]["soc_pct"] <= sim.soc_max_pct + 1e-9
                assert 0 <= now[d]["soc_pct"] <= 100
            for q in counters[device.role]:  # counters only ever increase
                assert now[d][q] >= previous[d][q]
        previous = now

    assert saw == {"charge": True, "discharge": True, "import": True}
    assert peak_pv_share > 0.6  # a clear summer noon drives a 1.2 DC/AC array near its AC rating

    def delta(role: Role, q: str) -> float:
        return sum(previous[d][q] - first[d][q] for d, dev in devices.items() if dev.role is role)

    supplied = (
        delta(Role.PV, "yield_wh")
        + delta(Role.GRID, "imported_wh")
        - delta(Role.GRID, "exported_wh")
        + delta(Role.STORAGE, "discharged_wh")
        - delta(Role.STORAGE, "charged_wh")
    )
    consumed = delta(Role.LOAD, "consumed_wh")
    assert consumed > 0
    assert supplied == pytest.approx(consumed, rel=1e-6)
    # Battery bookkeeping: SoC moves by charged x efficiency - discharged / efficiency, where the
    # one-way efficiency is the square root of the round trip's.
    for d, dev in devices.items():
        if dev.role is Role.STORAGE:
            eta = math.sqrt(dev.sim.round_trip_efficiency)
            charged = previous[d]["charged_wh"] - first[d]["charged_wh"]
            discharged = previous[d]["discharged_wh"] - first[d]["discharged_wh"]
            expected = first[d]["soc_pct"] + (charged * eta - discharged / eta) / park.devices[d].capacity_wh * 100
            assert previous[d]["soc_pct"] == pytest.approx(expected, abs=1e-6)


def test_counters_integrate_power_over_a_step(demo_config):
    park = Park(demo_config, NOON_S, seed=1, step_s=1)
    before = {d: dict(park.values(d)) for d in park.devices}
    park.advance_to(park.t_s + 1.0)  # one step: power was constant over it
    for d, sim in park.devices.items():
        if sim.device.role is Role.METEO:  # a sensor: no power, no counters
            continue
        p, after = before[d]["power_w"], park.values(d)
        role = sim.device.role
        if role is Role.PV:
            assert after["yield_wh"] - before[d]["yield_wh"] == pytest.approx(p / 3600, rel=1e-6, abs=1e-9)
        elif role is Role.LOAD:
            assert after["consumed_wh"] - before[d]["consumed_wh"] == pytest.approx(p / 3600, rel=1e-6)
        elif role is Role.GRID:
            key = "imported_wh" if p >= 0 else "exported_wh"
            assert after[key] - before[d][key] == pytest.approx(abs(p) / 3600, rel=1e-6, abs=1e-9)


def test_same_seed_same_park_different_seed_different_weather(demo_config):
    a = Park(demo_config, NOON_S, seed=7)
    b = Park(demo_config, NOON_S, seed=7)
    c = Park(demo_config, NOON_S, seed=8)
    for park in (a, b, c):
        park.advance_to(NOON_S + 900)
    assert {d: a.values(d) for d in a.devices} == {d: b.values(d) for d in b.devices}
    assert a.values("inv-a1")["power_w"] != c.values("inv-a1")["power_w"]
    noons = local_time(
        [(datetime(2024, 6, 1, 12, tzinfo=SHANGHAI) + timedelta(days=i)).timestamp() for i in range(30)], SHANGHAI
    )
    assert list(clear_sky_index(7, noons)) == list(clear_sky_index(7, noons))
    assert list(clear_sky_index(7, noons)) != list(clear_sky_index(8, noons))
    assert all(0.05 <= k <= 1.0 for k in clear_sky_index(7, noons))


def test_advance_to_the_past_is_ignored(demo_config):
    park = Park(demo_config, NOON_S, seed=1)
    park.advance_to(NOON_S + 10)
    snapshot = {d: park.values(d) for d in park.devices}
    park.advance_to(NOON_S)
    assert park.t_s == NOON_S + 10
    assert {d: park.values(d) for d in park.devices} == snapshot


# -- invert --------------------------------------------------------------------------

maybe_number = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@given(
    st.sampled_from(list(Role)),
    st.dictionaries(
        st.sampled_from(
            [
                "power_w",
                "reactive_power_var",
                "charged_wh",
                "discharged_wh",
                "imported_wh",
                "exported_wh",
                "soc_pct",
                "voltage_l1_v",
                "yield_wh",
            ]
        ),
        maybe_number,
    ),
)
def test_inverting_flips_power_swaps_pairs_and_is_its_own_inverse(role, values):
    out = oriented(role, values, power=True, counters=True)
    assert oriented(role, out, power=True, counters=True) == values
    assert set(out) == set(values)
    for key in ("power_w", "reactive_power_var"):
        if key in values:
            assert out[key] == (None if values[key] is None else -values[key])
    pair = DIRECTION_PAIRS.get(role)
    swapped = set()
    if pair and pair[0] in values and pair[1] in values:
        assert out[pair[0]] == values[pair[1]] and out[pair[1]] == values[pair[0]]
        swapped = set(pair)
    for key in set(values) - {"power_w", "reactive_power_var"} - swapped:
        assert out[key] == values[key]


def test_invert_example():
    values = {"power_w": 1500.0, "imported_wh": 10.0, "exported_wh": 3.0, "voltage_l1_v": 230.0}
    assert oriented(Role.GRID, values, power=True, counters=True) == {
        "power_w": -1500.0,
        "imported_wh": 3.0,
        "exported_wh": 10.0,
        "voltage_l1_v": 230.0,
    }
    assert values["power_w"] == 1500.0  # the input is not modified


def test_device_view_is_the_inverted_canonical_view(tmp_path):
    config = load_config(
        write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2}, invert=frozenset({"grid-1", "bess-1"})))
    )
    park = Park(config, NOON_S, seed=1)
    for d in ("grid-1", "bess-1"):
        assert park.device_view(d) == oriented(config.device(d).role, park.values(d), power=True, counters=True)
    assert park.device_view("pv-1") == park.values("pv-1")


# -- the simulator's Modbus server -------------------------------------------------------


class Counting:
    def __init__(self):
        self.calls = []

    def read_registers(self, table, address, count):
        self.calls.append((table, address, count))
        return [(address + i) & 0xFFFF for i in range(count)]


@pytest.mark.wire
def test_server_answers_reads_and_refuses_everything_else():
    source = Counting()
    server = ModbusTcpServer("127.0.0.1", 0, {1: source})
    # FC 3, address 0x0010, count 2 -> byte count 4, registers 0x0010, 0x0011.
    assert server.handle(1, bytes([3, 0x00, 0x10, 0x00, 0x02])) == bytes([3, 4, 0x00, 0x10, 0x00, 0x11])
    assert server.handle(1, bytes([4, 0x00, 0x05, 0x00, 0x01])) == bytes([4, 2, 0x00, 0x05])
    assert source.calls == [("holding", 16, 2), ("input", 5, 1)]
    # Writes and diagnostics: illegal function (exception 1).
    assert server.handle(1, bytes([6, 0, 1, 0, 5])) == bytes([0x86, 0x01])
    assert server.handle(1, bytes([16, 0, 1, 0, 1, 2, 0, 5])) == bytes([0x90, 0x01])
    assert server.handle(1, bytes([8, 0, 0, 0x12, 0x34])) == bytes([0x88, 0x01])
    # A unit the gateway does not know: 0x0B gateway target failed to respond.
    assert server.handle(9, bytes([3, 0, 0, 0, 1])) == bytes([0x83, 0x0B])
    # Count 0 or above 125: illegal data value.
    assert server.handle(1, bytes([3, 0, 0, 0, 0])) == bytes([0x83, 0x03])
    assert server.handle(1, bytes([3, 0, 0, 0, 126])) == bytes([0x83, 0x03])
    assert len(source.calls) == 2  # refused requests never reach the device
    assert server.function_codes == {3: 4, 4: 1, 6: 1, 16: 1, 8: 1}


@pytest.mark.wire
def test_simulated_device_answers_outside_its_map_with_illegal_address(tmp_path, frozen_clock):
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2})))
    sim = SimulatedPark(config, clock=frozen_clock, ports={"c1": 0, "c2": 0})
    server = sim.servers["c1"]
    pv_unit = config.device("pv-1").unit
    assert server.handle(pv_unit, struct.pack(">BHH", 3, 0, 17))[0] == 3  # the whole pv map
    assert server.handle(pv_unit, struct.pack(">BHH", 3, 10, 8)) == bytes([0x83, 0x02])  # runs past 16
    assert server.handle(pv_unit, struct.pack(">BHH", 4, 0, 2)) == bytes([0x84, 0x02])  # no input registers
    load_unit = config.device("load-1").unit
    assert server.handle(load_unit, struct.pack(">BHH", 4, 0, 14))[0] == 4


@pytest.mark.wire
def test_simulator_refuses_serial_transports_and_busy_ports(tmp_path, frozen_clock):
    text = small_site_toml({"c1": 1, "c2": 2})
    rtu = text.replace(
        '[connections.c2]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 2\n',
        '[connections.c2]\ntransport = "rtu"\nserial_port = "/dev/ttyUSB0"\n',
    )
    config = load_config(write_config(tmp_path, rtu, "rtu.toml"))
    with pytest.raises(SimulationError, match="connections.c2"):
        SimulatedPark(config, clock=frozen_clock)

    async def busy():
        first = SimulatedPark(load_config(write_config(tmp_path, text)), clock=frozen_clock, ports={"c1": 0, "c2": 0})
        await first.start()
        try:
            taken = first.ports["c2"]
            second = SimulatedPark(
                load_config(write_config(tmp_path, text)), clock=frozen_clock, ports={"c1": 0, "c2": taken}
            )
            with pytest.raises(SimulationError, match=rf"connections\.c2: cannot listen on 127\.0\.0\.1:{taken}"):
                await second.start()
            assert all(s._server is None for s in second.servers.values())  # nothing left listening
        finally:
            await first.stop()

    run(busy)


@pytest.mark.wire
def test_hybrid_inverter_on_one_unit_is_not_served_as_the_wrong_device(tmp_path, frozen_clock):
    # The config allows a pv and a storage device on the same unit (a hybrid inverter). The
    # built-in pv and storage maps both start at holding register 0, so one simulated unit cannot
    # serve both: the simulator must refuse rather than answer one device's reads with the other's.
    text = small_site_toml({"c1": 1, "c2": 2}).replace(
        'id = "bess-1"\nrole = "storage"\nprofile = "energymon-storage"\nconnection = "c1"\nunit = 3',
        'id = "bess-1"\nrole = "storage"\nprofile = "energymon-storage"\nconnection = "c1"\nunit = 1',
    )
    config = load_config(write_config(tmp_path, text))
    assert config.device("bess-1").unit == config.device("pv-1").unit == 1
    with pytest.raises(SimulationError, match=r"connections\.c1.*unit 1.*pv-1.*bess-1"):
        SimulatedPark(config, clock=frozen_clock)


@pytest.mark.wire
def test_hybrid_inverter_with_disjoint_maps_is_served(tmp_path, frozen_clock):
    # A storage map placed at holding 100.. does not collide with the pv map at 0..16.
    storage = tmp_path / "hybrid-storage.toml"
    from support import REPO

    original = (REPO / "drivers" / "profiles" / "energymon-storage.toml").read_text(encoding="utf-8")
    lines = []
    for line in original.splitlines():
        if line.startswith("address = "):
            line = f"address = {int(line.split('=')[1]) + 100}"
        lines.append(line.replace('name = "energymon-storage"', 'name = "hybrid-storage"'))
    storage.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = small_site_toml({"c1": 1, "c2": 2}).replace(
        'id = "bess-1"\nrole = "storage"\nprofile = "energymon-storage"\nconnection = "c1"\nunit = 3',
        'id = "bess-1"\nrole = "storage"\nprofile = "hybrid-storage.toml"\nconnection = "c1"\nunit = 1',
    )
    config = load_config(write_config(tmp_path, text))
    sim = SimulatedPark(config, clock=frozen_clock)
    server = sim.servers["c1"]
    park = sim.park
    pv_answer = server.handle(1, struct.pack(">BHH", 3, 0, 2))  # pv power_w, i32
    (pv_power,) = struct.unpack(">i", pv_answer[2:])
    assert pv_power == round(park.values("pv-1")["power_w"])
    soc_answer = server.handle(1, struct.pack(">BHH", 3, 102, 1))  # storage soc_pct x 0.1
    (soc_raw,) = struct.unpack(">H", soc_answer[2:])
    assert soc_raw == round(park.values("bess-1")["soc_pct"] * 10)


@pytest.mark.wire
def test_a_value_that_does_not_fit_its_register_is_a_device_failure_not_a_number(tmp_path, frozen_clock):
    # Three 1 GW loads drawn entirely from the grid: ~2.7 GW does not fit the grid meter's i32 power_w
    # register (max 2,147,483,647 W). The simulated meter reports "server device failure" (exception 4).
    loads = "".join(
        f'[[devices]]\nid = "huge-{i}"\nrole = "load"\nprofile = "energymon-load"\nconnection = "c1"\nunit = {i}\n'
        f'rated_power_kw = 1000000\n[devices.sim]\nload_shape = "office"\nbase_load_kw = 1000000\n'
        for i in (1, 2, 3)
    )
    text = (
        '[site]\nname = "x"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n'
        '[connections.c1]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 1502\n'
        + loads
        + '[[devices]]\nid = "grid"\nrole = "grid"\nprofile = "energymon-grid"\nconnection = "c1"\nunit = 9\n'
        "rated_power_kw = 1000000\n"
    )
    config = load_config(write_config(tmp_path, text))
    sim = SimulatedPark(config, clock=frozen_clock)
    assert sim.park.values("grid")["power_w"] > 2**31  # the premise
    server = sim.servers["c1"]
    assert server.handle(9, struct.pack(">BHH", 3, 0, 20)) == bytes([0x83, 0x04])
    # The 1 GW loads' power fits its i32, but their phase currents (~1.45 MA) do not fit the u16
    # 0.1 A registers: those meters fail as a whole rather than wrap to a plausible wrong current.
    assert server.handle(1, struct.pack(">BHH", 4, 0, 2)) == bytes([0x84, 0x04])
