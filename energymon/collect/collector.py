"""The collector: an asyncio poller with one worker per connection.

Each worker serialises the requests of the devices on its connection and polls
each device at its own interval, staggered so devices sharing an interval do
not all fire at once (:class:`ConnectionSchedule`). Different connections are
polled concurrently, so one dead connection never stalls the others.

Every poll yields an immutable :class:`~energymon.collect.reading.Reading`, handed to the
subscribers (store writer, GUI bridge). A failed read yields a reading with no
values: nothing is carried forward.

Each poll decides the device's health (energymon.collect.health: online,
degraded, offline); each change of state is logged and stored once, as events.
An offline device is retried with a backoff (energymon.collect.schedule).

Each poll's values are also judged for data quality (energymon.collect.quality:
frozen values, counters flat while power flows, stale and out-of-range
quantities): one event when an episode starts and one when it ends; while it
lasts the reading names the quantity in ``problems`` and ``suspect`` (the
values themselves are published and stored as read).

Each published reading is judged against the site's ``[[alarms]]`` rules
(energymon.collect.alarms): one ``alarm_raised`` event (the rule's severity)
when an alarm starts and one ``alarm_cleared`` when it ends or the collector
stops watching.

The link's own reconnect wait (drivers.link: 1 s after a failed connect,
doubling to 60 s) is lifted before each attempt: the collector paces its
attempts itself, and that wait would only delay noticing a device that is back.

The clocks are injected: ``wall_clock`` (UTC epoch seconds, for time stamps)
and ``monotonic`` (for scheduling).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import Any

from drivers.device import DeviceRead, read_device
from drivers.link import ModbusLink, ReadError
from drivers.profile import Profile
from drivers.quantities import QUANTITIES, Kind
from drivers.signs import oriented
from drivers.sunspec import SunSpecError, missing_required, sunspec_profile
from drivers.transformer_ratios import factor, to_primary
from energymon.accounting.counters import CounterWatch
from energymon.collect.alarms import AlarmWatch, Transition
from energymon.collect.connection_watch import ConnectionWatch
from energymon.collect.health import (
    OFFLINE,
    DeviceHealth,
    assess,
    degraded_params,
    error_params,
    transition_events,
)
from energymon.collect.quality import DeviceQuality, QualityCheck
from energymon.collect.reading import Reading
from energymon.collect.schedule import ConnectionSchedule, attempt_cost_s
from energymon.collect.validate import plausible
from energymon.config import Config, Connection, Device
from energymon.event_texts import event_text
from energymon.events import (
    ALARM_CLEARED,
    ALARM_RAISED,
    COLLECTOR_STARTED,
    COLLECTOR_STOPPED,
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

log = logging.getLogger("energymon.collector")

REDISCOVER_AFTER_FAILURES = 3  # a SunSpec device that keeps failing may have been replaced: discover again


class CollectorError(RuntimeError):
    """The collector cannot run this config (message names the connection)."""


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
        self._waiters: set[asyncio.Future[None]] = set()  # the workers' waits for their next poll (stop ends them)
        self.links: dict[str, ModbusLink] = {}
        self.schedules: dict[str, ConnectionSchedule] = {}
        self._discovered: dict[str, Profile] = {}
        self._counters: dict[tuple[str, str], CounterWatch] = {}  # (device, counter quantity) -> its watch
        self.quality = {  # frozen, flat, stale and out-of-range data (energymon.collect.quality)
            d.id: DeviceQuality(d.role, d.rated_power_kw, d.quality, d.ct_ratio, d.pt_ratio) for d in config.devices
        }
        self.alarms = AlarmWatch(config)  # the [[alarms]] rules (energymon.collect.alarms)
        self.connections = ConnectionWatch()  # one log line when a connection is lost, one when restored

    # -- public ----------------------------------------------------------------
    def stop(self) -> None:
        """Ask the workers to finish (thread-unsafe: call from the collector's loop)."""
        self._stop.set()
        for waiter in self._waiters:
            _resolve(waiter)

    async def run(self, duration_s: float | None = None) -> None:
        """Poll until :meth:`stop` (also if it was called before) or for ``duration_s`` seconds."""
        self._emit_event(None, COLLECTOR_STARTED, INFO, {"devices": len(self.config.devices)})
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
            self.stop()  # also ends the workers' waits
            await asyncio.gather(*workers, return_exceptions=True)
            for link in self.links.values():
                link.close()
            self._alarm_events(self.alarms.stop(int(self.wall_clock() * 1000)))
            self._emit_event(None, COLLECTOR_STOPPED, INFO, {})

    # -- polling -----------------------------------------------------------------
    async def _worker(self, conn: Connection, devices: list[Device]) -> None:
        link = ModbusLink(conn)
        self.links[conn.name] = link
        schedule = self.schedules[conn.name] = ConnectionSchedule(devices, self.monotonic(), attempt_cost_s(conn))
        while not self._stop.is_set():
            device, due = schedule.next()
            delay = due - self.monotonic()
            if delay > 0 and await self._stopped_within(delay):
                break
            started = self.monotonic()
            link.allow_reconnect_now()  # we pace attempts ourselves (backoff_s)
            state = await self._poll(link, device)
            schedule.done(device, started, self.monotonic(), offline=state == OFFLINE)

    async def _stopped_within(self, delay_s: float) -> bool:
        """Wait ``delay_s`` or until :meth:`stop`; whether it was stopped. A timer and a future, no task:
        every worker waits once per poll."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        timer = loop.call_later(delay_s, _resolve, waiter)
        self._waiters.add(waiter)
        try:
            await waiter
        finally:
            self._waiters.discard(waiter)
            timer.cancel()
        return self._stop.is_set()

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
            self._emit_event(device.id, SUNSPEC_DISCOVERED, WARNING if missing else INFO, _discovered(profile, missing))
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
        self.connections.update(
            device.connection, self.config.connections[device.connection].address, result, self.monotonic()
        )
        health = self.health[device.id]
        health.polls += 1
        health.last_latency_s = result.latency_s
        values: dict[str, float | None] = {}
        rejected: list[str] = []
        error = "; ".join(str(e) for e in result.errors) or None
        if result.ok:
            primary = to_primary(result.values, device.ct_ratio, device.pt_ratio)
            values = oriented(device.role, primary, device.flips_power, device.swaps_counters)
            values, rejected = plausible(device, values)
            for quantity in sorted(set(rejected) - health.rejected):
                params = {"quantity": quantity, "value": result.values.get(quantity)}
                self._emit_event(device.id, IMPLAUSIBLE_VALUE, SEVERITY[IMPLAUSIBLE_VALUE], params)
            health.rejected = frozenset(rejected)
        if not isinstance(profile, str):
            self._watch_counters(device, profile, ts_ms, values)
        state, problems = assess(device.role, quantities, result, values, rejected)
        degraded = degraded_params(device.role, quantities, result, values, rejected) if problems else {}
        quality = self._check_quality(
            device, None if isinstance(profile, str) else profile, ts_ms, result.ok, values, rejected
        )
        reading = Reading(
            device.id,
            device.role,
            ts_ms,
            MappingProxyType(values),
            result.ok,
            error,
            result.latency_s,
            device.poll_interval_s,
            problems + quality.problems,  # the health below is the answer's; data quality has its own events
            quality.suspect,
        )
        errors = error_params(result.errors, discovery_failed=isinstance(profile, str))
        self._record(device.id, health, state, problems, error, ts_ms, {"errors": errors}, degraded)
        self.latest[device.id] = reading
        for subscriber in self.reading_subscribers:
            subscriber(reading)
        self._alarm_events(self.alarms.update(reading, self.latest))
        return state

    def _record(
        self,
        device_id: str,
        health: DeviceHealth,
        state: str,
        problems: tuple[str, ...],
        error: str | None,
        ts_ms: int,
        offline: dict[str, Any],
        degraded: dict[str, Any],
    ) -> None:
        """Update ``health`` with one poll's outcome; record each state change once (``offline``,
        ``degraded``: the params of a ``device_offline`` / ``device_degraded`` event)."""
        if state == OFFLINE:
            health.failures += 1
            health.consecutive_failures += 1
        for kind in transition_events(health.state, state):
            if kind == DEVICE_OFFLINE:
                params = offline
            elif kind == DEVICE_RECOVERED:
                since_ms = health.since_ms
                params = {
                    "failed_polls": health.consecutive_failures,
                    "offline_s": (ts_ms - since_ms) / 1000 if since_ms is not None else None,
                }
            elif kind == DEVICE_DEGRADED:
                params = degraded
            else:
                params = {}
            detail = self._emit_event(device_id, kind, SEVERITY[kind], params)
            level = logging.INFO if kind == DEVICE_RECOVERED else logging.WARNING
            log.log(level, "%s: %s: %s", device_id, kind.removeprefix("device_"), detail)
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
                watch = self._counters[key] = self._counter_watch(device, profile, quantity)
            for event in watch.update(ts_ms, value):
                params = {"quantity": quantity, **event.params}
                self._emit_event(device.id, event.kind, event.severity, params, ts_ms=event.ts_ms)

    @staticmethod
    def _counter_watch(device: Device, profile: Profile | None, quantity: str) -> CounterWatch:
        """The monitor of one counter: its register modulus and step on the primary side (x CT x PT)."""
        ratio = factor(quantity, device.ct_ratio, device.pt_ratio)
        return CounterWatch(
            wrap_at_wh=device.counter_wrap_at_wh(quantity) if profile is device.profile else None,
            max_power_w=device.rated_power_kw * 1000,
            resolution_wh=profile.resolution(quantity) * ratio if profile is not None else 0.0,
        )

    def seed_counters(self, last: Iterable[tuple[str, str, int, float]]) -> None:
        """Start each counter's monitor from the value the store last holds, ``(device_id, quantity, ts_ms, wh)``,
        so that the first reading of this run is judged against it: a counter that stepped back while energymon
        was not running (a replaced meter, a simulator started afresh) is an event, never silent."""
        devices = {d.id: d for d in self.config.devices}
        for device_id, quantity, ts_ms, value in last:
            device = devices.get(device_id)
            q = QUANTITIES.get(quantity)
            if device is None or q is None or q.kind is not Kind.COUNTER or value is None:
                continue
            watch = self._counters[(device_id, quantity)] = self._counter_watch(device, device.profile, quantity)
            watch.update(int(ts_ms), float(value))  # the base: a first value raises no event

    def _check_quality(
        self,
        device: Device,
        profile: Profile | None,
        ts_ms: int,
        ok: bool,
        values: dict[str, float | None],
        rejected: list[str],
    ) -> QualityCheck:
        """Frozen, flat, stale and out-of-range data: one event per episode's start and end, as they happen."""
        check = self.quality[device.id].update(ts_ms, values if ok else None, rejected, profile)
        for event in check.events:
            detail = self._emit_event(device.id, event.kind, SEVERITY[event.kind], event.params, ts_ms=ts_ms)
            level = logging.INFO if SEVERITY[event.kind] == INFO else logging.WARNING
            log.log(level, "%s: %s: %s", device.id, event.kind, detail)
        return check

    def _alarm_events(self, transitions: Iterable[Transition]) -> None:
        """One ``alarm_raised`` (the rule's severity) or ``alarm_cleared`` event and log line per transition."""
        for t in transitions:
            kind, severity = (ALARM_RAISED, t.rule.severity) if t.started else (ALARM_CLEARED, SEVERITY[ALARM_CLEARED])
            detail = self._emit_event(t.device_id, kind, severity, t.params, ts_ms=t.ts_ms)
            log.log(logging.WARNING if t.started else logging.INFO, "%s: %s", kind, detail)

    def _emit_event(
        self, device_id: str | None, kind: str, severity: str, params: dict[str, Any], ts_ms: int | None = None
    ) -> str:
        """Hand an event with ``params`` to the subscribers, its English text (energymon.event_texts) as its
        detail; returns the detail (for the log line)."""
        detail = event_text(kind, params, "en")
        event = Event(
            int(self.wall_clock() * 1000) if ts_ms is None else ts_ms, device_id, kind, severity, detail, params
        )
        for subscriber in self.event_subscribers:
            subscriber(event)
        return detail


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


_SUNSPEC_SOURCE = re.compile(r"SunSpec models ([\d, ]+) \(discovered at (\d+)\)")


def _discovered(profile: Profile, missing: Iterable[str]) -> dict[str, Any]:
    """The params of a ``sunspec_discovered`` event: the profile's ``source`` (drivers.sunspec: "SunSpec
    models 1, 103 (discovered at 40000)"), its model ids and base address, the required quantities missing."""
    match = _SUNSPEC_SOURCE.fullmatch(profile.source)
    models = [int(m) for m in match.group(1).split(", ")] if match else []
    base = int(match.group(2)) if match else None
    return {"source": profile.source, "models": models, "base": base, "missing": list(missing)}
