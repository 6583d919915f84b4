"""drivers.dtypes: register words <-> numbers, sentinels, word orders."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dtypes import DTYPES, WORD_ORDERS, decode, encode

INT_DTYPES = [name for name, d in DTYPES.items() if not d.is_float]
FLOAT_DTYPES = [name for name, d in DTYPES.items() if d.is_float]


def reference_int(words: list[int], word_order: str, signed: bool) -> int:
    """Independent oracle: assemble 16-bit words into an integer, two's complement if signed."""
    ordered = words if word_order == "big" else list(reversed(words))
    value = 0
    for w in ordered:
        value = (value << 16) | w
    bits = 16 * len(words)
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def test_dtype_table_is_what_the_modbus_world_expects():
    expected = {
        "u16": (1, False),
        "i16": (1, True),
        "u32": (2, False),
        "i32": (2, True),
        "u64": (4, False),
        "i64": (4, True),
        "f32": (2, None),
        "f64": (4, None),
    }
    assert set(DTYPES) == set(expected)
    for name, (registers, signed) in expected.items():
        assert DTYPES[name].registers == registers, name
        if signed is not None:
            assert DTYPES[name].signed is signed, name
    assert set(WORD_ORDERS) == {"big", "little"}


@st.composite
def int_case(draw):
    name = draw(st.sampled_from(INT_DTYPES))
    dtype = DTYPES[name]
    if dtype.signed:
        lo, hi = -(1 << (dtype.bits - 1)), (1 << (dtype.bits - 1)) - 1
    else:
        lo, hi = 0, (1 << dtype.bits) - 1
    # The sentinel pattern means "not implemented": it is not a value that round-trips.
    sentinel_value = reference_int(
        [(dtype.sentinel >> (16 * i)) & 0xFFFF for i in reversed(range(dtype.registers))], "big", dtype.signed
    )
    value = draw(st.integers(lo, hi).filter(lambda v: v != sentinel_value))
    return name, value, draw(st.sampled_from(WORD_ORDERS))


@given(int_case())
def test_integer_round_trip(case):
    name, value, order = case
    dtype = DTYPES[name]
    words = encode(dtype, value, order)
    assert len(words) == dtype.registers
    assert all(0 <= w <= 0xFFFF for w in words)
    assert reference_int(words, order, dtype.signed) == value  # the words are what the oracle expects
    assert decode(dtype, words, order) == value


@given(st.sampled_from(WORD_ORDERS), st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_f32_round_trip(order, value):
    words = encode(DTYPES["f32"], value, order)
    assert decode(DTYPES["f32"], words, order) == value


@given(st.sampled_from(WORD_ORDERS), st.floats(allow_nan=False, allow_infinity=False))
def test_f64_round_trip(order, value):
    words = encode(DTYPES["f64"], value, order)
    assert decode(DTYPES["f64"], words, order) == value


@given(st.sampled_from(list(DTYPES)), st.sampled_from(WORD_ORDERS), st.data())
def test_any_words_decode_to_none_or_a_number_that_encodes_back(name, order, data):
    dtype = DTYPES[name]
    words = data.draw(st.lists(st.integers(0, 0xFFFF), min_size=dtype.registers, max_size=dtype.registers))
    value = decode(dtype, words, order)
    raw = reference_int(words, order, signed=False)
    if dtype.is_float:
        (number,) = struct.unpack(dtype.struct_code, raw.to_bytes(2 * dtype.registers, "big"))
        if not math.isfinite(number):
            assert value is None
            return
        assert value == number
    else:
        if raw == dtype.sentinel:
            assert value is None
            return
        assert value == reference_int(words, order, dtype.signed)
    assert encode(dtype, value, order) == words


@pytest.mark.parametrize("order", WORD_ORDERS)
@pytest.mark.parametrize(
    "name, big_words",
    [
        ("u16", [0xFFFF]),
        ("i16", [0x8000]),
        ("u32", [0xFFFF, 0xFFFF]),
        ("i32", [0x8000, 0x0000]),
        ("u64", [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
        ("i64", [0x8000, 0x0000, 0x0000, 0x0000]),
    ],
)
def test_sunspec_not_implemented_sentinels_decode_to_none(name, big_words, order):
    words = big_words if order == "big" else list(reversed(big_words))
    assert decode(DTYPES[name], words, order) is None


@pytest.mark.parametrize(
    "name, words",
    [
        ("f32", [0x7FC0, 0x0000]),  # quiet NaN
        ("f32", [0x7F80, 0x0001]),  # signalling NaN
        ("f32", [0x7F80, 0x0000]),  # +inf
        ("f32", [0xFF80, 0x0000]),  # -inf
        ("f64", [0x7FF8, 0x0000, 0x0000, 0x0000]),  # NaN
        ("f64", [0x7FF0, 0x0000, 0x0000, 0x0000]),  # +inf
        ("f64", [0xFFF0, 0x0000, 0x0000, 0x0000]),  # -inf
    ],
)
def test_float_nan_and_infinity_decode_to_none(name, words):
    assert decode(DTYPES[name], words) is None
    assert decode(DTYPES[name], list(reversed(words)), "little") is None


@pytest.mark.parametrize("name", list(DTYPES))
@pytest.mark.parametrize("order", WORD_ORDERS)
def test_none_encodes_to_something_that_decodes_to_none(name, order):
    dtype = DTYPES[name]
    assert decode(dtype, encode(dtype, None, order), order) is None


@pytest.mark.parametrize(
    "name, words, order, expected",
    [
        ("u16", [0x1234], "big", 0x1234),  # 4660
        ("i16", [0xFF38], "big", -200),  # 0xFF38 = 65336 = 65536 - 200
        ("i16", [0x7FFF], "big", 32767),
        ("i32", [0xFFFF, 0xFFFE], "big", -2),  # 0xFFFFFFFE
        ("i32", [0xFFFE, 0xFFFF], "little", -2),  # low word first
        ("i32", [0x0001, 0x86A0], "big", 100_000),  # 0x000186A0
        ("i32", [0x86A0, 0x0001], "little", 100_000),
        ("u32", [0x0001, 0x0000], "big", 65_536),
        ("u32", [0x0000, 0x0001], "little", 65_536),
        ("u32", [0x0000, 0x0001], "big", 1),
        ("u64", [0x0000, 0x0012, 0x3456, 0x789A], "big", 0x123456789A),  # 78,187,493,530
        ("u64", [0x789A, 0x3456, 0x0012, 0x0000], "little", 0x123456789A),
        ("i64", [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], "big", -1),
        ("f32", [0x4148, 0x0000], "big", 12.5),  # 0x41480000 = 1.5625 * 2**3
        ("f32", [0x0000, 0x4148], "little", 12.5),
        ("f32", [0xC148, 0x0000], "big", -12.5),
        ("f64", [0x4029, 0x0000, 0x0000, 0x0000], "big", 12.5),  # 0x4029000000000000
        ("f64", [0x0000, 0x0000, 0x0000, 0x4029], "little", 12.5),
    ],
)
def test_hand_written_words(name, words, order, expected):
    assert decode(DTYPES[name], words, order) == expected
    assert encode(DTYPES[name], expected, order) == words


@pytest.mark.parametrize("name", list(DTYPES))
def test_wrong_number_of_words_is_refused(name):
    dtype = DTYPES[name]
    with pytest.raises(ValueError, match=name):
        decode(dtype, [0] * (dtype.registers + 1))


def test_unsigned_counters_wrap_like_a_device_and_round():
    assert encode(DTYPES["u16"], 65_536 + 5, wrap=True) == [5]
    assert encode(DTYPES["u32"], (1 << 32) + 7, wrap=True) == [0, 7]
    assert encode(DTYPES["u16"], 41.6) == [42]


@pytest.mark.parametrize("name, value", [("u16", 65_536), ("u32", 1 << 32), ("u16", -1)])
def test_unsigned_out_of_range_raises_unless_wrapping(name, value):
    # A measurement that does not fit must never come out as another number (no silent wrap).
    with pytest.raises(OverflowError):
        encode(DTYPES[name], value)
    assert encode(DTYPES["i16"], -41.6) == [0x10000 - 42]


@pytest.mark.parametrize("name, value", [("i16", 40_000), ("i16", -40_000), ("i32", 1 << 31), ("i64", -(1 << 63) - 1)])
def test_signed_out_of_range_raises_overflow_error(name, value):
    # Documented contract of encode(): signed values outside the range raise OverflowError.
    with pytest.raises(OverflowError):
        encode(DTYPES[name], value)
