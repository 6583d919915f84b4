"""The collector: an asyncio poller with one worker per connection.

Each worker serialises the requests of the devices on its connection and polls
each device at its own interval, staggered so devices sharing an interval do
not all fire at once (:class:`ConnectionSchedule`). Different connections are
polled concurrently, so one dead connection never stalls the others.

Every poll yields an immutable :class:`~energymon.views.live.Reading`, handed to the
subscribers (store writer, GUI bridge). A failed read yields a reading with no
values: nothing is carried forward.

Device health, decided by each poll (:func:`assess`):

- ``online``: every planned block was read, every required quantity of the
  role that the profile maps has a value, and no value was rejected;
- ``degraded``: the device answered, but not completely: some block reads
  failed, a required quantity is missing (read as "not implemented", or its
  block failed), or a value was rejected as implausible (``Reading.problems``
  says which). Its values are stored; it is polled at its interval;
- ``offline``: the poll got nothing (no block read: refused or lost
  connection, timeout, exception or garbage answers, failed SunSpec discovery).

Each change of state is logged and stored once, as events (never per poll):
``device_offline`` (into offline), ``device_recovered`` (out of offline: the
device answers again), ``device_degraded`` (into degraded; after
``device_recovered`` when an offline device comes back incomplete) and
``device_complete`` (degraded -> online).

Backoff of an offline device (:func:`backoff_s`): its next attempt starts

    B = max(poll interval, min(300 s, max(5 x attempt cost, outage / 10)))

after the start of the failed one, where the attempt cost is the line time a
failed attempt may take (the connection's ``timeout_s``, plus on RTU the quiet
time after a timeout) and ``outage`` is the time since its first failed attempt.
Every failure is backed off alike: a refused connect on loopback costs nothing,
but in the field a connect to a dead host waits the full timeout and a gateway
answers "target device failed to respond" only after its own wait. Guarantees,
in monotonic time:

- offline is reported at the first attempt after the device fails: at most one
  poll interval plus one attempt cost after it (plus any queue on the line);
- an offline device takes at most one attempt cost per backoff period of its
  connection's time, so at most 1/5 of it, and less as the outage ages (after
  50 min one attempt per 300 s); its siblings lose at most that;
- recovery is noticed at the first attempt after it: at most one backoff
  period later, i.e. ``max(P, 5 x cost)`` for an outage of up to 50 costs,
  ``outage / 10`` for a longer one, never more than ``max(P, 300 s)``.

The link's own reconnect wait (drivers.link: 1 s after a failed connect,
doubling to 60 s) is lifted before each attempt: the collector paces its
attempts itself, and that wait would only delay noticing a device that is back.

The clocks are injected: ``wall_clock`` (UTC epoch seconds, for time stamps)
and ``monotonic`` (for scheduling).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from drivers.device import DeviceRead, read_device
from drivers.link import LinkSettings, ModbusLink, ReadError
from drivers.profile import Profile
from drivers.quantities import QUANTITIES, REQUIRED, Kind, Role
from drivers.signs import invert_values
from drivers.sunspec import SunSpecError, missing_required, sunspec_profile
from energymon.accounting.counters import CounterWatch
from energymon.collect.validate import plausible
from energymon.config import Config, Connection, Device
from energymon.events import (
    COLLECTOR_STARTED,
    COLLECTOR_STOPPED,
    DEVICE_COMPLETE,
    DEVICE_DEGRADED,
    DEVICE_OFFLINE,
    DEVICE_RECOVERED,
    IMPLAUSIBLE_VALUE,
    INFO,
    SEVERITY,
    SUNSPEC_DISCOVERED,
    WARNING,
    Event,
)
from energymon.views.live import Reading

log = logging.getLogger("energymon.collector")

UNKNOWN, ONLINE, DEGRADED, OFFLINE = "unknown", "online", "degraded", "offline"

BACKOFF_COSTS = 5  # an offline device is retried no sooner than 5 attempt costs: at most 1/5 of its line
BACKOFF_OUTAGE_FRACTION = 0.1  # ... nor sooner than a tenth of its outage so far
BACKOFF_MAX_S = 300.0
REDISCOVER_AFTER_FAILURES = 3  # a SunSpec device that keeps failing may have been replaced: discover again


class CollectorError(RuntimeError):
    """The collector cannot run this config (message names the connection)."""


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


# -- pure rules: health, transitions, backoff, schedule -----------------------------------


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


def attempt_cost_s(link: LinkSettings) -> float:
    """Line time one failed attempt may take [s]: the timeout, plus on RTU the quiet time after it."""
    return link.timeout_s + link.quiet_after_timeout_s


def backoff_s(poll_interval_s: float, attempt_cost_s: float, outage_s: float = 0.0) -> float:
    """Time from the start of a failed attempt at an offline device to the next attempt [s].

    ``max(poll interval, min(300, max(5 x attempt cost, outage / 10)))``: never sooner than the poll
    interval; the device takes at most a fifth of its connection, and recovery after an outage of
    ``outage_s`` is noticed at most a tenth of it later (at most 300 s, unless the poll interval is longer).
    """
    growth = max(BACKOFF_COSTS * attempt_cost_s, BACKOFF_OUTAGE_FRACTION * outage_s)
    return max(poll_interval_s, min(BACKOFF_MAX_S, growth))


class ConnectionSchedule:
    """When each device of one connection is polled next (monotonic seconds): bookkeeping only, no I/O.

    Devices start staggered over their interval (device i of n at ``start + P * i / n``) and keep that
    grid while they answer; a poll that comes late (the line was busy) still counts for its slot, and
    only slots missed by more than an interval are skipped (no burst to catch up). An offline device is
    retried :func:`backoff_s` after the start of its failed attempt; once it answers it is polled every
    interval again from that attempt's slot.
    """

    def __init__(self, devices: Sequence[Device], start_s: float, attempt_cost_s: float) -> None:
        if not devices:
            raise ValueError("a schedule needs at least one device")
        self.devices = tuple(devices)
        self.attempt_cost_s = attempt_cost_s
        self.due = {d.id: start_s + d.poll_interval_s * i / len(devices) for i, d in enumerate(devices)}
        self.outage_since: dict[str, float] = {}  # device -> start of its first failed attempt of this outage

    def next(self) -> tuple[Device, float]:
        """The device to poll next and when (the earliest due; on a tie the first configured)."""
        device = min(self.devices, key=lambda d: self.due[d.id])
        return device, self.due[device.id]

    def done(self, device: Device, started_s: float, finished_s: float, offline: bool) -> float:
        """Record a poll of ``device`` that ran from ``started_s`` to ``finished_s``; return its next due time."""
        interval = device.poll_interval_s
        if offline:
            since = self.outage_since.setdefault(device.id, started_s)
            due = started_s + backoff_s(interval, self.attempt_cost_s, started_s - since)
        else:
            self.outage_since.pop(device.id, None)
            due = self.due[device.id] + interval
            if due < finished_s:  # behind by more than an interval: skip the missed slots, keep the phase
                due += interval * math.ceil((finished_s - due) / interval)
        self.due[device.id] = due
        return due


# -- the collector ----------------------------------------------------------------------------


class Collector:
    def __init__(
        self,
        config: Config,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.wall_clock = wall_clock
        self.monotonic = monotonic
        self.reading_subscribers: list[Callable[[Reading], None]] = []
        self.event_subscribers: list[Callable[[Event], None]] = []
        self.health: dict[str, DeviceHealth] = {d.id: DeviceHealth() for d in config.devices}
        self.latest: dict[str, Reading] = {}
        self._stop = asyncio.Event()
        self.links: dict[str, ModbusLink] = {}
        self.schedules: dict[str, ConnectionSchedule] = {}
        self._discovered: dict[str, Profile] = {}
        self._counters: dict[tuple[str, str], CounterWatch] = {}  # (device, counter quantity) -> its watch

    # -- public ----------------------------------------------------------------
    def stop(self) -> None:
        """Ask the workers to finish (thread-unsafe: call from the collector's loop)."""
        self._stop.set()

    async def run(self, duration_s: float | None = None) -> None:
        """Poll until :meth:`stop` (also if it was called before) or for ``duration_s`` seconds."""
        self._emit_event(None, COLLECTOR_STARTED, INFO, f"{len(self.config.devices)} devices")
        workers = [
            asyncio.create_task(
                self._worker(conn, [d for d in self.config.devices if d.connection == name]), name=f"poll {name}"
            )
            for name, conn in self.config.connections.items()
            if any(d.connection == name for d in self.config.devices)
        ]
        try:
            if duration_s is None:
                await self._stop.wait()
            else:
                try:
                    await asyncio.wait_for(self._stop.wait(), duration_s)
                except TimeoutError:
                    pass
        finally:
            self._stop.set()
            await asyncio.gather(*workers, return_exceptions=True)
            for link in self.links.values():
                link.close()
            self._emit_event(None, COLLECTOR_STOPPED, INFO, "")

    # -- polling -----------------------------------------------------------------
    async def _worker(self, conn: Connection, devices: list[Device]) -> None:
        link = ModbusLink(conn)
        self.links[conn.name] = link
        schedule = self.schedules[conn.name] = ConnectionSchedule(devices, self.monotonic(), attempt_cost_s(conn))
        while not self._stop.is_set():
            device, due = schedule.next()
            delay = due - self.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._stop.wait(), delay)
                    break
                except TimeoutError:
                    pass
            started = self.monotonic()
            link.allow_reconnect_now()  # we pace attempts ourselves (backoff_s)
            state = await self._poll(link, device)
            schedule.done(device, started, self.monotonic(), offline=state == OFFLINE)

    async def _profile_for(self, link: ModbusLink, device: Device) -> Profile | str:
        """The device's profile; for ``sunspec`` discovered once (again after 3 failed polls). Or why not."""
        if device.profile is not None:
            return device.profile
        if self.health[device.id].consecutive_failures >= REDISCOVER_AFTER_FAILURES:
            self._discovered.pop(device.id, None)
        if device.id not in self._discovered:
            try:
                profile = await sunspec_profile(link, device.unit, device.role, require_complete=False)
            except SunSpecError as exc:
                return str(exc)
            self._discovered[device.id] = profile
            missing = missing_required(profile)
            self._emit_event(
                device.id,
                SUNSPEC_DISCOVERED,
                WARNING if missing else INFO,
                f"{profile.source}" + (f"; no {', '.join(missing)} in these models" if missing else ""),
            )
        return self._discovered[device.id]

    async def _poll(self, link: ModbusLink, device: Device) -> str:
        """Poll ``device`` once, publish the reading, update its health; return its state."""
        profile = await self._profile_for(link, device)
        if isinstance(profile, str):
            result = DeviceRead({}, (ReadError("invalid", profile),), 0, 0, 0.0)
            quantities: tuple[str, ...] = ()
        else:
            result = await read_device(link, device.unit, profile)
            quantities = profile.quantities
        ts_ms = int(self.wall_clock() * 1000)
        health = self.health[device.id]
        health.polls += 1
        health.last_latency_s = result.latency_s
        values: dict[str, float | None] = {}
        rejected: list[str] = []
        error = "; ".join(str(e) for e in result.errors) or None
        if result.ok:
            values = invert_values(device.role, result.values) if device.invert else dict(result.values)
            values, rejected = plausible(device, values)
            for quantity in sorted(set(rejected) - health.rejected):
                self._emit_event(
                    device.id,
                    IMPLAUSIBLE_VALUE,
                    SEVERITY[IMPLAUSIBLE_VALUE],
                    f"{quantity} = {result.values.get(quantity)!r} rejected (outside plausible range)",
                )
            health.rejected = frozenset(rejected)
        if not isinstance(profile, str):
            self._watch_counters(device, profile, ts_ms, values)
        state, problems = assess(device.role, quantities, result, values, rejected)
        reading = Reading(
            device.id,
            device.role,
            ts_ms,
            MappingProxyType(values),
            result.ok,
            error,
            result.latency_s,
            device.poll_interval_s,
            problems,
        )
        self._record(device.id, health, state, problems, error, ts_ms)
        self.latest[device.id] = reading
        for subscriber in self.reading_subscribers:
            subscriber(reading)
        return state

    def _record(
        self, device_id: str, health: DeviceHealth, state: str, problems: tuple[str, ...], error: str | None, ts_ms: int
    ) -> None:
        """Update ``health`` with one poll's outcome; record each state change once."""
        if state == OFFLINE:
            health.failures += 1
            health.consecutive_failures += 1
        for kind in transition_events(health.state, state):
            if kind == DEVICE_OFFLINE:
                detail = error or "no data"
            elif kind == DEVICE_RECOVERED:
                detail = f"answering again after {health.consecutive_failures} failed polls"
                if health.since_ms is not None:
                    detail += f" in {(ts_ms - health.since_ms) / 1000:.0f} s"
            elif kind == DEVICE_DEGRADED:
                detail = "; ".join(problems)
            else:
                detail = "complete again"
            self._emit_event(device_id, kind, SEVERITY[kind], detail)
            log.warning("%s: %s: %s", device_id, kind.removeprefix("device_"), detail)
        if state != health.state:
            health.since_ms = ts_ms
        if state != OFFLINE:
            health.consecutive_failures = 0
        health.state = state
        health.problems = problems
        health.last_error = error

    def _watch_counters(self, device: Device, profile: Profile, ts_ms: int, values: dict[str, float | None]) -> None:
        """Counter wraps, resets, replaced meters and implausible steps: one event each, as they happen.

        The values are stored as read either way; energy accounting applies the
        same rules (energymon.accounting.counters). A reset or spike is judged when
        the next reading arrives, so its event comes one poll late, stamped
        with the time of the reading it concerns.
        """
        for quantity, value in values.items():
            if value is None or QUANTITIES[quantity].kind is not Kind.COUNTER:
                continue
            key = (device.id, quantity)
            watch = self._counters.get(key)
            if watch is None:
                watch = self._counters[key] = CounterWatch(
                    wrap_at_wh=profile.counter_wrap_at(quantity),
                    max_power_w=device.rated_power_kw * 1000,
                    resolution_wh=profile.resolution(quantity),
                )
            for event in watch.update(ts_ms, value):
                self._emit_event(
                    device.id, event.kind, event.severity, f"{quantity}: {event.detail}", ts_ms=event.ts_ms
                )

    def _emit_event(
        self, device_id: str | None, kind: str, severity: str, detail: str, ts_ms: int | None = None
    ) -> None:
        event = Event(int(self.wall_clock() * 1000) if ts_ms is None else ts_ms, device_id, kind, severity, detail)
        for subscriber in self.event_subscribers:
            subscriber(event)
