"""The configured alarms judged as readings arrive: start after ``for_s``, end with hysteresis (pure).

One :class:`AlarmState` per rule and subject (the site, a role's total, or one
device: battery_temperature, soc_low and pv_underperforming watch each device
of their role). It is fed values with their time stamps and returns a
:class:`Transition` when the alarm starts (the value has been beyond the limit
without a break for the rule's ``for_s``) and when it ends (the value is back by
the rule's ``clear_margin``). A value that is not known (None: a member of a
total has no fresh reading for a moment, a doubtful value) neither starts nor
ends an alarm nor breaks the ``for_s`` wait: the next known value decides. A
value that cannot be judged (NaN: a park too dark to compare its inverters)
breaks the wait but does not end an active alarm.

:class:`AlarmWatch` holds the states of a site's rules: the collector hands it
each reading with the latest reading of every device, and emits one
``alarm_raised`` / ``alarm_cleared`` event per transition (energymon.events),
whose params are :attr:`Transition.params` and detail (their English,
energymon.event_texts) :attr:`Transition.detail`. The values come from
energymon.collect.alarm_values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drivers.quantities import Role
from energymon.collect.alarm_values import SITE_ROLES, RollingMean, fresh_value, park_ratio, role_sum, site_value
from energymon.collect.reading import Reading
from energymon.config.alarms import (
    DEMAND_15MIN,
    MIN_PEERS,
    PV_UNDERPERFORMING,
    SITE_IMPORT,
    THRESHOLD,
    AlarmRule,
)
from energymon.config.model import Config
from energymon.event_texts import event_text
from energymon.events import ALARM_CLEARED, ALARM_RAISED

SITE = "site"  # the subject of the site's quantities and of demand_15min


@dataclass(frozen=True)
class Transition:
    """An alarm starting (``started``) or ending at ``ts_ms`` [UTC epoch ms].

    ``value`` and ``limit`` in the rule's unit (``rule.unit``); ``duration_s``: on start how long the
    condition had held (>= for_s), on end how long the alarm was active. ``reason`` on an end: "" (the
    value is back) or why it is no longer watched (the collector stopping).
    """

    rule: AlarmRule
    subject: str  # SITE, "role pv" or a device id
    device_id: str | None  # the device of a per-device subject, None for the site and role totals
    started: bool
    ts_ms: int
    value: float | None
    limit: float
    duration_s: float
    reason: str = ""

    @property
    def params(self) -> dict[str, Any]:
        """The event's params: the rule (``rule_id``, ``rule_name``, ``quantity``, ``unit``, ``direction``,
        ``limit``), the ``subject``, the ``value`` (None: not known), ``duration_s`` and ``reason``."""
        rule = self.rule
        return {
            "rule_id": rule.id,
            "subject": self.subject,
            "rule_name": rule.name,
            "quantity": rule.quantity,
            "unit": rule.unit,
            "direction": rule.direction,
            "limit": self.limit,
            "value": self.value,
            "duration_s": self.duration_s,
            "reason": self.reason,
        }

    @property
    def detail(self) -> str:
        """The event's detail: "RULE_ID [SUBJECT] name: what, value, limit, how long" (energymon.events.alarm_key)."""
        return event_text(ALARM_RAISED if self.started else ALARM_CLEARED, self.params, "en")


class AlarmState:
    """One rule watching one subject; :meth:`update` with each new value (see the module docstring)."""

    def __init__(self, rule: AlarmRule, subject: str, device_id: str | None = None) -> None:
        self.rule = rule
        self.subject = subject
        self.device_id = device_id
        self.beyond_since_ms: int | None = None  # the condition holds since (while waiting for for_s)
        self.active_since_ms: int | None = None  # the alarm is active since

    @property
    def active(self) -> bool:
        return self.active_since_ms is not None

    def update(self, ts_ms: int, value: float | None) -> Transition | None:
        """Judge ``value`` (None: not known now; NaN: not judged) at ``ts_ms``; the start or end it causes."""
        rule = self.rule
        if value is None:
            return None
        if self.active_since_ms is not None:
            if not rule.back(value):
                return None
            since, self.active_since_ms, self.beyond_since_ms = self.active_since_ms, None, None
            return self._transition(False, ts_ms, value, (ts_ms - since) / 1000)
        if not rule.beyond(value):
            self.beyond_since_ms = None
            return None
        if self.beyond_since_ms is None:
            self.beyond_since_ms = ts_ms
        held_s = (ts_ms - self.beyond_since_ms) / 1000
        if held_s < rule.for_s:
            return None
        self.active_since_ms = ts_ms
        return self._transition(True, ts_ms, value, held_s)

    def stop(self, ts_ms: int, reason: str) -> Transition | None:
        """End an active alarm because it is no longer watched (``reason``); None if it is not active."""
        if self.active_since_ms is None:
            return None
        since, self.active_since_ms, self.beyond_since_ms = self.active_since_ms, None, None
        return self._transition(False, ts_ms, None, (ts_ms - since) / 1000, reason)

    def _transition(
        self, started: bool, ts_ms: int, value: float | None, duration_s: float, reason: str = ""
    ) -> Transition:
        return Transition(
            self.rule, self.subject, self.device_id, started, ts_ms, value, self.rule.limit, duration_s, reason
        )


class AlarmWatch:
    """The states of a site's ``[[alarms]]`` rules, fed each reading as the collector publishes it."""

    def __init__(self, config: Config) -> None:
        self.devices = config.devices
        self.rules = config.alarms
        self.states: dict[tuple[str, str], AlarmState] = {}
        self.demand = {r.id: RollingMean() for r in self.rules if r.kind == DEMAND_15MIN}

    def update(self, reading: Reading, latest: Mapping[str, Reading]) -> list[Transition]:
        """The transitions ``reading`` causes; ``latest``: the latest reading per device (``reading`` included)."""
        out: list[Transition] = []
        for rule in self.rules:
            for subject, device_id, value in self._values(rule, reading, latest):
                key = (rule.id, subject)
                state = self.states.get(key)
                if state is None:
                    state = self.states[key] = AlarmState(rule, subject, device_id)
                transition = state.update(reading.ts_ms, value)
                if transition is not None:
                    out.append(transition)
        return out

    def stop(self, ts_ms: int, reason: str = "collector stopped") -> list[Transition]:
        """End every active alarm (the collector stops watching); one transition each."""
        ends = [state.stop(ts_ms, reason) for state in self.states.values()]
        return [t for t in ends if t is not None]

    def active(self) -> list[AlarmState]:
        return [s for s in self.states.values() if s.active]

    def _values(
        self, rule: AlarmRule, reading: Reading, latest: Mapping[str, Reading]
    ) -> list[tuple[str, str | None, float | None]]:
        """(subject, device id, value) of ``rule`` that ``reading`` brings news of (none if it does not concern it)."""
        now = reading.ts_ms
        if rule.device is not None:
            if reading.device_id != rule.device:
                return []
            return [(rule.device, rule.device, fresh_value(reading, rule.quantity, now))]
        if rule.kind == PV_UNDERPERFORMING:
            if reading.role is not Role.PV:
                return []
            ratios = park_ratio(self.devices, latest, reading.device_id, now, MIN_PEERS)
            if ratios is None:
                return [(reading.device_id, reading.device_id, None)]
            if ratios[1] <= rule.min_park_ratio:  # too dark to compare: the wait restarts, an alarm stays
                return [(reading.device_id, reading.device_id, math.nan)]
            return [(reading.device_id, reading.device_id, ratios[0] / ratios[1])]
        if rule.site:
            quantity = SITE_IMPORT if rule.kind == DEMAND_15MIN else rule.quantity
            if reading.role not in SITE_ROLES[quantity]:
                return []
            value = site_value(self.devices, latest, quantity, now)
            if rule.kind == DEMAND_15MIN:
                value = None if value is None else self.demand[rule.id].add(now, value / 1000)
            return [(SITE, None, value)]
        assert rule.role is not None  # validated: a subject is a device, a role or the site
        if reading.role is not rule.role:
            return []
        if rule.kind == THRESHOLD:
            return [(f"role {rule.role.value}", None, role_sum(self.devices, latest, rule.role, rule.quantity, now))]
        return [(reading.device_id, reading.device_id, fresh_value(reading, rule.quantity, now))]  # each device
