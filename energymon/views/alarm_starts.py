"""Since when each active alarm has been active: from the stored events where they tell, else since first seen.

:func:`energymon.views.events.active_alarms` says what is wrong now; this
module says since when, so the GUI can say "inv-a2 offline for 12 min":

- a configured alarm (``[[alarms]]``): its ``alarm_raised`` event (exact);
- an offline device: the ``device_offline`` event that began its current
  offline episode (the first one after the device's last ``device_recovered``
  and after the last ``collector_started``: a collector that starts watches
  afresh, so the episode is never made longer than what was observed); without
  such an event, a device that went stale since its last reading (exact: it
  has said nothing since), or one never heard from since the window started
  watching (at least that long);
- unacknowledged implausible values: the oldest of their events (exact);
- state alarms (state of charge, temperature) have no stored start: since
  the window first saw them, and "at least" if they were there from the start.

:func:`offline_starts` is pure; :func:`read_offline_starts` reads the events
it needs (reader thread). Times are UTC epoch ms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from energymon.events import COLLECTOR_STARTED, DEVICE_OFFLINE, DEVICE_RECOVERED
from energymon.site_time import DAY_MS
from energymon.store.reader import StoreReader
from energymon.views import events as event_log
from energymon.views.events import Alarm, EventRow, events

OFFLINE_WINDOW_DAYS = 31  # offline episodes are looked for in the events of this many days
FIRST_SEEN_GRACE_MS = 60_000  # an alarm first seen this soon after the window started watching was there before


@dataclass(frozen=True)
class AlarmStart:
    """When an alarm began [UTC epoch ms]; ``at_least``: it was already active then (the true start is earlier)."""

    start_ms: int
    at_least: bool = False


def offline_starts(rows: Iterable[EventRow]) -> dict[str, int]:
    """Device id -> start of its open offline episode, from ``device_offline`` / ``device_recovered`` /
    ``collector_started`` events in any order (see the module docstring)."""
    ordered = sorted(rows, key=lambda e: (e.ts_ms, e.id))
    open_since: dict[str, int] = {}
    for event in ordered:
        if event.kind == COLLECTOR_STARTED:
            open_since.clear()
        elif event.device_id is None:
            continue
        elif event.kind == DEVICE_RECOVERED:
            open_since.pop(event.device_id, None)
        elif event.kind == DEVICE_OFFLINE:
            open_since.setdefault(event.device_id, event.ts_ms)
    return open_since


def read_offline_starts(reader: StoreReader, now_ms: int) -> dict[str, int]:
    """:func:`offline_starts` over the stored events of the last ``OFFLINE_WINDOW_DAYS`` days (reader thread)."""
    since = now_ms - OFFLINE_WINDOW_DAYS * DAY_MS
    kinds = (DEVICE_OFFLINE, DEVICE_RECOVERED, COLLECTOR_STARTED)
    return offline_starts(row for kind in kinds for row in events(reader, since, kind=kind, limit=100_000))


def alarm_key(alarm: Alarm) -> tuple[str, str, str, str]:
    """What identifies one alarm from one update to the next (its kind, subject, rule and quantity)."""
    return (alarm.kind, alarm.device_id, alarm.rule_id, alarm.detail if alarm.kind == event_log.IMPLAUSIBLE else "")


def alarm_start(
    alarm: Alarm,
    offline: Mapping[str, int],
    implausible: Iterable[EventRow],
    first_seen_ms: int | None,
    started_ms: int | None,
) -> AlarmStart | None:
    """Since when ``alarm`` has been active (see the module docstring); None if nothing tells.

    ``offline``: :func:`offline_starts`; ``implausible``: the recent implausible-value events the alarm is made
    of; ``first_seen_ms``: when the window first saw the alarm; ``started_ms``: when it started watching.
    """
    if alarm.kind == event_log.CONFIGURED:
        return None if alarm.since_ms is None else AlarmStart(alarm.since_ms)
    if alarm.kind == event_log.OFFLINE:
        if alarm.device_id in offline:
            return AlarmStart(offline[alarm.device_id])
        if alarm.reason == "stale" and alarm.since_ms is not None:
            return AlarmStart(alarm.since_ms)
        if alarm.reason == "never" and started_ms is not None:
            return AlarmStart(started_ms, at_least=True)
    if alarm.kind == event_log.IMPLAUSIBLE:
        ids = set(alarm.event_ids)
        stamps = [e.ts_ms for e in implausible if e.id in ids]
        if stamps:
            return AlarmStart(min(stamps))
    if first_seen_ms is None:
        return None
    there_before = started_ms is not None and first_seen_ms - started_ms <= FIRST_SEEN_GRACE_MS
    return AlarmStart(first_seen_ms, at_least=there_before)
