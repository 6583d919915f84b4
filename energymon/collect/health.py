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
from typing import Any

from drivers.device import DeviceRead
from drivers.link import ReadError
from drivers.quantities import REQUIRED, Role
from energymon.event_texts import degraded_parts
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


def error_params(errors: Iterable[ReadError], discovery_failed: bool = False) -> list[dict[str, Any]]:
    """Failed reads as an event's params: ``kind`` (drivers.link.ReadError's; "sunspec" when SunSpec
    discovery failed), ``code`` (a Modbus exception code, else None), ``text`` (the driver's message, English)."""
    return [
        {"kind": "sunspec" if discovery_failed else e.kind, "code": e.exception_code, "text": str(e)} for e in errors
    ]


def degraded_params(
    role: Role,
    quantities: Iterable[str],
    result: DeviceRead,
    values: Mapping[str, float | None],
    rejected: Iterable[str],
) -> dict[str, Any]:
    """Why an answered poll is incomplete, as the params of a ``device_degraded`` event: ``errors`` (the
    failed block reads, :func:`error_params`), ``implausible`` (rejected quantities), ``missing`` (required
    quantities without a value because a read failed) or ``not_implemented`` (... although every read
    succeeded: the device reads them as "not implemented"). Arguments as for :func:`assess`."""
    rejected = sorted(rejected)
    missing = sorted(q for q in REQUIRED[role] & set(quantities) if values.get(q) is None and q not in rejected)
    return {
        "errors": error_params(result.errors),
        "implausible": rejected,
        "missing": missing if result.errors else [],
        "not_implemented": [] if result.errors else missing,
    }


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
    ``values``: after the plausibility check; ``rejected``: the quantities it rejected. The problems are
    the English phrases of :func:`degraded_params` (energymon.event_texts.degraded_parts).
    """
    if not result.ok:
        return OFFLINE, ()
    problems = degraded_parts(degraded_params(role, quantities, result, values, rejected))
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
