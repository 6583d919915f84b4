"""The event log and active alarms: reading stored events with their acknowledgements, and pure alarm rules.

:func:`events` reads the ``events`` table (and ``event_acks``) through a
:class:`energymon.store.reader.StoreReader` (one short read transaction).
:func:`active_alarms` is a pure function of the latest readings, the site and
recent events: what needs an engineer's attention now.

Alarms (one :class:`Alarm` each, thresholds below):

- ``offline``: a device's latest poll got nothing (``Reading.ok`` false), or its
  latest reading is older than :data:`~energymon.views.live.STALE_AFTER_POLLS` poll
  intervals, or it has had no reading at all for that long since ``started_ms``;
- ``soc_low`` / ``soc_high``: a storage unit's fresh state of charge is outside
  ``SOC_LOW_PCT .. SOC_HIGH_PCT`` [%];
- ``temperature_low`` / ``temperature_high``: a storage unit's fresh temperature
  is outside ``STORAGE_TEMPERATURE_C`` [degC];
- ``implausible_value``: an ``implausible_value`` event (a value the collector
  rejected, or an implausible counter step) in the last
  ``IMPLAUSIBLE_WINDOW_MIN`` minutes that nobody has acknowledged; one alarm per
  device and quantity, naming every such event.

- ``alarm_raised``: a configured alarm (``[[alarms]]``, energymon.collect.alarms)
  whose ``alarm_raised`` event has no later ``alarm_cleared`` for the same rule
  and subject, nor a later ``collector_started`` (a collector that ended without
  clearing it, killed say, watches afresh); read from the stored events of the
  last ``CONFIGURED_WINDOW_DAYS`` days, so a viewer sees what the collector
  raised. ``since_ms`` is when it was raised: the GUI shows how long it has been
  active. Acknowledging its event does not end it (its condition does).

An alarm is a state, not a record: it ends when its cause does (or, for
implausible values, when its events are acknowledged or age out of the window).

:func:`events_view` is what the GUI's events page reads for an
:class:`EventQuery` (its filters): the selected events and the recent
unacknowledged implausible values the alarms need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.events import (
    ALARM_CLEARED,
    ALARM_RAISED,
    COLLECTOR_STARTED,
    IMPLAUSIBLE_VALUE,
    SEVERITIES,
    alarm_key_of,
    at_least,
    params_from_json,
)
from energymon.site_time import DAY_MS, MINUTE_MS
from energymon.store.reader import StoreReader
from energymon.views.live import STALE_AFTER_POLLS, is_fresh
from energymon.views.site import SiteInfo

# Thresholds of the alarms [units in the names].
SOC_LOW_PCT = 5.0  # below: the unit is (nearly) empty; its BMS will soon refuse to discharge
SOC_HIGH_PCT = 98.0  # above: (nearly) full; charging at this SoC stresses the cells
STORAGE_TEMPERATURE_C = (0.0, 45.0)  # lithium cells: no charging below 0 degC; ageing and derating above 45 degC
IMPLAUSIBLE_WINDOW_MIN = 60  # an unacknowledged implausible_value event stays an alarm this long
CONFIGURED_WINDOW_DAYS = 30  # configured alarms raised longer ago than this are not looked for

DEFAULT_LIMIT = 5000  # events read at most (the newest)

OFFLINE, SOC_LOW, SOC_HIGH = "offline", "soc_low", "soc_high"
TEMPERATURE_LOW, TEMPERATURE_HIGH, IMPLAUSIBLE = "temperature_low", "temperature_high", IMPLAUSIBLE_VALUE
CONFIGURED = ALARM_RAISED  # the kind of an Alarm from a configured rule

COLLECTOR = ""  # the ``device`` filter value for events of the collector itself (device_id NULL)


@dataclass(frozen=True)
class EventRow:
    """A stored event with its acknowledgement (``acked_by`` None: not acknowledged). Times UTC epoch ms."""

    id: int
    ts_ms: int
    device_id: str | None
    kind: str
    severity: str
    detail: str
    acked_by: str | None = None
    acked_ms: int | None = None
    note: str = ""
    params: dict[str, Any] | None = field(default=None, hash=False)  # None: stored before params existed

    @property
    def acknowledged(self) -> bool:
        return self.acked_by is not None


@dataclass(frozen=True)
class Alarm:
    """Something wrong now. ``value`` and ``limit`` in the unit of the kind (% for SoC, degC for temperature);
    ``since_ms`` [UTC epoch ms]: the latest reading (offline, out of range) or the newest event (implausible)."""

    kind: str
    device_id: str
    value: float | None = None
    limit: float | None = None
    since_ms: int | None = None
    detail: str = ""  # offline: the read error (reason "failed"); implausible_value: the quantity
    reason: str = ""  # offline: "never" (no reading since start), "failed" (last poll got nothing), "stale"
    event_ids: tuple[int, ...] = ()  # implausible_value: the unacknowledged events behind it; configured: its raise
    severity: str = ""  # configured: its rule's severity
    rule_id: str = ""  # configured: the rule's id (``device_id`` holds its subject: a device, "site", "role pv")
    acked_by: str | None = None  # configured: who acknowledged its alarm_raised event
    params: dict[str, Any] | None = field(default=None, hash=False)  # configured: its alarm_raised event's


# -- reading ------------------------------------------------------------------------------


def severities_from(min_severity: str | None) -> tuple[str, ...] | None:
    """The severities at or above ``min_severity`` (None: no filter)."""
    if min_severity is None:
        return None
    return at_least(min_severity)


def events(
    reader: StoreReader,
    since_ms: int,
    until_ms: int | None = None,
    device: str | None = None,
    min_severity: str | None = None,
    limit: int = DEFAULT_LIMIT,
    kind: str | None = None,
    unacknowledged_only: bool = False,
) -> list[EventRow]:
    """Events with ``since_ms <= ts_ms < until_ms`` (None: no upper bound), newest first, at most ``limit``.

    ``reader``: a :class:`energymon.store.reader.StoreReader`. ``device``: a device id, :data:`COLLECTOR` for
    the collector's own events, None for all. ``min_severity``: ``info``, ``warning`` or ``error``.
    A database written before acknowledgements existed (no ``event_acks`` yet) reads as unacknowledged.
    """
    rows = reader.event_rows(
        since_ms,
        until_ms,
        device_id=None if device == COLLECTOR else device,
        collector_only=device == COLLECTOR,
        severities=severities_from(min_severity),
        kind=kind,
        unacknowledged_only=unacknowledged_only,
        limit=limit,
    )
    return [
        EventRow(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6], r[7], r[8] or "", params_from_json(r[9])) for r in rows
    ]


# -- alarms (pure) -------------------------------------------------------------------------

_QUANTITY = re.compile(r"[a-z][a-z0-9_]*")


def event_quantity(detail: str, params: Mapping[str, Any] | None = None) -> str:
    """The quantity an ``implausible_value`` event is about: its params' ``quantity``, or for an event without
    params the one its detail names first (``"soc_pct = 120.0 rejected ..."``, ``"yield_wh: ..."``), or ``""``."""
    if params is not None and isinstance(params.get("quantity"), str):
        return params["quantity"]
    match = _QUANTITY.match(detail or "")
    return match.group(0) if match else ""


def _out_of_range(value: float | None, low: float, high: float) -> int:
    """-1 below ``low``, +1 above ``high``, 0 inside (or no value)."""
    if value is None:
        return 0
    return -1 if value < low else 1 if value > high else 0


def configured_alarms(events: Iterable[EventRow], now_ms: int) -> list[Alarm]:
    """The configured alarms active at ``now_ms``: each ``alarm_raised`` event not followed by an
    ``alarm_cleared`` of the same rule and subject or by a ``collector_started``; most severe first,
    then oldest first. ``events``: the stored raises, clears and collector starts, in any order."""
    open_: dict[tuple[str, str], EventRow] = {}
    for event in sorted(events, key=lambda e: (e.ts_ms, e.id)):
        if event.ts_ms > now_ms:
            continue
        if event.kind == COLLECTOR_STARTED:
            open_.clear()
            continue
        key = alarm_key_of(event.detail, event.params) if event.kind in (ALARM_RAISED, ALARM_CLEARED) else None
        if key is None:
            continue
        if event.kind == ALARM_RAISED:
            open_[key] = event
        else:
            open_.pop(key, None)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = sorted(open_.items(), key=lambda kv: (-rank.get(kv[1].severity, 0), kv[1].ts_ms, kv[1].id))
    return [
        Alarm(
            CONFIGURED,
            subject,
            since_ms=row.ts_ms,
            detail=row.detail.partition("] ")[2],
            event_ids=(row.id,),
            severity=row.severity,
            rule_id=rule_id,
            acked_by=row.acked_by,
            params=row.params,
        )
        for (rule_id, subject), row in rows
    ]


def active_alarms(
    readings: Mapping[str, Reading],
    site: SiteInfo,
    now_ms: int,
    events: Iterable[EventRow],
    started_ms: int | None = None,
    configured: Iterable[EventRow] = (),
) -> list[Alarm]:
    """The alarms in force at ``now_ms`` [UTC epoch ms], in the site's device order (see the module doc).

    ``readings``: the latest reading per device id; ``events``: recent stored events (only unacknowledged
    ``implausible_value`` ones of configured devices within the window count); ``started_ms``: since when
    readings have been expected (None: a device never heard from is not reported, e.g. right at start).
    ``configured``: the stored alarm raises, clears and collector starts (:func:`configured_alarms`): the
    active configured alarms come first.
    """
    window_start = now_ms - IMPLAUSIBLE_WINDOW_MIN * 60_000
    implausible: dict[tuple[str, str], list[EventRow]] = {}
    for event in events:
        if (
            event.kind == IMPLAUSIBLE
            and not event.acknowledged
            and event.device_id is not None
            and window_start <= event.ts_ms <= now_ms
        ):
            implausible.setdefault((event.device_id, event_quantity(event.detail, event.params)), []).append(event)

    alarms: list[Alarm] = configured_alarms(configured, now_ms)
    for device in site.devices:
        reading = readings.get(device.id)
        stale_ms = STALE_AFTER_POLLS * device.poll_interval_s * 1000
        if reading is None:
            if started_ms is not None and now_ms - started_ms > stale_ms:
                alarms.append(Alarm(OFFLINE, device.id, reason="never"))
        elif not reading.ok:
            alarms.append(
                Alarm(OFFLINE, device.id, since_ms=reading.ts_ms, detail=reading.error or "", reason="failed")
            )
        elif not is_fresh(reading, now_ms):
            alarms.append(Alarm(OFFLINE, device.id, since_ms=reading.ts_ms, reason="stale"))
        elif device.role is Role.STORAGE:
            soc = reading.values.get("soc_pct")
            side = _out_of_range(soc, SOC_LOW_PCT, SOC_HIGH_PCT)
            if side:
                alarms.append(
                    Alarm(
                        SOC_LOW if side < 0 else SOC_HIGH,
                        device.id,
                        soc,
                        SOC_LOW_PCT if side < 0 else SOC_HIGH_PCT,
                        reading.ts_ms,
                    )
                )
            temperature = reading.values.get("temperature_c")
            low, high = STORAGE_TEMPERATURE_C
            side = _out_of_range(temperature, low, high)
            if side:
                alarms.append(
                    Alarm(
                        TEMPERATURE_LOW if side < 0 else TEMPERATURE_HIGH,
                        device.id,
                        temperature,
                        low if side < 0 else high,
                        reading.ts_ms,
                    )
                )
        for (device_id, quantity), rows in sorted(implausible.items()):
            if device_id == device.id:
                rows.sort(key=lambda e: (e.ts_ms, e.id))
                alarms.append(
                    Alarm(
                        IMPLAUSIBLE,
                        device.id,
                        since_ms=rows[-1].ts_ms,
                        detail=quantity,
                        event_ids=tuple(e.id for e in rows),
                    )
                )
    return alarms


# -- the events page's read ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventQuery:
    """The page's filters (times UTC epoch ms)."""

    since_ms: int
    device: str | None  # None: all; COLLECTOR: the collector's own events
    min_severity: str | None
    unacknowledged_only: bool
    now_ms: int
    full: bool  # False: only what the alarms need (the page is hidden)
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class EventsView:
    """The answer to an :class:`EventQuery`."""

    query: EventQuery
    rows: list[EventRow] | None  # None: not read (query.full was False)
    recent_implausible: list[EventRow]  # unacknowledged implausible_value events within the alarm window
    alarm_events: list[EventRow] = field(default_factory=list)  # raises, clears, starts (configured_alarms)


def events_view(reader: StoreReader, query: EventQuery) -> EventsView:
    """What the events page shows from the database (runs on the GUI's reader thread)."""
    rows = None
    if query.full:
        rows = events(
            reader,
            query.since_ms,
            None,
            query.device,
            query.min_severity,
            query.limit,
            unacknowledged_only=query.unacknowledged_only,
        )
    recent = events(
        reader, query.now_ms - IMPLAUSIBLE_WINDOW_MIN * MINUTE_MS, None, kind=IMPLAUSIBLE, unacknowledged_only=True
    )
    since = query.now_ms - CONFIGURED_WINDOW_DAYS * DAY_MS
    configured = [
        row for kind in (ALARM_RAISED, ALARM_CLEARED, COLLECTOR_STARTED) for row in events(reader, since, kind=kind)
    ]
    return EventsView(query, rows, recent, configured)
