"""energymon.store.codec: lossless round trips, codec choice, size, and corrupt blobs.

Round trips are bitwise, with one documented exception: the decimal codec
(``b"D"``) stores integers, so ``-0.0`` comes back as ``0.0`` (the float codec
``b"X"`` keeps the sign bit, NaN payloads and everything else).

Timestamps are tested on the domain of spans below 2**63 ms (~292 million
years): a larger step between two samples overflows the int64 difference and
is rejected with ValueError (never silently mangled) - see
``test_timestamp_gap_beyond_int64_is_rejected_not_mangled``.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from energymon.store.codec import CodecError, decode_timestamps, decode_values, encode_timestamps, encode_values

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, UTC epoch ms
TS_HEADER = 3  # b"T", version, width
D_HEADER = 4  # b"D", version, exponent, width
X_HEADER = 2  # b"X", version


def ts_roundtrip(ts: np.ndarray) -> np.ndarray:
    ts = np.asarray(ts, dtype=np.int64)
    blob = encode_timestamps(ts)
    assert blob[:2] == b"T\x01"
    out = decode_timestamps(blob, ts.size)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, ts)
    return out


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def assert_values_roundtrip(values: np.ndarray) -> bytes:
    """Encode, decode, compare bitwise (-0.0 -> 0.0 allowed only for the decimal codec); the blob."""
    v = np.asarray(values, dtype=np.float64)
    blob = encode_values(v)
    out = decode_values(blob, v.size)
    assert out.dtype == np.float64 and out.shape == v.shape
    expected = bits(v).copy()
    if blob[:1] == b"D":
        negative_zero = bits(v) == bits(np.array(-0.0))
        expected[negative_zero] = bits(np.array(0.0))
    else:
        assert blob[:1] == b"X"
    np.testing.assert_array_equal(bits(out), expected)
    return blob


# --- timestamps -------------------------------------------------------------------------------------------------


@st.composite
def increasing_ts(draw) -> np.ndarray:
    """Strictly increasing int64 ms: any start (negative epochs too), steps from 1 ms to huge gaps."""
    start = draw(st.integers(-(2**61), 2**61))
    step = st.one_of(st.integers(1, 100), st.integers(4_900, 5_100), st.integers(1, 2**40), st.integers(1, 2**58))
    steps = draw(st.lists(step, max_size=300))
    ts = np.cumsum(np.array([start, *steps], dtype=object))
    assume(abs(int(ts[-1])) < 2**62)
    return ts.astype(np.int64)


@settings(max_examples=400, deadline=None)
@given(increasing_ts())
def test_timestamps_roundtrip(ts):
    ts_roundtrip(ts)


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(-(2**50), 2**50),
    period=st.integers(100, 900_000),
    jitter=st.integers(0, 49),
    n=st.integers(1, 2_000),
    seed=st.integers(0, 2**32 - 1),
)
def test_regular_polls_with_jitter_roundtrip(start, period, jitter, n, seed):
    rng = np.random.default_rng(seed)
    ts = start + np.arange(n, dtype=np.int64) * period + rng.integers(-jitter, jitter + 1, n)
    ts_roundtrip(ts)


@pytest.mark.parametrize(
    "ts",
    [
        [T0],
        [0],
        [-1],
        [-(2**62)],
        [2**62],
        [-(2**63)],
        [2**63 - 1],
        [-5, -3, 0, 2],  # negative epoch values across zero
        [-86_400_000 * 365 * 100, -86_400_000, 0],  # 1870, 1969, 1970
        [T0, T0 + 1, T0 + 2**40, T0 + 2**40 + 1],  # a huge gap between regular steps
        [0, 2**62, 2**62 + 1],  # delta of delta about -2**62
        [-(2**62) + 1, 0, 2**62 - 1],
        [2**63 - 3, 2**63 - 2, 2**63 - 1],  # at the top of int64
        [-(2**63), -(2**63) + 1, -(2**63) + 5],
    ],
)
def test_timestamps_edge_cases(ts):
    ts_roundtrip(np.array(ts, dtype=np.int64))


def test_regular_poll_is_tiny():
    ts = T0 + np.arange(720, dtype=np.int64) * 5_000
    blob = encode_timestamps(ts)
    assert blob[2] == 2  # the first delta (5,000 ms, zig-zag 10,000) sets the width; the rest are zeros
    assert len(blob) < 40
    ts_roundtrip(ts)


def test_timestamps_reject_bad_input():
    with pytest.raises(ValueError):
        encode_timestamps(np.array([], dtype=np.int64))
    with pytest.raises(ValueError):
        encode_timestamps(np.array([T0, T0], dtype=np.int64))
    with pytest.raises(ValueError):
        encode_timestamps(np.array([T0, T0 - 1], dtype=np.int64))


def test_timestamp_gap_beyond_int64_is_rejected_not_mangled():
    """A step of 2**63 ms or more overflows np.diff: refused (ValueError), never encoded wrongly."""
    for ts in ([-(2**63), 2**63 - 1], [-(2**62), 2**62]):
        with pytest.raises(ValueError):
            encode_timestamps(np.array(ts, dtype=np.int64))


# --- values -----------------------------------------------------------------------------------------------------


any_floats = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=64)


@settings(max_examples=500, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 200), elements=any_floats))
def test_arbitrary_floats_roundtrip(values):
    assert_values_roundtrip(values)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.uint64, st.integers(1, 100), elements=st.integers(0, 2**64 - 1)))
def test_arbitrary_bit_patterns_roundtrip(patterns):
    """Every float64 bit pattern, NaN payloads and signalling NaNs included, survives."""
    assert_values_roundtrip(patterns.view(np.float64))


@pytest.mark.parametrize(
    "values",
    [
        [np.nan],
        [np.inf],
        [-np.inf],
        [5e-324],
        [-5e-324],
        [2.2250738585072014e-308],
        [1.7976931348623157e308],
        [-1.7976931348623157e308],
        [0.0],
        [np.nan, np.nan, 1.0],
        [1.0, np.inf, -np.inf, 0.0],
        [0.1, 0.2, 0.30000000000000004],
        [1e300, 1e-300],
        [1e305, 1.0],  # 1e305 * 10**6 overflows in the probe
    ],
)
def test_special_floats_roundtrip(values):
    assert_values_roundtrip(np.array(values))


def test_negative_zero():
    """Documented: the decimal codec gives -0.0 back as 0.0; the float codec keeps it."""
    blob = encode_values(np.array([-0.0, 1.0]))
    assert blob[:1] == b"D"
    out = decode_values(blob, 2)
    assert out[0] == 0.0 and not np.signbit(out[0])
    blob = encode_values(np.array([-0.0, np.nan]))
    assert blob[:1] == b"X"
    assert np.signbit(decode_values(blob, 2)[0])


@settings(max_examples=400, deadline=None)
@given(k=st.integers(-3, 6), ints=st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=300))
def test_decimal_values_take_decimal_codec(k, ints):
    """integer * 10**-k, as the nearest float to the decimal (integer / 10**k), takes the b"D" codec."""
    ints = np.array(ints, dtype=np.int64)
    values = ints / 10.0**k if k >= 0 else ints * 10.0**-k
    blob = assert_values_roundtrip(values)
    assert blob[:1] == b"D"


@pytest.mark.parametrize(
    "values, k",
    [
        ([230.1, 230.2, 229.9], 1),  # voltage, 0.1 V
        ([49.98, 50.01, 50.0], 2),  # frequency, 0.01 Hz
        ([1500.0, 1501.0, 1499.0], 0),  # whole watts
        ([0.995, -0.999, 1.0], 3),  # power factor
        ([1_234_000.0, 1_235_000.0], 0),  # whole numbers below 2**53 always take k = 0 (tried first)
        ([1e17, 2e17], -2),  # negative exponents only beyond 2**53
        ([1e18, 3e18], -3),
        ([0.000001, 0.000002], 6),
    ],
)
def test_decimal_exponent_chosen(values, k):
    blob = assert_values_roundtrip(np.array(values))
    assert blob[:1] == b"D"
    exponent = blob[2] & 0x1F
    assert (exponent - 32 if exponent & 0x10 else exponent) == k  # the low 5 bits of the scale byte


def test_register_values_scaled_by_multiplication_take_decimal_codec():
    """raw * 0.1 is often not raw / 10 in floating point; the scale byte's 'multiplied' flag covers it."""
    raw = np.arange(2_000, 2_720)  # e.g. 200.0 .. 271.9 V in 0.1 V steps
    values = raw * 0.1  # how drivers/profile.py computes a point's value (scale 0.1, or 10.0**-1)
    assert_values_roundtrip(values)  # lossless either way
    blob = encode_values(values)
    assert blob[:1] == b"D" and blob[2] & 0x20  # integer * 10**-1


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float32,
        st.integers(1, 200),
        elements=st.floats(width=32, allow_nan=True, allow_infinity=True, allow_subnormal=True),
    )
)
def test_float32_values_roundtrip(values):
    assert_values_roundtrip(values.astype(np.float64))


def test_float32_register_values_take_float_codec():
    values = np.linspace(0.0, 1.0, 720, dtype=np.float32).astype(np.float64) * np.float32(1234.567)
    blob = assert_values_roundtrip(values)
    assert blob[:1] == b"X"


@pytest.mark.parametrize(
    "values",
    [
        [2.0**53 - 2, 2.0**53 - 1],
        [2.0**53 - 1, 2.0**53],  # 2**53 itself is not below the exact-integer limit
        [2.0**53, 2.0**53 + 2, 2.0**53 + 4],
        [2.0**60, 2.0**60 + 256],
        [1e18, 1e18 + 1000.0],  # fits integer * 10**3
        [2.0**63, 2.0**64, 2.0**70],
        [-(2.0**53), 2.0**53],
        [1e22, 1e23],  # exact powers of ten, far beyond 2**53
    ],
)
def test_huge_counters_roundtrip(values):
    assert_values_roundtrip(np.array(values))


@settings(max_examples=300, deadline=None)
@given(start=st.integers(2**52, 2**62), steps=st.lists(st.integers(0, 10**6), min_size=0, max_size=200))
def test_huge_monotone_counters_roundtrip(start, steps):
    values = np.cumsum(np.array([start, *steps], dtype=np.int64)).astype(np.float64)
    assert_values_roundtrip(values)


def test_whole_counter_below_2_53_is_decimal():
    values = np.array([2.0**53 - 10, 2.0**53 - 5, 2.0**53 - 1])
    blob = assert_values_roundtrip(values)
    assert blob[:1] == b"D" and blob[2] == 0


def test_values_reject_empty():
    with pytest.raises(ValueError):
        encode_values(np.array([]))


# --- size -------------------------------------------------------------------------------------------------------


def realistic_hour(seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """720 polls at 5 s +-30 ms; power in whole watts (random walk); a monotone whole-Wh counter."""
    rng = np.random.default_rng(seed)
    n = 720
    ts = T0 + np.arange(n, dtype=np.int64) * 5_000 + rng.integers(-30, 31, n)
    power = np.clip(4_000 + np.cumsum(rng.integers(-40, 41, n)), 0, None).astype(np.float64)
    energy = np.floor(12_345_678.0 + np.cumsum(power * 5.0 / 3600.0))
    return ts, power, energy


def test_realistic_hour_size(capsys):
    ts, power, energy = realistic_hour()
    ts_blob = encode_timestamps(ts)
    ts_roundtrip(ts)
    figures = {}
    for name, values in (("power W", power), ("energy Wh", energy)):
        blob = assert_values_roundtrip(values)
        assert blob[:1] == b"D"
        figures[name] = (len(ts_blob) + len(blob)) / ts.size
    with capsys.disabled():
        print(
            f"\nrealistic hour, 720 samples: ts {len(ts_blob) / ts.size:.3f} B/sample; ts+value "
            + ", ".join(f"{k} {v:.3f} B/sample" for k, v in figures.items())
        )
    for per_sample in figures.values():
        assert per_sample < 4.0  # raw rows: 16 B of payload alone


def test_realistic_hour_size_register_multiplied_values(capsys):
    """Voltage (0.1 V) and frequency (0.01 Hz) registers: raw * scale (as drivers/profile.py) vs raw / 10**k.

    Lossless either way; prints the cost of the float-codec fallback (see the finding above).
    """
    ts, _, _ = realistic_hour()
    rng = np.random.default_rng(11)
    n = ts.size
    lines = []
    for name, raw, k in (
        ("voltage 0.1 V", 2300 + np.cumsum(rng.integers(-3, 4, n)), 1),
        ("frequency 0.01 Hz", 5000 + np.cumsum(rng.integers(-2, 3, n)), 2),
    ):
        multiplied = assert_values_roundtrip(raw * 10.0**-k)
        divided = assert_values_roundtrip(raw / 10.0**k)
        assert divided[:1] == b"D"
        lines.append(
            f"{name}: raw*10**-{k} codec {multiplied[:1]!r} {len(multiplied) / n:.3f} B/value, "
            f"raw/10**{k} codec {divided[:1]!r} {len(divided) / n:.3f} B/value"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))


# --- corrupt blobs and wrong counts -------------------------------------------------------------------------------


def sample_blobs() -> list[tuple[str, bytes, int, np.ndarray]]:
    """(kind, blob, count, expected) for a timestamp, a decimal and a float blob."""
    ts, power, _ = realistic_hour()
    floats = np.sin(np.arange(300) / 7.0) * 1000.0
    return [
        ("ts", encode_timestamps(ts), ts.size, ts),
        ("value", encode_values(power), power.size, power),
        ("value", encode_values(floats), floats.size, floats),
    ]


def decode(kind: str, blob: bytes, count: int) -> np.ndarray:
    return decode_timestamps(blob, count) if kind == "ts" else decode_values(blob, count)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype == np.int64 or b.dtype == np.int64:
        return a.shape == b.shape and np.array_equal(a, b)
    return a.shape == b.shape and np.array_equal(bits(a), bits(b))


def assert_detected_or_identical(kind: str, blob: bytes, count: int, expected: np.ndarray) -> None:
    try:
        out = decode(kind, blob, count)
    except CodecError:
        return
    assert same(out, expected), f"corrupt blob {blob!r} decoded silently to different data"


@pytest.mark.parametrize("index", range(3))
def test_wrong_count_raises(index):
    kind, blob, count, _ = sample_blobs()[index]
    for wrong in (count - 1, count + 1, 0, 1, -1, 2 * count):
        with pytest.raises(CodecError):
            decode(kind, blob, wrong)


@pytest.mark.parametrize("index", range(3))
def test_every_truncation_raises(index):
    kind, blob, count, _ = sample_blobs()[index]
    for cut in range(len(blob)):
        with pytest.raises(CodecError):
            decode(kind, blob[:cut], count)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 2), position=st.integers(0, 10**6), xor=st.integers(1, 255))
def test_byte_change_in_zlib_payload_is_detected(index, position, xor):
    """Any one-byte change inside the zlib stream raises CodecError or (FLEVEL bits, padding) changes nothing."""
    kind, blob, count, expected = sample_blobs()[index]
    header = TS_HEADER if kind == "ts" else D_HEADER if blob[:1] == b"D" else X_HEADER
    position = header + position % (len(blob) - header)
    corrupt = bytearray(blob)
    corrupt[position] ^= xor
    assert_detected_or_identical(kind, bytes(corrupt), count, expected)


@pytest.mark.parametrize("index", range(3))
def test_exhaustive_byte_changes_in_zlib_payload(index):
    kind, blob, count, expected = sample_blobs()[index]
    header = TS_HEADER if kind == "ts" else D_HEADER if blob[:1] == b"D" else X_HEADER
    for position in range(header, len(blob)):
        for xor in (0x01, 0x80, 0xFF, 0x10):
            corrupt = bytearray(blob)
            corrupt[position] ^= xor
            assert_detected_or_identical(kind, bytes(corrupt), count, expected)


def test_garbage_and_foreign_blobs_raise():
    payload = zlib.compress(np.zeros(3, dtype="<i8").tobytes())
    for blob in (
        b"",
        b"T",
        b"T\x01",
        b"T\x02\x01" + payload,
        b"T\x01\x03" + payload,
        b"Q\x01\x01" + payload,
        b"D\x01\x00",
        b"D\x02\x00\x01" + payload,
        b"D\x01\x00\x05" + payload,
        b"X",
        b"X\x02" + payload,
        b"X\x01" + b"\x00" * 10,
        b"\x00" * 40,
    ):
        with pytest.raises(CodecError):
            decode_timestamps(blob, 3)
        with pytest.raises(CodecError):
            decode_values(blob, 3)


def header_changes(kind: str, blob: bytes, count: int, expected: np.ndarray, header: int) -> list[tuple[int, int]]:
    """(position, new byte) of the header changes that decode, without error, to different data."""
    silent = []
    for position in range(header):
        for new in range(256):
            if new == blob[position]:
                continue
            corrupt = bytearray(blob)
            corrupt[position] = new
            try:
                out = decode(kind, bytes(corrupt), count)
            except CodecError:
                continue
            if not same(out, expected):
                silent.append((position, new))
    return silent


def test_header_changes_in_timestamp_and_float_blobs_are_detected():
    """Every other value of a header byte of a ``T`` or ``X`` blob raises (or, count 1, changes nothing)."""
    for kind, blob, count, expected in sample_blobs():
        if kind == "ts":
            assert header_changes(kind, blob, count, expected, TS_HEADER) == []
        elif blob[:1] == b"X":
            assert header_changes(kind, blob, count, expected, X_HEADER) == []
    # one sample: the width byte is not used (no differences); any valid width decodes the same, correctly
    one = np.array([T0], dtype=np.int64)
    assert header_changes("ts", encode_timestamps(one), 1, one, TS_HEADER) == []


def test_decimal_width_byte_change_is_detected():
    _, blob, count, expected = sample_blobs()[1]
    assert blob[:1] == b"D"
    silent = header_changes("value", blob, count, expected, D_HEADER)
    assert silent == []


def test_decimal_exponent_byte_change_is_detected():
    """The scale byte is repeated inside the zlib stream: a changed copy outside it is caught."""
    _, blob, count, expected = sample_blobs()[1]
    silent = header_changes("value", blob, count, expected, D_HEADER)
    assert silent == []


@pytest.mark.parametrize("index", range(3))
def test_decoding_into_a_slice_fills_exactly_that_slice(index):
    kind, blob, count, expected = sample_blobs()[index]
    dtype = np.int64 if kind == "ts" else np.float64
    whole = np.full(count + 4, -7, dtype=dtype)  # the decoder writes its block into the middle of a larger array
    target = whole[2 : 2 + count]
    out = decode_timestamps(blob, count, target) if kind == "ts" else decode_values(blob, count, target)
    assert out is target
    assert same(whole[2 : 2 + count], np.asarray(expected, dtype=dtype))
    assert (whole[:2] == -7).all() and (whole[-2:] == -7).all()


def test_single_sample_blocks_decode_into_a_slice():
    ts, values = np.array([T0], dtype=np.int64), np.array([12.5])
    out_ts, out_v = np.zeros(1, dtype=np.int64), np.zeros(1)
    decode_timestamps(encode_timestamps(ts), 1, out_ts)
    decode_values(encode_values(values), 1, out_v)
    assert out_ts.tolist() == [T0] and out_v.tolist() == [12.5]


@pytest.mark.parametrize("count", [2, 3, 17_280])
def test_regular_polls_round_trip_on_the_fast_path_and_one_late_poll_off_it(count):
    regular = T0 + 5_000 * np.arange(count, dtype=np.int64)
    ts_roundtrip(regular)
    late = regular.copy()
    late[-1] += 1  # one second difference that is not zero: the general path
    ts_roundtrip(late)
    into = np.zeros(count, dtype=np.int64)
    decode_timestamps(encode_timestamps(regular), count, into)
    np.testing.assert_array_equal(into, regular)
