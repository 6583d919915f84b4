"""Built-in vendor profiles: hand-written register words in, canonical values out.

Every expected value below is worked out by hand from the vendor's documented type, unit and gain (the comment on
each register says how); the profiles themselves cite their sources. Sign conventions under test:
pv + = generation, storage + = discharge / - = charge, grid + = import / - = export.
"""

from __future__ import annotations

import math

import pytest

from drivers.dtypes import DTYPES
from drivers.modbus_limits import MAX_REGISTERS
from drivers.profile import as_load_meter
from drivers.profile_file import builtin_names, load_profile
from drivers.quantities import REQUIRED, Role, allowed_for

from register_words import H, I, assert_values, decode, spans, words_for_blocks

VENDOR_PROFILES = {
    # name (a contract: site configs use it) -> role
    "huawei-sun2000": Role.PV,
    "huawei-sun2000-hybrid": Role.PV,
    "huawei-sun2000-battery": Role.STORAGE,
    "huawei-sun2000-meter": Role.GRID,
    "huawei-emma": Role.PV,
    "huawei-emma-battery": Role.STORAGE,
    "huawei-emma-meter": Role.GRID,
    "huawei-smartlogger": Role.PV,
    "huawei-smartlogger-hybrid": Role.PV,
    "huawei-smartlogger-meter": Role.GRID,
    "sungrow-sg": Role.PV,
    "sungrow-sh": Role.PV,
    "sungrow-sh-battery": Role.STORAGE,
    "goodwe-dt": Role.PV,
    "goodwe-et": Role.PV,
    "goodwe-et-battery": Role.STORAGE,
    "solis-string": Role.PV,
    "growatt-max": Role.PV,
    "deye-sun": Role.PV,
    "deye-sun-battery": Role.STORAGE,
    "sofar-string": Role.PV,
    "sofar-hyd": Role.PV,
    "sofar-hyd-battery": Role.STORAGE,
    "sma-modbus": Role.PV,
    "chint-dtsu666": Role.GRID,
    "chint-ddsu666": Role.GRID,
    "eastron-sdm630": Role.GRID,
    "acrel-adw300": Role.GRID,
    "acrel-adl400": Role.GRID,
    "imt-si-rs485": Role.METEO,
}


# -- the contract: names, roles, sources, reads ---------------------------------------------------


def test_every_vendor_profile_is_shipped_with_its_role():
    shipped = set(builtin_names())
    assert set(VENDOR_PROFILES) == {n for n in shipped if not n.startswith("energymon-")}  # each one on this list
    for name, role in VENDOR_PROFILES.items():
        profile = load_profile(name)
        assert profile.name == name and profile.role is role
        assert REQUIRED[role] <= set(profile.quantities) <= allowed_for(role)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_profile_loads_with_a_source_and_read_only_blocks(name):
    profile = load_profile(name)
    assert profile.source.strip() and profile.title.strip()
    assert profile.blocks, "a profile reads something"
    for block in profile.blocks:
        assert 1 <= block.count <= MAX_REGISTERS
        assert block.function_code in (3, 4)  # read holding / read input registers only
    # every point is read by exactly one block
    placed = [p for b in profile.blocks for p in b.points]
    assert sorted(placed, key=id) == sorted(profile.points, key=id)


EXPECTED_READS = {
    # Huawei: at most 64 registers and gaps < 16 per read, as huawei-solar-lib batches; 32090-32105 not spanned.
    "huawei-sun2000": [(H, 32064, 26), (H, 32106, 2)],
    "huawei-sun2000-battery": [(H, 37022, 1), (H, 37760, 24)],
    "huawei-sun2000-meter": [(H, 37101, 22)],
    "sungrow-sg": [(I, 5001, 37), (I, 5143, 5)],
    "sungrow-sh": [(I, 5007, 29), (I, 12999, 5)],
    "sungrow-sh-battery": [(I, 5213, 2), (I, 13000, 42)],
    # DTSU666: no read across the undocumented 0x2022-0x2029 and 0x2032-0x2043
    "chint-dtsu666": [(H, 0x0006, 2), (H, 0x2006, 22), (H, 0x202A, 2), (H, 0x2044, 2), (H, 0x401E, 12)],
    # SDM630: at most 30 parameters (60 registers) per read, Eastron's limit (SDM72D-M manual V1.5 part 3)
    "eastron-sdm630": [(I, 0, 54), (I, 60, 16)],
    "acrel-adw300": [(H, 20, 18), (H, 62, 4)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_READS))
def test_vendor_profile_reads_per_poll(name):
    profile = load_profile(name)
    assert spans(profile) == EXPECTED_READS[name]
    if name.startswith("huawei"):
        assert all(b.count <= 64 for b in profile.blocks)
    if name == "eastron-sdm630":
        assert all(b.count <= 60 for b in profile.blocks)  # 30 parameters x 2 registers (SDM72D-M manual part 3)


# Plausible site values; integer points get them quantised to their resolution (e.g. 1 V on energymon-grid).
PLAUSIBLE = {
    "yield_wh": 12_345_000,
    "dc_power_w": 47_000,
    "temperature_c": 35.5,
    "status_code": 512,
    "soc_pct": 87.5,
    "soh_pct": 98.0,
    "charged_wh": 1_234_000,
    "discharged_wh": 1_111_000,
    "consumed_wh": 5_000_000,
    "imported_wh": 98_765_000,
    "exported_wh": 4_321_000,
    "voltage_l1_v": 230.4,
    "voltage_l2_v": 229.8,
    "voltage_l3_v": 231.1,
    "current_l1_a": 12.3,
    "current_l2_a": 11.9,
    "current_l3_a": 0.0,
    "frequency_hz": 49.9,
    "power_factor": 0.95,
    "reactive_power_var": -1_200,
    "voltage_l1_l2_v": 399.1,
    "voltage_l2_l3_v": 398.0,
    "voltage_l3_l1_v": 400.3,
    "ct_ratio": 40,  # 200/5 A
    "pt_ratio": 100,  # 10 kV/100 V
    "irradiance_w_m2": 812.3,
}
PLAUSIBLE_POWER = {Role.PV: 45_600, Role.STORAGE: -2_500, Role.LOAD: 1_500, Role.GRID: -3_000}


@pytest.mark.parametrize("name", builtin_names())
def test_simulator_encoding_and_collector_decoding_agree(name):
    profile = load_profile(name)
    values = {}
    for p in profile.points:
        v = PLAUSIBLE_POWER[profile.role] if p.quantity == "power_w" else PLAUSIBLE[p.quantity]
        values[p.quantity] = v if p.dtype.is_float else round(v / p.scale) * p.scale
    image = profile.encode_values(values)
    registers = {(table, a): w for table, words in image.items() for a, w in words.items()}
    decoded = profile.decode_blocks(words_for_blocks(profile, registers))
    assert set(decoded) == set(values)
    served = set(profile.simulated_quantities)
    for q, want in values.items():
        if q not in served:  # its condition register says another point holds these registers
            assert decoded[q] is None, (q, decoded[q])
            continue
        assert decoded[q] is not None and math.isclose(decoded[q], want, rel_tol=1e-6, abs_tol=1e-6), (q, decoded[q])


# -- Huawei SUN2000 (holding registers, protocol addresses) ---------------------------------------


def test_huawei_sun2000_decodes_the_interface_definition_registers():
    regs = {
        (H, 32064): 0x0001,
        (H, 32065): 0x9B54,  # Input power I32, kW gain 1000: 0x19B54 = 105300 -> 105300 W
        (H, 32069): 2305,  # Phase A voltage U16, V gain 10 -> 230.5 V
        (H, 32070): 2298,  # Phase B voltage -> 229.8 V
        (H, 32071): 0xFFFF,  # Phase C voltage: U16 invalid 0xFFFF -> missing
        (H, 32072): 0x0002,
        (H, 32073): 0x390E,  # Phase A current I32, A gain 1000: 0x2390E = 145678 -> 145.678 A
        (H, 32074): 0x0000,
        (H, 32075): 0x0000,  # Phase B current 0 -> 0 A
        (H, 32076): 0x7FFF,
        (H, 32077): 0xFFFF,  # Phase C current: I32 invalid 0x7FFFFFFF -> missing
        (H, 32078): 0x1234,
        (H, 32079): 0x5678,  # Peak active power of current day (not mapped)
        (H, 32080): 0x0001,
        (H, 32081): 0x86A0,  # Active power I32, kW gain 1000: 0x186A0 = 100000 -> 100 kW = 100000 W
        (H, 32082): 0xFFFF,
        (H, 32083): 0xEC78,  # Reactive power I32, kvar gain 1000: 0xFFFFEC78 = -5000 -> -5000 var
        (H, 32084): 0xFC4A,  # Power factor I16, gain 1000: 0xFC4A = -950 -> -0.950
        (H, 32085): 5002,  # Grid frequency U16, Hz gain 100 -> 50.02 Hz
        (H, 32086): 9850,  # Efficiency (not mapped)
        (H, 32087): 0xFF9C,  # Internal temperature I16, degC gain 10: -100 -> -10.0 degC
        (H, 32088): 3000,  # Insulation resistance (not mapped)
        (H, 32089): 0x0200,  # Device status U16: 0x0200 = 512 "On-grid"
        (H, 32106): 0x00BC,
        (H, 32107): 0x614E,  # Accumulated yield U32, kWh gain 100: 0xBC614E = 12345678
        #                                         -> 123456.78 kWh = 123456780 Wh
    }
    assert_values(
        decode("huawei-sun2000", regs),
        {
            "dc_power_w": 105_300,
            "voltage_l1_v": 230.5,
            "voltage_l2_v": 229.8,
            "voltage_l3_v": None,
            "current_l1_a": 145.678,
            "current_l2_a": 0.0,
            "current_l3_a": None,
            "power_w": 100_000,
            "reactive_power_var": -5000,
            "power_factor": -0.95,
            "frequency_hz": 50.02,
            "temperature_c": -10.0,
            "status_code": 512,
            "yield_wh": 123_456_780,
        },
    )


def test_huawei_sun2000_invalid_patterns_are_missing_not_numbers():
    regs = {
        (H, 32080): 0x7FFF,
        (H, 32081): 0xFFFF,  # Active power 0x7FFFFFFF: Huawei "not available"
        (H, 32087): 0x7FFF,  # Internal temperature 0x7FFF: I16 "not available"
        (H, 32106): 0xFFFF,
        (H, 32107): 0xFFFF,  # Accumulated yield 0xFFFFFFFF: U32 "not available"
    }
    values = decode("huawei-sun2000", regs)
    assert values["power_w"] is None and values["temperature_c"] is None and values["yield_wh"] is None
    # 0x8000 is a real (if cold) reading for Huawei's I16, not its invalid pattern: -3276.8 degC decodes as a number
    values = decode("huawei-sun2000", {(H, 32087): 0x8000})
    assert values["temperature_c"] == pytest.approx(-3276.8)


def test_huawei_sun2000_identity_strings():
    profile = load_profile("huawei-sun2000")
    model = [0x5355, 0x4E32, 0x3030, 0x302D, 0x3130, 0x304B, 0x544C, 0x2D4D, 0x3100] + [0] * 6  # "SUN2000-100KTL-M1"
    serial = [0x4553, 0x3232, 0x3530, 0x3031, 0x3233, 0x3435] + [0] * 4  # "ES2250012345"
    fields = {f.field: f for f in profile.identity}
    assert (fields["model"].table, fields["model"].address, fields["model"].registers) == (H, 30000, 15)
    assert (fields["serial"].table, fields["serial"].address, fields["serial"].registers) == (H, 30015, 10)
    assert profile.decode_identity({"model": model, "serial": serial}) == {
        "manufacturer": "Huawei",
        "model": "SUN2000-100KTL-M1",
        "serial": "ES2250012345",
    }


def test_huawei_battery_charging_is_negative_and_discharging_positive():
    charging = {
        (H, 37022): 0x00FA,  # [unit 1] battery temperature I16, degC gain 10: 250 -> 25.0 degC
        (H, 37760): 875,  # [Energy storage] SOC U16, % gain 10 -> 87.5 %
        (H, 37762): 2,  # [Energy storage] running status: 2 = running
        (H, 37763): 7520,
        (H, 37764): 66,  # bus voltage / current (not mapped)
        (H, 37765): 0x0000,
        (H, 37766): 0x1388,  # charge/discharge power I32 W, Huawei + = charging: 5000
        #                                         -> ours -5000 W (charging)
        (H, 37780): 0x0001,
        (H, 37781): 0x0000,  # total charge U32, kWh gain 100: 65536 -> 655.36 kWh = 655360 Wh
        (H, 37782): 0x0000,
        (H, 37783): 0xC350,  # total discharge U32: 50000 -> 500.00 kWh = 500000 Wh
    }
    assert_values(
        decode("huawei-sun2000-battery", charging),
        {
            "temperature_c": 25.0,
            "soc_pct": 87.5,
            "status_code": 2,
            "power_w": -5000,
            "charged_wh": 655_360,
            "discharged_wh": 500_000,
        },
    )
    discharging = dict(charging)
    discharging[(H, 37765)], discharging[(H, 37766)] = 0xFFFF, 0xF448  # Huawei -3000 (discharging) -> ours +3000 W
    assert decode("huawei-sun2000-battery", discharging)["power_w"] == 3000
    discharging[(H, 37765)], discharging[(H, 37766)] = 0x7FFF, 0xFFFF  # not available -> missing
    assert decode("huawei-sun2000-battery", discharging)["power_w"] is None


def test_huawei_meter_feed_in_is_negative_and_counters_follow_the_feed_in_convention():
    regs = {
        (H, 37100): 1,  # meter status: normal (not mapped)
        (H, 37101): 0x0000,
        (H, 37102): 0x0908,  # A phase voltage I32, V gain 10: 2312 -> 231.2 V
        (H, 37103): 0x0000,
        (H, 37104): 0x0904,  # B phase voltage: 2308 -> 230.8 V
        (H, 37105): 0x7FFF,
        (H, 37106): 0xFFFF,  # C phase voltage: not available -> missing
        (H, 37107): 0x0000,
        (H, 37108): 0x04D2,  # A phase current I32, A gain 100, Huawei frame: 1234 -> ours -12.34 A
        (H, 37109): 0xFFFF,
        (H, 37110): 0xFF9C,  # B phase current: -100 -> ours +1.00 A
        (H, 37111): 0x0000,
        (H, 37112): 0x0000,  # C phase current: 0 A
        (H, 37113): 0x0000,
        (H, 37114): 0x1194,  # active power I32 W, Huawei + = feed-in: 4500 -> ours -4500 W (export)
        (H, 37115): 0xFFFF,
        (H, 37116): 0xFB50,  # reactive power I32 var: -1200 -> -1200 var (as reported)
        (H, 37117): 990,  # power factor I16, gain 1000 -> 0.990
        (H, 37118): 4998,  # grid frequency I16, Hz gain 100 -> 49.98 Hz
        (H, 37119): 0x0000,
        (H, 37120): 0x3039,  # positive active electricity (fed to the grid) I32, kWh gain 100:
        #                                         12345 -> 123.45 kWh = 123450 Wh EXPORTED
        (H, 37121): 0x0001,
        (H, 37122): 0x0000,  # reverse active power (from the grid): 65536 -> 655.36 kWh
        #                                         = 655360 Wh IMPORTED
    }
    assert_values(
        decode("huawei-sun2000-meter", regs),
        {
            "voltage_l1_v": 231.2,
            "voltage_l2_v": 230.8,
            "voltage_l3_v": None,
            "current_l1_a": -12.34,
            "current_l2_a": 1.0,
            "current_l3_a": 0.0,
            "power_w": -4500,
            "reactive_power_var": -1200,
            "power_factor": 0.99,
            "frequency_hz": 49.98,
            "exported_wh": 123_450,
            "imported_wh": 655_360,
        },
    )
    regs[(H, 37113)], regs[(H, 37114)] = 0xFFFF, 0xF830  # Huawei -2000 (supply from the grid) -> ours +2000 W import
    assert decode("huawei-sun2000-meter", regs)["power_w"] == 2000


# -- Sungrow (input registers, wire address = documented register - 1, 32-bit low word first) -----------


SG_RUNNING = {
    (I, 5001): 2,  # reg 5002 Output type U16: 2 = 3P3L (three-wire, as park inverters run)
    (I, 5003): 0xE240,
    (I, 5004): 0x0001,  # reg 5004 Total power yields U32 kWh, low word first: 0x1E240 = 123456 kWh = 123456000 Wh
    (I, 5007): 0x01C2,  # reg 5008 Internal temperature S16, 0.1 degC: 450 -> 45.0 degC
    (I, 5016): 0xCB20,
    (I, 5017): 0x0000,  # reg 5017 Total DC power U32 W, low word first: 0xCB20 = 52000 W
    (I, 5018): 4005,
    (I, 5019): 3998,
    (I, 5020): 4010,  # reg 5019-5021 voltages U16, 0.1 V -> 400.5/399.8/401.0 V (line or phase by reg 5002)
    (I, 5021): 725,
    (I, 5022): 724,  # reg 5022-5023 phase currents, 0.1 A -> 72.5 / 72.4 A
    (I, 5023): 0xFFFF,  # reg 5024 phase C current: documented U16, returned signed per SunGather: -1 -> -0.1 A
    (I, 5024): 0xFFFF,
    (I, 5025): 0xFFFF,  # reserved (read, not mapped)
    (I, 5030): 0xC350,
    (I, 5031): 0x0000,  # reg 5031 Total active power U32 W, low word first: 50000 W
    #                                       (read high word first it would be 0xC3500000 = 3.3 GW)
    (I, 5032): 0xFA24,
    (I, 5033): 0xFFFF,  # reg 5033 Total reactive power S32 var: 0xFFFFFA24 = -1500 var
    (I, 5034): 998,  # reg 5035 Power factor S16, 0.001 -> 0.998
    (I, 5035): 500,  # reg 5036 Grid frequency U16, 0.1 Hz -> 50.0 Hz
    (I, 5037): 0x8100,  # reg 5038 Work state 1: 0x8100 = 33024 "Derating Run"
    (I, 5143): 0xE249,
    (I, 5144): 0x0012,  # reg 5144-5145 Total power yields U32 0.1 kWh, low word first: 0x12E249 = 1237577
    #                                       -> 123757.7 kWh = 123757700 Wh (finer than reg 5004)
    (I, 5147): 5002,  # reg 5148 Grid frequency U16, 0.01 Hz -> 50.02 Hz
}
SG_COMMON = {
    "temperature_c": 45.0,
    "dc_power_w": 52_000,
    "current_l1_a": 72.5,
    "current_l2_a": 72.4,
    "current_l3_a": -0.1,
    "power_w": 50_000,
    "reactive_power_var": -1500,
    "power_factor": 0.998,
    "status_code": 0x8100,
}


def test_sungrow_sg_three_wire_park_inverter_with_the_finer_registers():
    assert_values(
        decode("sungrow-sg", SG_RUNNING),
        {
            **SG_COMMON,
            "yield_wh": 123_757_700,  # reg 5144, 0.1 kWh
            "frequency_hz": 50.02,  # reg 5148, 0.01 Hz
            "voltage_l1_l2_v": 400.5,  # 3P3L: reg 5019-5021 are the line voltages A-B, B-C, C-A
            "voltage_l2_l3_v": 399.8,
            "voltage_l3_l1_v": 401.0,
            "voltage_l1_v": None,  # ... and never phase voltages
            "voltage_l2_v": None,
            "voltage_l3_v": None,
        },
    )
    # S16 0x7FFF is SunGather's "no value" for signed registers -> missing
    assert decode("sungrow-sg", {(I, 5007): 0x7FFF})["temperature_c"] is None


def test_sungrow_sg_four_wire_model_without_the_finer_registers_falls_back():
    profile = load_profile("sungrow-sg")
    regs = dict(SG_RUNNING)
    regs[(I, 5001)] = 1  # reg 5002 Output type 1 = 3P4L: reg 5019-5021 are phase voltages
    words = words_for_blocks(profile, regs)
    assert [(b.address, b.count) for b in profile.blocks] == [(5001, 37), (5143, 5)]
    values = profile.decode_blocks([words[0], None])  # the model answers the reg 5144-5148 read with an exception
    expected = {
        **SG_COMMON,
        "yield_wh": 123_456_000,  # reg 5004, 1 kWh
        "frequency_hz": 50.0,  # reg 5036, 0.1 Hz
        "voltage_l1_v": 400.5,
        "voltage_l2_v": 399.8,
        "voltage_l3_v": 401.0,
        "voltage_l1_l2_v": None,
        "voltage_l2_l3_v": None,
        "voltage_l3_l1_v": None,
    }
    assert_values(values, expected)
    assert profile.optional_block(1) and not profile.optional_block(0)
    regs.update({(I, 5143): 0, (I, 5144): 0, (I, 5147): 0})  # ... or with zeros: taken as missing, same fallbacks
    assert_values(decode("sungrow-sg", regs), expected)
    regs[(I, 5001)] = 0  # 2P: neither phase nor line voltages are known
    assert all(decode("sungrow-sg", regs)[q] is None for q in ("voltage_l1_v", "voltage_l1_l2_v"))


def test_sungrow_sg_serial_number_identity():
    profile = load_profile("sungrow-sg")
    (serial,) = [f for f in profile.identity if f.field == "serial"]
    assert (serial.table, serial.address, serial.registers) == (I, 4989, 10)  # reg 4990-4999
    words = [0x4132, 0x3335, 0x3034, 0x3135, 0x3737, 0x3000] + [0] * 4  # "A2350415770"
    assert profile.decode_identity({"serial": words}) == {"manufacturer": "Sungrow", "serial": "A2350415770"}


def test_sungrow_sh_pv_power_is_the_pv_input_not_the_ac_output():
    regs = {
        (I, 5007): 0xFFCE,  # reg 5008 Internal temperature S16, 0.1 degC: -50 -> -5.0 degC
        (I, 5016): 0x1E78,
        (I, 5017): 0x0000,  # reg 5017 Total DC power (PV input) U32 W: 0x1E78 = 7800 W
        (I, 5018): 2301,
        (I, 5019): 2297,
        (I, 5020): 2310,  # reg 5019-5021 phase voltages, 0.1 V
        (I, 5030): 0x2710,
        (I, 5031): 0x0000,  # reg 5031 active power incl. battery (10000 W): deliberately not read
        (I, 5035): 501,  # reg 5036 Grid frequency U16, 0.1 Hz -> 50.1 Hz
        (I, 12999): 0x0040,  # reg 13000 System state: 0x0040 = 64 "Run"
        (I, 13002): 0xD090,
        (I, 13003): 0x0003,  # reg 13003 Total PV generation U32, 0.1 kWh, low word first:
        #                                         0x3D090 = 250000 -> 25000.0 kWh = 25000000 Wh
        (I, 13033): 0x2710,
        (I, 13034): 0x0000,  # reg 13034 total active power incl. battery: not read
    }
    assert_values(
        decode("sungrow-sh", regs),
        {
            "temperature_c": -5.0,
            "power_w": 7800,
            "voltage_l1_v": 230.1,
            "voltage_l2_v": 229.7,
            "voltage_l3_v": 231.0,
            "frequency_hz": 50.1,
            "status_code": 64,
            "yield_wh": 25_000_000,
        },
    )


def test_sungrow_sh_battery_uses_the_signed_register_and_never_the_unsigned_magnitude():
    charging = {
        (I, 5213): 0xF63C,
        (I, 5214): 0xFFFF,  # reg 5214 Battery power S32 W, low word first: 0xFFFFF63C = -2500
        #                                       (protocol V1.1.11: negative = charging) -> -2500 W
        (I, 13000): 0x0002,  # reg 13001 Running state: bit 1 = battery charging
        (I, 13021): 2500,  # reg 13022 battery power U16, a magnitude without sign: not mapped
        (I, 13022): 655,  # reg 13023 Battery level U16, 0.1 % -> 65.5 %
        (I, 13023): 1000,  # reg 13024 Battery state of health U16, 0.1 % -> 100.0 %
        (I, 13024): 0x00E6,  # reg 13025 Battery temperature S16, 0.1 degC: 230 -> 23.0 degC
        (I, 13026): 0xB26E,
        (I, 13027): 0x0000,  # reg 13027 Total battery discharge U32, 0.1 kWh: 45678
        #                                         -> 4567.8 kWh = 4567800 Wh
        (I, 13040): 0x1170,
        (I, 13041): 0x0001,  # reg 13041 Total battery charge U32, 0.1 kWh, low word first:
        #                                         0x11170 = 70000 -> 7000.0 kWh = 7000000 Wh
    }
    assert_values(
        decode("sungrow-sh-battery", charging),
        {
            "power_w": -2500,
            "status_code": 2,
            "soc_pct": 65.5,
            "soh_pct": 100.0,
            "temperature_c": 23.0,
            "discharged_wh": 4_567_800,
            "charged_wh": 7_000_000,
        },
    )
    discharging = dict(charging)
    discharging[(I, 5213)], discharging[(I, 5214)] = 0x0C80, 0x0000  # +3200 W discharging
    discharging[(I, 13000)] = 0x0004  # bit 2 = discharging
    values = decode("sungrow-sh-battery", discharging)
    assert values["power_w"] == 3200 and values["status_code"] == 4
    profile = load_profile("sungrow-sh-battery")
    assert all(p.address != 13021 for p in profile.points), "the unsigned magnitude register must stay unmapped"


# -- meters ----------------------------------------------------------------------------------------


def test_chint_dtsu666_floats_carry_the_manuals_fixed_factors():
    regs = {
        (H, 0x0006): 1,  # IrAt i16: CT ratio 1 (factory)
        (H, 0x0007): 10,  # UrAt i16, x 0.1: PT ratio 1.0 (factory) -> every value as read
        (H, 0x401E): 0x449A,
        (H, 0x401F): 0x5000,  # ImpEp float kWh: 0x449A5000 = 1234.5 kWh = 1234500 Wh
        (H, 0x4028): 0x437A,
        (H, 0x4029): 0x4000,  # ExpEp float kWh: 0x437A4000 = 250.25 kWh = 250250 Wh
        (H, 0x2006): 0x4510,
        (H, 0x2007): 0x1000,  # Ua float 0.1 V: 0x45101000 = 2305.0 -> 230.5 V
        (H, 0x2008): 0x7FC0,
        (H, 0x2009): 0x0000,  # Ub float NaN -> missing
        (H, 0x200A): 0x4510,
        (H, 0x200B): 0x6000,  # Uc float: 0x45106000 = 2310.0 -> 231.0 V
        (H, 0x200C): 0x4643,
        (H, 0x200D): 0x5000,  # Ia float 0.001 A: 0x46435000 = 12500.0 -> 12.5 A
        (H, 0x200E): 0x0000,
        (H, 0x200F): 0x0000,  # Ib 0.0 -> 0 A
        (H, 0x2010): 0x4643,
        (H, 0x2011): 0x5000,  # Ic 12500.0 -> 12.5 A
        (H, 0x2012): 0xC6EA,
        (H, 0x2013): 0x6000,  # Pt float 0.1 W: 0xC6EA6000 = -30000.0 -> -3000 W (reverse = export)
        (H, 0x201A): 0x459C,
        (H, 0x201B): 0x4000,  # Qt float 0.1 var: 0x459C4000 = 5000.0 -> 500 var
        (H, 0x202A): 0xC46D,
        (H, 0x202B): 0x8000,  # PFt float 0.001: 0xC46D8000 = -950.0 -> -0.95
        (H, 0x2044): 0x459C,
        (H, 0x2045): 0x4800,  # Freq float 0.01 Hz: 0x459C4800 = 5001.0 -> 50.01 Hz
    }
    expected = {
        "ct_ratio": 1,
        "pt_ratio": 1.0,
        "imported_wh": 1_234_500,
        "exported_wh": 250_250,
        "voltage_l1_v": 230.5,
        "voltage_l2_v": None,
        "voltage_l3_v": 231.0,
        "current_l1_a": 12.5,
        "current_l2_a": 0.0,
        "current_l3_a": 12.5,
        "power_w": -3000,
        "reactive_power_var": 500,
        "power_factor": -0.95,
        "frequency_hz": 50.01,
    }
    assert_values(decode("chint-dtsu666", regs), expected)
    # The same secondary words with IrAt 40 (200/5 A) and UrAt 1000 (PT 100, 10 kV/100 V): primary values.
    regs[(H, 0x0006)], regs[(H, 0x0007)] = 40, 1000
    by = {"ct_ratio": 40, "pt_ratio": 100, "voltage_l1_v": 100, "voltage_l3_v": 100}
    by.update({q: 40 for q in ("current_l1_a", "current_l2_a", "current_l3_a")})
    by.update({q: 4000 for q in ("imported_wh", "exported_wh", "power_w", "reactive_power_var")})
    primary = {
        q: (v * by[q] if q in by and v is not None and q not in ("ct_ratio", "pt_ratio") else v)
        for q, v in expected.items()
    }
    primary.update(ct_ratio=40, pt_ratio=100.0)
    assert_values(decode("chint-dtsu666", regs), primary)


def test_eastron_sdm630_input_registers_30001_based():
    regs = {
        (I, 0): 0x4366,
        (I, 1): 0x0000,  # 30001 Phase 1 L-N volts float: 0x43660000 = 230.0 V
        (I, 2): 0x4367,
        (I, 3): 0x8000,  # 30003 Phase 2: 0x43678000 = 231.5 V
        (I, 4): 0x4365,
        (I, 5): 0x4000,  # 30005 Phase 3: 0x43654000 = 229.25 V
        (I, 6): 0x4128,
        (I, 7): 0x0000,  # 30007 Phase 1 current: 0x41280000 = 10.5 A
        (I, 8): 0x7FC0,
        (I, 9): 0x0000,  # 30009 Phase 2 current: NaN -> missing
        (I, 10): 0x0000,
        (I, 11): 0x0000,  # 30011 Phase 3 current: 0.0 A
        (I, 12): 0x4500,
        (I, 13): 0x0000,  # 30013 Phase 1 power (2048 W, not mapped)
        (I, 52): 0xC4FA,
        (I, 53): 0x0000,  # 30053 Total system power float W: 0xC4FA0000 = -2000 W (export)
        (I, 60): 0x42C8,
        (I, 61): 0x0000,  # 30061 Total system VAr: 0x42C80000 = 100.0 var
        (I, 62): 0xBF00,
        (I, 63): 0x0000,  # 30063 Total system power factor: 0xBF000000 = -0.5
        (I, 70): 0x4248,
        (I, 71): 0x0000,  # 30071 Frequency: 0x42480000 = 50.0 Hz
        (I, 72): 0x44BB,
        (I, 73): 0x9000,  # 30073 Total Import kWh: 0x44BB9000 = 1500.5 kWh = 1500500 Wh
        (I, 74): 0x4228,
        (I, 75): 0x0000,  # 30075 Total Export kWh: 0x42280000 = 42.0 kWh = 42000 Wh
    }
    assert_values(
        decode("eastron-sdm630", regs),
        {
            "voltage_l1_v": 230.0,
            "voltage_l2_v": 231.5,
            "voltage_l3_v": 229.25,
            "current_l1_a": 10.5,
            "current_l2_a": None,
            "current_l3_a": 0.0,
            "power_w": -2000,
            "reactive_power_var": 100.0,
            "power_factor": -0.5,
            "frequency_hz": 50.0,
            "imported_wh": 1_500_500,
            "exported_wh": 42_000,
        },
    )


def test_acrel_adw300_holding_registers():
    regs = {
        (H, 20): 2304,
        (H, 21): 2311,
        (H, 22): 0xFFFF,  # Voltage of A/B/C phase U16, 0.1 V: 230.4 / 231.1 / missing
        (H, 26): 1525,
        (H, 27): 1490,
        (H, 28): 0,  # Current of A/B/C phase U16, 0.01 A: 15.25 / 14.90 / 0 A
        (H, 30): 0x0000,
        (H, 31): 0x0BB8,  # Active power of A phase (3000 W, not mapped)
        (H, 36): 0xFFFF,
        (H, 37): 0xEF98,  # Total active power I32 W: 0xFFFFEF98 = -4200 W (reverse = export)
        (H, 62): 0x0012,
        (H, 63): 0xD687,  # Forward active energy 0.01 kWh: 0x12D687 = 1234567 -> 12345.67 kWh
        #                                   = 12345670 Wh imported
        (H, 64): 0x0000,
        (H, 65): 0x0064,  # Reversing active energy: 100 -> 1.00 kWh = 1000 Wh exported
    }
    assert_values(
        decode("acrel-adw300", regs),
        {
            "voltage_l1_v": 230.4,
            "voltage_l2_v": 231.1,
            "voltage_l3_v": None,
            "current_l1_a": 15.25,
            "current_l2_a": 14.9,
            "current_l3_a": 0.0,
            "power_w": -4200,
            "imported_wh": 12_345_670,
            "exported_wh": 1000,
        },
    )


@pytest.mark.parametrize("name", sorted(n for n, r in VENDOR_PROFILES.items() if r is Role.GRID))
def test_meter_profiles_used_as_load_meters_count_imported_energy_as_consumed(name):
    grid = load_profile(name)
    load = as_load_meter(grid)
    imported = next(p for p in grid.points if p.quantity == "imported_wh")
    consumed = next(p for p in load.points if p.quantity == "consumed_wh")
    assert (consumed.table, consumed.address, consumed.dtype, consumed.scale, consumed.word_order) == (
        imported.table,
        imported.address,
        imported.dtype,
        imported.scale,
        imported.word_order,
    )
    assert "exported_wh" not in load.quantities
    power = next(p for p in load.points if p.quantity == "power_w")
    assert power.scale == next(p for p in grid.points if p.quantity == "power_w").scale  # + = drawn through the meter


def test_vendor_sentinels_are_only_patterns_of_the_points_width():
    for name in VENDOR_PROFILES:
        for p in load_profile(name).points:
            if p.sentinels is not None:
                assert p.sentinels and all(0 <= s < 1 << DTYPES[p.dtype.name].bits for s in p.sentinels), (name, p)
