"""Energy per interval from cumulative energy counters, and power integration as the fallback.

Pure functions (numpy, no I/O). Units are in the names: timestamps ``*_ms`` are
UTC epoch milliseconds (int), energies ``*_wh`` are watt-hours (float, base
units, never rounded), powers ``*_w`` are watts.

Counters (:func:`counter_intervals`, :class:`CounterWatch`)
    The energy of an interval is the counter delta between two *accepted*
    samples. Each step from the baseline (the last accepted sample) to a new
    sample is classified by one pure function, :func:`classify_step`:

    ``ok``
        ``0 <= delta <= limit``: the delta is the energy.
    ``wrap``
        The counter fell, the previous value was in the upper part of the
        register range (``prev >= WRAP_UPPER_FRACTION * wrap_at_wh``) and the
        energy across the wrap, ``(wrap_at_wh - prev) + value``, is plausible.
        Event ``counter_wrap`` (info).
    ``jitter``
        The counter fell by at most one resolution step (``resolution_wh``):
        no energy, no event, the baseline keeps the higher value.
    ``reset`` / ``replaced``
        Any other drop: to near zero (``reset``) or to another value
        (``replaced``). No energy, never a negative one.
    ``jump``
        ``delta > limit``: implausible increase.

    where ``limit = margin * max_power_w * elapsed + resolution_wh`` (no limit
    if ``max_power_w`` is None).

    ``reset``, ``replaced`` and ``jump`` are *anomalies*; they are judged with
    the following sample: if that sample continues plausibly from the anomalous
    one (``ok``, ``wrap`` or ``jitter`` relative to it) and not from the old
    baseline, the anomaly is a new level (event ``counter_reset`` or
    ``meter_replaced``; no energy for the step; the anomalous sample becomes
    the baseline). Otherwise it was a one-sample outlier: event
    ``implausible_value``, the sample is skipped and the baseline stays, so the
    next sample is compared with the last accepted one. An anomaly with no
    following sample: a jump is skipped (``implausible_value``), a drop is
    reported as ``counter_reset`` / ``meter_replaced``.

    Across a gap (``end - start > gap_ms``) the counter delta is still the
    energy; the interval is marked ``spread`` and :func:`energy_per_bucket`
    spreads it evenly over the time it spans.

Power (:func:`integrate_power`)
    Only where no counter exists. Zero-order hold: the left (earlier) sample's
    power is held until the next sample, as OpenEMS ``CalculateEnergyFromPower``
    does, so the estimate is causal (the same as a live accumulator would get).
    The positive and negative parts are returned separately, both >= 0. No
    integration across a gap longer than ``max_gap_ms`` (that time stays
    missing, not zero). Energy is float Wh, so there is no remainder to carry.

Sign conventions of power: storage ``+`` discharge / ``-`` charge; grid ``+``
import / ``-`` export; PV and loads are positive.

One module over 400 lines on purpose: the step classification, the state
machine shared by the batch and the live path, the vectorised fast path and
the spreading over buckets apply one set of rules and constants, and cut
apart they could drift from each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast, overload

import numpy as np
import numpy.typing as npt

from energymon.events import COUNTER_RESET, COUNTER_WRAP, IMPLAUSIBLE_VALUE, METER_REPLACED, SEVERITY

MS_PER_H = 3_600_000.0

TimesMs = Sequence[int] | npt.NDArray[np.int64]  # UTC epoch ms
Series = Sequence[float] | npt.NDArray[np.float64]  # values of one quantity, NaN = missing

WRAP_UPPER_FRACTION = 0.75
"""A fall is a wrap only if the previous value was at least this share of ``wrap_at_wh``."""

RESET_FRACTION = 0.01
"""A drop to at most this share of the previous value (or to what could be counted since a restart) is a reset."""

# Interval methods: the ``method`` column of an :class:`EnergyResult` holds an index into METHODS.
COUNTER = "counter"
SPREAD = "spread"
ESTIMATED = "estimated"
METHODS = (COUNTER, SPREAD, ESTIMATED)
_COUNTER, _SPREAD, _ESTIMATED = range(3)


# Step kinds of classify_step.
OK, WRAP, JITTER, RESET, REPLACED, JUMP = "ok", "wrap", "jitter", "reset", "replaced", "jump"
_CONTINUES = frozenset((OK, WRAP, JITTER))  # steps that accept the sample


@dataclass(frozen=True)
class Interval:
    """Energy [Wh] between two accepted samples at ``start_ms`` and ``end_ms`` [UTC epoch ms].

    ``method``: ``"counter"`` (counter delta), ``"spread"`` (counter delta across a
    gap, to be spread evenly over it) or ``"estimated"`` (power integration).
    """

    start_ms: int
    end_ms: int
    energy_wh: float
    method: str


@dataclass(frozen=True)
class CounterEvent:
    """Something noteworthy about a counter sample at ``ts_ms`` [UTC epoch ms].

    ``kind``: ``counter_wrap``, ``counter_reset``, ``meter_replaced`` or ``implausible_value``. ``params``:
    its facts [Wh, ms] as an event's params without the quantity (energymon.event_texts words them):
    ``from_wh`` (the baseline) and ``to_wh`` (the sample) always; a wrap ``wrap_at_wh`` and ``energy_wh``;
    a reset or replaced meter ``confirmed_wh`` (the next sample, None: there was none); an implausible
    step ``elapsed_ms``, ``limit_wh`` (None: a drop) and ``next_wh`` (None: it was the last sample).
    """

    ts_ms: int
    kind: str
    params: dict[str, float | int | None]

    @property
    def severity(self) -> str:
        """``"info"`` for a wrap, ``"warning"`` otherwise (the store's event severities)."""
        return SEVERITY[self.kind]


@dataclass(frozen=True, eq=False)
class EnergyResult:
    """Intervals of one channel as columns (a month of 5 s samples is half a million rows), and events.

    ``start_ms``, ``end_ms`` [UTC epoch ms, int64], ``energy_wh`` [Wh, float64, >= 0],
    ``method`` (uint8 index into :data:`METHODS`), all of the same length, read-only;
    ``events`` in time order. Every interval has ``end_ms > start_ms``.
    """

    start_ms: npt.NDArray[np.int64]
    end_ms: npt.NDArray[np.int64]
    energy_wh: npt.NDArray[np.float64]
    method: npt.NDArray[np.uint8]
    events: tuple[CounterEvent, ...] = ()

    def __post_init__(self) -> None:
        cols: dict[str, npt.NDArray[np.generic]] = {
            "start_ms": np.array(self.start_ms, dtype=np.int64),  # copies: the caller's arrays stay theirs
            "end_ms": np.array(self.end_ms, dtype=np.int64),
            "energy_wh": np.array(self.energy_wh, dtype=np.float64),
            "method": np.array(self.method, dtype=np.uint8),
        }
        n = len(cols["start_ms"])
        for name, col in cols.items():
            if col.shape != (n,):
                raise ValueError(f"{name}: expected shape ({n},), got {col.shape}")
            col.flags.writeable = False
            object.__setattr__(self, name, col)
        if np.any(self.end_ms <= self.start_ms):
            raise ValueError("every interval needs end_ms > start_ms")
        if np.any(self.method >= len(METHODS)):
            raise ValueError("method must index METHODS")
        object.__setattr__(self, "events", tuple(self.events))

    @classmethod
    def empty(cls) -> EnergyResult:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8))

    def __len__(self) -> int:
        return len(self.start_ms)

    @property
    def total_wh(self) -> float:
        """Sum of the interval energies [Wh]."""
        return float(self.energy_wh.sum())

    @property
    def intervals(self) -> tuple[Interval, ...]:
        """The rows as :class:`Interval` objects (convenient for small results; costly for a month)."""
        return tuple(
            Interval(int(s), int(e), float(w), METHODS[m])
            for s, e, w, m in zip(self.start_ms, self.end_ms, self.energy_wh, self.method, strict=True)
        )


@dataclass(frozen=True)
class Step:
    """Classification of one counter step (see the module docstring for the kinds).

    ``energy_wh`` [Wh] is the energy of an ``ok`` or ``wrap`` step, 0 otherwise;
    ``limit_wh`` [Wh] the largest plausible increase for the elapsed time (inf without a rated power).
    """

    kind: str
    energy_wh: float
    limit_wh: float


@dataclass(frozen=True)
class _Params:
    wrap_at_wh: float | None
    max_power_w: float | None
    resolution_wh: float
    margin: float

    def __post_init__(self) -> None:
        for name in ("wrap_at_wh", "max_power_w", "resolution_wh", "margin"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))  # one arithmetic for scalars and arrays
        if self.wrap_at_wh is not None and not self.wrap_at_wh > 0:
            raise ValueError(f"wrap_at_wh must be > 0 or None, got {self.wrap_at_wh}")
        if self.max_power_w is not None and not self.max_power_w > 0:
            raise ValueError(f"max_power_w must be > 0 or None, got {self.max_power_w}")
        if not self.resolution_wh >= 0:
            raise ValueError(f"resolution_wh must be >= 0, got {self.resolution_wh}")
        if not self.margin > 0:
            raise ValueError(f"margin must be > 0, got {self.margin}")

    @overload
    def limit_wh(self, elapsed_ms: int) -> float: ...
    @overload
    def limit_wh(self, elapsed_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]: ...
    def limit_wh(self, elapsed_ms: int | npt.NDArray[np.int64]) -> float | npt.NDArray[np.float64]:
        """Largest plausible increase [Wh] over ``elapsed_ms`` (scalar or array; inf without a rated power).

        The one formula used by the scalar classification and the vectorised fast path,
        so both round identically.
        """
        if self.max_power_w is None:
            return math.inf if np.ndim(elapsed_ms) == 0 else np.full(np.shape(elapsed_ms), math.inf)
        limit = self.margin * self.max_power_w * elapsed_ms / MS_PER_H + self.resolution_wh
        # float x int64 array is a float64 array; the numpy stubs only promise floating[Any]
        return cast("float | npt.NDArray[np.float64]", limit)


def _classify(prev_wh: float, value_wh: float, elapsed_ms: int, p: _Params) -> Step:
    limit = p.limit_wh(elapsed_ms)
    delta = value_wh - prev_wh
    if delta >= 0:
        return Step(OK, delta, limit) if delta <= limit else Step(JUMP, 0.0, limit)
    if -delta <= p.resolution_wh:
        return Step(JITTER, 0.0, limit)
    if p.wrap_at_wh is not None and prev_wh >= WRAP_UPPER_FRACTION * p.wrap_at_wh:
        energy = (p.wrap_at_wh - prev_wh) + value_wh  # wrap - prev is exact here (Sterbenz), even for 2**64
        if 0 <= energy <= limit:
            return Step(WRAP, energy, limit)
    near_zero = max(p.resolution_wh, RESET_FRACTION * prev_wh, limit if math.isfinite(limit) else 0.0)
    return Step(RESET if value_wh <= near_zero else REPLACED, 0.0, limit)


def classify_step(
    prev_wh: float,
    value_wh: float,
    elapsed_ms: int,
    *,
    wrap_at_wh: float | None = None,
    max_power_w: float | None = None,
    resolution_wh: float = 0.0,
    margin: float = 1.5,
) -> Step:
    """Classify the step of a cumulative counter from ``prev_wh`` to ``value_wh`` [Wh] over ``elapsed_ms``.

    Parameters
    ----------
    prev_wh, value_wh : float
        Counter at the baseline and at the new sample [Wh].
    elapsed_ms : int
        Time between them [ms], > 0.
    wrap_at_wh : float or None
        Modulus of the register [Wh]: the value at which it wraps to 0, e.g. ``2**32 * 10``
        for a uint32 register in units of 10 Wh. None: unknown, no wrap possible.
    max_power_w : float or None
        Rated power [W] bounding a plausible increase; None: no plausibility check.
    resolution_wh : float
        One counter step [Wh], added to the limit and tolerated as downward jitter.
    margin : float
        Factor on the rated power (1.5: 50 % overload still plausible).

    Returns
    -------
    Step
        ``ok``, ``wrap``, ``jitter``, ``reset``, ``replaced`` or ``jump``, with the energy [Wh].
    """
    return _classify(
        float(prev_wh), float(value_wh), int(elapsed_ms), _Params(wrap_at_wh, max_power_w, resolution_wh, margin)
    )


class _CounterState:
    """The state machine shared by :func:`counter_intervals` and :class:`CounterWatch`.

    Baseline = last accepted sample (``base_idx`` -1 after jitter, when the value kept is
    not the sample's); ``pend`` = an anomalous sample waiting for its successor.
    """

    __slots__ = ("p", "has_base", "base_ts", "base_wh", "base_idx", "pend")

    def __init__(self, p: _Params) -> None:
        self.p = p
        self.has_base = False
        self.base_ts = 0
        self.base_wh = 0.0
        self.base_idx = -1
        self.pend: tuple[int, float, int, Step] | None = None

    def set_base(self, ts: int, wh: float, idx: int) -> None:
        self.has_base, self.base_ts, self.base_wh, self.base_idx = True, ts, wh, idx

    def synced_at(self, idx: int) -> bool:
        """Whether the baseline is exactly sample ``idx`` and nothing is pending."""
        return self.pend is None and self.base_idx == idx

    def feed(
        self, ts: int, wh: float, idx: int, intervals: list[tuple[int, int, float]], events: list[CounterEvent]
    ) -> None:
        """Take the sample (``ts`` [ms], ``wh`` [Wh]); append (start, end, energy) and events to the lists."""
        if not self.has_base:
            self.set_base(ts, wh, idx)
            return
        if self.pend is not None:
            p_ts, p_wh, p_idx, p_step = self.pend
            self.pend = None
            after_anomaly = _classify(p_wh, wh, ts - p_ts, self.p)
            after_base = _classify(self.base_wh, wh, ts - self.base_ts, self.p)
            if after_anomaly.kind in _CONTINUES and after_base.kind not in _CONTINUES:
                kind = COUNTER_RESET if p_step.kind == RESET else METER_REPLACED
                events.append(CounterEvent(p_ts, kind, {"from_wh": self.base_wh, "to_wh": p_wh, "confirmed_wh": wh}))
                self.set_base(p_ts, p_wh, p_idx)
            else:
                events.append(
                    CounterEvent(
                        p_ts,
                        IMPLAUSIBLE_VALUE,
                        self._outlier_params(p_ts, p_wh, p_step) | {"next_wh": wh},
                    )
                )
        step = _classify(self.base_wh, wh, ts - self.base_ts, self.p)
        if step.kind in _CONTINUES:
            intervals.append((self.base_ts, ts, step.energy_wh))
            if step.kind == WRAP:
                wrap_at_wh = self.p.wrap_at_wh
                assert wrap_at_wh is not None, "a wrap step needs the register modulus"
                events.append(
                    CounterEvent(
                        ts,
                        COUNTER_WRAP,
                        {"from_wh": self.base_wh, "to_wh": wh, "wrap_at_wh": wrap_at_wh, "energy_wh": step.energy_wh},
                    )
                )
            if step.kind == JITTER:
                self.set_base(ts, self.base_wh, -1)
            else:
                self.set_base(ts, wh, idx)
        else:
            self.pend = (ts, wh, idx, step)

    def finish(self, events: list[CounterEvent]) -> None:
        """End of the samples: judge a pending anomaly that has no successor."""
        if self.pend is None:
            return
        p_ts, p_wh, p_idx, p_step = self.pend
        self.pend = None
        if p_step.kind == JUMP:
            events.append(
                CounterEvent(p_ts, IMPLAUSIBLE_VALUE, self._outlier_params(p_ts, p_wh, p_step) | {"next_wh": None})
            )
        else:
            kind = COUNTER_RESET if p_step.kind == RESET else METER_REPLACED
            events.append(CounterEvent(p_ts, kind, {"from_wh": self.base_wh, "to_wh": p_wh, "confirmed_wh": None}))
            self.set_base(p_ts, p_wh, p_idx)

    def _outlier_params(self, p_ts: int, p_wh: float, p_step: Step) -> dict[str, float | int | None]:
        limit_wh = p_step.limit_wh if p_step.kind == JUMP else None
        return {"from_wh": self.base_wh, "to_wh": p_wh, "elapsed_ms": p_ts - self.base_ts, "limit_wh": limit_wh}


def _as_series(ts_ms: TimesMs, values: Series, name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    t = np.asarray(ts_ms, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if t.ndim != 1 or t.shape != v.shape:
        raise ValueError(f"ts_ms and {name} must be 1-D and of the same length, got {t.shape} and {v.shape}")
    keep = np.isfinite(v)
    if not keep.all():
        t, v = t[keep], v[keep]
    if np.any(np.diff(t) <= 0):
        raise ValueError("ts_ms must be strictly increasing")
    return t, v


def counter_intervals(
    ts_ms: TimesMs,
    values_wh: Series,
    *,
    wrap_at_wh: float | None = None,
    max_power_w: float | None = None,
    gap_ms: int | None = None,
    resolution_wh: float = 0.0,
    margin: float = 1.5,
) -> EnergyResult:
    """Energy [Wh] per interval between accepted samples of a cumulative energy counter.

    Parameters
    ----------
    ts_ms : array of int
        Sample times [UTC epoch ms], strictly increasing.
    values_wh : array of float
        Counter values [Wh]; NaN = missing (dropped).
    wrap_at_wh : float or None
        Register modulus [Wh] (see :func:`classify_step`); None: no wrap possible.
    max_power_w : float or None
        Rated power [W]; an increase beyond ``margin * max_power_w * elapsed + resolution_wh``
        is implausible. None: no plausibility check.
    gap_ms : int or None
        Intervals longer than this [ms] are marked ``spread``; None: never.
    resolution_wh : float
        One counter step [Wh].
    margin : float
        Factor on the rated power.

    Returns
    -------
    EnergyResult
        Intervals with energy >= 0 [Wh], method ``counter`` or ``spread``, sorted by time, and the
        events (``counter_wrap``, ``counter_reset``, ``meter_replaced``, ``implausible_value``).
        A step judged a reset or a replacement leaves no interval: that time has no data.

    Notes
    -----
    The plain steps (``0 <= delta <= limit``) are taken vectorised; the state machine of
    :class:`CounterWatch` runs only from an anomalous step until it is back on a sample.
    """
    params = _Params(wrap_at_wh, max_power_w, resolution_wh, margin)
    if gap_ms is not None and not gap_ms > 0:
        raise ValueError(f"gap_ms must be > 0 or None, got {gap_ms}")
    t, v = _as_series(ts_ms, values_wh, "values_wh")
    n = len(t)
    if n < 2:
        return EnergyResult.empty()
    delta = np.diff(v)
    limit = params.limit_wh(np.diff(t))
    good = (delta >= 0) & (delta <= limit)  # exactly _classify(...).kind == OK for consecutive samples
    fast = good.copy()
    state = _CounterState(params)
    slow: list[tuple[int, int, float]] = []
    events: list[CounterEvent] = []
    resume = 0  # steps before this were taken by the slow loop
    for k in np.flatnonzero(~good).tolist():
        if k < resume:
            continue
        state.pend = None
        state.set_base(int(t[k]), float(v[k]), k)  # the fast path has left the baseline at sample k
        j = k
        while True:
            j += 1
            state.feed(int(t[j]), float(v[j]), j, slow, events)
            if j == n - 1 or (state.synced_at(j) and good[j]):
                break
        fast[k:j] = False
        resume = j
    state.finish(events)

    start, end, energy = t[:-1][fast], t[1:][fast], delta[fast]
    if slow:
        s_start, s_end, s_energy = (np.array(c) for c in zip(*slow, strict=True))
        start = np.concatenate([start, s_start.astype(np.int64)])
        end = np.concatenate([end, s_end.astype(np.int64)])
        energy = np.concatenate([energy, s_energy.astype(np.float64)])
        order = np.argsort(start, kind="stable")
        start, end, energy = start[order], end[order], energy[order]
    method = np.full(len(start), _COUNTER, np.uint8)
    if gap_ms is not None:
        method[(end - start) > gap_ms] = _SPREAD
    return EnergyResult(start, end, energy, method, tuple(events))


class CounterWatch:
    """Live counterpart of :func:`counter_intervals` for the collector: one counter, sample by sample.

    Uses the same state machine and step classification. It cannot look ahead, so an
    anomalous sample (implausible jump, or a drop that is not a wrap) is judged when
    the *next* sample arrives: its event (``implausible_value``, ``counter_reset`` or
    ``meter_replaced``) is returned by that next :meth:`update`, one poll late, with
    the anomalous sample's timestamp. In exchange the events are exactly those of
    :func:`counter_intervals` on the same samples (after :meth:`flush` at the end).
    ``counter_wrap`` is reported at once.

    ``energy_wh`` [Wh] is the energy accepted so far (sum of the intervals).
    """

    def __init__(
        self,
        *,
        wrap_at_wh: float | None = None,
        max_power_w: float | None = None,
        resolution_wh: float = 0.0,
        margin: float = 1.5,
    ) -> None:
        self._state = _CounterState(_Params(wrap_at_wh, max_power_w, resolution_wh, margin))
        self._last_ts: int | None = None
        self.energy_wh = 0.0

    @property
    def pending(self) -> bool:
        """Whether the last sample is an anomaly still waiting for its successor."""
        return self._state.pend is not None

    def update(self, ts_ms: int, value_wh: float | None) -> list[CounterEvent]:
        """Take a sample (``ts_ms`` [UTC epoch ms], ``value_wh`` [Wh]) and return the events it settles.

        A missing value (None, NaN) or a timestamp not after the previous one (a clock
        stepping back) is ignored.
        """
        if value_wh is None or not math.isfinite(value_wh):
            return []
        ts = int(ts_ms)
        if self._last_ts is not None and ts <= self._last_ts:
            return []
        self._last_ts = ts
        intervals: list[tuple[int, int, float]] = []
        events: list[CounterEvent] = []
        self._state.feed(ts, float(value_wh), -1, intervals, events)
        self.energy_wh += sum(e for _, _, e in intervals)
        return events

    def flush(self) -> list[CounterEvent]:
        """End of the stream: judge a pending anomaly as :func:`counter_intervals` does for the last sample."""
        events: list[CounterEvent] = []
        self._state.finish(events)
        return events


def integrate_power(ts_ms: TimesMs, power_w: Series, *, max_gap_ms: int) -> tuple[EnergyResult, EnergyResult]:
    """Estimated energy [Wh] from power samples, split into the positive and the negative part.

    Zero-order hold: the power of each sample is held until the next sample, so the
    interval ``[t_i, t_i+1)`` gets ``power_w[i] * (t_i+1 - t_i) / 3_600_000`` Wh.
    Consecutive samples more than ``max_gap_ms`` apart give no interval (missing, not zero).

    Parameters
    ----------
    ts_ms : array of int
        Sample times [UTC epoch ms], strictly increasing.
    power_w : array of float
        Power [W]; NaN = missing (dropped). Storage: ``+`` discharge / ``-`` charge;
        grid: ``+`` import / ``-`` export.
    max_gap_ms : int
        Longest time [ms] a sample's power is held.

    Returns
    -------
    (EnergyResult, EnergyResult)
        Energy of the positive part and of the negative part (both >= 0 [Wh]: e.g. grid
        import and export, storage discharge and charge), over the same intervals,
        method ``estimated``, no events.
    """
    if not max_gap_ms > 0:
        raise ValueError(f"max_gap_ms must be > 0, got {max_gap_ms}")
    t, p = _as_series(ts_ms, power_w, "power_w")
    if len(t) < 2:
        return EnergyResult.empty(), EnergyResult.empty()
    elapsed = np.diff(t)
    held = elapsed <= max_gap_ms
    start, end = t[:-1][held], t[1:][held]
    energy = p[:-1][held] * elapsed[held] / MS_PER_H
    method = np.full(len(start), _ESTIMATED, np.uint8)
    positive = np.where(energy > 0, energy, 0.0)
    negative = np.where(energy < 0, -energy, 0.0)
    return EnergyResult(start, end, positive, method), EnergyResult(start, end, negative, method)


@dataclass(frozen=True, eq=False)
class BucketEnergy:
    """Energy per time bucket ``[edge_i, edge_i+1)``, from :func:`energy_per_bucket`.

    ``energy_wh`` [Wh, float64]; ``covered_ms`` [ms, int64] the part of the bucket covered by
    intervals; ``spread`` / ``estimated`` (bool) whether a ``spread`` / ``estimated`` interval
    overlaps the bucket (even with zero energy, e.g. a gap at night).
    """

    energy_wh: npt.NDArray[np.float64]
    covered_ms: npt.NDArray[np.int64]
    spread: npt.NDArray[np.bool_]
    estimated: npt.NDArray[np.bool_]

    @property
    def has_data(self) -> npt.NDArray[np.bool_]:
        """Buckets that any interval overlaps."""
        return self.covered_ms > 0


def energy_per_bucket(result: EnergyResult, bucket_edges_ms: TimesMs) -> BucketEnergy:
    """Spread each interval's energy over buckets pro rata to its overlap with them.

    Parameters
    ----------
    result : EnergyResult
        Intervals (any order; they may overlap, e.g. several devices concatenated).
    bucket_edges_ms : array of int
        Bucket edges [UTC epoch ms], strictly increasing; ``n + 1`` edges give ``n`` buckets.

    Returns
    -------
    BucketEnergy
        Per bucket. The part of an interval outside ``[edges[0], edges[-1])`` is not counted,
        so the bucket sum equals ``result.total_wh`` (up to rounding) when the buckets cover
        every interval.
    """
    edges = np.asarray(bucket_edges_ms, dtype=np.int64)
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError("bucket_edges_ms must be 1-D, at least 2 edges, strictly increasing")
    nb = len(edges) - 1
    s, e = result.start_ms, result.end_ms
    first = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, nb - 1)
    last = np.clip(np.searchsorted(edges, e, side="left") - 1, 0, nb - 1)
    count = np.maximum(last - first + 1, 1)
    row = np.repeat(np.arange(len(s)), count)  # one row per (interval, bucket) pair
    bucket = first[row] + (np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count))
    overlap = np.minimum(e[row], edges[bucket + 1]) - np.maximum(s[row], edges[bucket])
    overlap = np.maximum(overlap, 0)
    share = result.energy_wh[row] * (overlap / (e - s)[row])  # ratio first: exactly 1.0 for a whole interval
    method = result.method[row]

    def per_bucket(weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        # with weights bincount sums float64; the numpy stubs give every bincount the index dtype
        return cast("npt.NDArray[np.float64]", np.bincount(bucket, weights=weights, minlength=nb))

    return BucketEnergy(
        energy_wh=per_bucket(share),
        covered_ms=per_bucket(overlap.astype(np.float64)).astype(np.int64),  # integer sums < 2**53: exact
        spread=per_bucket(np.where(method == _SPREAD, overlap, 0).astype(np.float64)) > 0,
        estimated=per_bucket(np.where(method == _ESTIMATED, overlap, 0).astype(np.float64)) > 0,
    )
