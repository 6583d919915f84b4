"""drivers.profile: built-in register maps, block planning, decoding and validation errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.dtypes import DTYPES
from drivers.modbus_limits import MAX_REGISTERS, REGISTER_TABLES
from drivers.profile import Point, Profile, ProfileError, plan_blocks
from drivers.profile_file import builtin_names, load_profile, parse_profile
from drivers.quantities import QUANTITIES, REQUIRED, Role, allowed_for

PROFILE_DIR = Path(__file__).resolve().parents[2] / "drivers" / "profiles"


def words_for_blocks(profile: Profile, registers: dict[tuple[str, int], int]) -> list[list[int]]:
    """What a device with register image ``registers`` answers to each planned block read."""
    return [[registers.get((b.table, a), 0) for a in range(b.address, b.address + b.count)] for b in profile.blocks]


# -- built-in profiles ---------------------------------------------------------------


def test_builtin_profiles_are_the_files_shipped_and_all_load():
    shipped = sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))
    assert shipped, "no built-in profiles shipped"
    assert builtin_names() == shipped
    roles = set()
    for name in shipped:
        profile = load_profile(name)
        assert profile.name == name
        assert profile.source.strip() and profile.title.strip()
        assert REQUIRED[profile.role] <= set(profile.quantities)
        assert set(profile.quantities) <= allowed_for(profile.role)
        for block in profile.blocks:
            assert 1 <= block.count <= MAX_REGISTERS
            assert block.function_code in (3, 4)  # read holding / read input registers only
        roles.add(profile.role)
    assert roles == set(Role), "every role has a built-in profile"


def test_builtin_pv_profile_decodes_hand_written_registers():
    profile = load_profile("energymon-pv")
    h = "holding"
    regs = {
        (h, 0): 0x0001,
        (h, 1): 0x86A0,  # power_w      i32 0x000186A0 = 100000 W
        (h, 2): 0x0001,
        (h, 3): 0xADB0,  # dc_power_w   i32 0x0001ADB0 = 110000 W
        (h, 4): 0x0000,
        (h, 5): 0x0012,
        (h, 6): 0x3456,
        (h, 7): 0x789A,  # yield_wh u64 = 78187493530 Wh
        (h, 8): 0xFF38,  # temperature_c i16 -200 x 0.1 = -20.0 degC
        (h, 9): 0x0002,  # status_code 2 (derated)
        (h, 10): 2305,
        (h, 11): 2298,
        (h, 12): 0xFFFF,  # voltage_l1..l3 x 0.1 V; l3 not implemented
        (h, 13): 1234,
        (h, 14): 0,
        (h, 15): 65534,  # current_l1..l3 x 0.1 A
        (h, 16): 5003,  # frequency_hz x 0.01 = 50.03 Hz
    }
    values = profile.decode_blocks(words_for_blocks(profile, regs))
    expected = {
        "power_w": 100_000,
        "dc_power_w": 110_000,
        "yield_wh": 78_187_493_530,
        "temperature_c": -20.0,
        "status_code": 2,
        "voltage_l1_v": 230.5,
        "voltage_l2_v": 229.8,
        "voltage_l3_v": None,
        "current_l1_a": 123.4,
        "current_l2_a": 0.0,
        "current_l3_a": 6553.4,
        "frequency_hz": 50.03,
    }
    assert_values(values, expected)


def test_builtin_storage_profile_decodes_hand_written_registers():
    profile = load_profile("energymon-storage")
    h = "holding"
    regs = {
        (h, 0): 0xFFFE,
        (h, 1): 0x7960,  # power_w i32 0xFFFE7960 = -100000 W (charging)
        (h, 2): 875,  # soc_pct 87.5 %
        (h, 3): 0xFFFF,  # soh_pct: not implemented
        (h, 4): 0x0000,
        (h, 5): 0x0000,
        (h, 6): 0x0001,
        (h, 7): 0x0000,  # charged_wh u64 = 65536 Wh
        (h, 8): 0x0000,
        (h, 9): 0x0001,
        (h, 10): 0x0000,
        (h, 11): 0x0000,  # discharged_wh u64 = 2**32 Wh
        (h, 12): 253,  # temperature_c 25.3 degC
        (h, 13): 1,  # status_code
    }
    expected = {
        "power_w": -100_000,
        "soc_pct": 87.5,
        "soh_pct": None,
        "charged_wh": 65_536,
        "discharged_wh": 4_294_967_296,
        "temperature_c": 25.3,
        "status_code": 1,
    }
    assert_values(profile.decode_blocks(words_for_blocks(profile, regs)), expected)


def test_builtin_load_profile_decodes_hand_written_input_registers():
    profile = load_profile("energymon-load")
    i = "input"
    regs = {
        (i, 0): 0x0004,
        (i, 1): 0x93E0,  # power_w i32 0x000493E0 = 300000 W
        (i, 2): 0x0000,
        (i, 3): 0x0000,
        (i, 4): 0x05F5,
        (i, 5): 0xE100,  # consumed_wh u64 = 100000000 Wh
        (i, 6): 2301,
        (i, 7): 2299,
        (i, 8): 2310,  # voltage_l1..l3 0.1 V
        (i, 9): 4350,
        (i, 10): 4360,
        (i, 11): 4340,  # current_l1..l3 0.1 A
        (i, 12): 4998,  # frequency_hz 49.98 Hz
        (i, 13): 0xFC2E,  # power_factor i16 -978 x 0.001 = -0.978
    }
    expected = {
        "power_w": 300_000,
        "consumed_wh": 100_000_000,
        "voltage_l1_v": 230.1,
        "voltage_l2_v": 229.9,
        "voltage_l3_v": 231.0,
        "current_l1_a": 435.0,
        "current_l2_a": 436.0,
        "current_l3_a": 434.0,
        "frequency_hz": 49.98,
        "power_factor": -0.978,
    }
    assert_values(profile.decode_blocks(words_for_blocks(profile, regs)), expected)
    # The map lives in the input table: the same words in holding registers are not read.
    assert all(b.table == "input" and b.function_code == 4 for b in profile.blocks)


def test_builtin_grid_profile_decodes_hand_written_registers():
    profile = load_profile("energymon-grid")
    h = "holding"
    regs = {
        (h, 0): 0xFFF0,
        (h, 1): 0xBDC0,  # power_w i32 0xFFF0BDC0 = -1000000 W (export)
        (h, 2): 0x0000,
        (h, 3): 0x0000,
        (h, 4): 0x3B9A,
        (h, 5): 0xCA00,  # imported_wh = 1e9 Wh
        (h, 6): 0x0000,
        (h, 7): 0x0000,
        (h, 8): 0x0000,
        (h, 9): 0x03E8,  # exported_wh = 1000 Wh
        (h, 10): 5774,
        (h, 11): 5770,
        (h, 12): 5780,  # voltage_l1..l3, 1 V (10 kV / sqrt 3)
        (h, 13): 583,
        (h, 14): 0,
        (h, 15): 0xFFFF,  # current_l1..l3 0.1 A; l3 not implemented
        (h, 16): 5000,  # frequency_hz 50.00 Hz
        (h, 17): 980,  # power_factor 0.980
        (h, 18): 0xFFFF,
        (h, 19): 0xFC18,  # reactive_power_var i32 -1000 var
    }
    expected = {
        "power_w": -1_000_000,
        "imported_wh": 1_000_000_000,
        "exported_wh": 1000,
        "voltage_l1_v": 5774,
        "voltage_l2_v": 5770,
        "voltage_l3_v": 5780,
        "current_l1_a": 58.3,
        "current_l2_a": 0.0,
        "current_l3_a": None,
        "frequency_hz": 50.0,
        "power_factor": 0.98,
        "reactive_power_var": -1000,
    }
    assert_values(profile.decode_blocks(words_for_blocks(profile, regs)), expected)


def assert_values(values: dict, expected: dict) -> None:
    assert set(values) == set(expected)
    for q, want in expected.items():
        got = values[q]
        if want is None:
            assert got is None, q
        else:
            assert got is not None and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9), (q, got, want)


@pytest.mark.parametrize("name", builtin_names())
def test_failed_block_yields_none_values_never_numbers(name):
    profile = load_profile(name)
    values = profile.decode_blocks([None] * len(profile.blocks))
    assert set(values) == set(profile.quantities)
    assert all(v is None for v in values.values())


@pytest.mark.parametrize("name", builtin_names())
def test_encode_values_is_the_inverse_of_decode_for_builtin_profiles(name):
    # The simulator encodes through the same profile the collector decodes with.
    profile = load_profile(name)
    values = {p.quantity: 7 * p.scale * (i + 1) for i, p in enumerate(profile.points)}
    image = profile.encode_values(values)
    registers = {(table, a): w for table, words in image.items() for a, w in words.items()}
    decoded = profile.decode_blocks(words_for_blocks(profile, registers))
    served = set(profile.simulated_quantities)
    values = {q: (v if q in served else None) for q, v in values.items()}  # others: another point's registers
    if profile.held_ratios:  # served divided by the ratios: a float register rounds the secondary value
        assert set(decoded) == set(values)
        assert all(math.isclose(decoded[q], v, rel_tol=1e-6) for q, v in values.items()), (decoded, values)
    else:
        assert_values(decoded, values)
    # Absent quantities encode the "not implemented" sentinel and come back as None.
    image = profile.encode_values({})
    registers = {(table, a): w for table, words in image.items() for a, w in words.items()}
    assert all(v is None for v in profile.decode_blocks(words_for_blocks(profile, registers)).values())


def test_decode_uses_the_point_offset_within_a_partially_failed_plan(tmp_path):
    # Two blocks (holding and input); the input read fails, the holding one succeeds.
    path = write(
        tmp_path,
        "two.toml",
        PROFILE_HEAD.format(role="load")
        + """
[[points]]
quantity = "consumed_wh"
table = "holding"
address = 100
dtype = "u32"
[[points]]
quantity = "power_w"
table = "input"
address = 7
dtype = "i16"
scale = 10
""",
    )
    profile = load_profile(path)
    assert [(b.table, b.address, b.count) for b in profile.blocks] == [("holding", 100, 2), ("input", 7, 1)]
    values = profile.decode_blocks([[0x0001, 0x0002], None])  # 0x00010002 = 65538
    assert values == {"consumed_wh": 65538.0, "power_w": None}
    values = profile.decode_blocks([None, [0xFFFF]])  # -1 x 10 W
    assert values == {"consumed_wh": None, "power_w": -10.0}


# -- block planning ------------------------------------------------------------------


def pt(address: int, dtype: str = "u16", table: str = "holding", quantity: str = "power_w") -> Point:
    return Point(quantity, table, address, DTYPES[dtype], 1.0, "big")


def spans(blocks) -> list[tuple[str, int, int]]:
    return [(b.table, b.address, b.count) for b in blocks]


def test_plan_merges_a_gap_of_max_gap_and_splits_beyond():
    # u32 at 0..1, next point at 2 + gap.
    assert spans(plan_blocks([pt(0, "u32"), pt(2 + 5)], max_gap=5, max_block=125)) == [("holding", 0, 8)]
    assert spans(plan_blocks([pt(0, "u32"), pt(2 + 6)], max_gap=5, max_block=125)) == [
        ("holding", 0, 2),
        ("holding", 8, 1),
    ]
    assert spans(plan_blocks([pt(0), pt(1)], max_gap=0, max_block=125)) == [("holding", 0, 2)]
    assert spans(plan_blocks([pt(0), pt(2)], max_gap=0, max_block=125)) == [("holding", 0, 1), ("holding", 2, 1)]


def test_plan_respects_max_block_and_separates_tables():
    points = [pt(a) for a in range(0, 10)] + [pt(3, table="input"), pt(4, "u64", table="input")]
    blocks = plan_blocks(points, max_gap=16, max_block=4)
    assert spans(blocks) == [("holding", 0, 4), ("holding", 4, 4), ("holding", 8, 2), ("input", 3, 1), ("input", 4, 4)]
    # A multi-register point is never cut: u64 at 3..6 does not fit into a block starting at 0 of 4.
    blocks = plan_blocks([pt(0), pt(3, "u64")], max_gap=16, max_block=4)
    assert spans(blocks) == [("holding", 0, 1), ("holding", 3, 4)]


def test_plan_of_unsorted_points_is_sorted():
    blocks = plan_blocks([pt(50), pt(10), pt(30)], max_gap=5, max_block=125)
    assert spans(blocks) == [("holding", 10, 1), ("holding", 30, 1), ("holding", 50, 1)]


@st.composite
def point_sets(draw):
    points = []
    for table in ("holding", "input"):
        address = draw(st.integers(0, 50))
        for _ in range(draw(st.integers(0, 12))):
            dtype = draw(st.sampled_from(list(DTYPES)))
            points.append(pt(address, dtype, table))
            address += DTYPES[dtype].registers + draw(st.integers(0, 30))
    return points


@settings(max_examples=300)
@given(point_sets(), st.integers(0, 40), st.integers(4, 125))
def test_plan_properties(points, max_gap, max_block):
    blocks = plan_blocks(points, max_gap, max_block)
    # Every point is read exactly once, inside its block, in its table.
    placed = [p for b in blocks for p in b.points]
    assert sorted(placed, key=id) == sorted(points, key=id)
    for b in blocks:
        assert 1 <= b.count <= max_block
        for p in b.points:
            assert p.table == b.table and b.address <= p.address and p.end <= b.address + b.count
        # The block spans exactly its points, with no gap beyond max_gap between neighbours.
        assert b.address == min(p.address for p in b.points)
        assert b.address + b.count == max(p.end for p in b.points)
        ordered = sorted(b.points, key=lambda p: p.address)
        for a, c in zip(ordered, ordered[1:]):
            assert c.address - a.end <= max_gap
    # Fewest reads for a greedy plan: consecutive blocks of a table could not have been merged.
    for a, c in zip(blocks, blocks[1:]):
        if a.table == c.table:
            first = c.points[0]
            assert first.address - (a.address + a.count) > max_gap or first.end - a.address > max_block


# -- invalid profiles ------------------------------------------------------------------

PROFILE_HEAD = """[profile]
name = "test-profile"
role = "{role}"
title = "A test profile"
source = "hand written"
"""

VALID_PV_POINTS = """
[[points]]
quantity = "power_w"
address = 0
dtype = "i32"

[[points]]
quantity = "yield_wh"
address = 2
dtype = "u64"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_profile_file_loads_by_path(tmp_path):
    path = write(tmp_path, "my-pv.toml", PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS)
    profile = load_profile(path)
    assert profile.role is Role.PV and profile.quantities == ("power_w", "yield_wh")
    assert spans(profile.blocks) == [("holding", 0, 6)]
    # A relative path is resolved against base_dir (the config file's folder).
    assert load_profile("my-pv.toml", base_dir=tmp_path).quantities == ("power_w", "yield_wh")


EXTRA_POINT = """
[[points]]
quantity = "{quantity}"
address = {address}
dtype = "{dtype}"
"""


@pytest.mark.parametrize(
    "text, field, words",
    [
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS
            + EXTRA_POINT.format(quantity="temperature_c", address=10, dtype="u17"),
            "points[2].dtype",
            ["unknown dtype", "u17"],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS
            + EXTRA_POINT.format(quantity="power_kw", address=10, dtype="u16"),
            "points[2].quantity",
            ["unknown quantity", "power_kw"],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS
            + EXTRA_POINT.format(quantity="soc_pct", address=10, dtype="u16"),
            "points[2].quantity",
            ["soc_pct", "pv"],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS
            + EXTRA_POINT.format(quantity="power_w", address=10, dtype="u16"),
            "points[2].quantity",
            ["already mapped", "points[0]"],
        ),
        (
            PROFILE_HEAD.format(role="storage") + VALID_PV_POINTS.replace("yield_wh", "soc_pct"),
            "points",
            ["requires", "charged_wh", "discharged_wh"],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS
            + EXTRA_POINT.format(quantity="dc_power_w", address=5, dtype="i32"),
            "points",
            ["overlap", "yield_wh", "dc_power_w"],
        ),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace('dtype = "i32"', 'dtype = "i32"\nscal = 0.1'),
            "points[0].scal",
            ["unknown key"],
        ),
        (
            PROFILE_HEAD.format(role="pv") + 'wordorder = "big"\n' + VALID_PV_POINTS,
            "profile.wordorder",
            ["unknown key"],
        ),
        (PROFILE_HEAD.format(role="wind") + VALID_PV_POINTS, "profile.role", ["unknown role", "wind"]),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace("address = 2", "address = -2"),
            "points[1].address",
            ["65535"],
        ),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace("address = 2", "address = 65534"),
            "points[1].address",
            ["past"],
        ),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace('dtype = "i32"', 'dtype = "i32"\nscale = 0'),
            "points[0].scale",
            ["non-zero"],
        ),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace('dtype = "i32"', 'dtype = "i32"\ntable = "coils"'),
            "points[0].table",
            ["coils"],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS.replace('dtype = "i32"', 'dtype = "i32"\nword_order = "middle"'),
            "points[0].word_order",
            ["middle"],
        ),
        (PROFILE_HEAD.format(role="pv") + "max_block = 200\n" + VALID_PV_POINTS, "profile.max_block", ["125"]),
        (PROFILE_HEAD.format(role="pv") + "max_block = 2\n" + VALID_PV_POINTS, "profile.max_block", ["yield_wh"]),
        (PROFILE_HEAD.format(role="pv").replace('title = "A test profile"\n', ""), "profile.title", ["missing"]),
        (PROFILE_HEAD.format(role="pv"), "points", ["[[points]]"]),
        (VALID_PV_POINTS, "profile", ["missing"]),
        (PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS + "\n[extra]\nx = 1\n", "extra", ["unknown key"]),
        # Wrongly typed values are errors naming the field, never a crash.
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace('quantity = "power_w"', 'quantity = ["power_w"]'),
            "points[0].quantity",
            [],
        ),
        (
            PROFILE_HEAD.format(role="pv") + VALID_PV_POINTS.replace('dtype = "i32"', "dtype = { name = 'i32' }"),
            "points[0].dtype",
            [],
        ),
        (
            PROFILE_HEAD.format(role="pv")
            + VALID_PV_POINTS.replace('dtype = "i32"', 'dtype = "i32"\ntable = ["holding"]'),
            "points[0].table",
            [],
        ),
        ("points = [1, 2]\n" + PROFILE_HEAD.format(role="pv"), "points[0]", ["table"]),
    ],
)
def test_invalid_profile_names_file_and_field(tmp_path, text, field, words):
    path = write(tmp_path, "broken-map.toml", text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert message.startswith("broken-map.toml: "), message
    assert f": {field}: " in message, message
    for word in words:
        assert word in message, message
    assert "\n" not in message


def test_toml_syntax_error_names_the_file(tmp_path):
    path = write(tmp_path, "syntax.toml", PROFILE_HEAD.format(role="pv") + "\n[[points]\nquantity = 1\n")
    with pytest.raises(ProfileError, match=r"syntax\.toml: TOML syntax error"):
        load_profile(path)


def test_missing_profile_file_and_unknown_name(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.toml")
    with pytest.raises(ProfileError) as info:
        load_profile("energymon-pvv")
    assert "energymon-pvv" in str(info.value)
    for name in builtin_names():  # the message lists what exists
        assert name in str(info.value)
    with pytest.raises(ProfileError, match="invalid profile path"):
        load_profile("bad\x00name.toml")  # e.g. from a config string with an escaped NUL


# Any document built from TOML-like values either parses or is refused with a ProfileError.
toml_scalars = st.one_of(
    st.text(max_size=8),
    st.integers(-(1 << 63), (1 << 63) - 1),
    st.floats(),
    st.booleans(),
    st.sampled_from(["pv", "load", "i32", "u16", "holding", "input", "power_w", "yield_wh", "big", "little"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_profiles(draw):
    doc = {
        "profile": {"name": "fuzz", "role": "pv", "title": "t", "source": "s"},
        "points": [
            {"quantity": "power_w", "table": "holding", "address": 0, "dtype": "i32", "scale": 1.0},
            {"quantity": "yield_wh", "table": "holding", "address": 2, "dtype": "u64"},
        ],
    }
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(["profile", "points0", "points1", "root", "points"]))
        value = draw(toml_values)
        if target == "profile" and isinstance(doc["profile"], dict):
            key = draw(st.sampled_from(["name", "role", "title", "source", "word_order", "max_gap", "max_block"]))
            doc["profile"][key] = value
        elif target in ("points0", "points1") and isinstance(doc["points"], list) and len(doc["points"]) == 2:
            row = doc["points"][int(target[-1])]
            if isinstance(row, dict):
                row[draw(st.sampled_from(["quantity", "table", "address", "dtype", "scale", "word_order"]))] = value
        elif target == "points":
            doc["points"] = value
        else:
            doc[draw(st.sampled_from(["profile", "points", "other"]))] = value
    return doc


@settings(max_examples=400)
@given(mutated_profiles())
def test_parse_profile_never_crashes(doc):
    try:
        profile = parse_profile(doc, Path("fuzz.toml"))
    except ProfileError as exc:
        assert str(exc).startswith("fuzz.toml: ")
    else:
        assert REQUIRED[profile.role] <= set(profile.quantities)
        assert all(p.quantity in QUANTITIES and p.table in REGISTER_TABLES for p in profile.points)
