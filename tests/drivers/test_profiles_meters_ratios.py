"""Meters that hold their CT/PT ratios: secondary register words in, primary canonical values out.

The Chint DTSU666 reports SECONDARY values (openWB's chint module and the manual's formulas multiply every
reading by IrAt 0x0006 and UrAt 0x0007 x 0.1; see the profile header). Every expected value below is worked out
by hand: the float's fixed factor (0.1 V, 0.001 A, 0.1 W, kWh) times the ratio(s) that quantity needs
(current x CT, voltage x PT, power and energy x CT x PT; frequency and power factor: none).
"""

from __future__ import annotations

import tomllib

import pytest

from drivers.profile import Profile, as_load_meter
from drivers.profile_file import BUILTIN_DIR, load_profile, parse_profile

from register_words import H, assert_values, words_for_blocks

# A DTSU666 behind 200/5 A CTs (IrAt 40) and 10 kV/100 V PTs (UrAt 1000 = 100.0), secondary floats as it reports:
DTSU666_SECONDARY = {
    (H, 0x0006): 40,  # IrAt, i16: CT ratio 40
    (H, 0x0007): 1000,  # UrAt, i16, x 0.1: PT ratio 100.0
    (H, 0x2006): 0x4410,
    (H, 0x2007): 0x4000,  # Ua float 0.1 V: 0x44104000 = 577.0 -> 57.7 V secondary x PT 100 = 5770 V
    (H, 0x2008): 0x4410,
    (H, 0x2009): 0x8000,  # Ub: 0x44108000 = 578.0 -> 57.8 V x 100 = 5780 V
    (H, 0x200A): 0x4410,
    (H, 0x200B): 0x2000,  # Uc: 0x44102000 = 576.5 -> 57.65 V x 100 = 5765 V
    (H, 0x200C): 0x451C,
    (H, 0x200D): 0x4000,  # Ia float 0.001 A: 0x451C4000 = 2500.0 -> 2.5 A secondary x CT 40 = 100 A
    (H, 0x200E): 0x4519,
    (H, 0x200F): 0x2000,  # Ib: 0x45192000 = 2450.0 -> 2.45 A x 40 = 98 A
    (H, 0x2010): 0x0000,
    (H, 0x2011): 0x0000,  # Ic: 0.0 -> 0 A
    (H, 0x2012): 0x457A,
    (H, 0x2013): 0x0000,  # Pt float 0.1 W: 0x457A0000 = 4000.0 -> 400 W secondary x 40 x 100 = 1 600 000 W import
    (H, 0x201A): 0xC47A,
    (H, 0x201B): 0x0000,  # Qt float 0.1 var: 0xC47A0000 = -1000.0 -> -100 var x 4000 = -400 000 var
    (H, 0x202A): 0x4472,
    (H, 0x202B): 0x8000,  # PFt float 0.001: 0x44728000 = 970.0 -> 0.97 (no ratio)
    (H, 0x2044): 0x459C,
    (H, 0x2045): 0x4000,  # Freq float 0.01 Hz: 0x459C4000 = 5000.0 -> 50.00 Hz (no ratio)
    (H, 0x401E): 0x4148,
    (H, 0x401F): 0x0000,  # ImpEp float kWh: 0x41480000 = 12.5 kWh secondary = 12 500 Wh x 4000 = 50 000 000 Wh
    (H, 0x4028): 0x3E80,
    (H, 0x4029): 0x0000,  # ExpEp float kWh: 0x3E800000 = 0.25 kWh = 250 Wh x 4000 = 1 000 000 Wh
}

DTSU666_PRIMARY = {
    "ct_ratio": 40,
    "pt_ratio": 100.0,
    "voltage_l1_v": 5770.0,
    "voltage_l2_v": 5780.0,
    "voltage_l3_v": 5765.0,
    "current_l1_a": 100.0,
    "current_l2_a": 98.0,
    "current_l3_a": 0.0,
    "power_w": 1_600_000.0,
    "reactive_power_var": -400_000.0,
    "power_factor": 0.97,
    "frequency_hz": 50.0,
    "imported_wh": 50_000_000.0,
    "exported_wh": 1_000_000.0,
}


def decode_dtsu666(registers: dict[tuple[str, int], int], profile: Profile | None = None) -> dict[str, float | None]:
    profile = profile or load_profile("chint-dtsu666")
    return profile.decode_blocks(words_for_blocks(profile, registers))


def test_dtsu666_reads_its_ratio_registers_in_their_own_block():
    profile = load_profile("chint-dtsu666")
    assert profile.held_ratios == {"ct_ratio", "pt_ratio"}
    # the ratios, then the manual's documented runs; nothing spans the undocumented gaps
    assert [(b.table, b.address, b.count) for b in profile.blocks] == [
        (H, 0x0006, 2),
        (H, 0x2006, 22),
        (H, 0x202A, 2),
        (H, 0x2044, 2),
        (H, 0x401E, 12),
    ]
    assert not any(p.primary for p in profile.points), "the DTSU666 reports every value on the secondary side"


def test_dtsu666_secondary_words_and_ratio_registers_give_primary_values():
    assert_values(decode_dtsu666(DTSU666_SECONDARY), DTSU666_PRIMARY)


def test_dtsu666_factory_ratios_leave_the_values_as_read():
    regs = dict(DTSU666_SECONDARY)
    regs[(H, 0x0006)] = 1  # IrAt 1
    regs[(H, 0x0007)] = 10  # UrAt 10 = PT 1.0 (factory values, as the smart-stuff emulation serves them)
    values = decode_dtsu666(regs)
    assert values["voltage_l1_v"] == pytest.approx(57.7)  # 577.0 x 0.1 V
    assert values["current_l1_a"] == pytest.approx(2.5)  # 2500.0 x 0.001 A
    assert values["power_w"] == pytest.approx(400.0)  # 4000.0 x 0.1 W
    assert values["imported_wh"] == pytest.approx(12_500.0)  # 12.5 kWh


def test_dtsu666_ct_ratio_zero_makes_current_power_and_energy_missing():
    regs = dict(DTSU666_SECONDARY)
    regs[(H, 0x0006)] = 0  # IrAt 0: no valid CT ratio
    expected = dict(DTSU666_PRIMARY)
    expected["ct_ratio"] = 0
    for quantity in (
        "current_l1_a",
        "current_l2_a",
        "current_l3_a",
        "power_w",
        "reactive_power_var",
        "imported_wh",
        "exported_wh",
    ):
        expected[quantity] = None
    # voltages need only the PT ratio (still 100); frequency and power factor need none
    assert_values(decode_dtsu666(regs), expected)


def test_dtsu666_missing_ratios_make_every_dependent_value_missing_but_keep_frequency_and_pf():
    regs = dict(DTSU666_SECONDARY)
    regs[(H, 0x0006)] = 0x8000  # i16 "not implemented" -> ct_ratio missing
    regs[(H, 0x0007)] = 0x8000  # -> pt_ratio missing
    expected = {q: None for q in DTSU666_PRIMARY}
    expected["power_factor"] = 0.97
    expected["frequency_hz"] = 50.0
    assert_values(decode_dtsu666(regs), expected)


def test_dtsu666_negative_ratio_is_not_a_ratio():
    regs = dict(DTSU666_SECONDARY)
    regs[(H, 0x0007)] = 0xFFF6  # UrAt -10 (i16) -> PT -1.0: not a usable ratio
    values = decode_dtsu666(regs)
    assert values["pt_ratio"] == pytest.approx(-1.0)
    assert values["voltage_l1_v"] is None and values["power_w"] is None and values["imported_wh"] is None
    assert values["current_l1_a"] == pytest.approx(100.0)  # currents need only the CT ratio (40)


def test_dtsu666_unanswered_ratio_read_makes_dependent_values_missing():
    profile = load_profile("chint-dtsu666")
    words = words_for_blocks(profile, DTSU666_SECONDARY)
    words[0] = None  # the 0x0006-0x0007 read failed
    values = profile.decode_blocks(words)
    assert values["ct_ratio"] is None and values["pt_ratio"] is None
    assert values["voltage_l1_v"] is None and values["current_l1_a"] is None and values["power_w"] is None
    assert values["frequency_hz"] == pytest.approx(50.0) and values["power_factor"] == pytest.approx(0.97)


def _dtsu666_with_primary_energy() -> Profile:
    """The DTSU666 map with its energy rows marked ``primary = true`` (as for a firmware that kept primary
    counters): the format must then leave those rows unmultiplied while the others still get the ratios."""
    data = tomllib.loads((BUILTIN_DIR / "chint-dtsu666.toml").read_text(encoding="utf-8"))
    for row in data["points"]:
        if row["quantity"] in ("imported_wh", "exported_wh"):
            row["primary"] = True
    return parse_profile(data, BUILTIN_DIR / "chint-dtsu666-primary-energy.toml")


def test_a_primary_point_is_not_multiplied_by_the_held_ratios():
    values = decode_dtsu666(DTSU666_SECONDARY, _dtsu666_with_primary_energy())
    expected = dict(DTSU666_PRIMARY)
    expected["imported_wh"] = 12_500.0  # 12.5 kWh as read, not x 4000
    expected["exported_wh"] = 250.0  # 0.25 kWh as read
    assert_values(values, expected)


def test_a_primary_point_stays_when_the_ratios_are_missing():
    regs = dict(DTSU666_SECONDARY)
    regs[(H, 0x0006)] = 0
    values = decode_dtsu666(regs, _dtsu666_with_primary_energy())
    assert values["imported_wh"] == pytest.approx(12_500.0)
    assert values["power_w"] is None


def test_dtsu666_as_load_meter_keeps_the_ratios():
    load = as_load_meter(load_profile("chint-dtsu666"))
    assert load.held_ratios == {"ct_ratio", "pt_ratio"}
    values = load.decode_blocks(words_for_blocks(load, DTSU666_SECONDARY))
    assert values["consumed_wh"] == pytest.approx(50_000_000.0)  # ImpEp 12.5 kWh x 1000 x 40 x 100
    assert values["power_w"] == pytest.approx(1_600_000.0)


def test_dtsu666_simulator_image_is_the_secondary_side():
    """encode_values takes primary values and writes what the meter would hold: secondary floats + ratios."""
    profile = load_profile("chint-dtsu666")
    image = profile.encode_values(DTSU666_PRIMARY)[H]
    assert image[0x0006] == 40 and image[0x0007] == 1000
    assert (image[0x200C], image[0x200D]) == (0x451C, 0x4000)  # 100 A / 40 = 2.5 A -> 2500.0 in 0.001 A
    assert (image[0x2012], image[0x2013]) == (0x457A, 0x0000)  # 1.6 MW / 4000 = 400 W -> 4000.0 in 0.1 W
    assert (image[0x401E], image[0x401F]) == (0x4148, 0x0000)  # 50 MWh / 4000 = 12.5 kWh
