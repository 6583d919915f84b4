"""drivers.sunspec: model definitions, decoding from hand-written words, profiles, discovery, image round trips.

Raw words below are commented per point with the offsets of pysunspec2's model
definitions (offset 0 is the model's ID register). Wire tests (loopback Modbus
TCP, the CLI) are in test_sunspec_wire.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.link import ReadError
from drivers.modbus_limits import MAX_REGISTERS
from drivers.profile import Profile
from drivers.quantities import QUANTITIES, REQUIRED, Role, allowed_for
from drivers.sunspec import (
    BASE_ADDRESSES,
    MARKER,
    MAX_MODELS,
    SUNSPEC_TYPES,
    DiscoveryFailure,
    ModelInstance,
    SunSpecDevice,
    SunSpecError,
    build_profile,
    discover,
    identity_fields,
    known_model_ids,
    load_model,
    missing_required,
    read_identity,
    unit_factor,
)
from drivers.sunspec_map import ROLE_MAP, VALUE_RULES
from energymon.sim.modbus_server import ILLEGAL_DATA_ADDRESS
from energymon.sim.sunspec_image import sunspec_register_image

from support import run

IDENTITY = {"manufacturer": "energymon", "model": "sim-sunspec", "serial": "SN-0042", "version": "1.2.3"}


# -- helpers (also used by test_sunspec_wire.py) ---------------------------------------


class ImageSource:
    """A RegisterSource for energymon.sim.modbus_server serving a register image.

    ``fail`` maps an address to a Modbus exception code answered by every read touching it.
    Reads of registers outside the image answer "illegal data address".
    """

    def __init__(self, image: dict[str, dict[int, int]], fail: dict[int, int] | None = None) -> None:
        self.image = image
        self.fail = fail or {}

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        for a in range(address, address + count):
            if a in self.fail:
                return self.fail[a]
        words = self.image.get(table, {})
        if any(a not in words for a in range(address, address + count)):
            return ILLEGAL_DATA_ADDRESS
        return [words[a] for a in range(address, address + count)]


class FakeLink:
    """An in-memory link with drivers.link's read API: words, or a ReadError for unmapped registers."""

    address = "fake:502"

    def __init__(self, holding: dict[int, int], error_kind: str = "exception", default: int | None = None) -> None:
        self.holding = holding
        self.error_kind = error_kind
        self.default = default
        self.requests = 0

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError:
        self.requests += 1
        assert table == "holding" and 1 <= count <= MAX_REGISTERS and 0 <= address <= 0xFFFF
        words = []
        for a in range(address, address + count):
            if a in self.holding:
                words.append(self.holding[a])
            elif self.default is not None:
                words.append(self.default)
            else:
                return ReadError(self.error_kind, f"unit {unit}: register {a} not served", 2)
        return words


def decode_words(profile: Profile, registers: dict[int, int]) -> dict[str, float | None]:
    """Decode a profile's planned blocks from a register dict (None for a block with an unserved register)."""
    words = []
    for block in profile.blocks:
        span = range(block.address, block.address + block.count)
        words.append([registers[a] for a in span] if all(a in registers for a in span) else None)
    return profile.decode_blocks(words)


def device_of(*models: tuple[int, int], base: int = 40000) -> SunSpecDevice:
    """A discovered device: (model id, length) laid out one after another from ``base + 2``."""
    address, instances = base + 2, []
    for model_id, length in models:
        instances.append(ModelInstance(model_id, address, length))
        address += 2 + length
    return SunSpecDevice(base, tuple(instances))


def at(address: int, words: list[int]) -> dict[int, int]:
    return {address + i: w for i, w in enumerate(words)}


def read_image(image: dict[str, dict[int, int]], role: str, require_complete: bool = True):
    link = FakeLink(image["holding"])
    device = run(lambda: discover(link, 1))
    assert isinstance(device, SunSpecDevice), device
    profile = build_profile(device, role, require_complete)
    return device, profile, decode_words(profile, image["holding"])


# -- model definitions ------------------------------------------------------------------


def test_model_definitions_come_from_pysunspec2_json():
    m103 = load_model(103)
    # Offsets counted from the ID register, as in the SunSpec model tables.
    assert (m103.point("W").offset, m103.point("W").type, m103.point("W").sf) == (14, "int16", "W_SF")
    assert (m103.point("W_SF").offset, m103.point("W_SF").type) == (15, "sunssf")
    assert (m103.point("WH").offset, m103.point("WH").size, m103.point("WH").type) == (24, 2, "acc32")
    assert m103.point("WH").units == "Wh" and m103.point("PF").units == "Pct"
    assert m103.length == 50 and not m103.repeating
    assert load_model(113).length == 60 and load_model(113).point("W").type == "float32"
    assert load_model(1).length == 66 and load_model(1).point("SN").size == 16
    assert load_model(701).length == 153 and load_model(802).length == 62 and load_model(124).length == 24
    assert load_model(203).length == 105 and load_model(213).length == 124
    assert load_model(103).label == "Inverter (Three Phase)"


def test_repeating_groups_end_the_fixed_part_and_fixed_groups_are_inlined():
    m714 = load_model(714)  # DER DC measurement: fixed points, then one repeating group per DC port
    assert m714.repeating and m714.length == 18 and m714.point("Tmp_SF").offset == 19
    assert m714.point("Prt.DCA") is None
    m704 = load_model(704)  # fixed ("sync") groups are part of the fixed layout
    assert not m704.repeating and m704.point("PFWInj.PF") is not None


def test_every_shipped_model_definition_loads():
    ids = known_model_ids()
    assert {1, 101, 103, 113, 124, 203, 213, 701, 802} <= ids
    for model_id in ids:
        definition = load_model(model_id)
        assert definition.id == model_id and definition.points[0].name == "ID"
        offsets = [p.offset for p in definition.points]
        assert offsets == sorted(offsets)


def test_unknown_models_have_no_definition():
    assert load_model(64999) is None and load_model(0) is None


@pytest.mark.parametrize(
    "type_name, dtype, sentinel",
    [
        ("int16", "i16", 0x8000),
        ("uint16", "u16", 0xFFFF),
        ("enum16", "u16", 0xFFFF),
        ("bitfield16", "u16", 0xFFFF),
        ("acc16", "u16", 0),
        ("sunssf", "i16", 0x8000),
        ("count", "u16", 0xFFFF),
        ("int32", "i32", 0x80000000),
        ("uint32", "u32", 0xFFFFFFFF),
        ("enum32", "u32", 0xFFFFFFFF),
        ("bitfield32", "u32", 0xFFFFFFFF),
        ("acc32", "u32", 0),
        ("int64", "i64", 0x8000000000000000),
        ("uint64", "u64", 0xFFFFFFFFFFFFFFFF),
        ("acc64", "u64", 0),
    ],
)
def test_sunspec_types_map_to_dtypes_and_not_implemented_patterns(type_name, dtype, sentinel):
    t = SUNSPEC_TYPES[type_name]
    assert t.dtype.name == dtype and t.sentinels == (sentinel,)


def test_float_types_use_nan_and_strings_are_not_numbers():
    assert SUNSPEC_TYPES["float32"].dtype.name == "f32" and SUNSPEC_TYPES["float32"].sentinels is None
    assert SUNSPEC_TYPES["float64"].dtype.name == "f64"
    assert SUNSPEC_TYPES["string"].dtype is None and SUNSPEC_TYPES["pad"].dtype is None


def test_every_mapping_names_a_real_point_with_fitting_units():
    for role, quantities in ROLE_MAP.items():
        for quantity, candidates in quantities.items():
            assert quantity in allowed_for(role), (role, quantity)
            for model_id, name, sign in candidates:
                definition = load_model(model_id)
                point = definition.point(name)
                assert point is not None, (model_id, name)
                assert SUNSPEC_TYPES[point.type].dtype is not None, (model_id, name, point.type)
                assert sign in (1, -1)
                unit_factor(quantity, point.units)  # KeyError if the point's units do not fit the quantity
                if isinstance(point.sf, str):
                    sf = definition.point(point.sf)
                    assert sf.type == "sunssf"
                    span = max(point.end, sf.end) - min(point.offset, sf.offset)
                    assert span <= MAX_REGISTERS


def test_unit_factors_leave_percent_power_factor_to_its_rule_and_reject_mismatches():
    assert unit_factor("power_factor", "Pct") == 1.0  # drivers.value_rules "ratio-or-percent" decides
    assert VALUE_RULES[("power_factor", "Pct")] == "ratio-or-percent"
    assert unit_factor("power_factor", None) == 1.0
    assert unit_factor("soc_pct", "%WHRtg") == 1.0
    assert unit_factor("temperature_c", "C") == 1.0
    with pytest.raises(KeyError):
        unit_factor("power_w", "Wh")


# -- decoding hand-written words ----------------------------------------------------------

INV = 40070  # model 103/113 header right after model 1 (40002 + 2 + 66)


def test_model_103_integer_words_with_scale_factors():
    device = device_of((1, 66), (103, 50))
    profile = build_profile(device, "pv")
    words = at(
        INV,
        [
            103,
            50,  # 0 ID, 1 L
            0xFFFF,  # 2 A (not mapped)
            1725,  # 3 AphA = 1725 x 10^-2 = 17.25 A
            0xFFFF,  # 4 AphB: uint16 not implemented -> missing
            1710,  # 5 AphC = 17.10 A
            0xFFFE,  # 6 A_SF = -2
            0xFFFF,
            0xFFFF,
            0xFFFF,  # 7-9 PPVphAB/BC/CA
            2301,  # 10 PhVphA = 230.1 V
            2299,  # 11 PhVphB = 229.9 V
            2305,  # 12 PhVphC = 230.5 V
            0xFFFF,  # 13 V_SF = -1
            1234,  # 14 W = 1234 x 10^-1 = 123.4 W
            0xFFFF,  # 15 W_SF = -1
            5001,  # 16 Hz = 50.01 Hz
            0xFFFE,  # 17 Hz_SF = -2
            0x8000,
            0x8000,  # 18 VA, 19 VA_SF: not implemented
            0xFF6A,  # 20 VAr = -150 var
            0,  # 21 VAr_SF = 0
            9700,  # 22 PF = 97.00 % -> 0.97
            0xFFFE,  # 23 PF_SF = -2
            0x0001,
            0xE240,  # 24-25 WH = 123456 (acc32)
            1,  # 26 WH_SF = 1 -> 1 234 560 Wh
            0xFFFF,
            0x8000,  # 27 DCA, 28 DCA_SF
            0xFFFF,
            0x8000,  # 29 DCV, 30 DCV_SF
            0x8000,
            0,  # 31 DCW: int16 not implemented -> missing, 32 DCW_SF
            415,  # 33 TmpCab = 41.5 degC
            0x8000,
            0x8000,
            0x8000,  # 34-36 TmpSnk, TmpTrns, TmpOt
            0xFFFF,  # 37 Tmp_SF = -1
            4,  # 38 St = 4 (MPPT)
            0xFFFF,  # 39 StVnd
            *[0] * 12,  # 40-51 Evt1, Evt2, EvtVnd1-4
        ],
    )
    values = decode_words(profile, words)
    assert values["power_w"] == pytest.approx(123.4)
    assert values["yield_wh"] == pytest.approx(1_234_560)
    assert values["current_l1_a"] == pytest.approx(17.25) and values["current_l2_a"] is None
    assert values["current_l3_a"] == pytest.approx(17.10)
    assert values["voltage_l1_v"] == pytest.approx(230.1) and values["voltage_l3_v"] == pytest.approx(230.5)
    assert values["frequency_hz"] == pytest.approx(50.01)
    assert values["reactive_power_var"] == pytest.approx(-150)
    assert values["power_factor"] == pytest.approx(0.97)
    assert values["dc_power_w"] is None
    assert values["temperature_c"] == pytest.approx(41.5)
    assert values["status_code"] == 4
    assert len(profile.blocks) == 1  # the whole model in one read


@pytest.mark.parametrize(
    ("pf_word", "pf_sf_word", "expected"),
    [
        (0xD907, 0xFFFE, -0.9977),  # SolarEdge: PF -9977 x 10^-2 = -99.77 (percent) -> -0.9977
        (100, 0, 1.0),  # Fronius: PF 100 x 10^0 = 100 (percent) -> 1.0
        (100, 0xFFFE, 1.0),  # KOSTAL PLENTICORE: PF 100 x 10^-2 = 1.00, a ratio -> 1.0 (not 0.01)
        (995, 0xFFFD, 0.995),  # SunSpec Alliance test image: PF 995 x 10^-3 = 0.995, a ratio -> 0.995
        (0x8000, 0xFFFE, None),  # int16 not implemented -> missing
        (12000, 0xFFFE, None),  # 120.00: neither a ratio nor a percentage -> missing, never 1.2
    ],
    ids=["solaredge-percent", "fronius-percent", "kostal-ratio", "sunspec-test-image-ratio", "unset", "garbage"],
)
def test_model_103_percent_power_factor_of_real_devices(pf_word, pf_sf_word, expected):
    device = device_of((1, 66), (103, 50))
    profile = build_profile(device, "pv")
    words = at(INV, [103, 50] + [0] * 50)
    words[INV + 22], words[INV + 23] = pf_word, pf_sf_word  # 22 PF (int16, "Pct"), 23 PF_SF
    got = decode_words(profile, words)["power_factor"]
    assert got == (None if expected is None else pytest.approx(expected))


def test_model_203_meter_percent_power_factor_is_a_ratio_either_way():
    device = device_of((1, 66), (203, 105))
    profile = build_profile(device, "grid")
    pf = next(p for p in profile.points if p.quantity == "power_factor")
    assert pf.rule == "ratio-or-percent"
    words = at(INV, [203, 105] + [0] * 105)
    words[pf.address], words[pf.scale_factor] = 0xDAFC, 0xFFFE  # PF -9476 x 10^-2 = -94.76 % -> -0.9476
    assert decode_words(profile, words)["power_factor"] == pytest.approx(-0.9476)
    words[pf.address] = 0xFFA1  # -95 x 10^-2 = -0.95: already a ratio
    assert decode_words(profile, words)["power_factor"] == pytest.approx(-0.95)


def test_scale_factor_not_implemented_or_out_of_range_makes_the_value_missing():
    device = device_of((1, 66), (103, 50))
    profile = build_profile(device, "pv")
    words = at(INV, [103, 50] + [0] * 50)
    words[INV + 14], words[INV + 15] = 1234, 0x8000  # W with W_SF not implemented
    words[INV + 24], words[INV + 25], words[INV + 26] = 0, 1000, 11  # WH with WH_SF 11: outside -10..10
    values = decode_words(profile, words)
    assert values["power_w"] is None and values["yield_wh"] is None


def test_accumulator_zero_means_not_implemented():
    device = device_of((1, 66), (103, 50))
    profile = build_profile(device, "pv")
    words = at(INV, [103, 50] + [0] * 50)  # WH = 0, WH_SF = 0
    assert decode_words(profile, words)["yield_wh"] is None


def test_model_113_float_words():
    device = device_of((1, 66), (113, 60))
    profile = build_profile(device, "pv")
    words = at(INV, [113, 60] + [0x7FC0, 0x0000] * 23 + [0xFFFF, 0xFFFF] + [0] * 12)  # everything NaN first
    words.update(at(INV + 22, [0x449A, 0x5000]))  # 22-23 W = 1234.5 W
    words.update(at(INV + 30, [0x42BE, 0x0000]))  # 30-31 PF = 95.0 % -> 0.95
    words.update(at(INV + 32, [0x4974, 0x2400]))  # 32-33 WH = 1e6 Wh
    words.update(at(INV + 40, [0x4226, 0x0000]))  # 40-41 TmpCab = 41.5 degC
    words[INV + 48] = 4  # 48 St = 4 (MPPT)
    values = decode_words(profile, words)
    assert values["power_w"] == 1234.5 and values["yield_wh"] == 1e6 and values["temperature_c"] == 41.5
    assert values["power_factor"] == pytest.approx(0.95) and values["status_code"] == 4
    assert values["dc_power_w"] is None and values["voltage_l1_v"] is None  # 0x7FC00000 = NaN


def test_model_203_meter_words_for_grid_and_load():
    device = device_of((1, 66), (203, 105))
    words = at(INV, [203, 105] + [0] * 105)
    words[INV + 18] = 0xF63C  # 18 W = -2500
    words[INV + 22] = 1  # 22 W_SF = 1 -> -25 000 W: export
    words.update(at(INV + 38, [0x0000, 0x3039]))  # 38-39 TotWhExp = 12345 -> 123 450 Wh
    words.update(at(INV + 46, [0x05E3, 0x0A78]))  # 46-47 TotWhImp = 98 765 432 -> 987 654 320 Wh
    words[INV + 54] = 1  # 54 TotWh_SF = 1
    words[INV + 16], words[INV + 17] = 5000, 0xFFFE  # 16 Hz = 50.00, 17 Hz_SF = -2
    grid = decode_words(build_profile(device, "grid"), words)
    assert grid["power_w"] == -25_000 and grid["exported_wh"] == 123_450 and grid["imported_wh"] == 987_654_320
    assert grid["frequency_hz"] == 50.0
    load = decode_words(build_profile(device, "load"), words)
    assert load["consumed_wh"] == 987_654_320 and "imported_wh" not in load


def test_model_802_battery_words():
    device = device_of((1, 66), (802, 62))
    profile = build_profile(device, "storage", require_complete=False)
    words = at(INV, [802, 62] + [0] * 62)
    words[INV + 11] = 555  # 11 SoC = 55.5 %
    words[INV + 56] = 0xFFFF  # 56 SoC_SF = -1
    words[INV + 13] = 0xFFFF  # 13 SoH: not implemented
    words[INV + 22] = 3  # 22 State = 3 (CONNECTED)
    words[INV + 47] = 0xF63C  # 47 W = -2500 W: charging
    words[INV + 63] = 0  # 63 W_SF = 0
    values = decode_words(profile, words)
    assert values == {"power_w": -2500, "soc_pct": 55.5, "soh_pct": None, "status_code": 3}


def test_model_124_gives_state_of_charge_when_there_is_no_802():
    device = device_of((1, 66), (124, 24))
    profile = build_profile(device, "storage", require_complete=False)
    words = at(INV, [124, 24] + [0] * 24)
    words[INV + 8] = 7550  # 8 ChaState = 75.5 %
    words[INV + 22] = 0xFFFE  # 22 ChaState_SF = -2
    words[INV + 11] = 4  # 11 ChaSt = 4 (CHARGING)
    assert decode_words(profile, words) == {"soc_pct": 75.5, "status_code": 4}


def test_model_701_der_ac_measurement_for_pv():
    device = device_of((1, 66), (701, 153))
    profile = build_profile(device, "pv")
    words = at(INV, [701, 153] + [0xFFFF] * 153)
    words[INV + 10] = 5000  # 10 W = 5000
    words[INV + 116] = 1  # 116 W_SF = 1 -> 50 000 W
    words.update(at(INV + 17, [0x0000, 0xC35A]))  # 17-18 Hz = 50010 (uint32)
    words[INV + 115] = 0xFFFD  # 115 Hz_SF = -3 -> 50.01 Hz
    words.update(at(INV + 19, [0, 0, 0x0001, 0x86A0]))  # 19-22 TotWhInj = 100 000 (uint64)
    words[INV + 120] = 3  # 120 TotWh_SF = 3 -> 1e8 Wh
    values = decode_words(profile, words)
    assert values["power_w"] == 50_000 and values["yield_wh"] == 1e8
    assert values["frequency_hz"] == pytest.approx(50.01)
    assert values["voltage_l1_v"] is None  # 0xFFFF: uint16 not implemented


# -- building profiles ------------------------------------------------------------------


def test_profile_has_absolute_addresses_source_and_identity():
    profile = build_profile(device_of((1, 66), (103, 50)), "pv")
    assert profile.name == "sunspec" and profile.role is Role.PV and profile.path is None
    assert profile.source == "SunSpec models 1, 103 (discovered at 40000)"
    power = next(p for p in profile.points if p.quantity == "power_w")
    assert (power.address, power.scale_factor, power.dtype.name) == (INV + 14, INV + 15, "i16")
    yield_wh = next(p for p in profile.points if p.quantity == "yield_wh")
    assert yield_wh.sentinels == (0,) and yield_wh.dtype.name == "u32"
    fields = {f.field: (f.address, f.registers) for f in profile.identity}
    assert fields == {"manufacturer": (40004, 16), "model": (40020, 16), "version": (40044, 8), "serial": (40052, 16)}
    assert set(REQUIRED[Role.PV]) <= set(profile.quantities)


def test_every_value_is_read_with_its_scale_factor():
    for models, role in [
        (((1, 66), (103, 50)), "pv"),
        (((1, 66), (203, 105)), "grid"),
        (((1, 66), (701, 153)), "pv"),
        (((1, 66), (802, 62)), "storage"),
    ]:
        profile = build_profile(device_of(*models), role, require_complete=False)
        for block in profile.blocks:
            assert block.count <= MAX_REGISTERS
            for point in block.points:
                assert block.address <= point.address and point.end <= block.address + block.count
                if point.scale_factor is not None:
                    assert block.address <= point.scale_factor < block.address + block.count


def test_float_models_are_preferred():
    device = device_of((1, 66), (103, 50), (113, 60))
    profile = build_profile(device, "pv")
    assert profile.source == "SunSpec models 1, 113 (discovered at 40000)"
    assert all(p.scale_factor is None for p in profile.points if p.quantity != "status_code")
    meter = build_profile(device_of((1, 66), (203, 105), (213, 124)), "grid")
    assert "213" in meter.source and "203" not in meter.source


def test_a_device_without_a_model_for_the_role_gets_a_clear_error():
    with pytest.raises(SunSpecError) as info:
        build_profile(device_of((1, 66), (103, 50)), "grid")
    text = str(info.value)
    assert "no model for role grid" in text and "models 1, 103" in text and "213" in text and "203" in text


def test_storage_without_energy_counters_says_so():
    device = device_of((1, 66), (802, 62), (124, 24))
    with pytest.raises(SunSpecError) as info:
        build_profile(device, "storage")
    text = str(info.value)
    assert "charged_wh, discharged_wh" in text and "no charged-energy counter" in text and "802" in text
    profile = build_profile(device, "storage", require_complete=False)
    assert missing_required(profile) == ("charged_wh", "discharged_wh")
    assert set(profile.quantities) == {"power_w", "soc_pct", "soh_pct", "status_code"}


def test_points_beyond_a_short_model_are_not_used():
    device = device_of((1, 66), (103, 20))  # the device gives model 103 only 20 registers: up to Hz_SF
    profile = build_profile(device, "pv", require_complete=False)
    assert "power_w" in profile.quantities and "yield_wh" not in profile.quantities
    assert missing_required(profile) == ("yield_wh",)
    with pytest.raises(SunSpecError, match="gives no yield_wh"):
        build_profile(device, "pv")


def test_identity_comes_from_the_common_model_before_the_role_model():
    # A gateway-style chain (as SolarEdge inverters with meters): 1, 103, 1, 203.
    device = device_of((1, 66), (103, 50), (1, 65), (203, 105))
    grid = build_profile(device, "grid")
    second_common = device.models[2].address
    assert {f.field: f.address for f in grid.identity}["serial"] == second_common + 50
    pv = build_profile(device, "pv")
    assert {f.field: f.address for f in pv.identity}["serial"] == 40002 + 50


def test_a_device_without_model_1_has_no_identity():
    profile = build_profile(device_of((103, 50)), "pv")
    assert profile.identity == () and profile.source == "SunSpec models 103 (discovered at 40000)"


def test_roles_follow_the_models():
    assert device_of((1, 66), (103, 50)).roles() == (Role.PV,)
    assert set(device_of((1, 66), (203, 105)).roles()) == {Role.GRID, Role.LOAD}
    assert device_of((1, 66), (802, 62)).roles() == (Role.STORAGE,)
    assert device_of((1, 66), (64001, 10)).roles() == ()


# -- discovery (in memory; over loopback in test_sunspec_wire.py) ---------------------------


def test_discovery_walks_the_chain_and_stops_at_the_end_marker():
    image = sunspec_register_image("pv", {"power_w": 1000.0}, IDENTITY)
    link = FakeLink(image["holding"])
    device = run(lambda: discover(link, 1))
    assert device.base == 40000 and device.problems == ()
    assert [(m.id, m.address, m.length) for m in device.models] == [(1, 40002, 66), (103, 40070, 50)]
    assert link.requests == 4  # marker, two model headers, end marker


@pytest.mark.parametrize("base", BASE_ADDRESSES)
def test_discovery_finds_each_base_address(base):
    link = FakeLink(sunspec_register_image("grid", {"power_w": 10.0}, IDENTITY, base=base)["holding"])
    device = run(lambda: discover(link, 1))
    assert device.base == base and device.model_ids == (1, 203)


def test_end_marker_without_a_length_register_is_accepted():
    holding = dict(sunspec_register_image("pv", {}, IDENTITY)["holding"])
    del holding[max(holding)]  # the device serves 0xFFFF but not the L after it
    device = run(lambda: discover(FakeLink(holding), 1))
    assert device.model_ids == (1, 103) and device.problems == ()


def test_no_marker_says_where_it_looked():
    link = FakeLink({40000: 1, 40001: 2})
    failure = run(lambda: discover(link, 1))
    assert isinstance(failure, DiscoveryFailure) and failure.kind == "not-sunspec"
    text = str(failure)
    assert "40000, 0, 50000" in text and "0x0001 0x0002" in text and "SunS" in text
    assert [base for base, _ in failure.attempts] == [40000, 0, 50000]


def test_a_connection_failure_or_a_timeout_stops_discovery_at_once():
    """A silent unit costs one timeout per discovery, not one per base address (behind a shared gateway
    every timeout is line time its siblings lose)."""
    link = FakeLink({}, error_kind="connection")
    failure = run(lambda: discover(link, 1))
    assert failure.kind == "connection" and link.requests == 1
    link = FakeLink({}, error_kind="timeout")
    failure = run(lambda: discover(link, 1))
    assert failure.kind == "timeout" and link.requests == 1
    assert "no answer at holding register 40000" in str(failure)


def test_garbage_lengths_cut_the_chain_without_crashing():
    holding = dict(sunspec_register_image("pv", {}, IDENTITY)["holding"])
    holding[40003] = 0xFFF0  # model 1 claims 65520 registers: past the register space
    device = run(lambda: discover(FakeLink(holding), 1))
    assert device.models == () and "past register 65535" in device.problems[0]
    with pytest.raises(SunSpecError, match="models none"):
        build_profile(device, "pv")


def test_a_chain_without_end_is_bounded():
    link = FakeLink({40000: MARKER[0], 40001: MARKER[1]}, default=64999)  # every header: model 64999, L = 64999
    device = run(lambda: discover(link, 1))
    assert len(device.models) < MAX_MODELS and device.problems  # runs out of register space
    link = FakeLink({40000: MARKER[0], 40001: MARKER[1]}, default=0)  # id 0: not a model
    device = run(lambda: discover(link, 1))
    assert device.models == () and "invalid model id 0" in device.problems[0]
    endless = {40000: MARKER[0], 40001: MARKER[1]}
    for a in range(40002, 40002 + 2 * (MAX_MODELS + 5), 2):
        endless[a], endless[a + 1] = 64999, 0  # vendor models of length 0, forever
    link = FakeLink(endless)
    device = run(lambda: discover(link, 1))
    assert len(device.models) == MAX_MODELS and device.problems == (
        f"stopped after {MAX_MODELS} models without an end marker",
    )
    assert link.requests <= 2 * MAX_MODELS + 2


def test_a_short_model_is_reported():
    holding = dict(sunspec_register_image("pv", {}, IDENTITY)["holding"])
    holding[40071] = 20  # model 103 says L = 20; the next header is then read inside model 103
    device = run(lambda: discover(FakeLink(holding), 1))
    assert device.models[1] == ModelInstance(103, 40070, 20)
    assert any("shorter than its definition (50)" in p for p in device.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.integers(0, 0xFFFF), max_size=400),
    holes=st.sets(st.integers(40002, 40402), max_size=5),
    role=st.sampled_from(list(Role)),
)
def test_garbage_after_the_marker_never_crashes_discovery(words, holes, role):
    holding = {40000: MARKER[0], 40001: MARKER[1]}
    holding.update({40002 + i: w for i, w in enumerate(words) if 40002 + i not in holes})
    link = FakeLink(holding)
    device = run(lambda: discover(link, 1))
    assert isinstance(device, SunSpecDevice)
    assert link.requests <= 2 + 2 * MAX_MODELS + 2
    addresses = [m.address for m in device.models]
    assert addresses == sorted(set(addresses)) and all(m.end <= 0x10000 for m in device.models)
    try:
        profile = build_profile(device, role, require_complete=False)
    except SunSpecError:
        return
    values = decode_words(profile, holding)  # decoding whatever is there must not raise either
    assert all(v is None or math.isfinite(v) for v in values.values())


# -- the simulator image ----------------------------------------------------------------

PV_VALUES = {
    "power_w": 81234.5,
    "yield_wh": 123_456_789.0,
    "dc_power_w": 83000.0,
    "temperature_c": 43.25,
    "status_code": 4.0,
    "voltage_l1_v": 230.1,
    "voltage_l2_v": 229.8,
    "voltage_l3_v": 231.0,
    "current_l1_a": 117.3,
    "current_l2_a": 118.0,
    "current_l3_a": 116.9,
    "frequency_hz": 50.02,
    "power_factor": 0.98,
    "reactive_power_var": -1200.0,
}
GRID_VALUES = {
    "power_w": -45678.9,
    "imported_wh": 9_876_543.0,
    "exported_wh": 1_234_567.0,
    "voltage_l1_v": 230.0,
    "current_l1_a": 66.2,
    "frequency_hz": 49.98,
    "power_factor": -0.91,
    "reactive_power_var": 3000.0,
}
LOAD_VALUES = {"power_w": 120_000.0, "consumed_wh": 55_555_555.0, "voltage_l2_v": 229.0}
STORAGE_VALUES = {
    "power_w": -25_000.0,
    "soc_pct": 63.4,
    "soh_pct": 97.0,
    "status_code": 3.0,
    "charged_wh": 1000.0,
    "discharged_wh": 900.0,
}


def assert_close(decoded: dict, expected: dict, float_model: bool) -> None:
    for quantity, value in expected.items():
        got = decoded.get(quantity)
        assert got is not None, quantity
        if float_model:
            assert got == pytest.approx(value, rel=1e-6, abs=1e-6), quantity
        else:  # integer + scale factor: within half a step of the finest scale factor that fits
            assert abs(got - value) <= abs(value) * 2e-4 + 1e-6, (quantity, got, value)


@pytest.mark.parametrize("role, values", [("pv", PV_VALUES), ("grid", GRID_VALUES), ("load", LOAD_VALUES)])
@pytest.mark.parametrize("float_models", [False, True])
def test_image_round_trip(role, values, float_models):
    image = sunspec_register_image(role, values, IDENTITY, float_models=float_models)
    device, profile, decoded = read_image(image, role)
    model = {("pv", False): 103, ("pv", True): 113}.get((role, float_models), 213 if float_models else 203)
    assert device.model_ids == (1, model)
    assert_close(decoded, values, float_models)
    others = set(profile.quantities) - set(values)
    assert all(decoded[q] is None for q in others)  # not given: "not implemented"
    identity = run(lambda: read_identity(FakeLink(image["holding"]), 1, profile.identity))
    assert identity == IDENTITY


def test_storage_image_round_trip_and_missing_counters():
    image = sunspec_register_image("storage", STORAGE_VALUES, IDENTITY)
    device, profile, decoded = read_image(image, "storage", require_complete=False)
    assert device.model_ids == (1, 802, 124)
    assert_close(decoded, {q: v for q, v in STORAGE_VALUES.items() if q in profile.quantities}, False)
    assert "charged_wh" not in decoded and missing_required(profile) == ("charged_wh", "discharged_wh")
    only_124 = sunspec_register_image("storage", STORAGE_VALUES, IDENTITY, models=(124,))
    _, _, decoded = read_image(only_124, "storage", require_complete=False)
    assert decoded == {"soc_pct": pytest.approx(63.4), "status_code": 3}


def test_image_with_model_701_round_trips():
    values = {
        "power_w": 55_000.0,
        "yield_wh": 9e9,
        "frequency_hz": 50.01,
        "temperature_c": 39.0,
        "voltage_l1_v": 231.2,
        "power_factor": 0.99,
    }
    image = sunspec_register_image("pv", values, IDENTITY, models=(701,))
    device, profile, decoded = read_image(image, "pv")
    assert device.model_ids == (1, 701)
    assert_close(decoded, values, False)


def test_image_layout_marker_headers_and_sentinels():
    holding = sunspec_register_image("pv", {"power_w": 100.0}, {}, base=0)["holding"]
    assert (holding[0], holding[1]) == MARKER
    assert (holding[2], holding[3]) == (1, 66) and (holding[70], holding[71]) == (103, 50)
    assert (holding[122], holding[123]) == (0xFFFF, 0)
    assert sorted(holding) == list(range(0, 124))  # contiguous: any span inside the chain can be read
    assert holding[70 + 31] == 0x8000  # DCW: int16 not implemented
    assert holding[70 + 32] == 0x8000  # DCW_SF: sunssf not implemented (no value uses it)
    assert holding[70 + 3] == 0xFFFF  # AphA: uint16 not implemented
    assert (holding[70 + 24], holding[70 + 25]) == (0, 0)  # WH: acc32 not implemented
    assert all(holding[a] == 0 for a in range(4, 68))  # identity strings empty


def test_image_rejects_what_it_cannot_encode():
    with pytest.raises(OverflowError):
        sunspec_register_image("grid", {"imported_wh": -5.0}, IDENTITY)  # a counter cannot be negative
    with pytest.raises(ValueError, match="not a canonical quantity"):
        sunspec_register_image("pv", {"power_kw": 5.0}, IDENTITY)
    with pytest.raises(ValueError, match="no SunSpec model definition"):
        sunspec_register_image("pv", {}, IDENTITY, models=(64999,))


def test_image_avoids_sentinel_values():
    # -3276.8 W at W_SF = -1 would be raw -32768 = 0x8000, the int16 "not implemented" pattern.
    _, _, decoded = read_image(
        sunspec_register_image("pv", {"power_w": -3276.8}, IDENTITY), "pv", require_complete=False
    )
    assert decoded["power_w"] == pytest.approx(-3276.8, abs=0.5)


@settings(max_examples=200, deadline=None)
@given(
    power=st.floats(-3e6, 3e6),
    energy=st.floats(1.0, 4e11),
    temperature=st.floats(-40, 120),
    pf=st.floats(-1, 1),
    soc=st.floats(0, 100),
    float_models=st.booleans(),
)
def test_image_decode_round_trip_property(power, energy, temperature, pf, soc, float_models):
    pv = {"power_w": power, "yield_wh": energy, "temperature_c": temperature, "power_factor": pf}
    _, _, decoded = read_image(sunspec_register_image("pv", pv, IDENTITY, float_models=float_models), "pv")
    assert_close(decoded, pv, float_models)
    grid = {"power_w": power, "imported_wh": energy, "exported_wh": energy / 3}
    _, _, decoded = read_image(sunspec_register_image("grid", grid, IDENTITY, float_models=float_models), "grid")
    # imported and exported share TotWh_SF: the step is set by the larger one
    assert abs(decoded["imported_wh"] - energy) <= energy * (1e-6 if float_models else 2e-4) + 1e-6
    assert abs(decoded["exported_wh"] - energy / 3) <= energy * (1e-6 if float_models else 2e-4) + 1e-6
    assert_close({"power_w": decoded["power_w"]}, {"power_w": power}, float_models)
    storage = {"power_w": power / 100, "soc_pct": soc}
    _, _, decoded = read_image(sunspec_register_image("storage", storage, IDENTITY), "storage", False)
    assert_close(decoded, storage, False)


def test_quantities_in_the_map_are_canonical():
    for quantities in ROLE_MAP.values():
        assert set(quantities) <= set(QUANTITIES)


def test_identity_fields_of_a_device():
    device = device_of((1, 66), (103, 50))
    assert [f.field for f in identity_fields(device)] == ["manufacturer", "model", "serial", "version"]
