"""Profile features for real devices: scale-factor registers, sentinel overrides, identity strings."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.dtypes import decode_string, encode_string
from drivers.profile import ProfileError
from drivers.profile_file import parse_profile

HEAD = {"name": "t", "role": "grid", "title": "t", "source": "test", "max_gap": 4}


def grid_profile(points: list[dict], identity: list[dict] | None = None, **head) -> object:
    required = [
        {"quantity": "imported_wh", "address": 100, "dtype": "u32", "sentinels": [0]},
        {"quantity": "exported_wh", "address": 102, "dtype": "u32", "sentinels": [0]},
    ]
    doc = {"profile": {**HEAD, **head}, "points": points + required}
    if identity is not None:
        doc["identity"] = identity
    return parse_profile(doc, Path("t.toml"))


def test_scale_factor_register_is_read_with_its_value_and_applied():
    # SunSpec style: W at 10 (int16), W_SF at 11 (sunssf)
    p = grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "scale_factor": 11}])
    block = next(b for b in p.blocks if b.address <= 10 < b.address + b.count)
    assert block.address <= 11 < block.address + block.count  # same request
    words = {b.address: [0] * b.count for b in p.blocks}
    words[block.address][10 - block.address] = 0xFF38  # -200
    words[block.address][11 - block.address] = 0x0001  # sf = +1 -> -2000 W
    values = p.decode_blocks([words[b.address] for b in p.blocks])
    assert values["power_w"] == -2000.0
    words[block.address][11 - block.address] = 0xFFFE  # sf = -2 -> -2.0 W
    assert p.decode_blocks([words[b.address] for b in p.blocks])["power_w"] == pytest.approx(-2.0)
    words[block.address][11 - block.address] = 0x8000  # sf not implemented -> missing, never a number
    assert p.decode_blocks([words[b.address] for b in p.blocks])["power_w"] is None
    words[block.address][11 - block.address] = 0x0020  # sf = 32: outside -10..10 -> missing
    assert p.decode_blocks([words[b.address] for b in p.blocks])["power_w"] is None


def test_scale_factor_far_away_is_still_in_the_same_read():
    p = grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "scale_factor": 40}], max_gap=0)
    block = next(b for b in p.blocks if b.address <= 10 < b.address + b.count)
    assert block.address <= 40 < block.address + block.count


def test_scale_factor_beyond_one_read_is_rejected():
    with pytest.raises(ProfileError, match=r"t.toml: profile.max_registers_per_read: .*power_w"):
        grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "scale_factor": 200}])


def test_scale_factor_may_not_sit_on_another_point():
    with pytest.raises(ProfileError, match="scale factor of 'power_w'"):
        grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "scale_factor": 100}])


def test_encode_then_decode_with_scale_factor_round_trips_large_values():
    p = grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "scale_factor": 11}])
    values = {"power_w": -1_234_000.0, "imported_wh": 5e6, "exported_wh": 7.0}
    image = p.encode_values(values)["holding"]
    words = [[image.get(a, 0) for a in range(b.address, b.address + b.count)] for b in p.blocks]
    decoded = p.decode_blocks(words)
    assert decoded["power_w"] == pytest.approx(-1_234_000.0, rel=1e-3)  # i16 holds 4-5 digits
    assert decoded["imported_wh"] == 5e6 and decoded["exported_wh"] == 7.0


def test_sentinel_override_replaces_the_dtype_default():
    p = grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i32", "sentinels": [0x7FFFFFFF]}])
    block = next(b for b in p.blocks if b.address <= 10 < b.address + b.count)
    words = [[0] * b.count for b in p.blocks]
    i = p.blocks.index(block)
    words[i][10 - block.address : 12 - block.address] = [0x7FFF, 0xFFFF]
    assert p.decode_blocks(words)["power_w"] is None
    words[i][10 - block.address : 12 - block.address] = [0x8000, 0x0000]  # i32 default sentinel, now a number
    assert p.decode_blocks(words)["power_w"] == -(2**31)
    # acc32-style counters: 0 means "not implemented"
    assert p.decode_blocks(words)["imported_wh"] is None


def test_bad_sentinels_are_rejected_with_the_row():
    with pytest.raises(ProfileError, match=r"points\[0\]\.sentinels"):
        grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i16", "sentinels": [70000]}])
    with pytest.raises(ProfileError, match=r"points\[0\]\.sentinels"):
        grid_profile([{"quantity": "power_w", "address": 10, "dtype": "f32", "sentinels": [0]}])


def test_identity_strings_and_fixed_values():
    p = grid_profile(
        [{"quantity": "power_w", "address": 10, "dtype": "i32"}],
        identity=[
            {"field": "manufacturer", "value": "ACME"},
            {"field": "serial", "table": "holding", "address": 200, "registers": 4},
        ],
    )
    image = p.encode_identity({"serial": "SN1234567"})["holding"]
    words = [image[a] for a in range(200, 204)]
    assert words[0] == (ord("S") << 8) | ord("N")
    assert p.decode_identity({"serial": words}) == {"manufacturer": "ACME", "serial": "SN123456"}  # 8 bytes
    assert p.decode_identity({"serial": None})["serial"] is None


@pytest.mark.parametrize(
    "rows, message",
    [
        ([{"field": "colour", "value": "x"}], r"identity\[0\]\.field"),
        ([{"field": "serial", "address": 1}], r"identity\[0\]\.registers"),
        ([{"field": "serial", "value": "a"}, {"field": "serial", "value": "b"}], r"identity\[1\]\.field"),
        ([{"field": "model", "value": 3}], r"identity\[0\]\.value"),
    ],
)
def test_bad_identity_rows_name_the_row(rows, message):
    with pytest.raises(ProfileError, match=message):
        grid_profile([{"quantity": "power_w", "address": 10, "dtype": "i32"}], identity=rows)


def test_strings_decode_like_devices_send_them():
    assert decode_string([0x4855, 0x4157, 0x4549, 0x0000]) == "HUAWEI"
    assert decode_string([0x0000, 0x0000]) is None
    assert decode_string([0xFFFF, 0xFFFF]) is None
    assert decode_string(encode_string("SUN2000-100KTL", 10)) == "SUN2000-100KTL"


def test_a_grid_meter_profile_serves_a_load_meter():
    from drivers.profile import as_load_meter
    from drivers.profile_file import load_profile
    from drivers.quantities import Role

    grid = load_profile("energymon-grid")
    load = as_load_meter(grid)
    assert load.role is Role.LOAD
    assert "consumed_wh" in load.quantities and "imported_wh" not in load.quantities
    assert "exported_wh" not in load.quantities
    # the same requests on the wire
    assert [(b.table, b.address, b.count) for b in load.blocks] == [(b.table, b.address, b.count) for b in grid.blocks]
    # imported energy registers (address 2, u64 Wh) decode as consumed energy
    words = [[0] * b.count for b in load.blocks]
    words[0][2:6] = [0, 0, 0x0001, 0x86A0]  # 100000 Wh
    words[0][0:2] = [0, 1500]  # 1500 W drawn
    values = load.decode_blocks(words)
    assert values["consumed_wh"] == 100_000 and values["power_w"] == 1500
    with pytest.raises(ProfileError):
        as_load_meter(load_profile("energymon-pv"))


def test_counter_wrap_and_resolution_come_from_the_register_type():
    """A u32 counter in 10 Wh rolls over at 2**32 x 10 Wh; floats and scale-factor points have no known modulus."""
    from drivers.profile_file import load_profile

    huawei = load_profile("huawei-sun2000")
    assert huawei.counter_wrap_at("yield_wh") == 2**32 * 10.0
    assert huawei.resolution("yield_wh") == 10.0
    chint = load_profile("chint-dtsu666")  # float32 registers
    assert chint.counter_wrap_at("imported_wh") is None and chint.resolution("imported_wh") == 0.0
    assert load_profile("energymon-pv").counter_wrap_at("yield_wh") == 2.0**64  # u64 in Wh
    assert huawei.counter_wrap_at("no_such_quantity") is None
