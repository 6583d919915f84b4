"""Profile features: meters that hold their CT/PT ratios, value rules, read limits, sums of parts.

A made-up meter (holding registers, u16/i32 words) that reports secondary values and holds its ratios:
  0 CT ratio (u16), 1 PT ratio (u16), 2-3 power (i32, 0.1 W secondary), 4 current L1 (u16, 0.01 A secondary),
  5 voltage L1 (u16, 0.1 V secondary), 6 frequency (u16, 0.01 Hz), 7 power factor (i16, 0.001),
  8-9 import (u32, 0.01 kWh secondary), 10-11 export (u32, 1 kWh, already primary: ``primary = true``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drivers.device import read_device
from drivers.link import ReadError
from drivers.profile import ProfileError
from drivers.profile_file import parse_profile

from support import run

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


# -- sums of parts: a PV power given per MPPT only -------------------------------------------------------

PARTS = [
    {"quantity": "power_w", "address": 0, "dtype": "u16", "part": True},  # MPPT 1 power, W
    {"quantity": "power_w", "address": 1, "dtype": "u16", "part": True},  # MPPT 2
    {"quantity": "power_w", "address": 2, "dtype": "u16", "part": True},  # MPPT 3
    {"quantity": "yield_wh", "address": 4, "dtype": "u32", "scale": 100},  # 0.1 kWh
]


def pv(points=PARTS):
    head = {"name": "t", "role": "pv", "title": "t", "source": "test"}
    return parse_profile({"profile": head, "points": points}, Path("t.toml"))


def test_parts_add_up_and_a_missing_part_makes_the_sum_missing():
    profile = pv()
    assert profile.quantities == ("power_w", "yield_wh")
    assert [(b.address, b.count) for b in profile.blocks] == [(0, 6)]
    values = profile.decode_blocks([[4100, 3900, 0, 0, 0, 1234]])  # 4100 + 3900 + 0 W; 1234 x 0.1 kWh
    assert values == {"power_w": 8000.0, "yield_wh": 123_400.0}
    values = profile.decode_blocks([[4100, 0xFFFF, 0, 0, 0, 1234]])  # MPPT 2 "not implemented"
    assert values["power_w"] is None and values["yield_wh"] == 123_400.0
    assert profile.counter_wrap_at("yield_wh") == 2**32 * 100


def test_the_simulator_splits_a_sum_over_its_parts():
    profile = pv()
    image = profile.encode_values({"power_w": 9000.0, "yield_wh": 123_400.0})["holding"]
    assert [image[a] for a in range(3)] == [3000, 3000, 3000]
    assert profile.decode_blocks([[image.get(a, 0) for a in range(6)]])["power_w"] == 9000.0


@pytest.mark.parametrize(
    "rows, field, message",
    [
        ([dict(PARTS[0], part=False), PARTS[1]], "points[1].quantity", "'power_w' is already mapped by points[0]"),
        ([PARTS[0], dict(PARTS[1], part=False)], "points[1].quantity", "'power_w' is already mapped by points[0]"),
        ([PARTS[0]], "points[0].part", "'power_w' has one part only"),
        ([dict(PARTS[0], part="yes"), PARTS[1]], "points[0].part", "expected true or false"),
        ([PARTS[0], dict(PARTS[1], address=0)], "points", "'power_w' and 'power_w' overlap at holding register 0"),
    ],
)
def test_bad_parts_name_the_row(rows, field, message):
    with pytest.raises(ProfileError, match=re.escape(f"t.toml: {field}: {message}")):
        pv(rows + [PARTS[3]])


def test_an_absent_part_adds_zero_only_when_it_was_read():
    points = [dict(PARTS[0]), dict(PARTS[1]), dict(PARTS[2], absent_as_zero=True), PARTS[3]]
    profile = pv(points)
    assert profile.decode_blocks([[4100, 3900, 0xFFFF, 0, 0, 1234]])["power_w"] == 8000.0  # MPPT 3 not fitted
    assert profile.decode_blocks([[4100, 0xFFFF, 0xFFFF, 0, 0, 1234]])["power_w"] is None  # MPPT 2 is no option
    assert profile.decode_blocks([None])["power_w"] is None  # a failed read is never 0 W
    with pytest.raises(ProfileError, match=re.escape("t.toml: points[1].absent_as_zero: only a part of a sum")):
        pv([dict(PARTS[3]), {"quantity": "power_w", "address": 0, "dtype": "u16", "absent_as_zero": True}])


# -- fallbacks and conditions: a finer register some models have; a register whose meaning a mode register sets --

FINE_AND_COARSE = [
    {"quantity": "power_w", "address": 0, "dtype": "i16"},
    {"quantity": "yield_wh", "address": 100, "dtype": "u32", "scale": 100, "sentinels": [0]},  # 0.1 kWh, some models
    {"quantity": "yield_wh", "address": 4, "dtype": "u32", "scale": 1000, "fallback": True},  # 1 kWh, every model
    {"quantity": "voltage_l1_l2_v", "address": 2, "dtype": "u16", "scale": 0.1, "when": {"address": 1, "values": [2]}},
    {"quantity": "voltage_l1_v", "address": 2, "dtype": "u16", "scale": 0.1, "when": {"address": 1, "values": [1, 3]}},
]


class OneFailingRead:
    """A link whose device answers the read at ``refuse`` with an exception, and every other read from ``image``."""

    address = "fake:502"

    def __init__(self, image: dict[int, int], refuse: int) -> None:
        self.image, self.refuse = image, refuse

    async def read_registers(self, unit, table, address, count):
        if address == self.refuse:
            return ReadError("exception", "illegal data address (2)")
        return [self.image.get(a, 0) for a in range(address, address + count)]


def test_a_fallback_stands_in_and_a_missing_optional_read_is_no_fault():
    profile = pv(FINE_AND_COARSE)
    assert [(b.address, b.count) for b in profile.blocks] == [(0, 6), (100, 2)]
    assert profile.optional_block(1) and not profile.optional_block(0)
    image = {0: 5000, 1: 2, 2: 4001, 4: 0, 5: 123, 100: 0, 101: 1234}  # 123 kWh coarse, 123.4 kWh fine
    full = run(lambda: read_device(OneFailingRead(image, refuse=-1), 1, profile))
    assert full.complete and full.values["yield_wh"] == 123_400.0
    lacking = run(lambda: read_device(OneFailingRead(image, refuse=100), 1, profile))
    assert lacking.complete and lacking.errors == () and lacking.values["yield_wh"] == 123_000.0
    image[100] = image[101] = 0  # 0 in the finer register: taken as missing
    assert run(lambda: read_device(OneFailingRead(image, refuse=-1), 1, profile)).values["yield_wh"] == 123_000.0
    # the first read failing is a fault: nothing stands in for power
    broken = run(lambda: read_device(OneFailingRead(image, refuse=0), 1, profile))
    assert not broken.complete and broken.values["power_w"] is None


@pytest.mark.parametrize("mode, line, phase", [(2, 400.1, None), (1, None, 400.1), (3, None, 400.1), (0, None, None)])
def test_a_condition_register_names_what_the_shared_registers_hold(mode, line, phase):
    profile = pv(FINE_AND_COARSE)
    values = profile.decode_blocks([[5000, mode, 4001, 0, 0, 123], [0, 0]])
    assert values["voltage_l1_l2_v"] == (None if line is None else pytest.approx(line))
    assert values["voltage_l1_v"] == (None if phase is None else pytest.approx(phase))


def test_the_simulator_serves_one_side_of_a_condition():
    profile = pv(FINE_AND_COARSE)
    image = profile.encode_values({"power_w": 5000.0, "yield_wh": 123_400.0, "voltage_l1_l2_v": 400.1})["holding"]
    assert image[1] == 2 and image[2] == 4001  # the first word the first conditional point accepts
    values = profile.decode_blocks([[image.get(a, 0) for a in range(6)], [image[100], image[101]]])
    assert values["voltage_l1_l2_v"] == pytest.approx(400.1) and values["voltage_l1_v"] is None
    assert values["yield_wh"] == 123_400.0


@pytest.mark.parametrize(
    "rows, field, message",
    [
        (
            [{"quantity": "yield_wh", "address": 4, "dtype": "u32", "fallback": True}],
            "points[1].fallback",
            "no earlier",
        ),
        ([dict(FINE_AND_COARSE[4], when={"address": 1})], "points[1].when", "expected a table"),
        ([dict(FINE_AND_COARSE[4], when={"address": 1, "values": []})], "points[1].when.values", "expected a list"),
        (FINE_AND_COARSE[3:4] + [dict(FINE_AND_COARSE[4], when={"address": 1, "values": [2]})], "points", "overlap"),
        ([FINE_AND_COARSE[3], {"quantity": "dc_power_w", "address": 1, "dtype": "u16"}], "points", "overlap"),
    ],
)
def test_bad_fallbacks_and_conditions_name_the_row(rows, field, message):
    head = [FINE_AND_COARSE[0]]
    tail = [] if any(r.get("fallback") for r in rows) else [{"quantity": "yield_wh", "address": 4, "dtype": "u32"}]
    with pytest.raises(ProfileError, match=re.escape(f"t.toml: {field}") + ".*" + re.escape(message)):
        pv(head + rows + tail)
