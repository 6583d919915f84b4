"""Device health as decided by each poll, and the events a change of health records: pure rules.

Device health, decided by each poll (:func:`assess`):

- ``online``: every planned block was read, every required quantity of the
  role that the profile maps has a value, and no value was rejected;
- ``degraded``: the device answered, but not completely: some block reads
  failed, a required quantity is missing (read as "not implemented", or its
  block failed), or a value was rejected as implausible (``Reading.problems``
  says which). Its values are stored; it is polled at its interval;
- ``offline``: the poll got nothing (no block read: refused or lost
  connection, timeout, exception or garbage answers, failed SunSpec discovery).

Each change of state is logged and stored once, as events (never per poll;
:func:`transition_events`): ``device_offline`` (into offline),
``device_recovered`` (out of offline: the device answers again),
``device_degraded`` (into degraded; after ``device_recovered`` when an offline
device comes back incomplete) and ``device_complete`` (degraded -> online).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from drivers.device import DeviceRead
from drivers.quantities import REQUIRED, Role
from energymon.events import DEVICE_COMPLETE, DEVICE_DEGRADED, DEVICE_OFFLINE, DEVICE_RECOVERED

UNKNOWN, ONLINE, DEGRADED, OFFLINE = "unknown", "online", "degraded", "offline"


@dataclass
class DeviceHealth:
    """The collector's running record of one device (updated in place after each poll)."""

    state: str = UNKNOWN  # unknown | online | degraded | offline
    consecutive_failures: int = 0
    polls: int = 0
    failures: int = 0  # polls that got nothing (offline)
    last_error: str | None = None
    last_latency_s: float | None = None
    rejected: frozenset[str] = field(default_factory=frozenset)
    problems: tuple[str, ...] = ()  # why the last poll was degraded
    since_ms: int | None = None  # UTC epoch ms when the current state began


def assess(
    role: Role,
    quantities: Iterable[str],
    result: DeviceRead,
    values: Mapping[str, float | None],
    rejected: Iterable[str],
) -> tuple[str, tuple[str, ...]]:
    """(state, problems) of one poll: ``offline`` if nothing was read, ``degraded`` with the reasons if
    the answer was incomplete, else ``online``.

    ``quantities``: what the profile maps (a required quantity the profile does not map at all, e.g. a
    SunSpec model without it, is a property of the device, reported at discovery, not a fault);
    ``values``: after the plausibility check; ``rejected``: the quantities it rejected.
    """
    if not result.ok:
        return OFFLINE, ()
    problems = [str(e) for e in result.errors]
    rejected = sorted(rejected)
    if rejected:
        problems.append("implausible: " + ", ".join(rejected))
    missing = sorted(q for q in REQUIRED[role] & set(quantities) if values.get(q) is None and q not in rejected)
    if missing:
        problems.append(("missing: " if result.errors else "not implemented: ") + ", ".join(missing))
    return (DEGRADED if problems else ONLINE), tuple(problems)


def transition_events(old: str, new: str) -> tuple[str, ...]:
    """The event kinds a change of health state records, in order (none if it did not change)."""
    if new == old:
        return ()
    if new == OFFLINE:
        return (DEVICE_OFFLINE,)
    kinds = [DEVICE_RECOVERED] if old == OFFLINE else []
    if new == DEGRADED:
        kinds.append(DEVICE_DEGRADED)
    elif old == DEGRADED:
        kinds.append(DEVICE_COMPLETE)
    return tuple(kinds)
