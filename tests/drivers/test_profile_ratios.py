"""Profiles of transformer-connected meters that hold their CT/PT ratios, value rules and read limits.

A made-up meter (holding registers, u16/i32 words) that reports secondary values and holds its ratios:
  0 CT ratio (u16), 1 PT ratio (u16), 2-3 power (i32, 0.1 W secondary), 4 current L1 (u16, 0.01 A secondary),
  5 voltage L1 (u16, 0.1 V secondary), 6 frequency (u16, 0.01 Hz), 7 power factor (i16, 0.001),
  8-9 import (u32, 0.01 kWh secondary), 10-11 export (u32, 1 kWh, already primary: ``primary = true``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drivers.profile import ProfileError
from drivers.profile_file import parse_profile

HEAD = {"name": "t", "role": "grid", "title": "t", "source": "test"}
POINTS = [
    {"quantity": "ct_ratio", "address": 0, "dtype": "u16"},
    {"quantity": "pt_ratio", "address": 1, "dtype": "u16"},
    {"quantity": "power_w", "address": 2, "dtype": "i32", "scale": 0.1},
    {"quantity": "current_l1_a", "address": 4, "dtype": "u16", "scale": 0.01},
    {"quantity": "voltage_l1_v", "address": 5, "dtype": "u16", "scale": 0.1},
    {"quantity": "frequency_hz", "address": 6, "dtype": "u16", "scale": 0.01},
    {"quantity": "power_factor", "address": 7, "dtype": "i16", "scale": 0.001},
    {"quantity": "imported_wh", "address": 8, "dtype": "u32", "scale": 10},
    {"quantity": "exported_wh", "address": 10, "dtype": "u32", "scale": 1000, "primary": True},
]


def meter(points=POINTS, **head):
    return parse_profile({"profile": {**HEAD, **head}, "points": points}, Path("t.toml"))


def words(ct: int, pt: int) -> list[int]:
    return [
        ct,  # 0 CT ratio 200/5 -> 40
        pt,  # 1 PT ratio 10 kV/100 V -> 100
        0x0000,
        0x09C4,  # 2-3 power 2500 x 0.1 = 250 W secondary
        250,  # 4 current 250 x 0.01 = 2.5 A secondary
        577,  # 5 voltage 577 x 0.1 = 57.7 V secondary
        5001,  # 6 frequency 50.01 Hz (not through the transformers)
        980,  # 7 power factor 0.980
        0x0000,
        0x0064,  # 8-9 import 100 x 0.01 kWh = 1000 Wh secondary
        0x0000,
        0x0007,  # 10-11 export 7 kWh = 7000 Wh, primary already
    ]


def test_secondary_values_times_the_ratios_the_meter_holds():
    values = meter().decode_blocks([words(40, 100)])
    assert values["ct_ratio"] == 40 and values["pt_ratio"] == 100  # stored too: a change of setting shows
    assert values["power_w"] == pytest.approx(250 * 40 * 100)  # 1 MW primary
    assert values["current_l1_a"] == pytest.approx(2.5 * 40)
    assert values["voltage_l1_v"] == pytest.approx(57.7 * 100)
    assert values["imported_wh"] == pytest.approx(1000 * 4000)
    assert values["exported_wh"] == 7000  # primary = true: not multiplied
    assert values["frequency_hz"] == pytest.approx(50.01) and values["power_factor"] == pytest.approx(0.98)


@pytest.mark.parametrize("ct, pt", [(0, 100), (40, 0), (0xFFFF, 100)], ids=["ct-0", "pt-0", "ct-unset"])
def test_a_ratio_that_is_0_or_missing_makes_what_depends_on_it_missing(ct, pt):
    values = meter().decode_blocks([words(ct, pt)])
    ct_ok, pt_ok = ct not in (0, 0xFFFF), pt != 0
    assert (values["current_l1_a"] is not None) is ct_ok
    assert (values["voltage_l1_v"] is not None) is pt_ok
    assert values["power_w"] is None and values["imported_wh"] is None  # CT x PT
    assert values["frequency_hz"] == pytest.approx(50.01) and values["power_factor"] == pytest.approx(0.98)
    assert values["exported_wh"] == 7000


def test_a_profile_with_only_a_ct_ratio_multiplies_by_it_alone():
    points = [p for p in POINTS if p["quantity"] != "pt_ratio"]
    values = meter(points).decode_blocks([words(40, 100)])
    assert values["power_w"] == pytest.approx(250 * 40) and values["voltage_l1_v"] == pytest.approx(57.7)


def test_encode_writes_what_such_a_meter_reports_and_decodes_back():
    profile = meter()
    primary = {
        "ct_ratio": 40.0,
        "pt_ratio": 100.0,
        "power_w": 1_000_000.0,
        "current_l1_a": 100.0,
        "voltage_l1_v": 5770.0,
        "frequency_hz": 50.01,
        "power_factor": 0.98,
        "imported_wh": 4_000_000.0,
        "exported_wh": 7000.0,
    }
    image = profile.encode_values(primary)["holding"]
    served = [image[a] for a in range(12)]
    assert served == words(40, 100)  # the secondary words, ratios in their registers, primary export as is
    back = profile.decode_blocks([served])
    assert back == pytest.approx(primary)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"primary": True}, "points[0].primary", "only applies to a profile that maps ct_ratio or pt_ratio"),
        ({"rule": "guess"}, "points[0].rule", "unknown rule 'guess'"),
        ({"primary": 1}, "points[0].primary", "expected true or false"),
    ],
)
def test_bad_primary_and_rule_name_the_row(change, field, message):
    points = [dict(POINTS[2], **change)] + [p for p in POINTS if p["quantity"] in ("imported_wh", "exported_wh")]
    points[2] = {k: v for k, v in points[2].items() if k != "primary"}
    with pytest.raises(ProfileError, match=re.escape(f"t.toml: {field}: {message}")):
        meter(points)


def test_rule_ratio_or_percent_in_a_profile_file():
    points = [{k: v for k, v in p.items() if k != "primary"} for p in POINTS[2:]]  # no ratios: nothing primary
    points[4] = {"quantity": "power_factor", "address": 7, "dtype": "i16", "scale": 0.01, "rule": "ratio-or-percent"}
    profile = meter(points)
    assert [(b.address, b.count) for b in profile.blocks] == [(2, 10)]
    block = [0] * 10
    block[5] = 9977  # register 7: PF 9977 x 0.01 = 99.77 (percent) -> 0.9977
    assert profile.decode_blocks([block])["power_factor"] == pytest.approx(0.9977)
    block[5] = 98  # 0.98: a ratio
    assert profile.decode_blocks([block])["power_factor"] == pytest.approx(0.98)


def test_max_registers_per_read_splits_the_plan_and_keeps_its_old_name():
    assert [(b.address, b.count) for b in meter().blocks] == [(0, 12)]
    assert [(b.address, b.count) for b in meter(max_registers_per_read=6).blocks] == [(0, 6), (6, 6)]
    assert [(b.address, b.count) for b in meter(max_block=6).blocks] == [(0, 6), (6, 6)]
    with pytest.raises(ProfileError, match=r"profile.max_block: is the old name of max_registers_per_read"):
        meter(max_block=6, max_registers_per_read=6)
    with pytest.raises(ProfileError, match=r"profile.max_registers_per_read: expected a whole number"):
        meter(max_registers_per_read=126)
