"""Data quality of one device's readings: frozen values, flat counters, stale and out-of-range quantities.

A :class:`DeviceQuality` is fed every poll of its device (:meth:`DeviceQuality.update`,
pure apart from its own state; times come from the readings) and answers with
the events to record, the problems to show and the quantities to mark as
suspect. The checks, each with its thresholds from the device's
``[devices.quality]`` table (energymon.config.quality_params; what is judged
and by which bounds: energymon.collect.quality_rules):

- **frozen** (``data_frozen``): a measurement that physics keeps moving is
  bit-for-bit the same in ``frozen_polls`` answered polls over at least
  ``frozen_min_s``, while some other value of the device changed meanwhile and
  the device is not still as a whole (no value of it changed for as long: an
  inverter asleep at night that keeps its last voltages, or a meter frozen
  whole, is not judged by this rule). Ends when the value changes;
- **counter flat** (``data_frozen`` too): power says energy flows into a
  counter (``|power| > counter_flow_pct`` % of rated, in the counter's
  direction, at every answered poll for ``counter_flat_min_s``; energy from
  the lower of each two successive powers) and it should have counted at least
  3 register steps, but it moved by at most one step. Ends when the counter
  moves by more than a step;
- **stale** (``data_stale``): a quantity the device gave before is missing from
  ``stale_polls`` answered polls in a row (a value never seen is "not
  implemented", the device's nature; a value rejected as implausible has its
  own event). Ends with the next value;
- **out of range** (``data_out_of_range``): a value outside the physical
  bounds of its kind. Ends after ``range_clear_polls`` answered polls in range.

Each episode is one event when it starts and one ``data_ok`` when it ends (with
its duration), never one per poll. Quantities that start (or end) at the same
poll share one event: its params hold one part per quantity (its detail: one
``quantity: what`` phrase each, joined by ``; ``). Polls that read nothing
(offline) are not judged (they end a counter's run of flowing power) and their
readings carry no quality problems. The values are never changed
(they are stored as the device gave them); a frozen, flat or out-of-range one
is named in ``suspect`` and in the problems (``frozen: power_w``); while a
counter is flat, ``power_w`` is suspect too (the two disagree: one is wrong).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.profile import Profile
from drivers.quantities import QUANTITIES, Role
from energymon.collect import quality_rules as rules
from energymon.config.quality_params import COUNTER_FLAT, FROZEN, RANGE, STALE, QualityParams
from energymon.event_texts import event_text
from energymon.events import DATA_FROZEN, DATA_OK, DATA_OUT_OF_RANGE, DATA_STALE


@dataclass(frozen=True)
class QualityEvent:
    """One event of a poll: ``kind`` data_frozen | data_stale | data_out_of_range | data_ok (energymon.events);
    ``params``: ``{"parts": [...]}``, one part per quantity (:meth:`DeviceQuality.update`'s checks; keys in
    docs/database.md), worded by energymon.event_texts.quality_part."""

    kind: str
    params: dict[str, list[dict[str, Any]]]

    @property
    def detail(self) -> str:
        """The English text: "quantity: what" parts joined by "; "."""
        return event_text(self.kind, self.params, "en")


@dataclass(frozen=True)
class QualityCheck:
    """What one poll's check found: events to record, problems to show, values not to present as good."""

    events: tuple[QualityEvent, ...] = ()
    problems: tuple[str, ...] = ()
    suspect: frozenset[str] = frozenset()


@dataclass
class _Same:
    """A measurement's run of one value."""

    value: float
    since_ms: int
    polls: int = 1
    others_moved: bool = False
    frozen: bool = False


@dataclass
class _Counter:
    """A counter's run of flowing power since ``anchor_ms``, when it read ``anchor_wh``."""

    anchor_wh: float
    anchor_ms: int
    expected_wh: float = 0.0
    last_flow_w: float | None = None
    last_ms: int = 0
    flat: bool = False
    flat_since_ms: int = 0


@dataclass
class _Missing:
    last_seen_ms: int
    polls: int = 0
    stale: bool = False


@dataclass
class _Range:
    since_ms: int
    good_polls: int = 0


@dataclass
class _Found:
    """The parts of one poll's events, by kind."""

    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: str, quantity: str, check: str, **facts: Any) -> None:
        """One quantity's part: what ``check`` found (frozen, counter_flat, stale, out_of_range; "ok" with
        ``ended`` and ``duration_s`` when an episode ends) and its facts in base units."""
        self.parts.setdefault(kind, []).append({"quantity": quantity, "check": check, **facts})

    def ended(self, quantity: str, check: str, duration_ms: int) -> None:
        """The part of a ``data_ok`` event: ``quantity``'s episode of ``check`` ended after ``duration_ms``."""
        self.add(DATA_OK, quantity, "ok", ended=check, duration_s=duration_ms / 1000)

    def events(self) -> tuple[QualityEvent, ...]:
        order = (DATA_FROZEN, DATA_STALE, DATA_OUT_OF_RANGE, DATA_OK)
        return tuple(QualityEvent(k, {"parts": self.parts[k]}) for k in order if k in self.parts)


class DeviceQuality:
    """The data-quality watch of one device (see the module docstring)."""

    def __init__(
        self,
        role: Role,
        rated_power_kw: float,
        params: QualityParams | None = None,
        ct_ratio: float = 1.0,
        pt_ratio: float = 1.0,
    ) -> None:
        self.role = role
        self.rated_w = rated_power_kw * 1000.0
        self.params = params or QualityParams()
        self.ct_ratio, self.pt_ratio = ct_ratio, pt_ratio
        self._moving = rules.moving_quantities(role) - self.params.frozen_ignore
        self._last: dict[str, float] = {}  # every value of the previous answered poll
        self._in_range: dict[str, tuple[float, float] | None] = {}  # rules.in_range_interval, learnt as met
        self._still_since_ms: int | None = None  # since when no value of the device changed
        self._still_polls = 0  # answered polls since then
        self._same: dict[str, _Same] = {}
        self._counters: dict[str, _Counter] = {}
        self._missing: dict[str, _Missing] = {}
        self._range: dict[str, _Range] = {}
        self._steps: dict[str, float] = {}
        self._profile_id: int | None = None

    # -- the one entry point ----------------------------------------------------------------
    def update(
        self,
        ts_ms: int,
        values: Mapping[str, float | None] | None,
        rejected: Iterable[str] = (),
        profile: Profile | None = None,
    ) -> QualityCheck:
        """Judge one poll at ``ts_ms`` [UTC epoch ms]: ``values`` after the plausibility check (None: the
        poll read nothing), ``rejected``: the quantities it dropped, ``profile``: for register steps."""
        if values is None:
            for counter in self._counters.values():
                if not counter.flat:  # a run of flowing power ends at a gap: what flowed in it is unknown
                    counter.last_flow_w, counter.expected_wh = None, 0.0
            return QualityCheck()  # nothing read: the device's health says so, not its data quality
        self._use_profile(profile)
        found = _Found()
        present = {q: v for q, v in values.items() if v is not None}
        changed = {q for q, v in present.items() if q in self._last and not _same(self._last[q], v)}
        if changed or self._still_since_ms is None:
            self._still_since_ms, self._still_polls = ts_ms, 0
        self._still_polls += 1
        if self.params.on(FROZEN):
            self._frozen(ts_ms, present, changed, found)
        if self.params.on(COUNTER_FLAT):
            self._counter_flat(ts_ms, present, found)
        if self.params.on(STALE):
            self._stale(ts_ms, values, set(rejected), found)
        suspect_now: set[str] = set()
        if self.params.on(RANGE):
            suspect_now = self._out_of_range(ts_ms, present, found)
        self._last = present
        return self._result(found, suspect_now)

    # -- the checks -----------------------------------------------------------------------------
    def _frozen(self, ts_ms: int, present: dict[str, float], changed: set[str], found: _Found) -> None:
        p = self.params
        assert self._still_since_ms is not None
        # Every value of the device has stood still as long as a frozen one must: it is still as a whole
        # (asleep, or frozen whole: a flat counter under power tells that), no single value is judged.
        still = self._still_polls >= p.frozen_polls and ts_ms - self._still_since_ms >= p.frozen_min_s * 1000
        for q, v in present.items():
            if q not in self._moving:
                continue
            run = self._same.get(q)
            if run is None or not _same(run.value, v):
                if run is not None and run.frozen:
                    found.ended(q, "frozen", ts_ms - run.since_ms)
                self._same[q] = _Same(v, ts_ms)
                continue
            run.polls += 1
            run.others_moved = run.others_moved or bool(changed - {q})
            if (
                not run.frozen
                and run.others_moved
                and not still
                and run.polls >= p.frozen_polls
                and ts_ms - run.since_ms >= p.frozen_min_s * 1000
                and not rules.legitimately_constant(q, v, self.role, self.rated_w, self._steps.get(q, 0.0))
            ):
                run.frozen = True
                found.add(DATA_FROZEN, q, "frozen", value=v, polls=run.polls, duration_s=(ts_ms - run.since_ms) / 1000)

    def _counter_flat(self, ts_ms: int, present: dict[str, float], found: _Found) -> None:
        power = present.get("power_w")
        threshold_w = self.params.counter_flow_pct / 100.0 * self.rated_w
        for sign, counter in zip((1.0, -1.0), rules.FLOW_COUNTERS[self.role], strict=True):
            if counter is None or counter not in present:
                continue
            value = present[counter]
            step = rules.counter_step_wh(self._steps.get(counter, 0.0), value, self.ct_ratio, self.pt_ratio)
            run = self._counters.get(counter)
            if run is None or abs(value - run.anchor_wh) > step * (1 + rules.TOLERANCE):
                if run is not None and run.flat:
                    found.ended(counter, "counter_flat", ts_ms - run.flat_since_ms)
                run = self._counters[counter] = _Counter(value, ts_ms)
            if run.flat:
                continue
            flow_w = sign * power if power is not None and sign * power > threshold_w else None
            if flow_w is None or run.last_flow_w is None:
                if flow_w is None or run.expected_wh == 0.0:
                    run.anchor_wh, run.anchor_ms, run.expected_wh = value, ts_ms, 0.0
                run.last_flow_w, run.last_ms = flow_w, ts_ms
                continue
            run.expected_wh += min(flow_w, run.last_flow_w) * (ts_ms - run.last_ms) / 3_600_000
            run.last_flow_w, run.last_ms = flow_w, ts_ms
            if (
                ts_ms - run.anchor_ms >= self.params.counter_flat_min_s * 1000
                and run.expected_wh >= rules.COUNTER_MIN_STEPS * step
            ):
                run.flat, run.flat_since_ms = True, run.anchor_ms
                found.add(
                    DATA_FROZEN,
                    counter,
                    "counter_flat",
                    value=value,
                    duration_s=(ts_ms - run.anchor_ms) / 1000,
                    power_w=power or 0.0,
                    expected_wh=run.expected_wh,
                    step_wh=step,
                )

    def _stale(self, ts_ms: int, values: Mapping[str, float | None], rejected: set[str], found: _Found) -> None:
        for q in set(values) | set(self._missing):
            v = values.get(q)
            entry = self._missing.get(q)
            if v is not None:
                if entry is not None and entry.stale:
                    found.ended(q, "stale", ts_ms - entry.last_seen_ms)
                if entry is None or entry.stale:
                    self._missing[q] = _Missing(ts_ms)
                else:  # the same as a fresh entry, without one per quantity per poll
                    entry.last_seen_ms, entry.polls = ts_ms, 0
            elif entry is not None and q not in rejected:
                entry.polls += 1
                if not entry.stale and entry.polls >= self.params.stale_polls:
                    entry.stale = True
                    found.add(DATA_STALE, q, "stale", polls=entry.polls, duration_s=(ts_ms - entry.last_seen_ms) / 1000)

    def _out_of_range(self, ts_ms: int, present: dict[str, float], found: _Found) -> set[str]:
        bad: set[str] = set()
        accepted = self._in_range
        for q, v in present.items():
            episode = self._range.get(q)
            if q not in accepted:
                accepted[q] = rules.in_range_interval(q, self.rated_w)
            interval = accepted[q]
            if math.isfinite(v) and (interval is None or interval[0] <= v <= interval[1]):
                limits = None  # what rules.out_of_range answers, without working out the bounds again
            else:
                limits = rules.out_of_range(q, v, self.rated_w)
            if limits is not None:
                bad.add(q)
                if episode is None:
                    self._range[q] = _Range(ts_ms)
                    found.add(DATA_OUT_OF_RANGE, q, "out_of_range", value=v, low=limits[0], high=limits[1])
                else:
                    episode.good_polls = 0
            elif episode is not None:
                episode.good_polls += 1
                if episode.good_polls >= self.params.range_clear_polls:
                    del self._range[q]
                    found.ended(q, "out_of_range", ts_ms - episode.since_ms)
        return bad

    # -- state -------------------------------------------------------------------------------------
    def _use_profile(self, profile: Profile | None) -> None:
        """Register steps of the profile in use (a SunSpec device's may change at a new discovery)."""
        if profile is None or id(profile) == self._profile_id:
            return
        self._profile_id = id(profile)
        self._steps = {
            q: rules.register_step(profile, q, self.ct_ratio, self.pt_ratio)
            for q in profile.quantities
            if q in QUANTITIES
        }

    @property
    def frozen(self) -> frozenset[str]:
        """Quantities in a frozen (or flat-counter) episode now."""
        return frozenset(q for q, r in self._same.items() if r.frozen) | frozenset(
            q for q, c in self._counters.items() if c.flat
        )

    @property
    def stale(self) -> frozenset[str]:
        return frozenset(q for q, m in self._missing.items() if m.stale)

    def _result(self, found: _Found, out_of_range: set[str] | None = None) -> QualityCheck:
        frozen, stale, bad = self.frozen, self.stale, frozenset(out_of_range or ())
        problems = tuple(
            f"{label}: {', '.join(sorted(names))}"
            for label, names in (("frozen", frozen), ("stale", stale), ("out of range", bad))
            if names
        )
        # A counter flat while power says energy flows: one of the two is wrong, so neither is a good value.
        disagree = {"power_w"} if any(c.flat for c in self._counters.values()) else set()
        return QualityCheck(found.events(), problems, frozen | bad | disagree)


def _same(a: float, b: float) -> bool:
    """Bit-for-bit the same value (NaN never repeats: it is out of range instead)."""
    return a == b and not math.isnan(a) and math.copysign(1.0, a) == math.copysign(1.0, b)
