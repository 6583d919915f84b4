"""Sofar G3 (string and HYD 3PH hybrid) and GoodWe ET/EH hybrid profiles: register words in, canonical values out.

Every expected value is worked out by hand from the vendor's documented type, unit and gain (the comment on each
register says how); the profiles cite their sources. The GoodWe words are transcribed from real device captures in
marcelblijleven/goodwe (tests/sample/et/GW10K-ET_running_data.hex, GW10K-ET_battery_info.hex,
GW20K-ET_running_data.hex, GW6000_EH_running_data.hex: AA55 frames whose data starts at register 35100 or 37000).
No Sofar register dump is public in the cited repositories, so the Sofar words are hand-written.
Sign conventions under test: pv + = generation, storage + = discharge / - = charge.
"""

from __future__ import annotations

import pytest

from drivers.profile_file import builtin_names, load_profile
from drivers.quantities import Role

from register_words import H, assert_values, decode, spans, words_for_blocks

PROFILES = {
    # name (a contract: site configs use it) -> role
    "goodwe-et": Role.PV,
    "goodwe-et-battery": Role.STORAGE,
    "sofar-string": Role.PV,
    "sofar-hyd": Role.PV,
    "sofar-hyd-battery": Role.STORAGE,
}


# -- the contract: names, roles, reads ----------------------------------------------------------


def test_no_legacy_sofar_map_is_shipped():
    # the 0x0000-range KTL-X map: the two public sources disagree on the three-phase layout (see sofar-string.toml)
    assert "sofar-string-legacy" not in builtin_names()


EXPECTED_READS = {
    # GoodWe: inside the 125-register running-data read 35100-35224 and the 24-register battery read from 37000
    "goodwe-et": [(H, 35105, 88)],
    "goodwe-et-battery": [(H, 35182, 29), (H, 37003, 6)],
    # Sofar: at most 48 registers (solax-modbus block_size), never across the areas it reads separately
    "sofar-string": [(H, 0x0404, 23), (H, 0x0484, 33), (H, 0x05C4, 1), (H, 0x0686, 2)],
    "sofar-hyd": [(H, 0x0404, 23), (H, 0x0484, 32), (H, 0x05C4, 1), (H, 0x0686, 2)],
    "sofar-hyd-battery": [(H, 0x0607, 1), (H, 0x0667, 3), (H, 0x0696, 6)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_READS))
def test_reads_per_poll(name):
    profile = load_profile(name)
    assert spans(profile) == EXPECTED_READS[name]
    limit = 125 if name.startswith("goodwe") else 48
    assert all(b.count <= limit and b.function_code == 3 for b in profile.blocks)


def test_hybrid_pv_profiles_read_no_battery_or_ac_output_register():
    # PV must be PV only: no battery block and not the hybrid's AC output power (which includes battery discharge)
    hyd = {(p.table, p.address) for p in load_profile("sofar-hyd").points}
    assert (H, 0x0485) not in hyd and not any(0x0600 <= a < 0x0680 for _, a in hyd)
    et = {(p.table, p.address) for p in load_profile("goodwe-et").points}
    assert not {(H, 35138), (H, 35140), (H, 35182), (H, 35195)} & et


# -- GoodWe ET/EH (real captures) ------------------------------------------------------------


GW10K_ET_RUNNING = {
    # tests/sample/et/GW10K-ET_running_data.hex (decoded in goodwe tests/test_et.py as ppv1 1695 W, ppv2 1761 W)
    (H, 35105): 0x0000,
    (H, 35106): 0x069F,  # Ppv1 U32 W: 0x0000069F = 1695 W
    (H, 35107): 0x0CFE,  # Vpv2 (not mapped)
    (H, 35108): 0x0035,  # Ipv2 (not mapped)
    (H, 35109): 0x0000,
    (H, 35110): 0x06E1,  # Ppv2 U32 W: 0x06E1 = 1761 W
    (H, 35113): 0x0000,
    (H, 35114): 0x0000,  # Ppv3: 0 W (two-string unit reports 0)
    (H, 35117): 0x0000,
    (H, 35118): 0x0000,  # Ppv4: 0 W
    (H, 35121): 0x0959,  # Vgrid U16 0.1 V: 2393 -> 239.3 V
    (H, 35123): 0x1387,  # Fgrid U16 0.01 Hz: 4999 -> 49.99 Hz
    (H, 35126): 0x096F,  # Vgrid2: 2415 -> 241.5 V
    (H, 35131): 0x096B,  # Vgrid3: 2411 -> 241.1 V
    (H, 35176): 0x024B,  # radiator temperature S16 0.1 degC: 587 -> 58.7 degC
    (H, 35182): 0xFFFF,
    (H, 35183): 0xF630,  # Pbattery1 S32 W: 0xFFFFF630 = -2512 W (battery mode 3 = charge)
    (H, 35184): 0x0003,  # battery mode 3 "Charge"
    (H, 35187): 0x0001,  # work mode 1 "Normal (On-Grid)"
    (H, 35191): 0x0000,
    (H, 35192): 0xEDB5,  # PV E-Total U32 0.1 kWh: 60853 -> 6085.3 kWh = 6_085_300 Wh
    (H, 35206): 0x0000,
    (H, 35207): 0x6BBD,  # total battery charge U32 0.1 kWh: 27581 -> 2758.1 kWh = 2_758_100 Wh
    (H, 35209): 0x0000,
    (H, 35210): 0x5F65,  # total battery discharge U32 0.1 kWh: 24421 -> 2442.1 kWh = 2_442_100 Wh
}
GW10K_ET_BATTERY = {
    # tests/sample/et/GW10K-ET_battery_info.hex (data from 37000)
    (H, 37003): 0x015E,  # battery temperature S16 0.1 degC: 350 -> 35.0 degC
    (H, 37007): 0x0044,  # SoC U16 %: 68 %
    (H, 37008): 0x0063,  # SoH U16 %: 99 %
}


def test_goodwe_et_pv_from_the_gw10k_et_capture():
    assert_values(
        decode("goodwe-et", GW10K_ET_RUNNING),
        {
            "power_w": 1695 + 1761 + 0 + 0,  # 3456 W, goodwe's own "ppv" for this capture
            "voltage_l1_v": 239.3,
            "frequency_hz": 49.99,
            "voltage_l2_v": 241.5,
            "voltage_l3_v": 241.1,
            "temperature_c": 58.7,
            "status_code": 1,
            "yield_wh": 6_085_300,
        },
    )


def test_goodwe_et_battery_from_the_gw10k_et_capture_charging_is_negative():
    assert_values(
        decode("goodwe-et-battery", GW10K_ET_RUNNING | GW10K_ET_BATTERY),
        {
            "power_w": -2512,  # charging (battery mode 3): - = charge, as GoodWe reports it
            "status_code": 3,
            "charged_wh": 2_758_100,
            "discharged_wh": 2_442_100,
            "temperature_c": 35.0,
            "soc_pct": 68,
            "soh_pct": 99,
        },
    )


def test_goodwe_et_gw20k_capture_pv_and_battery():
    running = {
        # tests/sample/et/GW20K-ET_running_data.hex
        (H, 35105): 0x0000,
        (H, 35106): 0x044A,  # Ppv1: 1098 W
        (H, 35109): 0x0000,
        (H, 35110): 0x03E5,  # Ppv2: 997 W
        (H, 35111): 0x163D,  # Vpv3 569.3 V with no current (not mapped)
        (H, 35115): 0x163D,  # Vpv4 (not mapped); Ppv3/Ppv4 are 0
        (H, 35121): 0x0922,  # 2338 -> 233.8 V
        (H, 35123): 0x1387,  # 49.99 Hz
        (H, 35126): 0x0921,  # 2337 -> 233.7 V
        (H, 35131): 0x092B,  # 2347 -> 234.7 V
        (H, 35176): 0x01A6,  # 422 -> 42.2 degC
        (H, 35182): 0xFFFF,
        (H, 35183): 0xFF67,  # 0xFFFFFF67 = -153 W (battery mode 3, charging)
        (H, 35184): 0x0003,
        (H, 35187): 0x0001,
        (H, 35192): 0x01F5,  # 501 -> 50.1 kWh PV (less than the 303.6 kWh discharged: no battery energy in it)
        (H, 35207): 0x0EE9,  # 3817 -> 381.7 kWh charged
        (H, 35210): 0x0BDC,  # 3036 -> 303.6 kWh discharged
    }
    battery = {(H, 37003): 0x008D, (H, 37007): 0x0064, (H, 37008): 0x0064}  # GW20K-ET_battery_info.hex: 14.1 degC
    pv = decode("goodwe-et", running)
    assert pv["power_w"] == 2095  # = goodwe's ppv and the capture's 35301 "PV Power Total" (GW20K-ET_mppt_data.hex)
    assert pv["yield_wh"] == 50_100 and pv["voltage_l3_v"] == pytest.approx(234.7)
    assert_values(
        decode("goodwe-et-battery", running | battery),
        {
            "power_w": -153,
            "status_code": 3,
            "charged_wh": 381_700,
            "discharged_wh": 303_600,
            "temperature_c": 14.1,
            "soc_pct": 100,
            "soh_pct": 100,
        },
    )


def test_goodwe_eh_single_phase_two_string_capture_counts_the_absent_strings_as_zero():
    running = {
        # tests/sample/et/GW6000_EH_running_data.hex: PV3/PV4 and L2/L3 are 0xFFFF (undefined on this model)
        (H, 35105): 0x0000,
        (H, 35106): 0x0359,  # Ppv1 857 W
        (H, 35109): 0x0000,
        (H, 35110): 0x02B3,  # Ppv2 691 W
        **{(H, a): 0xFFFF for a in range(35111, 35119)},  # PV3/PV4 voltage, current, power: undefined
        (H, 35121): 0x093E,  # 2366 -> 236.6 V
        (H, 35123): 0x1385,  # 4997 -> 49.97 Hz
        (H, 35126): 0xFFFF,  # L2 voltage: undefined
        (H, 35131): 0xFFFF,  # L3 voltage: undefined
        (H, 35176): 0x0182,  # 386 -> 38.6 degC
        (H, 35187): 0x0001,
        (H, 35192): 0x0252,  # 594 -> 59.4 kWh
    }
    assert_values(
        decode("goodwe-et", running),
        {
            "power_w": 857 + 691,  # PV3, PV4 read 0xFFFFFFFF (not fitted): 0 W, never 4294968843 W
            "voltage_l1_v": 236.6,
            "frequency_hz": 49.97,
            "voltage_l2_v": None,
            "voltage_l3_v": None,
            "temperature_c": 38.6,
            "status_code": 1,
            "yield_wh": 59_400,
        },
    )
    running[(H, 35106)] = running[(H, 35105)] = 0xFFFF  # PV1 itself undefined: the total is unknown
    assert decode("goodwe-et", running)["power_w"] is None


def test_goodwe_et_temperature_not_available_patterns_and_failed_battery_read():
    regs = GW10K_ET_RUNNING | {(H, 35176): 0xFFFF}  # Temp -1 means "not available" in goodwe's read_temp
    assert decode("goodwe-et", regs)["temperature_c"] is None
    profile = load_profile("goodwe-et-battery")
    words = words_for_blocks(profile, GW10K_ET_RUNNING | GW10K_ET_BATTERY)
    values = profile.decode_blocks([words[0], None])  # the BMS read 37003- fails (e.g. no battery)
    assert values["power_w"] == -2512 and values["discharged_wh"] == 2_442_100
    assert values["soc_pct"] is None and values["soh_pct"] is None and values["temperature_c"] is None


# -- Sofar G3 map (hand-written words) --------------------------------------------------------


SOFAR_COMMON = {
    (H, 0x0404): 2,  # system state 2 = grid-connected
    (H, 0x041A): 0xFFF6,  # heatsink temperature 1 S16 degC: -10 -> -10 degC
    (H, 0x0484): 5003,  # grid frequency U16 0.01 Hz -> 50.03 Hz
    (H, 0x048D): 2301,  # Voltage_Phase_R U16 0.1 V -> 230.1 V
    (H, 0x0498): 2295,  # Voltage_Phase_S -> 229.5 V
    (H, 0x04A3): 0xFFFF,  # Voltage_Phase_T: U16 0xFFFF = not available -> missing
    (H, 0x05C4): 456,  # Power_PV_Total U16 0.1 kW: 45.6 kW -> 45_600 W
    (H, 0x0686): 0x0001,
    (H, 0x0687): 0xE240,  # PV_Generation_Total U32 high word first, 0.1 kWh: 0x1E240 = 123456 -> 12_345_600 Wh
}


def test_sofar_string_decodes_the_g3_map():
    regs = SOFAR_COMMON | {
        (H, 0x0485): 4480,  # ActivePower_Output_Total S16 0.01 kW: 44.80 kW -> 44_800 W
        (H, 0x0486): 0xFF88,  # ReactivePower_Output_Total S16 0.01 kvar: -120 -> -1200 var
        (H, 0x048E): 6520,  # Current_Output_R U16 0.01 A -> 65.20 A
        (H, 0x0499): 6498,  # Current_Output_S -> 64.98 A
        (H, 0x04A4): 0,  # Current_Output_T -> 0 A
    }
    assert_values(
        decode("sofar-string", regs),
        {
            "status_code": 2,
            "temperature_c": -10,
            "frequency_hz": 50.03,
            "power_w": 44_800,
            "reactive_power_var": -1200,
            "voltage_l1_v": 230.1,
            "current_l1_a": 65.20,
            "voltage_l2_v": 229.5,
            "current_l2_a": 64.98,
            "voltage_l3_v": None,
            "current_l3_a": 0.0,
            "dc_power_w": 45_600,
            "yield_wh": 12_345_600,
        },
    )


def test_sofar_string_power_not_available():
    assert decode("sofar-string", SOFAR_COMMON | {(H, 0x0485): 0x8000})["power_w"] is None  # S16 0x8000


def test_sofar_hyd_pv_is_the_pv_input_not_the_ac_output():
    regs = SOFAR_COMMON | {(H, 0x0485): 0xFC18}  # AC output -1000 (x 10 W, battery charging): must not show
    assert_values(
        decode("sofar-hyd", regs),
        {
            "status_code": 2,
            "temperature_c": -10,
            "frequency_hz": 50.03,
            "voltage_l1_v": 230.1,
            "voltage_l2_v": 229.5,
            "voltage_l3_v": None,
            "power_w": 45_600,  # 0x05C4 PV input, 456 x 100 W
            "yield_wh": 12_345_600,
        },
    )


@pytest.mark.parametrize(
    ("raw", "watts"),
    [
        (25, -2_500),  # Sofar +2.5 kW = charging -> - 2500 W (charge)
        (0xFFE7, 2_500),  # S16 -25 -> Sofar -2.5 kW = discharging -> + 2500 W
        (0, 0),
        (0x8000, None),  # S16 not available -> missing
    ],
)
def test_sofar_hyd_battery_sign(raw, watts):
    values = decode("sofar-hyd-battery", {(H, 0x0667): raw})
    assert values["power_w"] == watts


def test_sofar_hyd_battery_decodes_the_totals():
    regs = {
        (H, 0x0607): 27,  # battery temperature 1 S16 degC -> 27 degC
        (H, 0x0667): 0xFFCE,  # Power_Bat_Total S16 0.1 kW: -50 -> -5.0 kW Sofar (discharging) -> +5000 W
        (H, 0x0668): 64,  # SoC total U16 % -> 64 %
        (H, 0x0669): 97,  # SoH total U16 % -> 97 %
        (H, 0x0696): 0x0000,
        (H, 0x0697): 0x3039,  # Bat charge total U32 0.1 kWh: 12345 -> 1234.5 kWh = 1_234_500 Wh
        (H, 0x069A): 0x0001,
        (H, 0x069B): 0x0000,  # Bat discharge total: 0x10000 = 65536 -> 6553.6 kWh = 6_553_600 Wh (high word first)
    }
    assert_values(
        decode("sofar-hyd-battery", regs),
        {
            "temperature_c": 27,
            "power_w": 5_000,
            "soc_pct": 64,
            "soh_pct": 97,
            "charged_wh": 1_234_500,
            "discharged_wh": 6_553_600,
        },
    )
