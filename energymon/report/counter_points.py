"""A counter's raw samples cut down to the samples that decide the monthly report's figures.

A month of one counter polled every 5 s is half a million samples, and the
report needs only its energy per 15-minute quarter, whether each quarter has
data, and whether a gap is spread over it. Within a *plain* quarter, one whose
every step (from the sample before it to each of its samples) is an ordinary
increase (``0 <= delta <= limit``, as
:func:`energymon.accounting.counters.counter_intervals` takes it on its fast
path) and whose steps inside it are no longer than the gap, the samples
between its first and its last add nothing: the energy of the intervals
between them is the last reading less the first, the time they cover is the
time between the two, and none is a gap. So those samples are dropped
(:func:`plain_quarter_points`) and the quarter's first-to-last interval is
kept as one interval of measured data (:func:`counter_quarter_intervals`).

Why the figures stay the same: with the report's resolution of 0 Wh, the
counter state machine is back on a sample after every ordinary step (an
anomaly pending before it is settled by that step, a reset or an outlier
alike), so it enters each plain quarter on its first sample in both series,
and the samples of every other quarter, and the steps between quarters, are
all kept. Anomalies (a drop, a wrap, a jump, a reset), gaps inside a quarter
and the quarters they touch keep every sample. Energies are the same up to
the rounding of a float sum (exactly the same for counters in whole Wh).
"""

from __future__ import annotations

import numpy as np

from energymon.accounting.counters import METHODS, SPREAD, EnergyResult, counter_intervals
from energymon.site_time import QUARTER_MS

MARGIN = 1.5  # counter_intervals' default factor on the rated power (the report uses the defaults)
MS_PER_H = 3_600_000.0


def plain_quarter_points(
    ts_ms: np.ndarray, values_wh: np.ndarray, origin_ms: int, max_power_w: float | None, gap_ms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The samples to keep of a counter series, and the plain quarters' first and last times.

    ``ts_ms`` strictly increasing [UTC epoch ms], ``values_wh`` [Wh] (NaN: missing, dropped as
    counter_intervals drops it); quarters are ``[origin_ms + k * 15 min, ...)``. Returns (ts_ms, values_wh,
    first_ms, last_ms): the kept samples and, for every plain quarter with two samples or more, the times
    of its first and last sample (sorted).
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    values = np.asarray(values_wh, dtype=np.float64)
    if not np.isfinite(values.sum()):  # one pass: a finite sum has no NaN or inf in it
        finite = np.isfinite(values)
        ts, values = ts[finite], values[finite]
    empty = np.empty(0, dtype=np.int64)
    if ts.size < 3:
        return ts, values, empty, empty
    first_q, last_q = (int(ts[0]) - origin_ms) // QUARTER_MS, (int(ts[-1]) - origin_ms) // QUARTER_MS
    edges = origin_ms + QUARTER_MS * np.arange(first_q, last_q + 2, dtype=np.int64)
    starts = np.unique(np.searchsorted(ts, edges))
    starts = starts[starts < ts.size]  # the first sample of each quarter with samples (starts[0] == 0)
    ends = np.append(starts[1:], ts.size) - 1
    elapsed = np.diff(ts)
    delta = np.diff(values)
    ordinary = delta >= 0
    if max_power_w is not None:  # counter_intervals' limit, margin x rated power x elapsed (+ 0 Wh), in its order
        per_ms = MARGIN * float(max_power_w)
        # The limit never falls as the step gets longer (float products and quotients by positive constants
        # are monotonic), so a step within the shortest step's limit is within its own: only the others are
        # worked out, by the same formula.
        floor_wh = float(elapsed.min()) * per_ms / MS_PER_H
        over = np.flatnonzero(delta > floor_wh)
        if over.size:
            limit = elapsed[over] * per_ms
            limit /= MS_PER_H
            ordinary[over[delta[over] > limit]] = False
    long_steps = np.flatnonzero(elapsed > gap_ms)
    inside = np.searchsorted(starts, long_steps, side="right") == np.searchsorted(starts, long_steps + 1, "right")
    bad = np.concatenate((np.flatnonzero(~ordinary), long_steps[inside]))  # step k leads into sample k + 1
    plain = np.ones(starts.size, dtype=bool)
    plain[np.searchsorted(starts, bad + 1, side="right") - 1] = False
    # kept: each quarter's first and last sample, and every sample of the quarters that are not plain
    marks = np.zeros(ts.size + 1, dtype=np.int8)  # +1 where a run of kept samples starts, -1 after it ends
    marks[starts[~plain]] += 1  # each index at most once per line
    marks[ends[~plain] + 1] -= 1
    kept = np.cumsum(marks[:-1], dtype=np.int32) > 0
    kept[starts] = True
    kept[ends] = True
    keep = np.flatnonzero(kept)
    inner = plain & (ends > starts)
    return ts[keep], values[keep], ts[starts[inner]], ts[ends[inner]]


def counter_quarter_intervals(
    ts_ms: np.ndarray,
    values_wh: np.ndarray,
    origin_ms: int,
    *,
    wrap_at_wh: float | None,
    max_power_w: float | None,
    gap_ms: int,
) -> EnergyResult:
    """:func:`counter_intervals` of the series (resolution 0, the default margin), the plain quarters taken
    first to last reading: per 15-minute quarter from ``origin_ms`` the same energy, data and spread gaps."""
    ts, values, first_ms, last_ms = plain_quarter_points(ts_ms, values_wh, origin_ms, max_power_w, gap_ms)
    result = counter_intervals(ts, values, wrap_at_wh=wrap_at_wh, max_power_w=max_power_w, margin=MARGIN)
    if not len(result) and not first_ms.size:
        return result
    start, end = result.start_ms, result.end_ms
    at = np.minimum(np.searchsorted(first_ms, start), max(first_ms.size - 1, 0))
    whole_quarter = (first_ms[at] == start) & (last_ms[at] == end) if first_ms.size else np.zeros(len(start), bool)
    if int(whole_quarter.sum()) != first_ms.size:  # a plain quarter's first-to-last step was not taken as one
        # (a float sum of ordinary steps just over the limit): the full series, as counter_intervals has it
        result = counter_intervals(ts_ms, values_wh, wrap_at_wh=wrap_at_wh, max_power_w=max_power_w, gap_ms=gap_ms)
        return result
    method = result.method.copy()
    method[((end - start) > gap_ms) & ~whole_quarter] = METHODS.index(SPREAD)
    return EnergyResult(start, end, result.energy_wh, method, result.events)
