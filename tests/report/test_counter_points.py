"""The plain quarters of a counter (energymon.report.counter_points) give the report's figures of every raw
interval: per 15-minute quarter the same energy, data, spread gaps; on clean and on hostile series."""

from __future__ import annotations

import numpy as np
import pytest

from energymon.accounting.counters import METHODS, SPREAD, counter_intervals, energy_per_bucket
from energymon.report.counter_points import counter_quarter_intervals, plain_quarter_points

Q_MS = 900_000
ORIGIN_MS = 1_790_000_000_000 - 1_790_000_000_000 % Q_MS
POLL_MS = 5_000
GAP_MS = 3 * POLL_MS
RATED_W = 100_000.0


def series(seed: int, hours: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A counter polled every 5 s (jittered) at up to the rated power, in whole Wh, with no anomaly."""
    rng = np.random.default_rng(seed)
    n = hours * 720
    ts = ORIGIN_MS + 137 + np.arange(n, dtype=np.int64) * POLL_MS + rng.integers(0, 400, n)
    power_w = RATED_W * rng.uniform(0.0, 1.0, n)
    return ts, np.floor(1e6 + np.cumsum(power_w * POLL_MS / 3_600_000))


def hostile(seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The series with every kind of trouble: resets, outliers both ways, a wrap, gaps, NaN, small drops."""
    rng = np.random.default_rng(seed)
    ts, values = series(seed)
    wrap_at = float(values[2000] + 50_000)
    values[2000:] = np.where(values[2000:] >= wrap_at, values[2000:] - wrap_at, values[2000:])  # wraps near 2100
    for _ in range(6):
        k = int(rng.integers(10, ts.size - 10))
        kind = rng.integers(0, 5)
        if kind == 0:
            values[k] += 5e7  # a one-sample jump
        elif kind == 1:
            values[k] = 0.0  # a one-sample drop
        elif kind == 2:
            values[k:] -= values[k] - 3.0  # a reset to near zero
        elif kind == 3:
            values[k] -= 2.0  # a small drop (not jitter at resolution 0)
        else:
            values[k] = np.nan
    keep = np.ones(ts.size, dtype=bool)
    for _ in range(4):  # gaps: some inside a quarter, some across its edges, one of a whole hour
        k = int(rng.integers(10, ts.size - 800))
        keep[k : k + int(rng.choice([3, 5, 40, 720]))] = False
    return ts[keep], values[keep], wrap_at


def per_quarter(result):
    edges = ORIGIN_MS + Q_MS * np.arange(0, 6 * 4 + 2, dtype=np.int64)
    buckets = energy_per_bucket(result, edges)
    measured = result.method != METHODS.index(SPREAD)
    covered = energy_per_bucket(
        type(result)(
            result.start_ms[measured], result.end_ms[measured], result.energy_wh[measured], result.method[measured]
        ),
        edges,
    ).has_data
    return buckets.energy_wh, buckets.has_data, buckets.spread, covered, buckets.covered_ms


def assert_same_figures(ts, values, wrap_at=None, rated=RATED_W):
    every = counter_intervals(ts, values, wrap_at_wh=wrap_at, max_power_w=rated, gap_ms=GAP_MS)
    plain = counter_quarter_intervals(ts, values, ORIGIN_MS, wrap_at_wh=wrap_at, max_power_w=rated, gap_ms=GAP_MS)
    want, got = per_quarter(every), per_quarter(plain)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-9)
    for a, b in zip(got[1:], want[1:], strict=True):
        np.testing.assert_array_equal(a, b)
    assert plain.total_wh == pytest.approx(every.total_wh, rel=1e-12)
    assert [(e.ts_ms, e.kind) for e in plain.events] == [(e.ts_ms, e.kind) for e in every.events]
    return every, plain


@pytest.mark.parametrize("seed", range(4))
def test_a_clean_counter_keeps_two_readings_a_quarter(seed):
    ts, values = series(seed)
    kept, _, first_ms, last_ms = plain_quarter_points(ts, values, ORIGIN_MS, RATED_W, GAP_MS)
    assert kept.size <= 2 * 25 and first_ms.size == 24  # every quarter plain
    every, plain = assert_same_figures(ts, values)
    assert len(plain) < len(every) / 50


@pytest.mark.parametrize("seed", range(12))
def test_a_hostile_counter_gives_the_same_figures(seed):
    ts, values, wrap_at = hostile(seed)
    assert_same_figures(ts, values, wrap_at)
    assert_same_figures(ts, values, wrap_at, rated=None)


def test_an_anomaly_keeps_every_sample_of_its_quarter():
    ts, values = series(1)
    values[1000] += 5e7  # an outlier in quarter 1000 // 180 = 5
    kept, _, first_ms, _ = plain_quarter_points(ts, values, ORIGIN_MS, RATED_W, GAP_MS)
    quarter = (ts - ORIGIN_MS) // Q_MS
    assert set(ts[quarter == quarter[1000]]) <= set(kept)
    assert first_ms.size == 23
