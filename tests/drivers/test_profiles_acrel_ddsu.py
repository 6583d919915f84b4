"""Acrel ADL400 and Chint DDSU666 profiles: hand-written register words in, canonical values out.

Every expected value is worked out by hand from the documented type, unit and gain (the comment on each register
says how); the profiles cite their sources. Float words were written as IEEE-754 single precision, high word first
(e.g. 230.0 = 0x4366_0000). Grid sign convention: + = import, - = export.
"""

from __future__ import annotations

from drivers.profile import as_load_meter
from drivers.profile_file import builtin_names, load_profile
from drivers.quantities import REQUIRED, Role

from register_words import H, assert_values, decode, spans, words_for_blocks

# -- contract --------------------------------------------------------------------------------------


def test_profiles_are_shipped_as_grid_meters_without_ratios():
    for name in ("acrel-adl400", "chint-ddsu666"):
        assert name in builtin_names()
        profile = load_profile(name)
        assert profile.role is Role.GRID
        assert REQUIRED[Role.GRID] <= set(profile.quantities)
        # both read values that need no transformer ratio (ADL400: primary float area; DDSU666: direct connection)
        assert not {"ct_ratio", "pt_ratio"} & set(profile.quantities)
        assert all(b.function_code == 3 for b in profile.blocks)


def test_adl400_reads_only_mapped_registers_at_most_8_per_request():
    profile = load_profile("acrel-adl400")
    assert spans(profile) == [
        (H, 0x0800, 6),  # Ua Ub Uc
        (H, 0x080C, 6),  # Ia Ib Ic
        (H, 0x081A, 2),  # P total
        (H, 0x0832, 4),  # PF total, frequency
        (H, 0x084C, 2),  # forward active energy
        (H, 0x0856, 2),  # reverse active energy
    ]
    assert all(b.count <= 8 for b in profile.blocks)


def test_ddsu666_reads_like_the_bridge_two_requests():
    assert spans(load_profile("chint-ddsu666")) == [(H, 0x2000, 16), (H, 0x4000, 12)]


def test_ddsu666_is_single_phase():
    quantities = set(load_profile("chint-ddsu666").quantities)
    assert {"voltage_l1_v", "current_l1_a"} <= quantities
    assert not {"voltage_l2_v", "voltage_l3_v", "current_l2_a", "current_l3_a"} & quantities
    assert not {"voltage_l1_l2_v", "voltage_l2_l3_v", "voltage_l3_l1_v"} & quantities


# -- Acrel ADL400, primary float area --------------------------------------------------------------

ADL400_EXPORTING = {
    (H, 0x0800): 0x4366,  # Ua float V: 0x4366_0000 = 230.0 V
    (H, 0x0801): 0x0000,
    (H, 0x0802): 0x4367,  # Ub: 0x4367_8000 = 231.5 V
    (H, 0x0803): 0x8000,
    (H, 0x0804): 0x4365,  # Uc: 0x4365_0000 = 229.0 V
    (H, 0x0805): 0x0000,
    (H, 0x080C): 0x4148,  # Ia float A: 0x4148_0000 = 12.5 A
    (H, 0x080E): 0x4124,  # Ib: 0x4124_0000 = 10.25 A
    (H, 0x0810): 0x4100,  # Ic: 0x4100_0000 = 8.0 A
    (H, 0x081A): 0xC0F0,  # P total float kW: 0xC0F0_0000 = -7.5 kW (reverse) -> -7500 W (export)
    (H, 0x0832): 0x3F60,  # PF total float: 0x3F60_0000 = 0.875
    (H, 0x0834): 0x4248,  # F float Hz: 0x4248_0000 = 50.0 Hz
    (H, 0x084C): 0x0001,  # forward energy u32 0.1 kWh: 0x0001_E240 = 123456 -> 12345.6 kWh = 12_345_600 Wh
    (H, 0x084D): 0xE240,
    (H, 0x0856): 0x0000,  # reverse energy u32 0.1 kWh: 0x0000_10E1 = 4321 -> 432.1 kWh = 432_100 Wh
    (H, 0x0857): 0x10E1,
}


def test_adl400_primary_floats_decode_with_documented_units():
    expected = {
        "voltage_l1_v": 230.0,
        "voltage_l2_v": 231.5,
        "voltage_l3_v": 229.0,
        "current_l1_a": 12.5,
        "current_l2_a": 10.25,
        "current_l3_a": 8.0,
        "power_w": -7500.0,
        "power_factor": 0.875,
        "frequency_hz": 50.0,
        "imported_wh": 12_345_600,
        "exported_wh": 432_100,
    }
    assert_values(decode("acrel-adl400", ADL400_EXPORTING), expected)


def test_adl400_importing_power_is_positive():
    regs = dict(ADL400_EXPORTING)
    regs[(H, 0x081A)] = 0x40F0  # 0x40F0_0000 = +7.5 kW forward -> +7500 W import
    assert decode("acrel-adl400", regs)["power_w"] == 7500.0


def test_adl400_nan_and_all_ones_become_missing():
    regs = dict(ADL400_EXPORTING)
    regs[(H, 0x081A)], regs[(H, 0x081B)] = 0x7FC0, 0x0000  # quiet NaN: no power, not 0 W
    regs[(H, 0x0856)], regs[(H, 0x0857)] = 0xFFFF, 0xFFFF  # u32 all ones: no counter
    values = decode("acrel-adl400", regs)
    assert values["power_w"] is None
    assert values["exported_wh"] is None
    assert values["imported_wh"] == 12_345_600


def test_adl400_is_not_multiplied_by_a_ratio():
    # The ratio registers 0x008D (PT) / 0x008E (CT) are not read: a CT-connected ADL400 at 0x0800.. already reports
    # primary values, so 400 A primary behind a 400/5 A CT reads 400.0 A, not 5 A x 80.
    regs = dict(ADL400_EXPORTING)
    regs[(H, 0x080C)] = 0x43C8  # 0x43C8_0000 = 400.0 A
    regs[(H, 0x008D)], regs[(H, 0x008E)] = 1, 80
    assert decode("acrel-adl400", regs)["current_l1_a"] == 400.0


# -- Chint DDSU666 ---------------------------------------------------------------------------------

DDSU666_IMPORTING = {
    (H, 0x2000): 0x4366,  # U float V: 0x4366_4000 = 230.25 V
    (H, 0x2001): 0x4000,
    (H, 0x2002): 0x40B0,  # I float A: 0x40B0_0000 = 5.5 A
    (H, 0x2004): 0x3FA0,  # P float kW: 0x3FA0_0000 = 1.25 kW forward -> +1250 W import
    (H, 0x2006): 0x3E80,  # Q float kvar: 0x3E80_0000 = 0.25 kvar -> 250 var
    (H, 0x200A): 0x3F78,  # PF float: 0x3F78_0000 = 0.96875
    (H, 0x200E): 0x4247,  # Freq float Hz: 0x4247_0000 = 49.75 Hz
    (H, 0x4000): 0x43EF,  # ImpEp float kWh: 0x43EF_4000 = 478.5 kWh -> 478_500 Wh
    (H, 0x4001): 0x4000,
    (H, 0x400A): 0x40C8,  # ExpEp float kWh: 0x40C8_0000 = 6.25 kWh -> 6_250 Wh
}


def test_ddsu666_floats_decode_in_v_a_kw_kwh():
    expected = {
        "voltage_l1_v": 230.25,
        "current_l1_a": 5.5,
        "power_w": 1250.0,
        "reactive_power_var": 250.0,
        "power_factor": 0.96875,
        "frequency_hz": 49.75,
        "imported_wh": 478_500,
        "exported_wh": 6_250,
    }
    assert_values(decode("chint-ddsu666", DDSU666_IMPORTING), expected)


def test_ddsu666_export_is_negative_and_registers_between_values_are_ignored():
    regs = dict(DDSU666_IMPORTING)
    regs[(H, 0x2004)] = 0xBF00  # 0xBF00_0000 = -0.5 kW reverse -> -500 W export
    regs[(H, 0x2008)], regs[(H, 0x2009)] = 0x1234, 0x5678  # apparent power (not mapped) must not leak into a value
    values = decode("chint-ddsu666", regs)
    assert values["power_w"] == -500.0
    assert values["reactive_power_var"] == 250.0 and values["power_factor"] == 0.96875


def test_ddsu666_as_load_meter_consumes_the_import_counter():
    profile = as_load_meter(load_profile("chint-ddsu666"))
    values = profile.decode_blocks(words_for_blocks(profile, DDSU666_IMPORTING))
    assert values["consumed_wh"] == 478_500  # 0x4000 478.5 kWh
    assert "exported_wh" not in values
