"""String and hybrid inverters of Chinese parks (GoodWe, Solis, Growatt, Deye): register words in, canonical values out.

Every expected value is worked out by hand from the vendor's documented type, unit and gain (the comment on each
register says how); the profiles cite their sources. The GoodWe words are those of a real GW20K-SDT-20 capture
(marcelblijleven/goodwe tests/sample/dt/GW20K-SDT-20_running_data.hex). Sign conventions under test:
pv + = generation, storage + = discharge / - = charge.
"""

from __future__ import annotations

import pytest

from drivers.profile_file import load_profile
from drivers.quantities import Role

from register_words import H, I, assert_values, decode, spans

PROFILES = {
    # name (a contract: site configs use it) -> role
    "goodwe-dt": Role.PV,
    "solis-string": Role.PV,
    "growatt-max": Role.PV,
    "deye-sun": Role.PV,
    "deye-sun-battery": Role.STORAGE,
}


# -- the contract: names, roles, reads ----------------------------------------------------------


EXPECTED_READS = {
    # GoodWe: one read inside the 73-register running-data block goodwe reads from 30100
    "goodwe-dt": [(H, 30115, 32)],
    # Solis: one read, within the protocol's recommended 50 registers per request
    "solis-string": [(I, 3004, 40)],
    # Growatt: one read 0-93, within the 100 registers per request the integrations use
    "growatt-max": [(I, 0, 94)],
    # Deye: energy counters and battery values, two short reads
    "deye-sun-battery": [(H, 516, 4), (H, 588, 3)],
    # Deye PV: the PV production counter and the four MPPT input powers
    "deye-sun": [(H, 534, 2), (H, 672, 4)],
}

READ_LIMITS = {"goodwe-dt": 73, "solis-string": 50, "growatt-max": 100, "deye-sun-battery": 87, "deye-sun": 87}


@pytest.mark.parametrize("name", sorted(EXPECTED_READS))
def test_reads_per_poll_and_read_limits(name):
    profile = load_profile(name)
    assert spans(profile) == EXPECTED_READS[name]
    assert all(b.count <= READ_LIMITS[name] for b in profile.blocks)
    assert {b.function_code for b in profile.blocks} == ({3} if profile.blocks[0].table == H else {4})


def test_line_to_line_voltages_are_never_mapped_as_phase_voltages():
    # GoodWe 30115-30117 and Growatt 50-52 are the line voltages; Solis 3033-3035 change meaning with the AC
    # output type (3P4W phase / 3P3W line) and are not mapped at all.
    line = {"voltage_l1_l2_v", "voltage_l2_l3_v", "voltage_l3_l1_v"}
    by_address = {name: {p.address: p.quantity for p in load_profile(name).points} for name in PROFILES}
    assert {by_address["goodwe-dt"][a] for a in (30115, 30116, 30117)} == line
    assert {by_address["growatt-max"][a] for a in (50, 51, 52)} == line
    assert not {3033, 3034, 3035} & set(by_address["solis-string"])
    assert not {"voltage_l1_v", "voltage_l2_v", "voltage_l3_v"} & set(load_profile("solis-string").quantities)


# -- GoodWe DT/SDT/MT (holding, big-endian) -------------------------------------------------------

GW20K_SDT_20 = {
    # words of a real GW20K-SDT-20 (goodwe tests/sample/dt/GW20K-SDT-20_running_data.hex)
    (H, 30115): 0x0FBA,  # Vline1 L1-L2, U16 0.1 V: 4026 -> 402.6 V
    (H, 30116): 0x0FBA,  # Vline2 L2-L3: 402.6 V
    (H, 30117): 0x0FB8,  # Vline3 L3-L1: 4024 -> 402.4 V
    (H, 30118): 0x0914,  # Vgrid1 phase L1, U16 0.1 V: 2324 -> 232.4 V
    (H, 30119): 0x091D,  # Vgrid2: 2333 -> 233.3 V
    (H, 30120): 0x090A,  # Vgrid3: 2314 -> 231.4 V
    (H, 30121): 0x0055,  # Igrid1, U16 0.1 A: 85 -> 8.5 A
    (H, 30122): 0x0057,  # Igrid2: 87 -> 8.7 A
    (H, 30123): 0x0056,  # Igrid3: 86 -> 8.6 A
    (H, 30124): 0x1386,  # Fgrid1, U16 0.01 Hz: 4998 -> 49.98 Hz
    (H, 30125): 0x1385,  # Fgrid2 (not mapped)
    (H, 30126): 0x1386,  # Fgrid3 (not mapped)
    (H, 30127): 0x0000,
    (H, 30128): 0x116D,  # Total Power U32 W, high word first: 0x0000116D = 4461 W
    (H, 30129): 0x0001,  # Work mode: 1 = normal
    (H, 30134): 0x16D0,  # apparent power low word (not mapped)
    (H, 30135): 0xFFFF,
    (H, 30136): 0xF12F,  # Reactive power S32 var: 0xFFFFF12F = -3793 var
    (H, 30138): 0x17CE,  # "total input power" low word: not mapped (see the profile header)
    (H, 30139): 0x02FB,  # Power factor S16 / 1000: 763 -> 0.763
    (H, 30141): 0x0157,  # Inverter temperature S16 0.1 degC: 343 -> 34.3 degC
    (H, 30142): 0x0161,  # heatsink temperature (not mapped)
    (H, 30144): 0x0029,  # E-Day (not mapped)
    (H, 30145): 0x0001,
    (H, 30146): 0x3C44,  # E-Total U32 0.1 kWh: 0x00013C44 = 80964 -> 8096.4 kWh = 8096400 Wh
}


def test_goodwe_dt_decodes_a_real_sdt_capture():
    assert_values(
        decode("goodwe-dt", GW20K_SDT_20),
        {
            "voltage_l1_l2_v": 402.6,
            "voltage_l2_l3_v": 402.6,
            "voltage_l3_l1_v": 402.4,
            "voltage_l1_v": 232.4,
            "voltage_l2_v": 233.3,
            "voltage_l3_v": 231.4,
            "current_l1_a": 8.5,
            "current_l2_a": 8.7,
            "current_l3_a": 8.6,
            "frequency_hz": 49.98,
            "power_w": 4461,
            "status_code": 1,
            "reactive_power_var": -3793,
            "power_factor": 0.763,
            "temperature_c": 34.3,
            "yield_wh": 8_096_400,
        },
    )


def test_goodwe_dt_undefined_registers_are_missing():
    regs = dict(GW20K_SDT_20)
    # GW8K-DT capture: E-Total 0xFFFF 0xFFFF (U32 undefined); temperature 0xFFFF / 0x7FFF are "no reading" in goodwe
    regs[(H, 30145)], regs[(H, 30146)] = 0xFFFF, 0xFFFF
    regs[(H, 30141)] = 0xFFFF
    regs[(H, 30118)] = 0xFFFF  # U16 undefined
    values = decode("goodwe-dt", regs)
    assert values["yield_wh"] is None and values["temperature_c"] is None and values["voltage_l1_v"] is None
    regs[(H, 30141)] = 0x7FFF
    assert decode("goodwe-dt", regs)["temperature_c"] is None
    regs[(H, 30141)] = 0xFF9C  # -100 -> -10.0 degC: a real (cold) reading
    assert decode("goodwe-dt", regs)["temperature_c"] == pytest.approx(-10.0)
    assert "dc_power_w" not in load_profile("goodwe-dt").quantities


# -- Solis string (input, wire = document - 1, high word first) -----------------------------------


def test_solis_string_decodes_the_3000_series_input_registers():
    regs = {
        (I, 3004): 0x0001,
        (I, 3005): 0x5F90,  # Active power 32-bit W, high word first: 0x00015F90 = 90000 W
        (I, 3006): 0x0001,
        (I, 3007): 0x7318,  # Total DC output power: 0x00017318 = 95000 W
        (I, 3008): 0x0002,
        (I, 3009): 0x1A3B,  # Total energy U32 1 kWh: 0x00021A3B = 137787 kWh = 137787000 Wh
        (I, 3014): 2345,  # energy today (not mapped)
        (I, 3033): 4000,  # AC voltage A (phase or line, by AC output type): not mapped
        (I, 3036): 1302,  # A phase current U16 0.1 A -> 130.2 A
        (I, 3037): 1298,  # B -> 129.8 A
        (I, 3038): 1311,  # C -> 131.1 A
        (I, 3041): 0xFFCE,  # Inverter temperature S16 0.1 degC: -50 -> -5.0 degC
        (I, 3042): 5001,  # Grid frequency U16 0.01 Hz -> 50.01 Hz
        (I, 3043): 3,  # Inverter status: 3 = generating
    }
    assert_values(
        decode("solis-string", regs),
        {
            "power_w": 90_000,
            "dc_power_w": 95_000,
            "yield_wh": 137_787_000,
            "current_l1_a": 130.2,
            "current_l2_a": 129.8,
            "current_l3_a": 131.1,
            "temperature_c": -5.0,
            "frequency_hz": 50.01,
            "status_code": 3,
        },
    )


# -- Growatt MAX/MID/MOD (input, 0.1 W / 0.1 kWh, high word first) --------------------------------


def test_growatt_max_decodes_protocol_ii_input_registers():
    regs = {
        (I, 0): 1,  # Inverter status: 1 = normal
        (I, 1): 0x0001,
        (I, 2): 0x2345,  # Ppv U32 0.1 W: 0x00012345 = 74565 -> 7456.5 W
        (I, 35): 0x0000,
        (I, 36): 0xB0C5,  # Pac 32-bit 0.1 W: 0x0000B0C5 = 45253 -> 4525.3 W
        (I, 37): 4999,  # Fac U16 0.01 Hz -> 49.99 Hz
        (I, 38): 2301,  # Vac1 0.1 V -> 230.1 V
        (I, 39): 65,  # Iac1 0.1 A -> 6.5 A
        (I, 42): 2312,  # Vac2 -> 231.2 V
        (I, 43): 66,  # Iac2 -> 6.6 A
        (I, 46): 2298,  # Vac3 -> 229.8 V
        (I, 47): 64,  # Iac3 -> 6.4 A
        (I, 50): 3990,  # Vac_RS line voltage 0.1 V -> 399.0 V
        (I, 51): 4005,  # Vac_ST -> 400.5 V
        (I, 52): 3987,  # Vac_TR -> 398.7 V
        (I, 53): 0x0000,
        (I, 54): 0x0123,  # Eac today (not mapped)
        (I, 55): 0x0003,
        (I, 56): 0xD090,  # Eac total U32 0.1 kWh: 0x0003D090 = 250000 -> 25000.0 kWh = 25000000 Wh
        (I, 93): 0xFF38,  # Temp1 S16 0.1 degC: -200 -> -20.0 degC
    }
    assert_values(
        decode("growatt-max", regs),
        {
            "status_code": 1,
            "dc_power_w": 7456.5,
            "power_w": 4525.3,
            "frequency_hz": 49.99,
            "voltage_l1_v": 230.1,
            "current_l1_a": 6.5,
            "voltage_l2_v": 231.2,
            "current_l2_a": 6.6,
            "voltage_l3_v": 229.8,
            "current_l3_a": 6.4,
            "voltage_l1_l2_v": 399.0,
            "voltage_l2_l3_v": 400.5,
            "voltage_l3_l1_v": 398.7,
            "yield_wh": 25_000_000,
            "temperature_c": -20.0,
        },
    )
    # all-ones in the U32 counter: the dtype's "not implemented" pattern -> missing, not 429 GWh
    regs[(I, 55)], regs[(I, 56)] = 0xFFFF, 0xFFFF
    assert decode("growatt-max", regs)["yield_wh"] is None


# -- Deye SG04LP3 LV hybrid battery (holding, counters low word first) ----------------------------


def test_deye_battery_charging_is_negative_and_counters_are_low_word_first():
    charging = {
        (H, 516): 0x86A0,
        (H, 517): 0x0001,  # Total battery charge U32 LOW word first, 0.1 kWh: 0x000186A0 = 100000 -> 10000.0 kWh
        (H, 518): 0x5B8D,
        (H, 519): 0x0000,  # Total battery discharge: 0x00005B8D = 23437 -> 2343.7 kWh = 2343700 Wh
        (H, 586): 1250,  # battery temperature (offset 1000, not mapped)
        (H, 587): 5230,  # battery voltage 0.01 V (not mapped)
        (H, 588): 76,  # Battery SOC U16 1 % -> 76 %
        (H, 590): 0xF63C,  # Battery output power S16 W, Deye - = charge: -2500 W -> ours -2500 W (charging)
    }
    assert_values(
        decode("deye-sun-battery", charging),
        {
            "charged_wh": 10_000_000,
            "discharged_wh": 2_343_700,
            "soc_pct": 76,
            "power_w": -2500,
        },
    )
    discharging = dict(charging)
    discharging[(H, 590)] = 0x0BB8  # +3000 W: Deye + = discharge = ours
    assert decode("deye-sun-battery", discharging)["power_w"] == 3000
    discharging[(H, 590)] = 0x8000  # S16 "not implemented" pattern -> missing
    assert decode("deye-sun-battery", discharging)["power_w"] is None


# -- Deye SG04LP3 LV hybrid PV part (holding, PV power = sum of the MPPT input powers) ---------------


def test_deye_pv_is_the_sum_of_the_mppt_input_powers_and_the_pv_counter():
    regs = {
        (H, 534): 0xE240,
        (H, 535): 0x0001,  # Total PV production U32 LOW word first, 0.1 kWh: 0x0001E240 = 123456 -> 12345.6 kWh
        (H, 672): 4210,  # PV1 input power U16 W
        (H, 673): 3975,  # PV2 input power U16 W
        (H, 674): 0,  # PV3: a two-MPPT model reports 0
        (H, 675): 0,  # PV4
        (H, 590): 0x0BB8,  # battery discharging 3000 W: not part of PV, not read by this profile
    }
    assert_values(decode("deye-sun", regs), {"yield_wh": 12_345_600, "power_w": 4210 + 3975})
    regs[(H, 673)] = 0xFFFF  # PV2 "not implemented": the total is unknown -> missing, never PV1 alone
    assert decode("deye-sun", regs)["power_w"] is None
