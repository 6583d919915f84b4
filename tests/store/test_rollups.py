"""energymon.store.rollups: bucket starts (UTC and local zones, DST), aggregates, and the SQLite upsert."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from energymon.site_time import DAY_MS, HOUR_MS, MINUTE_MS
from energymon.store import rollups
from energymon.store.rollups import INTERVALS, TABLES, aggregate, bucket_starts

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ms(text: str) -> int:
    """UTC epoch ms of an ISO time in UTC ('2026-01-01T00:10:00.000')."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def starts(times: list[str], interval: str, tz: ZoneInfo) -> list[int]:
    return bucket_starts(np.array([ms(t) for t in times], dtype=np.int64), interval, tz).tolist()


# --- bucket starts by hand ---------------------------------------------------------------------------------------


def test_one_minute_buckets_are_utc_minutes():
    times = [
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:59.999",
        "2026-01-01T00:01:00",
        "2026-01-01T00:01:01.234",
        "1969-12-31T23:59:59.999",
    ]
    expected = [
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00",
        "2026-01-01T00:01:00",
        "2026-01-01T00:01:00",
        "1969-12-31T23:59:00",
    ]
    for tz in (UTC, KOLKATA, BERLIN):  # the zone does not matter
        assert starts(times, "1min", tz) == [ms(t) for t in expected]


def test_fifteen_minute_buckets_are_utc_quarters():
    times = [
        "2026-01-01T00:00:00",
        "2026-01-01T00:14:59.999",
        "2026-01-01T00:15:00",
        "2026-01-01T00:44:59.999",
        "2026-01-01T00:45:00.001",
        "2026-10-25T01:07:00",
    ]
    expected = [
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00",
        "2026-01-01T00:15:00",
        "2026-01-01T00:30:00",
        "2026-01-01T00:45:00",
        "2026-10-25T01:00:00",
    ]
    for tz in (UTC, KOLKATA, BERLIN):
        assert starts(times, "15min", tz) == [ms(t) for t in expected]


def test_hours_in_kolkata_start_at_half_past_utc():
    times = [
        "2026-01-01T00:10:00",
        "2026-01-01T00:29:59.999",
        "2026-01-01T00:30:00",
        "2026-01-01T01:29:59.999",
        "2026-01-01T01:30:00",
    ]
    expected = [
        "2025-12-31T23:30:00",
        "2025-12-31T23:30:00",
        "2026-01-01T00:30:00",
        "2026-01-01T00:30:00",
        "2026-01-01T01:30:00",
    ]
    assert starts(times, "1h", KOLKATA) == [ms(t) for t in expected]
    assert starts(times, "1h", UTC) == [
        ms(t)
        for t in [
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00",
            "2026-01-01T01:00:00",
            "2026-01-01T01:00:00",
        ]
    ]


def test_hours_in_kathmandu_start_at_quarter_past_utc():
    kathmandu = ZoneInfo("Asia/Kathmandu")  # +05:45
    assert starts(["2026-01-01T00:10:00", "2026-01-01T00:15:00"], "1h", kathmandu) == [
        ms("2025-12-31T23:15:00"),
        ms("2026-01-01T00:15:00"),
    ]


def test_days_in_shanghai_start_at_16_utc_the_day_before():
    times = ["2025-12-31T16:00:00", "2026-01-01T00:00:00", "2026-01-01T15:59:59.999", "2026-01-01T16:00:00"]
    expected = ["2025-12-31T16:00:00", "2025-12-31T16:00:00", "2025-12-31T16:00:00", "2026-01-01T16:00:00"]
    assert starts(times, "1d", SHANGHAI) == [ms(t) for t in expected]


def test_berlin_spring_forward_day_is_23_hours():
    # 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC. Local midnight 29th = 28th 23:00 UTC; 30th = 29th 22:00 UTC.
    times = [
        "2026-03-28T22:59:59.999",
        "2026-03-28T23:00:00",
        "2026-03-29T00:59:59.999",
        "2026-03-29T01:00:00",
        "2026-03-29T21:59:59.999",
        "2026-03-29T22:00:00",
    ]
    expected = [
        "2026-03-27T23:00:00",
        "2026-03-28T23:00:00",
        "2026-03-28T23:00:00",
        "2026-03-28T23:00:00",
        "2026-03-28T23:00:00",
        "2026-03-29T22:00:00",
    ]
    assert starts(times, "1d", BERLIN) == [ms(t) for t in expected]
    assert ms("2026-03-29T22:00:00") - ms("2026-03-28T23:00:00") == 23 * HOUR_MS


def test_berlin_fall_back_day_is_25_hours():
    # 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC. Local midnight 25th = 24th 22:00 UTC; 26th = 25th 23:00 UTC.
    times = [
        "2026-10-24T21:59:59.999",
        "2026-10-24T22:00:00",
        "2026-10-25T00:30:00",
        "2026-10-25T01:30:00",
        "2026-10-25T22:59:59.999",
        "2026-10-25T23:00:00",
    ]
    expected = [
        "2026-10-23T22:00:00",
        "2026-10-24T22:00:00",
        "2026-10-24T22:00:00",
        "2026-10-24T22:00:00",
        "2026-10-24T22:00:00",
        "2026-10-25T23:00:00",
    ]
    assert starts(times, "1d", BERLIN) == [ms(t) for t in expected]
    assert ms("2026-10-25T23:00:00") - ms("2026-10-24T22:00:00") == 25 * HOUR_MS


def test_berlin_fall_back_repeated_hour_is_two_buckets():
    # local 02:00-03:00 happens twice: 00:00-01:00 UTC (CEST) and 01:00-02:00 UTC (CET)
    times = [
        "2026-10-24T23:59:59.999",
        "2026-10-25T00:00:00",
        "2026-10-25T00:59:59.999",
        "2026-10-25T01:00:00",
        "2026-10-25T01:59:59.999",
        "2026-10-25T02:00:00",
    ]
    expected = [
        "2026-10-24T23:00:00",
        "2026-10-25T00:00:00",
        "2026-10-25T00:00:00",
        "2026-10-25T01:00:00",
        "2026-10-25T01:00:00",
        "2026-10-25T02:00:00",
    ]
    assert starts(times, "1h", BERLIN) == [ms(t) for t in expected]


def test_berlin_spring_forward_hours():
    # local 01:00-02:00 CET = 00:00-01:00 UTC, then 03:00 CEST = 01:00 UTC: no gap in UTC buckets
    times = ["2026-03-29T00:30:00", "2026-03-29T00:59:59.999", "2026-03-29T01:00:00", "2026-03-29T02:15:00"]
    expected = ["2026-03-29T00:00:00", "2026-03-29T00:00:00", "2026-03-29T01:00:00", "2026-03-29T02:00:00"]
    assert starts(times, "1h", BERLIN) == [ms(t) for t in expected]


def test_sparse_instants_far_apart():
    """Far-apart instants (the sparse offset lookup): each gets the offset of its own season."""
    times = ["2026-01-15T12:34:00", "2026-07-15T12:34:00", "2030-07-15T23:59:00"]
    assert starts(times, "1h", BERLIN) == [
        ms("2026-01-15T12:00:00"),
        ms("2026-07-15T12:00:00"),
        ms("2030-07-15T23:00:00"),
    ]
    assert starts(times, "1d", BERLIN) == [
        ms("2026-01-14T23:00:00"),
        ms("2026-07-14T22:00:00"),
        ms("2030-07-15T22:00:00"),
    ]


def test_unknown_interval():
    with pytest.raises(ValueError):
        bucket_starts(np.array([0]), "5min", UTC)


def _local(t_ms: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(t_ms / 1000, tz)


# Zones with whole-hour DST shifts, odd offsets, and DST changes at local midnight (Havana, Santiago, Asuncion).
ZONES = [
    "UTC",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Kathmandu",
    "America/New_York",
    "America/Havana",
    "America/Santiago",
    "America/Asuncion",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "America/St_Johns",
]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    t=st.integers(ms("2000-01-01T00:00:00"), ms("2037-12-31T00:00:00")),
    span=st.integers(0, 3 * DAY_MS),
)
def test_day_bucket_is_first_instant_of_the_local_day(zone, t, span):
    """Definition check: the key's local date is the sample's, and one ms before it is the previous date."""
    tz = ZoneInfo(zone)
    ts = np.array([t, t + span // 2, t + span], dtype=np.int64)
    keys = bucket_starts(ts, "1d", tz)
    for sample, key in zip(ts.tolist(), keys.tolist()):
        assert key <= sample
        assert _local(key, tz).date() == _local(sample, tz).date()
        assert _local(key - 1, tz).date() == _local(sample, tz).date() - timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), t=st.integers(ms("2000-01-01T00:00:00"), ms("2037-12-31T00:00:00")))
def test_hour_bucket_is_first_instant_of_the_local_hour(zone, t):
    """Definition check: (local date, hour, UTC offset) is constant from the key to the sample and changes before it."""
    tz = ZoneInfo(zone)
    key = int(bucket_starts(np.array([t], dtype=np.int64), "1h", tz)[0])

    def label(x: int) -> tuple:
        local = _local(x, tz)
        return local.date(), local.hour, local.utcoffset()

    assert key <= t < key + HOUR_MS
    assert label(key) == label(t)
    assert label(key - 1) != label(t)


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.integers(ms("2020-01-01T00:00:00"), ms("2030-01-01T00:00:00")),
    n=st.integers(1, 3000),
    step=st.integers(1_000, 120_000),
)
def test_dense_and_sparse_offset_lookups_agree(zone, start, n, step):
    """A dense run of samples gives the same keys as each sample on its own."""
    tz = ZoneInfo(zone)
    ts = start + np.arange(n, dtype=np.int64) * step
    for interval in ("1h", "1d"):
        together = bucket_starts(ts, interval, tz)
        pick = np.unique(np.linspace(0, n - 1, 7).astype(int))
        alone = [int(bucket_starts(ts[i : i + 1], interval, tz)[0]) for i in pick]
        assert together[pick].tolist() == alone


# --- aggregate by hand -------------------------------------------------------------------------------------------

T0 = ms("2026-01-01T00:00:00")
S = 1000


def two_channels():
    """Channel 1 (measurement): 0, 30, 60, 90 s; channel 2 (counter): 70, 80, 130 s (sorted by channel, time)."""
    group = np.array([1, 1, 1, 1, 2, 2, 2])
    ts = T0 + np.array([0, 30, 60, 90, 70, 80, 130], dtype=np.int64) * S
    values = np.array([10.0, 20.0, 5.0, 7.0, 300.0, 302.5, 310.0])
    is_counter = np.array([False] * 4 + [True] * 3)
    return group, ts, values, is_counter


def test_aggregate_by_hand():
    group, ts, values, _ = two_channels()
    a = aggregate(group, ts, values, bucket_starts(ts, "1min", UTC))
    # channel 1's last bucket and channel 2's first bucket are the same minute: still two entries
    assert a.bucket_ms.tolist() == [T0, T0 + MINUTE_MS, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]
    assert a.n.tolist() == [2, 2, 2, 1]
    assert a.sum.tolist() == [30.0, 12.0, 602.5, 310.0]
    assert a.min.tolist() == [10.0, 5.0, 300.0, 310.0]
    assert a.max.tolist() == [20.0, 7.0, 302.5, 310.0]
    assert a.first_ms.tolist() == [T0, T0 + 60 * S, T0 + 70 * S, T0 + 130 * S]
    assert a.first.tolist() == [10.0, 5.0, 300.0, 310.0]
    assert a.last_ms.tolist() == [T0 + 30 * S, T0 + 90 * S, T0 + 80 * S, T0 + 130 * S]
    assert a.last.tolist() == [20.0, 7.0, 302.5, 310.0]
    assert a.first_index.tolist() == [0, 2, 4, 6]


def test_aggregate_hourly_and_rows():
    group, ts, values, is_counter = two_channels()
    a = aggregate(group, ts, values, bucket_starts(ts, "1h", UTC))
    assert a.bucket_ms.tolist() == [T0, T0]
    assert a.n.tolist() == [4, 3]
    rows = a.rows(group, is_counter)
    assert sorted(rows) == [
        (1, T0, 4, 42.0, 5.0, 20.0, None, None, None, None),
        (2, T0, 3, None, None, None, 70 * S, 300.0, 130 * S, 310.0),
    ]
    assert all(type(x) in (int, float, type(None)) for row in rows for x in row)


def test_aggregate_empty():
    empty = np.array([], dtype=np.int64)
    a = aggregate(empty, empty, np.array([]), empty)
    assert a.bucket_ms.size == a.n.size == a.sum.size == a.first_index.size == 0
    assert a.rows(empty, np.array([], dtype=bool)) == []


# --- the SQLite upsert ------------------------------------------------------------------------------------------

SELECT = (
    "SELECT channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last FROM {} "
    "ORDER BY channel_id, bucket_ms"
)


def new_db(path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute(
        "CREATE TABLE channels (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, quantity TEXT NOT NULL, "
        "unit TEXT, kind TEXT)"
    )
    db.conn.executemany(
        "INSERT INTO channels VALUES (?, ?, ?, ?, ?)",
        [
            (1, "inv1", "power", "W", "measurement"),
            (2, "inv1", "energy", "Wh", "counter"),
            (5, "grid", "voltage", "V", "measurement"),
        ],
    )
    rollups.create_tables(db)
    db.conn.commit()
    return db


COUNTERS = {2}


def site_samples(rng: np.random.Generator, start: int, hours: float, whole: bool):
    """Samples of channels 1, 2, 5 sorted by channel then time (polls of 5-60 s with jitter; a monotone counter)."""
    channels, ts_parts, value_parts = [], [], []
    for channel, period in ((1, 5_000), (2, 60_000), (5, 15_000)):
        n = int(hours * HOUR_MS / period)
        ts = start + np.arange(n, dtype=np.int64) * period + rng.integers(-30, 31, n)
        if channel in COUNTERS:
            values = 1e6 + np.cumsum(rng.integers(0, 50, n)).astype(np.float64)
        elif whole:
            values = rng.integers(-500, 5000, n).astype(np.float64)
        else:
            values = rng.normal(230.0, 3.0, n)
        channels.append(np.full(n, channel, dtype=np.int64))
        ts_parts.append(ts)
        value_parts.append(values)
    return np.concatenate(channels), np.concatenate(ts_parts), np.concatenate(value_parts)


def expected_rows(channels, ts, values, interval, tz) -> list[tuple]:
    a = aggregate(channels, ts, values, bucket_starts(ts, interval, tz))
    return sorted(a.rows(channels, np.isin(channels, list(COUNTERS))))


def feed_in_batches(db, channels, ts, values, tz, rng: random.Random, batches: int) -> None:
    """Each sample into one of ``batches`` random subsets, fed in random order (each subset by channel, time)."""
    owner = np.array([rng.randrange(batches) for _ in range(ts.size)])
    order = list(range(batches))
    rng.shuffle(order)
    for b in order:
        mask = owner == b
        with db.conn:
            rollups.update(db, channels[mask], np.isin(channels[mask], list(COUNTERS)), ts[mask], values[mask], tz)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("start", ["2026-10-24T21:00:00", "2026-03-28T21:30:00"])
def test_upsert_of_random_batches_equals_one_aggregate(tmp_path, seed, start):
    """Across a Berlin DST change: split batches merged by UPSERT_SQL == one aggregate of all samples."""
    rng = np.random.default_rng(seed)
    channels, ts, values = site_samples(rng, ms(start), hours=27, whole=True)
    db = new_db(tmp_path / "rollups.db")
    feed_in_batches(db, channels, ts, values, BERLIN, random.Random(seed), batches=1 + seed % 6)
    for interval in INTERVALS:
        stored = db.execute(SELECT.format(TABLES[interval])).fetchall()
        assert stored == expected_rows(channels, ts, values, interval, BERLIN), interval
    # kinds: measurements have NULL first/last, counters NULL sum/min/max
    for row in db.execute(SELECT.format("rollup_1h")).fetchall():
        if row[0] in COUNTERS:
            assert row[3:6] == (None, None, None) and None not in row[6:]
        else:
            assert row[6:] == (None, None, None, None) and None not in row[3:6]
    assert db.execute("SELECT count(*) FROM rollup_1d").fetchone()[0] == 3 * 3  # 3 local days x 3 channels


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    batches=st.integers(1, 8),
    zone=st.sampled_from(["Europe/Berlin", "Asia/Kolkata", "Asia/Shanghai", "America/Santiago"]),
    start=st.integers(ms("2026-01-01T00:00:00"), ms("2027-01-01T00:00:00")),
)
def test_upsert_of_random_batches_hypothesis(tmp_path, seed, batches, zone, start):
    tz = ZoneInfo(zone)
    rng = np.random.default_rng(seed)
    channels, ts, values = site_samples(rng, start, hours=float(rng.uniform(0.01, 30)), whole=False)
    db = new_db(tmp_path / f"{uuid.uuid4().hex}.db")
    feed_in_batches(db, channels, ts, values, tz, random.Random(seed), batches)
    for interval in INTERVALS:
        stored = db.execute(SELECT.format(TABLES[interval])).fetchall()
        expected = expected_rows(channels, ts, values, interval, tz)
        assert len(stored) == len(expected)
        for got, want in zip(stored, expected):
            assert got[:3] == want[:3] and got[6:] == want[6:]  # keys, n, first/last: exact
            if want[3] is None:
                assert got[3:6] == (None, None, None)
            else:  # the sum depends on the order of addition
                assert got[3] == pytest.approx(want[3], rel=1e-12) and got[4:6] == want[4:6]
    db.close()


def test_upsert_by_hand(tmp_path):
    """Second batch earlier and later than the first: first/last follow time, n and sum add, min/max widen."""
    db = new_db(tmp_path / "rollups.db")
    feed = [  # (channel, seconds after T0, value)
        [(1, 20, 4.0), (1, 30, 6.0), (2, 20, 100.0), (2, 30, 101.0)],
        [(1, 10, 9.0), (1, 50, 1.0), (2, 10, 99.0), (2, 50, 104.0)],
        [(1, 40, 5.0), (2, 40, 103.0)],  # inside: changes neither first nor last
    ]
    for batch in feed:
        c, t, v = (np.array(x) for x in zip(*batch))
        with db.conn:
            rollups.update(db, c, np.isin(c, list(COUNTERS)), T0 + t * S, v, UTC, intervals=("1min",))
    assert db.execute(SELECT.format("rollup_1min")).fetchall() == [
        (1, T0, 5, 25.0, 1.0, 9.0, None, None, None, None),
        (2, T0, 5, None, None, None, 10 * S, 99.0, 50 * S, 104.0),
    ]
    assert db.execute("SELECT count(*) FROM rollup_1h").fetchone()[0] == 0  # only the intervals asked for
    rows = db.execute(
        "SELECT start_utc, device_id, quantity, n, mean, last_minus_first FROM rollup_1min_readable ORDER BY quantity"
    ).fetchall()
    assert rows == [
        ("2026-01-01T00:00:00Z", "inv1", "energy", 5, None, 5.0),
        ("2026-01-01T00:00:00Z", "inv1", "power", 5, 5.0, None),
    ]


def test_update_with_no_samples(tmp_path):
    db = new_db(tmp_path / "rollups.db")
    empty = np.array([], dtype=np.int64)
    rollups.update(db, empty, np.array([], dtype=bool), empty, np.array([]), UTC)
    assert db.execute("SELECT count(*) FROM rollup_1min").fetchone()[0] == 0


@pytest.mark.xfail(
    strict=True,
    reason="FINDING (minor): with a 30-minute DST shift (Australia/Lord_Howe) the hour "
    "right after the change is keyed 30 min before its first instant (the key is "
    "local-hour-start minus the new offset); keys stay unique and increasing",
)
def test_hour_bucket_key_is_its_first_instant_lord_howe():
    tz = ZoneInfo("Australia/Lord_Howe")  # +10:30, DST +11:00; 2026-10-04 02:00 -> 02:30 at 2026-10-03T15:30Z
    key = int(bucket_starts(np.array([ms("2026-10-03T15:40:00")]), "1h", tz)[0])
    assert key == ms("2026-10-03T15:30:00")  # actual: 15:00, inside the previous bucket [14:30, 15:30)
