"""The collector: an asyncio poller with one worker per connection.

Each worker serialises the requests of the devices on its connection and polls
each device at its own interval, staggered so devices sharing an interval do
not all fire at once. Different connections are polled concurrently, so one
dead connection never stalls the others.

Every poll yields an immutable :class:`~energymon.live.Reading`, handed to the
subscribers (store writer, GUI bridge). A failed read yields a reading with no
values: nothing is carried forward. A failing device is backed off (2 s x
consecutive failures, at least its poll interval, at most 300 s) and its
offline/recovered transitions are logged and stored once each.

The clocks are injected: ``wall_clock`` (UTC epoch seconds, for time stamps)
and ``monotonic`` (for scheduling).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from drivers.device import DeviceRead, read_device
from drivers.link import ModbusLink, ReadError
from drivers.profile import Profile
from drivers.sunspec import SunSpecError, missing_required, sunspec_profile
from energymon.config import Config, Connection, Device
from energymon.invert import invert_values
from energymon.live import Reading
from energymon.store import Event
from energymon.validate import plausible

log = logging.getLogger("energymon.collector")

BACKOFF_STEP_S = 2.0
BACKOFF_MAX_S = 300.0
REDISCOVER_AFTER_FAILURES = 3  # a SunSpec device that keeps failing may have been replaced: discover again


class CollectorError(RuntimeError):
    """The collector cannot run this config (message names the connection)."""


@dataclass
class DeviceHealth:
    state: str = "unknown"  # unknown | online | offline
    consecutive_failures: int = 0
    polls: int = 0
    failures: int = 0
    last_error: str | None = None
    last_latency_s: float | None = None
    rejected: frozenset[str] = field(default_factory=frozenset)


def backoff_s(poll_interval_s: float, consecutive_failures: int) -> float:
    """Delay before the next attempt at a failing device [s]."""
    return min(BACKOFF_MAX_S, max(poll_interval_s, BACKOFF_STEP_S * consecutive_failures))


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
        self._discovered: dict[str, Profile] = {}

    # -- public ----------------------------------------------------------------
    def stop(self) -> None:
        """Ask the workers to finish (thread-unsafe: call from the collector's loop)."""
        self._stop.set()

    async def run(self, duration_s: float | None = None) -> None:
        """Poll until :meth:`stop` (also if it was called before) or for ``duration_s`` seconds."""
        self._emit_event(None, "collector_started", "info", f"{len(self.config.devices)} devices")
        workers = [
            asyncio.create_task(self._worker(conn, [d for d in self.config.devices if d.connection == name]),
                                name=f"poll {name}")
            for name, conn in self.config.connections.items()
            if any(d.connection == name for d in self.config.devices)
        ]
        try:
            if duration_s is None:
                await self._stop.wait()
            else:
                try:
                    await asyncio.wait_for(self._stop.wait(), duration_s)
                except asyncio.TimeoutError:
                    pass
        finally:
            self._stop.set()
            await asyncio.gather(*workers, return_exceptions=True)
            for link in self.links.values():
                link.close()
            self._emit_event(None, "collector_stopped", "info", "")

    # -- polling -----------------------------------------------------------------
    async def _worker(self, conn: Connection, devices: list[Device]) -> None:
        link = ModbusLink(conn)
        self.links[conn.name] = link
        start = self.monotonic()
        # Stagger: spread the devices of the connection over their poll interval.
        due = {d.id: start + d.poll_interval_s * i / len(devices) for i, d in enumerate(devices)}
        while not self._stop.is_set():
            device = min(devices, key=lambda d: due[d.id])
            delay = due[device.id] - self.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._stop.wait(), delay)
                    break
                except asyncio.TimeoutError:
                    pass
            ok = await self._poll(link, device)
            now = self.monotonic()
            if ok:
                due[device.id] += device.poll_interval_s
                if due[device.id] < now:  # fell behind: skip missed slots rather than burst
                    due[device.id] = now + device.poll_interval_s
            else:
                due[device.id] = now + backoff_s(device.poll_interval_s, self.health[device.id].consecutive_failures)

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
            self._emit_event(device.id, "sunspec_discovered", "warning" if missing else "info",
                             f"{profile.source}" + (f"; no {', '.join(missing)} in these models" if missing else ""))
        return self._discovered[device.id]

    async def _poll(self, link: ModbusLink, device: Device) -> bool:
        profile = await self._profile_for(link, device)
        if isinstance(profile, str):
            result = DeviceRead({}, (ReadError("invalid", profile),), 0, 0, 0.0)
        else:
            result = await read_device(link, device.unit, profile)
        ts_ms = int(self.wall_clock() * 1000)
        health = self.health[device.id]
        health.polls += 1
        health.last_latency_s = result.latency_s
        values: dict[str, float | None] = {}
        error = "; ".join(str(e) for e in result.errors) or None
        if result.ok:
            values = invert_values(device.role, result.values) if device.invert else dict(result.values)
            values, rejected = plausible(device, values)
            new_rejections = set(rejected) - health.rejected
            for quantity in sorted(new_rejections):
                self._emit_event(device.id, "implausible_value", "warning",
                                 f"{quantity} = {result.values.get(quantity)!r} rejected (outside plausible range)")
            health.rejected = frozenset(rejected)
        reading = Reading(device.id, device.role, ts_ms, MappingProxyType(values), result.ok, error,
                          result.latency_s, device.poll_interval_s)
        if result.ok:
            if health.state == "offline":
                self._emit_event(device.id, "device_recovered", "info",
                                 f"back online after {health.consecutive_failures} failed polls")
                log.warning("%s: back online", device.id)
            health.state = "online"
            health.consecutive_failures = 0
            health.last_error = error
        else:
            health.failures += 1
            health.consecutive_failures += 1
            health.last_error = error
            if health.state != "offline":
                self._emit_event(device.id, "device_offline", "error", error or "no data")
                log.warning("%s: offline: %s", device.id, error)
            health.state = "offline"
        self.latest[device.id] = reading
        for subscriber in self.reading_subscribers:
            subscriber(reading)
        return result.ok

    def _emit_event(self, device_id: str | None, kind: str, severity: str, detail: str) -> None:
        event = Event(int(self.wall_clock() * 1000), device_id, kind, severity, detail)
        for subscriber in self.event_subscribers:
            subscriber(event)
