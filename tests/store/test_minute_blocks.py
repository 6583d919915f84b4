"""energymon.store.minute_blocks: one-minute aggregates as columns.

from_aggregates, from_rows, merge, encode/decode.
"""

from __future__ import annotations

from dataclasses import fields
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from energymon.site_time import MINUTE_MS
from energymon.store import minute_blocks, rollups
from energymon.store.codec import CodecError
from energymon.store.minute_blocks import Minutes, decode, empty, encode, from_aggregates, from_rows, merge
from energymon.store.rollups import aggregate, bucket_starts

UTC = ZoneInfo("UTC")
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
S = 1000
NAN = float("nan")


def minutes_of(ts: np.ndarray, values: np.ndarray, counter: bool) -> Minutes:
    ts = np.asarray(ts, dtype=np.int64)
    a = aggregate(
        np.zeros(ts.size, dtype=np.int64), ts, np.asarray(values, dtype=np.float64), bucket_starts(ts, "1min", UTC)
    )
    return from_aggregates(a, counter)


def assert_minutes_equal(a: Minutes, b: Minutes, exact_sum: bool = True) -> None:
    """Column by column; NaN equals NaN; dtypes of bucket_ms and n are int64."""
    assert a.bucket_ms.dtype == b.bucket_ms.dtype == np.int64
    assert a.n.dtype == b.n.dtype == np.int64
    for f in fields(Minutes):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "sum" and not exact_sum:
            np.testing.assert_allclose(x, y, rtol=1e-12, err_msg=f.name)
        else:
            np.testing.assert_array_equal(x, y, err_msg=f.name)


@st.composite
def channel_samples(draw, whole: bool = False):
    """Strictly increasing ms over a few hours (gaps, several samples per minute) and float values."""
    start = T0 + draw(st.integers(-(10**6), 10**6)) * MINUTE_MS
    steps = draw(st.lists(st.one_of(st.integers(1, 20 * S), st.integers(1, 30 * MINUTE_MS)), min_size=0, max_size=200))
    ts = start + np.cumsum(np.array([0, *steps], dtype=np.int64))
    if whole:
        values = np.array(draw(st.lists(st.integers(-(10**6), 10**6), min_size=ts.size, max_size=ts.size)), float)
    else:
        values = draw(hnp.arrays(np.float64, ts.size, elements=st.floats(-1e12, 1e12, allow_subnormal=True)))
    return ts, values


# --- encode / decode ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(samples=channel_samples(), counter=st.booleans())
def test_encode_decode_roundtrip(samples, counter):
    minutes = minutes_of(*samples, counter)
    blob = encode(minutes)
    assert blob[:3] == b"C\x01\x09"
    out = decode(blob, len(minutes))
    assert_minutes_equal(out, minutes)
    # bitwise, too (the decimal codec may turn -0.0 into 0.0: only compare non-zero entries bitwise)
    for f in fields(Minutes)[2:]:
        x, y = getattr(out, f.name), getattr(minutes, f.name)
        nonzero = y != 0
        np.testing.assert_array_equal(x[nonzero].view(np.uint64), y[nonzero].view(np.uint64))
    # the columns that do not apply are NaN
    nan_columns = ("sum", "min", "max") if counter else ("first_dt_ms", "first", "last_dt_ms", "last")
    for name in nan_columns:
        assert np.isnan(getattr(out, name)).all()
    for name in {f.name for f in fields(Minutes)[2:]} - set(nan_columns):
        assert not np.isnan(getattr(out, name)).any()


def test_full_day_block_size(capsys):
    """1,440 minutes of 12 polls each: the block is a few kB (module docstring: ~5-10 kB vs ~50 kB as rows)."""
    rng = np.random.default_rng(3)
    ts = T0 + np.arange(1440 * 12, dtype=np.int64) * 5_000 + rng.integers(-30, 31, 1440 * 12)
    power = np.clip(4000 + np.cumsum(rng.integers(-40, 41, ts.size)), 0, None).astype(float)
    energy = np.floor(1e7 + np.cumsum(power * 5 / 3600))
    sizes = {}
    for name, values, counter in (("power", power, False), ("energy", energy, True)):
        minutes = minutes_of(ts, values, counter)
        assert len(minutes) == 1440
        blob = encode(minutes)
        assert_minutes_equal(decode(blob, 1440), minutes)
        sizes[name] = len(blob)
        assert len(blob) < 12_000
    with capsys.disabled():
        print(f"\none-minute day block: {sizes}")


def test_decode_rejects_wrong_count_and_corruption():
    minutes = minutes_of(T0 + np.arange(0, 600, 7, dtype=np.int64) * S, np.arange(86.0), counter=True)
    blob = encode(minutes)
    for wrong in (len(minutes) - 1, len(minutes) + 1, 0):
        with pytest.raises(CodecError):
            decode(blob, wrong)
    for cut in range(len(blob)):
        with pytest.raises(CodecError):
            decode(blob[:cut], len(minutes))
    with pytest.raises(CodecError):
        decode(b"C\x02\x09" + blob[3:], len(minutes))
    with pytest.raises(CodecError):
        decode(b"C\x01\x08" + blob[3:], len(minutes))


def test_encode_rejects_empty():
    with pytest.raises(ValueError):
        encode(empty())


# --- merge --------------------------------------------------------------------------------------------------------


def split(ts: np.ndarray, values: np.ndarray, owner: np.ndarray, parts: int):
    return [(ts[owner == p], values[owner == p]) for p in range(parts)]


@settings(max_examples=300, deadline=None)
@given(samples=channel_samples(whole=True), counter=st.booleans(), parts=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_merge_of_split_parts_equals_aggregating_all(samples, counter, parts, seed):
    """Samples split at random between parts (so buckets are shared): merge == one aggregate; order of parts free."""
    ts, values = samples
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, parts, ts.size)
    pieces = [minutes_of(t, v, counter) if t.size else empty() for t, v in split(ts, values, owner, parts)]
    rng.shuffle(pieces)
    assert_minutes_equal(merge(*pieces), minutes_of(ts, values, counter))


@settings(max_examples=200, deadline=None)
@given(samples=channel_samples(), counter=st.booleans(), seed=st.integers(0, 2**32))
def test_merge_of_split_parts_arbitrary_floats(samples, counter, seed):
    ts, values = samples
    owner = np.random.default_rng(seed).integers(0, 3, ts.size)
    pieces = [minutes_of(t, v, counter) for t, v in split(ts, values, owner, 3) if t.size]
    merged, whole = merge(*pieces[::-1]), minutes_of(ts, values, counter)
    assert_minutes_equal(merged, whole, exact_sum=False)


def test_merge_by_hand_counter_bucket_in_both_parts():
    """The second part has the earlier first sample and the earlier last sample of a shared minute."""
    a = minutes_of(T0 + np.array([20, 30, 65], dtype=np.int64) * S, np.array([102.0, 103.0, 110.0]), counter=True)
    b = minutes_of(T0 + np.array([5, 25, 125], dtype=np.int64) * S, np.array([100.0, 102.5, 120.0]), counter=True)
    for merged in (merge(a, b), merge(b, a)):
        assert merged.bucket_ms.tolist() == [T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]
        assert merged.n.tolist() == [4, 1, 1]
        assert merged.first_dt_ms.tolist() == [5 * S, 5 * S, 5 * S]
        assert merged.first.tolist() == [100.0, 110.0, 120.0]
        assert merged.last_dt_ms.tolist() == [30 * S, 5 * S, 5 * S]
        assert merged.last.tolist() == [103.0, 110.0, 120.0]
        assert np.isnan(merged.sum).all() and np.isnan(merged.min).all() and np.isnan(merged.max).all()


def test_merge_by_hand_measurement_bucket_in_both_parts():
    a = minutes_of(T0 + np.array([10, 20], dtype=np.int64) * S, np.array([4.0, 6.0]), counter=False)
    b = minutes_of(T0 + np.array([15, 70], dtype=np.int64) * S, np.array([-1.0, 8.0]), counter=False)
    merged = merge(a, b)
    assert merged.bucket_ms.tolist() == [T0, T0 + MINUTE_MS]
    assert merged.n.tolist() == [3, 1]
    assert merged.sum.tolist() == [9.0, 8.0]
    assert merged.min.tolist() == [-1.0, 8.0]
    assert merged.max.tolist() == [6.0, 8.0]
    assert merged.mean().tolist() == [3.0, 8.0]
    assert np.isnan(merged.first).all() and np.isnan(merged.last_dt_ms).all()


def test_merge_trivial_cases():
    a = minutes_of(T0 + np.array([1, 2], dtype=np.int64) * S, np.array([1.0, 2.0]), counter=False)
    assert len(merge()) == 0
    assert len(merge(empty(), empty())) == 0
    assert_minutes_equal(merge(a), a)
    assert_minutes_equal(merge(empty(), a, empty()), a)
    later = minutes_of(T0 + np.array([61, 62], dtype=np.int64) * S, np.array([3.0, 4.0]), counter=False)
    assert merge(later, a).bucket_ms.tolist() == [T0, T0 + MINUTE_MS]  # disjoint parts are sorted by time


# --- from_rows ----------------------------------------------------------------------------------------------------


def test_from_rows_with_nulls():
    rows = [
        (T0, 3, 6.0, 1.0, 3.0, None, None, None, None),
        (T0 + MINUTE_MS, 2, None, None, None, 5_000, 100.0, 50_000, 107.5),
    ]
    m = from_rows(rows)
    assert m.bucket_ms.dtype == np.int64 and m.n.dtype == np.int64
    assert m.bucket_ms.tolist() == [T0, T0 + MINUTE_MS]
    assert m.n.tolist() == [3, 2]
    np.testing.assert_array_equal(m.sum, [6.0, NAN])
    np.testing.assert_array_equal(m.min, [1.0, NAN])
    np.testing.assert_array_equal(m.max, [3.0, NAN])
    np.testing.assert_array_equal(m.first_dt_ms, [NAN, 5_000.0])
    np.testing.assert_array_equal(m.first, [NAN, 100.0])
    np.testing.assert_array_equal(m.last_dt_ms, [NAN, 50_000.0])
    np.testing.assert_array_equal(m.last, [NAN, 107.5])
    assert_minutes_equal(decode(encode(m), 2), m)


def test_from_rows_empty():
    m = from_rows([])
    assert len(m) == 0 and m.bucket_ms.dtype == np.int64 and m.n.dtype == np.int64


@pytest.mark.parametrize("counter", [False, True])
def test_rows_stored_by_rollups_update_read_back(tmp_path, counter):
    """rollup_1min rows written in two batches (sharing minutes) == from_aggregates of all; merge with a block."""
    db = sqlite_utils.Database(tmp_path / "m.db")
    db.execute("CREATE TABLE channels (id INTEGER PRIMARY KEY, device_id TEXT, quantity TEXT, unit TEXT, kind TEXT)")
    db.execute("INSERT INTO channels VALUES (7, 'd', 'q', 'u', ?)", ("counter" if counter else "measurement",))
    rollups.create_tables(db)
    rng = np.random.default_rng(1)
    ts = T0 + np.arange(400, dtype=np.int64) * 5_000 + rng.integers(-30, 31, 400)
    values = np.cumsum(rng.integers(0, 9, 400)).astype(float) + 1000.0
    owner = rng.integers(0, 2, ts.size)
    for part in (1, 0):
        mask = owner == part
        with db.conn:
            rollups.update(
                db,
                np.full(mask.sum(), 7),
                np.full(mask.sum(), counter),
                ts[mask],
                values[mask],
                UTC,
                intervals=("1min",),
            )
    rows = db.execute(
        "SELECT bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last FROM rollup_1min "
        "WHERE channel_id = 7 ORDER BY bucket_ms"
    ).fetchall()
    whole = minutes_of(ts, values, counter)
    stored = from_rows(rows)
    assert_minutes_equal(stored, whole)
    # an older day block plus newer rows, as raw_store combines them
    cut = int(whole.bucket_ms[len(whole) // 2])
    block = decode(encode(whole.select(whole.bucket_ms < cut)), int((whole.bucket_ms < cut).sum()))
    newer = from_rows([r for r in rows if r[0] >= cut])
    assert_minutes_equal(merge(block, newer), whole)
    db.close()


def test_module_columns_match_rollup_columns():
    """The column order documented for from_rows is the Minutes field order."""
    assert [f.name for f in fields(Minutes)] == [
        "bucket_ms",
        "n",
        "sum",
        "min",
        "max",
        "first_dt_ms",
        "first",
        "last_dt_ms",
        "last",
    ]
    assert minute_blocks._COLUMNS == len(fields(Minutes))
