"""energymon.accounting.counters: energy from counter deltas (wrap, reset, replacement, spikes, gaps).

And the power-integration fallback.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energymon.accounting.counters import (
    CounterEvent,
    CounterWatch,
    EnergyResult,
    Interval,
    _CounterState,
    _Params,
    classify_step,
    counter_intervals,
    energy_per_bucket,
    integrate_power,
)
from energymon.events import COUNTER_RESET, COUNTER_WRAP, IMPLAUSIBLE_VALUE, METER_REPLACED

S = 1000  # ms
H = 3_600_000  # ms
T0 = 1_700_000_000_000  # UTC epoch ms, 2023-11-14T22:13:20Z
P = 100_000.0  # rated power [W]; over one 5 s poll: 1.5 * 100 kW * 5 s = 208.333 Wh plausible


def ts(*seconds: float) -> list[int]:
    return [T0 + int(s * S) for s in seconds]


def kinds(result: EnergyResult) -> list[tuple[int, str]]:
    return [(e.ts_ms, e.kind) for e in result.events]


def test_plain_counter_deltas_are_the_energy():
    r = counter_intervals(ts(0, 5, 10), [1000.0, 1100.0, 1250.5], max_power_w=P, gap_ms=15 * S)
    assert r.intervals == (
        Interval(T0, T0 + 5 * S, 100.0, "counter"),
        Interval(T0 + 5 * S, T0 + 10 * S, 150.5, "counter"),
    )
    assert r.events == ()


def test_classify_step_kinds():
    kw = {"wrap_at_wh": 65536.0, "max_power_w": P, "resolution_wh": 1.0}
    # limit over 5 s = 1.5 * 100000 W * 5000 ms / 3.6e6 + 1 Wh = 209.333 Wh
    assert classify_step(1000, 1200, 5 * S, **kw).kind == "ok"
    assert classify_step(1000, 1200, 5 * S, **kw).limit_wh == pytest.approx(209.3333333)
    assert classify_step(1000, 1210, 5 * S, **kw).kind == "jump"
    assert classify_step(1000, 999.5, 5 * S, **kw).kind == "jitter"  # fell by <= 1 resolution step
    assert classify_step(65500, 60, 5 * S, **kw).energy_wh == 96.0  # wrap: 36 + 60
    assert classify_step(1000, 3, 5 * S, **kw).kind == "reset"
    assert classify_step(50_000, 20_000, 5 * S, **kw).kind == "replaced"
    assert classify_step(1000, 5000, 5 * S, resolution_wh=1.0).kind == "ok"  # no rated power: no limit


# --- wrap ---------------------------------------------------------------------------------------


def test_wrap_16_bit():
    # uint16 register in Wh wraps at 65536; 65500 >= 0.75 * 65536 = 49152 so a fall is a wrap.
    r = counter_intervals(ts(0, 5, 10), [65400.0, 65500.0, 60.0], wrap_at_wh=65536.0, max_power_w=P)
    # 65400 -> 65500: 100 Wh; 65500 -> 60 across the wrap: (65536 - 65500) + 60 = 96 Wh
    assert r.energy_wh.tolist() == [100.0, 96.0]
    assert kinds(r) == [(T0 + 10 * S, COUNTER_WRAP)]
    assert r.events[0].severity == "info"


def test_wrap_32_bit_scaled_register():
    # uint32 in units of 10 Wh wraps at 2**32 * 10 = 42_949_672_960 Wh.
    wrap = 2**32 * 10.0
    r = counter_intervals(ts(0, 5), [wrap - 150.0, 50.0], wrap_at_wh=wrap, max_power_w=P)
    assert r.energy_wh.tolist() == [200.0]  # 150 to the wrap + 50 after it
    assert kinds(r) == [(T0 + 5 * S, COUNTER_WRAP)]


def test_wrap_64_bit_is_exact():
    # Near 2**64 a float64 steps by 2048 Wh. (2**64 - prev) + value is exact; value + 2**64 - prev
    # would round 100 + 2**64 to 2**64 and lose the 100 Wh.
    wrap = 2.0**64
    r = counter_intervals(ts(0, 10), [wrap - 2048.0, 100.0], wrap_at_wh=wrap, max_power_w=1e6)
    # limit over 10 s at 1 MW: 1.5 * 1e6 * 10 / 3600 = 4166.7 Wh >= 2048 + 100 = 2148 Wh
    assert r.energy_wh.tolist() == [2148.0]
    assert kinds(r) == [(T0 + 10 * S, COUNTER_WRAP)]


# --- drops: reset and replaced meter ------------------------------------------------------------


def test_drop_not_in_upper_range_is_a_reset():
    # 1100 < 0.75 * 65536 = 49152: not a wrap. 5 Wh is near zero (<= limit 208.3 Wh): a reset.
    r = counter_intervals(ts(0, 5, 10, 15), [1000.0, 1100.0, 5.0, 60.0], wrap_at_wh=65536.0, max_power_w=P)
    assert r.energy_wh.tolist() == [100.0, 55.0]  # 1000 -> 1100, then 5 -> 60; nothing negative, no spike
    assert [(i.start_ms, i.end_ms) for i in r.intervals] == [(T0, T0 + 5 * S), (T0 + 10 * S, T0 + 15 * S)]
    assert kinds(r) == [(T0 + 10 * S, COUNTER_RESET)]
    assert r.events[0].severity == "warning"


def test_fall_from_upper_range_that_is_no_plausible_wrap_is_a_reset():
    # 60000 >= 49152, but the wrap would be (65536 - 60000) + 3 = 5539 Wh in 5 s > 208.3 Wh.
    r = counter_intervals(ts(0, 5, 10), [60_000.0, 3.0, 50.0], wrap_at_wh=65536.0, max_power_w=P)
    assert r.energy_wh.tolist() == [47.0]
    assert kinds(r) == [(T0 + 5 * S, COUNTER_RESET)]


def test_drop_to_another_value_is_a_replaced_meter():
    # 20000 is far from zero (> 1 % of 50100 and > 208.3 Wh): a replaced meter with an older reading.
    r = counter_intervals(ts(0, 5, 10, 15), [50_000.0, 50_100.0, 20_000.0, 20_050.0], max_power_w=P)
    assert r.energy_wh.tolist() == [100.0, 50.0]
    assert kinds(r) == [(T0 + 10 * S, METER_REPLACED)]


def test_jump_up_confirmed_by_next_sample_is_a_replaced_meter():
    # 1100 -> 900000 in 5 s is implausible; 900100 follows it plausibly (+100 Wh in 5 s) and is still
    # implausible from 1100 (+899000 Wh in 10 s > 416.7 Wh): the new meter reads higher.
    r = counter_intervals(ts(0, 5, 10, 15), [1000.0, 1100.0, 900_000.0, 900_100.0], max_power_w=P)
    assert r.energy_wh.tolist() == [100.0, 100.0]  # no energy for the jump
    assert kinds(r) == [(T0 + 10 * S, METER_REPLACED)]


# --- implausible values -------------------------------------------------------------------------


def test_implausible_spike_that_comes_back_is_skipped():
    r = counter_intervals(
        ts(0, 5, 10, 15, 20), [1000.0, 1100.0, 900_000.0, 1200.0, 1300.0], max_power_w=P, gap_ms=15 * S
    )
    # The spike is skipped; 1200 is compared with 1100 (the last accepted sample): 100 Wh over 10 s.
    assert r.intervals == (
        Interval(T0, T0 + 5 * S, 100.0, "counter"),
        Interval(T0 + 5 * S, T0 + 15 * S, 100.0, "counter"),
        Interval(T0 + 15 * S, T0 + 20 * S, 100.0, "counter"),
    )
    assert r.total_wh == 300.0  # = 1300 - 1000, unaffected by the spike
    assert kinds(r) == [(T0 + 10 * S, IMPLAUSIBLE_VALUE)]


def test_spike_as_last_sample_is_skipped():
    r = counter_intervals(ts(0, 5, 10), [1000.0, 1100.0, 900_000.0], max_power_w=P)
    assert r.energy_wh.tolist() == [100.0]
    assert kinds(r) == [(T0 + 10 * S, IMPLAUSIBLE_VALUE)]


def test_single_zero_read_is_skipped_not_a_reset():
    # A device answering 0 for one poll (e.g. while booting): the next sample continues from 1100
    # (+100 Wh in 10 s), so the 0 was an outlier, not a reset (which would count 1200 - 0 again).
    r = counter_intervals(ts(0, 5, 10, 15), [1000.0, 1100.0, 0.0, 1200.0], max_power_w=P)
    assert r.energy_wh.tolist() == [100.0, 100.0]
    assert kinds(r) == [(T0 + 10 * S, IMPLAUSIBLE_VALUE)]


def test_no_rated_power_means_no_plausibility_check():
    r = counter_intervals(ts(0, 5), [1000.0, 900_000.0])
    assert r.energy_wh.tolist() == [899_000.0]
    assert r.events == ()


def test_jitter_of_one_resolution_step_is_no_reset():
    # 1000 -> 999.5 falls by 0.5 <= 1 Wh: no energy, no event, baseline stays 1000; 1010 - 1000 = 10 Wh.
    r = counter_intervals(ts(0, 5, 10), [1000.0, 999.5, 1010.0], max_power_w=P, resolution_wh=1.0)
    assert r.energy_wh.tolist() == [0.0, 10.0]
    assert r.events == ()


# --- gaps and buckets ---------------------------------------------------------------------------


def test_gap_spanned_by_counter_is_spread_evenly_over_buckets():
    day = T0 - T0 % (24 * H)
    h = [day + k * H for k in range(15)]
    # samples 10:29:55, 10:30:00, then nothing until 12:00:00, 12:00:05
    t = [h[10] + 29 * 60 * S + 55 * S, h[10] + 30 * 60 * S, h[12], h[12] + 5 * S]
    r = counter_intervals(t, [995.0, 1000.0, 2500.0, 2504.0], max_power_w=P, gap_ms=15 * S)
    assert [i.method for i in r.intervals] == ["counter", "spread", "counter"]
    assert r.energy_wh.tolist() == [5.0, 1500.0, 4.0]  # the counter delta across the 1.5 h gap is right
    b = energy_per_bucket(r, h[10:15])  # hourly buckets 10-11, 11-12, 12-13, 13-14
    # 10-11: 5 Wh + 0.5 h of 1500 Wh / 1.5 h = 505 Wh; 11-12: 1000 Wh; 12-13: 4 Wh; 13-14: no data
    assert b.energy_wh.tolist() == pytest.approx([505.0, 1000.0, 4.0, 0.0])
    assert b.spread.tolist() == [True, True, False, False]
    assert b.estimated.tolist() == [False] * 4
    assert b.has_data.tolist() == [True, True, True, False]
    assert b.covered_ms.tolist() == [30 * 60 * S + 5 * S, H, 5 * S, 0]


def test_bucket_counts_only_the_part_inside_the_edges():
    r = counter_intervals([0, 10 * S], [0.0, 100.0])
    b = energy_per_bucket(r, [5 * S, 8 * S, 20 * S])  # 3 s + 2 s of the 10 s interval
    assert b.energy_wh.tolist() == pytest.approx([30.0, 20.0])


@st.composite
def intervals_and_edges(draw):
    n = draw(st.integers(0, 30))
    starts = draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    lengths = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n))
    energies = draw(st.lists(st.floats(0, 1e6), min_size=n, max_size=n))
    methods = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    start = np.array(starts, np.int64)
    end = start + np.array(lengths, np.int64)
    lo, hi = int(start.min(initial=0)), int(end.max(initial=1))
    inner = draw(st.lists(st.integers(lo + 1, max(hi - 1, lo + 1)), max_size=20, unique=True))
    edges = sorted({lo, hi, *inner})
    return EnergyResult(start, end, np.array(energies), np.array(methods, np.uint8)), edges


@given(intervals_and_edges())
@settings(max_examples=300, deadline=None)
def test_energy_per_bucket_conserves_energy(case):
    result, edges = case
    b = energy_per_bucket(result, edges)
    assert b.energy_wh.sum() == pytest.approx(result.total_wh, rel=1e-12, abs=1e-9)
    assert int(b.covered_ms.sum()) == int((result.end_ms - result.start_ms).sum())  # exact in ms
    assert (b.energy_wh >= 0).all()


# --- power integration fallback -----------------------------------------------------------------


def test_power_integration_splits_positive_and_negative_and_stops_at_gaps():
    # grid power: + import / - export; left sample's power held until the next sample
    t = ts(0, 10, 20, 30, 630, 640)
    p = [3600.0, 3600.0, -1800.0, -1800.0, 720.0, 0.0]
    imported, exported = integrate_power(t, p, max_gap_ms=60 * S)
    # [0,10): 3600 W * 10 s = 10 Wh; [10,20): 10 Wh (held 3600 W, not the trapezoid's 2.5 Wh);
    # [20,30): -1800 W * 10 s = -5 Wh; [30,630): 600 s > 60 s, not integrated; [630,640): 720 W * 10 s = 2 Wh
    assert imported.energy_wh.tolist() == pytest.approx([10.0, 10.0, 0.0, 2.0])
    assert exported.energy_wh.tolist() == pytest.approx([0.0, 0.0, 5.0, 0.0])
    assert [(i.start_ms - T0, i.end_ms - T0, i.method) for i in imported.intervals] == [
        (0, 10 * S, "estimated"),
        (10 * S, 20 * S, "estimated"),
        (20 * S, 30 * S, "estimated"),
        (630 * S, 640 * S, "estimated"),
    ]
    b = energy_per_bucket(imported, [T0, T0 + 60 * S, T0 + 600 * S, T0 + 660 * S])
    assert b.energy_wh.tolist() == pytest.approx([20.0, 0.0, 2.0])
    assert b.has_data.tolist() == [True, False, True]  # the gap stays missing, not zero
    assert b.estimated.tolist() == [True, False, True]
    assert energy_per_bucket(exported, [T0, T0 + 60 * S]).energy_wh.tolist() == pytest.approx([5.0])


def test_power_integration_drops_missing_samples():
    imported, exported = integrate_power(ts(0, 5, 10), [7200.0, math.nan, 7200.0], max_gap_ms=15 * S)
    assert imported.energy_wh.tolist() == pytest.approx([20.0])  # 7200 W held for 10 s
    assert exported.total_wh == 0.0


def test_inputs_are_checked():
    with pytest.raises(ValueError):
        counter_intervals([0, 5, 5], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        counter_intervals([0, 5], [1.0])
    with pytest.raises(ValueError):
        counter_intervals([0, 5], [1.0, 2.0], max_power_w=0)
    with pytest.raises(ValueError):
        energy_per_bucket(EnergyResult.empty(), [5, 5])
    assert len(counter_intervals([0], [1.0])) == 0
    assert counter_intervals([0, 5, 10], [1.0, math.nan, 3.0]).energy_wh.tolist() == [2.0]


# --- live watch ---------------------------------------------------------------------------------


def test_counter_watch_reports_an_anomaly_when_the_next_sample_settles_it():
    w = CounterWatch(max_power_w=P)
    t = ts(0, 5, 10, 15, 20)
    assert w.update(t[0], 1000.0) == []
    assert w.update(t[1], 1100.0) == []
    assert w.update(t[2], 900_000.0) == []  # cannot look ahead yet
    assert w.pending
    events = w.update(t[3], 900_100.0)
    assert [(e.ts_ms, e.kind) for e in events] == [(t[2], METER_REPLACED)]  # timestamp of the jump
    assert w.update(t[4], 900_200.0) == []
    assert w.energy_wh == 300.0  # 100 + 100 + 100, nothing for the jump
    assert w.update(t[4], 5.0) == []  # a clock stepping back is ignored
    assert w.update(t[4] + 5 * S, None) == []


def test_counter_watch_events_match_batch_on_mixed_sequence():
    v = [65400.0, 65500.0, 60.0, 160.0, 900_000.0, 260.0, 360.0, 5.0, 55.0, 30_000.0, 30_100.0, 9e9]
    t = ts(*range(0, 5 * len(v), 5))
    kw = {"wrap_at_wh": 65536.0, "max_power_w": P, "resolution_wh": 1.0}
    batch = counter_intervals(t, v, **kw)
    assert [e.kind for e in batch.events] == [
        COUNTER_WRAP,
        IMPLAUSIBLE_VALUE,
        COUNTER_RESET,
        METER_REPLACED,
        IMPLAUSIBLE_VALUE,
    ]
    w = CounterWatch(**kw)
    live = [e for ti, vi in zip(t, v, strict=True) for e in w.update(ti, vi)] + w.flush()
    assert live == list(batch.events)
    assert w.energy_wh == pytest.approx(batch.total_wh)
    # 100 + 96 (wrap) + 100 + 100 (160 -> 260 over the skipped spike) + 100 + 50 (5 -> 55 after the reset)
    # + 100 (30000 -> 30100 after the replacement) = 646 Wh; the final 9e9 is skipped
    assert batch.total_wh == pytest.approx(646.0)


STEP = st.tuples(
    st.sampled_from(["ok", "ok", "ok", "ok", "gap", "spike", "zero", "reset", "replace", "jitter", "stuck"]),
    st.floats(0, 1),
)


@given(start=st.floats(0, 65535), steps=st.lists(STEP, max_size=60))
@settings(max_examples=300, deadline=None)
def test_counter_watch_gives_the_same_events_and_energy_as_counter_intervals(
    start: float, steps: list[tuple[str, float]]
) -> None:
    # A 16-bit Wh register at 100 kW rated, polled every 5 s, with every kind of anomaly.
    t, v, now, value = [T0], [start], T0, start
    for kind, x in steps:
        now += 60 * S if kind == "gap" else 5 * S
        if kind in ("ok", "gap"):
            value = (value + x * 200.0) % 65536.0
            sample = value
        elif kind == "spike":
            sample = value + 20_000.0 + x * 10_000.0
        elif kind == "zero":
            sample = 0.0
        elif kind == "jitter":
            sample = max(value - x, 0.0)
        elif kind == "reset":
            value = sample = x * 10.0
        elif kind == "replace":
            value = sample = x * 60_000.0
        else:  # stuck
            sample = value
        t.append(now)
        v.append(sample)
    kw = {"wrap_at_wh": 65536.0, "max_power_w": P, "resolution_wh": 1.0}
    batch = counter_intervals(t, v, gap_ms=15 * S, **kw)
    w = CounterWatch(**kw)
    live: list[CounterEvent] = []
    for ti, vi in zip(t, v, strict=True):
        live += w.update(ti, vi)
    live += w.flush()
    assert live == list(batch.events)
    assert w.energy_wh == pytest.approx(batch.total_wh, rel=1e-9, abs=1e-6)
    # The vectorised fast path gives exactly the intervals of the state machine run over every sample.
    state = _CounterState(_Params(**kw, margin=1.5))
    reference: list[tuple[int, int, float]] = []
    events: list[CounterEvent] = []
    for ti, vi in zip(t, v, strict=True):
        state.feed(ti, vi, -1, reference, events)
    assert reference == list(zip(batch.start_ms.tolist(), batch.end_ms.tolist(), batch.energy_wh.tolist(), strict=True))
    assert (batch.energy_wh >= 0).all()
    assert (batch.end_ms[:-1] <= batch.start_ms[1:]).all()  # sorted, never overlapping
