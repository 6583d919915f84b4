"""Huawei SmartLogger / EMMA / SUN2000-hybrid and SMA profiles: hand-written register words in, canonical values out.

Every expected value is worked out by hand from the vendor's documented type, unit and gain (the comment on each
register says how); the profiles cite their sources. Sign conventions under test: pv + = generation,
storage + = discharge / - = charge, grid + = import / - = export. The point of the hybrid profiles: PV values
contain no battery flow, so PV + the battery profile never count the battery twice.
"""

from __future__ import annotations

import pytest

from drivers.profile_file import load_profile
from drivers.quantities import REQUIRED, Role, allowed_for

from register_words import H, assert_values, decode

PROFILES = {
    # name (a contract: site configs use it) -> role
    "huawei-sun2000-hybrid": Role.PV,
    "huawei-emma": Role.PV,
    "huawei-emma-battery": Role.STORAGE,
    "huawei-emma-meter": Role.GRID,
    "huawei-smartlogger": Role.PV,
    "huawei-smartlogger-hybrid": Role.PV,
    "huawei-smartlogger-meter": Role.GRID,
    "sma-modbus": Role.PV,
}

EXPECTED_READS = {
    # Huawei: 32090-32105 never spanned (as huawei-sun2000)
    "huawei-sun2000-hybrid": [(H, 32064, 26), (H, 32108, 2)],
    # EMMA: the blocks ioBroker.sun2000 reads; 30352-30353 and 30366-30367 (in no source) not spanned
    "huawei-emma": [(H, 30348, 4), (H, 30354, 2)],
    "huawei-emma-battery": [(H, 30308, 10), (H, 30360, 2), (H, 30368, 1)],
    "huawei-emma-meter": [(H, 31639, 52)],
    # SmartLogger plant registers at unit 0; the meter block in one read like ioBroker's 32260+105
    "huawei-smartlogger": [(H, 40521, 6), (H, 40560, 2)],
    "huawei-smartlogger-hybrid": [(H, 40446, 4), (H, 40521, 2)],
    "huawei-smartlogger-meter": [(H, 32260, 101)],
    # SMA: undefined registers inside a read come back NaN (SMA TI), so reads span them; <= 125 registers
    "sma-modbus": [(H, 30201, 2), (H, 30513, 4), (H, 30775, 32), (H, 30949, 34)],
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_is_shipped_with_its_role_and_reads(name):
    profile = load_profile(name)
    role = PROFILES[name]
    assert profile.name == name and profile.role is role
    assert REQUIRED[role] <= set(profile.quantities) <= allowed_for(role)
    assert [(b.table, b.address, b.count) for b in profile.blocks] == EXPECTED_READS[name]
    limit = 105 if name == "huawei-smartlogger-meter" else 64 if name.startswith("huawei") else 125
    assert all(b.count <= limit for b in profile.blocks)


# -- SUN2000 hybrid: PV = the PV input, never the AC output that carries the battery -------------------------------


def test_sun2000_hybrid_pv_is_the_pv_input_and_the_dc_energy_not_the_ac_yield():
    regs = {
        (H, 32064): 0x0000,
        (H, 32065): 0x1B58,  # Input power I32, W: 0x1B58 = 7000 W from the PV strings
        (H, 32069): 2301,  # Phase A voltage U16, V gain 10 -> 230.1 V
        (H, 32070): 2299,  # Phase B voltage -> 229.9 V
        (H, 32071): 0xFFFF,  # Phase C voltage: U16 invalid -> missing
        (H, 32080): 0x0000,
        (H, 32081): 0x2328,  # Active power (AC) 9000 W = PV + 2 kW battery discharge: deliberately NOT read as PV
        (H, 32085): 4999,  # Grid frequency U16, Hz gain 100 -> 49.99 Hz
        (H, 32087): 0x01A4,  # Internal temperature I16, degC gain 10: 420 -> 42.0 degC
        (H, 32089): 0x0200,  # Device status 0x0200 = 512 on-grid
        (H, 32106): 0x0001,
        (H, 32107): 0x0000,  # Accumulated energy yield (AC, incl. battery discharge): not read
        (H, 32108): 0x0029,
        (H, 32109): 0xB128,  # Total DC input energy U32, kWh gain 100: 0x29B128 = 2732328 -> 27323.28 kWh
        #                                         = 27323280 Wh
    }
    assert_values(
        decode("huawei-sun2000-hybrid", regs),
        {
            "power_w": 7000,
            "voltage_l1_v": 230.1,
            "voltage_l2_v": 229.9,
            "voltage_l3_v": None,
            "frequency_hz": 49.99,
            "temperature_c": 42.0,
            "status_code": 512,
            "yield_wh": 27_323_280,
        },
    )
    profile = load_profile("huawei-sun2000-hybrid")
    mapped = {a for p in profile.points for a in range(p.address, p.end)}
    # the AC registers that carry battery flows are read (inside 32064-32089) but mapped to nothing
    assert not {32080, 32081, 32106, 32107, 32114, 32115} & mapped
    # the battery is reported by huawei-sun2000-battery from 37xxx only: no register is read by both profiles
    read = {a for b in profile.blocks for a in range(b.address, b.address + b.count)}
    battery = load_profile("huawei-sun2000-battery")
    assert not read & {a for b in battery.blocks for a in range(b.address, b.address + b.count)}


def test_sun2000_hybrid_invalid_patterns_are_missing():
    values = decode(
        "huawei-sun2000-hybrid", {(H, 32064): 0x7FFF, (H, 32065): 0xFFFF, (H, 32108): 0xFFFF, (H, 32109): 0xFFFF}
    )
    assert values["power_w"] is None and values["yield_wh"] is None  # I32 0x7FFFFFFF, U32 0xFFFFFFFF


# -- EMMA: its own map; PV, battery and grid aggregates ---------------------------------------------------------------


def test_emma_pv_uses_the_pv_values_not_the_inverter_output():
    regs = {
        (H, 30344): 0x0000,
        (H, 30345): 0x2710,  # Inverter total energy yield (incl. battery discharge): not read
        (H, 30348): 0x0000,
        (H, 30349): 0x0000,
        (H, 30350): 0x0012,
        (H, 30351): 0xD687,  # Total PV energy yield U64, kWh gain 100: 0x12D687 = 1234567 -> 12345.67 kWh
        #                                         = 12345670 Wh
        (H, 30354): 0x0001,
        (H, 30355): 0x1170,  # PV output power U32, W: 0x11170 = 70000 W
        (H, 30364): 0x0001,
        (H, 30365): 0x5F90,  # Inverter active power 90000 W (PV + battery): not read
    }
    assert_values(decode("huawei-emma", regs), {"yield_wh": 12_345_670, "power_w": 70_000})
    assert decode("huawei-emma", {(H, 30354): 0xFFFF, (H, 30355): 0xFFFF})["power_w"] is None  # U32 all ones


def test_emma_battery_charging_is_negative_and_counters_are_the_lifetime_ones():
    regs = {
        (H, 30308): 0x0000,
        (H, 30309): 0x0000,
        (H, 30310): 0x0001,
        (H, 30311): 0x86A0,  # Total charged energy U64, kWh gain 100: 0x186A0 = 100000 -> 1000.00 kWh = 1000000 Wh
        (H, 30312): 0x0000,
        (H, 30313): 0x04D2,  # Energy discharged TODAY (12.34 kWh): not the lifetime counter, not mapped
        (H, 30314): 0x0000,
        (H, 30315): 0x0000,
        (H, 30316): 0x0001,
        (H, 30317): 0x5F90,  # Total discharged energy U64: 0x15F90 = 90000 -> 900.00 kWh = 900000 Wh
        (H, 30360): 0x0000,
        (H, 30361): 0x0FA0,  # Battery charge/discharge power I32 W, Huawei + = charging: 4000 -> ours -4000 W
        (H, 30368): 8750,  # SOC U16, % gain 100 -> 87.50 %
    }
    assert_values(
        decode("huawei-emma-battery", regs),
        {"charged_wh": 1_000_000, "discharged_wh": 900_000, "power_w": -4000, "soc_pct": 87.5},
    )
    regs[(H, 30360)], regs[(H, 30361)] = 0xFFFF, 0xF830  # Huawei -2000 (discharging) -> ours +2000 W
    assert decode("huawei-emma-battery", regs)["power_w"] == 2000
    regs[(H, 30360)], regs[(H, 30361)] = 0x7FFF, 0xFFFF  # not available -> missing
    assert decode("huawei-emma-battery", regs)["power_w"] is None


def test_emma_meter_import_is_positive_and_positive_energy_is_import():
    regs = {
        (H, 31639): 0x0000,
        (H, 31640): 0x5A0A,  # Phase A voltage U32, V gain 100: 23050 -> 230.50 V
        (H, 31641): 0x0000,
        (H, 31642): 0x59D8,  # Phase B voltage: 23000 -> 230.00 V
        (H, 31643): 0xFFFF,
        (H, 31644): 0xFFFF,  # Phase C voltage: U32 all ones -> missing
        (H, 31645): 0x0000,
        (H, 31646): 0x9C40,  # Line voltage A-B U32, V gain 100: 40000 -> 400.00 V
        (H, 31647): 0x0000,
        (H, 31648): 0x9C72,  # Line voltage B-C: 40050 -> 400.50 V
        (H, 31649): 0x0000,
        (H, 31650): 0x9C0E,  # Line voltage C-A: 39950 -> 399.50 V
        (H, 31651): 0x0000,
        (H, 31652): 0x007B,  # Phase A current I32, A gain 10: 123 -> 12.3 A
        (H, 31653): 0xFFFF,
        (H, 31654): 0xFFF6,  # Phase B current: -10 -> -1.0 A (as reported)
        (H, 31655): 0x0000,
        (H, 31656): 0x0000,  # Phase C current 0 A
        (H, 31657): 0x0000,
        (H, 31658): 0x0DAC,  # Active power I32 W, EMMA + = supply from grid: 3500 -> ours +3500 W import
        (H, 31679): 0x0000,
        (H, 31680): 0x0000,
        (H, 31681): 0x0000,
        (H, 31682): 0x3039,  # Total negative active energy I64, kWh gain 100: 12345 -> 123.45 kWh = 123450 Wh EXPORT
        (H, 31687): 0x0000,
        (H, 31688): 0x0000,
        (H, 31689): 0x0001,
        (H, 31690): 0x0000,  # Total positive active energy I64: 65536 -> 655.36 kWh = 655360 Wh IMPORT
    }
    assert_values(
        decode("huawei-emma-meter", regs),
        {
            "voltage_l1_v": 230.5,
            "voltage_l2_v": 230.0,
            "voltage_l3_v": None,
            "voltage_l1_l2_v": 400.0,
            "voltage_l2_l3_v": 400.5,
            "voltage_l3_l1_v": 399.5,
            "current_l1_a": 12.3,
            "current_l2_a": -1.0,
            "current_l3_a": 0.0,
            "power_w": 3500,
            "exported_wh": 123_450,
            "imported_wh": 655_360,
        },
    )
    regs[(H, 31657)], regs[(H, 31658)] = 0xFFFF, 0xEC78  # EMMA -5000 (feed-in) -> ours -5000 W export
    assert decode("huawei-emma-meter", regs)["power_w"] == -5000


# -- SmartLogger: plant registers at unit 0, meter at its logical address -----------------------------------------


def test_smartlogger_plant_ac_power_and_yield():
    regs = {
        (H, 40521): 0x0001,
        (H, 40522): 0xE848,  # Input power I32, kW gain 1000: 0x1E848 = 125000 -> 125.000 kW = 125000 W (DC)
        (H, 40523): 0x0000,
        (H, 40524): 0x1234,  # CO2 reduction (not mapped)
        (H, 40525): 0x0001,
        (H, 40526): 0xDCD8,  # Active power I32, kW gain 1000: 0x1DCD8 = 122072 -> 122072 W (AC)
        (H, 40560): 0x0012,
        (H, 40561): 0xD687,  # Total energy yield U32, kWh gain 10: 0x12D687 = 1234567 -> 123456.7 kWh = 123456700 Wh
    }
    assert_values(
        decode("huawei-smartlogger", regs),
        {"dc_power_w": 125_000, "power_w": 122_072, "yield_wh": 123_456_700},
    )
    values = decode(
        "huawei-smartlogger", {(H, 40525): 0x7FFF, (H, 40526): 0xFFFF, (H, 40560): 0xFFFF, (H, 40561): 0xFFFF}
    )
    assert values["power_w"] is None and values["yield_wh"] is None


def test_smartlogger_hybrid_pv_excludes_the_ac_registers_that_carry_battery_discharge():
    regs = {
        (H, 40446): 0x0000,
        (H, 40447): 0x0000,
        (H, 40448): 0x00BC,
        (H, 40449): 0x614E,  # Accumulated PV energy yield I64, kWh gain 100: 0xBC614E = 12345678 -> 123456.78 kWh
        #                                         = 123456780 Wh
        (H, 40521): 0x0000,
        (H, 40522): 0xC350,  # Input power I32 W: 50000 W (PV strings)
        (H, 40525): 0x0000,
        (H, 40526): 0xEA60,  # Active power 60000 W incl. 10 kW battery discharge: not read
    }
    assert_values(decode("huawei-smartlogger-hybrid", regs), {"yield_wh": 123_456_780, "power_w": 50_000})
    profile = load_profile("huawei-smartlogger-hybrid")
    read = {a for b in profile.blocks for a in range(b.address, b.address + b.count)}
    assert not {40525, 40526, 40560, 40561} & read  # the plant's AC power and AC yield are not even read


def test_smartlogger_meter_import_is_positive_and_positive_energy_is_import():
    regs = {
        (H, 32260): 0x0000,
        (H, 32261): 0x5A3C,  # Phase A voltage U32, V gain 100: 23100 -> 231.00 V
        (H, 32262): 0x0000,
        (H, 32263): 0x5A28,  # Phase B: 23080 -> 230.80 V
        (H, 32264): 0x0000,
        (H, 32265): 0x5A14,  # Phase C: 23060 -> 230.60 V
        (H, 32266): 0x0000,
        (H, 32267): 0x9CA4,  # A-B line voltage U32, V gain 100: 40100 -> 401.00 V
        (H, 32268): 0x0000,
        (H, 32269): 0x9C40,  # B-C: 40000 -> 400.00 V
        (H, 32270): 0xFFFF,
        (H, 32271): 0xFFFF,  # C-A: U32 all ones -> missing
        (H, 32272): 0x0000,
        (H, 32273): 0x04D2,  # Phase A current I32, A gain 10: 1234 -> 123.4 A
        (H, 32274): 0x0000,
        (H, 32275): 0x04B0,  # Phase B: 1200 -> 120.0 A
        (H, 32276): 0x7FFF,
        (H, 32277): 0xFFFF,  # Phase C: I32 0x7FFFFFFF -> missing
        (H, 32278): 0x0001,
        (H, 32279): 0x5F90,  # Active power I32, kW gain 1000: 0x15F90 = 90000 -> 90000 W, + = import (no flip)
        (H, 32280): 0xFFFF,
        (H, 32281): 0xD8F0,  # Reactive power I32 var: -10000 -> -10000 var (as reported)
        (H, 32284): 985,  # Power factor I16, gain 1000 -> 0.985
        (H, 32349): 0x0000,
        (H, 32350): 0x0000,
        (H, 32351): 0x0000,
        (H, 32352): 0x3039,  # Negative active energy I64, kWh gain 100: 12345 -> 123.45 kWh = 123450 Wh EXPORT
        (H, 32357): 0x0000,
        (H, 32358): 0x0000,
        (H, 32359): 0x0098,
        (H, 32360): 0x9680,  # Positive active energy I64: 0x989680 = 10000000 -> 100000.00 kWh = 100000000 Wh IMPORT
    }
    assert_values(
        decode("huawei-smartlogger-meter", regs),
        {
            "voltage_l1_v": 231.0,
            "voltage_l2_v": 230.8,
            "voltage_l3_v": 230.6,
            "voltage_l1_l2_v": 401.0,
            "voltage_l2_l3_v": 400.0,
            "voltage_l3_l1_v": None,
            "current_l1_a": 123.4,
            "current_l2_a": 120.0,
            "current_l3_a": None,
            "power_w": 90_000,
            "reactive_power_var": -10_000,
            "power_factor": 0.985,
            "exported_wh": 123_450,
            "imported_wh": 100_000_000,
        },
    )
    regs[(H, 32278)], regs[(H, 32279)] = 0xFFFF, 0x3CB0  # -50000 (feed-in) -> ours -50000 W export
    assert decode("huawei-smartlogger-meter", regs)["power_w"] == -50_000


# -- SMA Sunny Tripower, SMA Modbus profile (unit 3) --------------------------------------------------------------


def test_sma_modbus_decodes_the_sma_modbus_list_registers():
    regs = {
        (H, 30201): 0x0000,
        (H, 30202): 0x0133,  # Operation.Health U32: 0x133 = 307 "Ok"
        (H, 30513): 0x0000,
        (H, 30514): 0x0001,
        (H, 30515): 0x0000,
        (H, 30516): 0x0000,  # Metering.TotWhOut U64 Wh: 0x0000_0001_0000_0000 = 4294967296 Wh (past the U32 copy)
        (H, 30775): 0x0000,
        (H, 30776): 0xC350,  # GridMs.TotW S32 W: 50000 W generation
        (H, 30783): 0x0000,
        (H, 30784): 0x5A0A,  # GridMs.PhV.phsA U32 FIX2: 23050 -> 230.50 V
        (H, 30785): 0x0000,
        (H, 30786): 0x59F6,  # phsB: 23030 -> 230.30 V
        (H, 30787): 0xFFFF,
        (H, 30788): 0xFFFF,  # phsC: U32 NaN -> missing
        (H, 30789): 0x0000,
        (H, 30790): 0x9C40,  # GridMs.PhV.phsA2B U32 FIX2: 40000 -> 400.00 V (line-to-line)
        (H, 30791): 0x0000,
        (H, 30792): 0x9C72,  # phsB2C: 40050 -> 400.50 V
        (H, 30793): 0x0000,
        (H, 30794): 0x9C0E,  # phsC2A: 39950 -> 399.50 V
        (H, 30795): 0x0000,
        (H, 30796): 0x1234,  # GridMs.TotA (not mapped)
        (H, 30803): 0x0000,
        (H, 30804): 0x1388,  # GridMs.Hz U32 FIX2: 5000 -> 50.00 Hz
        (H, 30805): 0xFFFF,
        (H, 30806): 0xFC18,  # GridMs.TotVAr S32: -1000 var
        (H, 30949): 0x0000,
        (H, 30950): 0x03E2,  # GridMs.TotPFPrc U32 FIX3: 994 -> 0.994
        (H, 30953): 0x0000,
        (H, 30954): 0x01C7,  # Coolsys.Cab.TmpVal S32 TEMP: 455 -> 45.5 degC
        (H, 30977): 0x0001,
        (H, 30978): 0x1170,  # GridMs.A.phsA S32 FIX3: 70000 -> 70.000 A
        (H, 30979): 0x0001,
        (H, 30980): 0x10DC,  # phsB: 69852 -> 69.852 A
        (H, 30981): 0x8000,
        (H, 30982): 0x0000,  # phsC: S32 NaN 0x80000000 -> missing
    }
    assert_values(
        decode("sma-modbus", regs),
        {
            "status_code": 307,
            "yield_wh": 4_294_967_296,
            "power_w": 50_000,
            "voltage_l1_v": 230.5,
            "voltage_l2_v": 230.3,
            "voltage_l3_v": None,
            "voltage_l1_l2_v": 400.0,
            "voltage_l2_l3_v": 400.5,
            "voltage_l3_l1_v": 399.5,
            "frequency_hz": 50.0,
            "reactive_power_var": -1000,
            "power_factor": 0.994,
            "temperature_c": 45.5,
            "current_l1_a": 70.0,
            "current_l2_a": 69.852,
            "current_l3_a": None,
        },
    )


def test_sma_modbus_nan_values_are_missing():
    regs = {
        (H, 30201): 0x00FF,
        (H, 30202): 0xFFFD,  # status value NaN: lower 24 bits 0xFFFFFD
        (H, 30513): 0xFFFF,
        (H, 30514): 0xFFFF,
        (H, 30515): 0xFFFF,
        (H, 30516): 0xFFFF,  # U64 NaN
        (H, 30775): 0x8000,
        (H, 30776): 0x0000,  # S32 NaN (inverter in standby at night)
        (H, 30953): 0x8000,
        (H, 30954): 0x0000,  # S32 NaN temperature
    }
    values = decode("sma-modbus", regs)
    for q in ("status_code", "yield_wh", "power_w", "temperature_c"):
        assert values[q] is None, q
    # a real negative reading stays a number: -5 W at night is not NaN
    assert decode("sma-modbus", {(H, 30775): 0xFFFF, (H, 30776): 0xFFFB})["power_w"] == -5
