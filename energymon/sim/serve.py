"""Serve a config's devices as simulated Modbus TCP devices, one server per connection."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from energymon.config import Config, Device
from energymon.config.sim_params import Fault
from energymon.sim.faults import FaultPlan, WireAction
from energymon.sim.modbus_server import ILLEGAL_DATA_ADDRESS, SERVER_DEVICE_FAILURE, ModbusTcpServer
from energymon.sim.park import Park, save_park_state
from energymon.sim.step_image import StepImage, default_step_s
from energymon.sim.sunspec_image import sunspec_register_image

log = logging.getLogger("energymon.sim")
FAULT_TICK_S = 0.05  # how often a lone device's "offline" schedule is checked (listener closed / reopened)


class SimulationError(RuntimeError):
    """The simulator cannot serve the config (message names the connection)."""


Image = tuple[dict[int, int], int, int] | int  # ({address: word}, lowest, highest address) or an exception code


@dataclass
class ParkDevice:
    """Register view of one simulated device, encoded through its own profile, from the park's step image.

    The encoded registers of each table are cached for the step (encoded on the first read of the table in
    the step): every further read of the step only slices them.
    """

    step: StepImage
    device: Device
    _generation: int = field(default=-1, init=False, repr=False)
    _tables: dict[str, Image] = field(default_factory=dict, init=False, repr=False)

    def values(self) -> dict[str, float]:
        """What the device reports now: the park's view of it, through its active value faults (do not change)."""
        return self.step.values(self.device.id)

    def image(self, table: str) -> dict[int, int] | int:
        """``{address: word}`` of ``table`` now, or a Modbus exception code (a fresh dict: the caller's)."""
        values = self.values()
        profile = self.device.profile
        try:
            if profile is None:  # profile = "sunspec": a SunSpec device with the role's models
                return sunspec_register_image(self.device.role, values, self.identity).get(table, {})
            image = profile.encode_values(values)[table]
            if profile.identity:
                image.update(profile.encode_identity(self.identity)[table])
            for block in profile.blocks:  # every register a planned read covers exists on the device
                if block.table == table:
                    for address in range(block.address, block.address + block.count):
                        image.setdefault(address, 0)
            return image
        except OverflowError:  # a simulated value does not fit its register: the device reports a failure
            return SERVER_DEVICE_FAILURE

    def cached_image(self, table: str) -> Image:
        """:meth:`image` of ``table`` with its address bounds, encoded once per step."""
        generation = self.step.refresh()
        if generation != self._generation:
            self._tables.clear()
            self._generation = generation
        cached = self._tables.get(table)
        if cached is None:
            cached = self._tables[table] = _bounded(self.image(table))
        return cached

    @property
    def identity(self) -> dict[str, str]:
        """What a simulated device says about itself (scan, identity registers)."""
        return {
            "manufacturer": "energymon simulator",
            "model": f"simulated {self.device.role.value}",
            "serial": f"SIM-{self.device.id}",
            "version": "1.0",
        }

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        return _answer(self.cached_image(table), address, count)


@dataclass
class SharedUnit:
    """Several devices on one unit id (a hybrid inverter: pv and storage) with disjoint register maps."""

    members: list[ParkDevice]
    _generation: int = field(default=-1, init=False, repr=False)
    _tables: dict[str, Image] = field(default_factory=dict, init=False, repr=False)

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        generation = self.members[0].step.refresh()
        if generation != self._generation:
            self._tables.clear()
            self._generation = generation
        cached = self._tables.get(table)
        if cached is None:
            cached = self._tables[table] = self._merged(table)
        return _answer(cached, address, count)

    def _merged(self, table: str) -> Image:
        merged: dict[int, int] = {}
        for member in self.members:
            image = member.cached_image(table)
            if isinstance(image, int):
                return image
            merged.update(image[0])
        return _bounded(merged)


def _bounded(image: dict[int, int] | int) -> Image:
    """An image with its lowest and highest address; no registers at all: "illegal data address"."""
    if isinstance(image, int):
        return image
    if not image:
        return ILLEGAL_DATA_ADDRESS
    return image, min(image), max(image)


def _answer(image: Image, address: int, count: int) -> list[int] | int:
    if isinstance(image, int):
        return image
    words, lowest, highest = image
    if address < lowest or address + count - 1 > highest:
        return ILLEGAL_DATA_ADDRESS
    return [words.get(a, 0) for a in range(address, address + count)]


def _unit_source(name: str, unit: int, members: list[ParkDevice]) -> ParkDevice | SharedUnit:
    if len(members) == 1:
        return members[0]
    discovered = [m.device.id for m in members if m.device.profile is None]
    if discovered:
        raise SimulationError(
            f"connections.{name}: unit {unit}: the simulator serves a SunSpec device ('{discovered[0]}') "
            "alone on its unit; give the other devices their own unit"
        )
    owner: dict[tuple[str, int], str] = {}
    for member in members:
        profile = member.device.profile
        assert profile is not None  # a discovered (SunSpec) device was refused above
        for point in profile.points:
            for address in range(point.address, point.end):
                other = owner.setdefault((point.table, address), member.device.id)
                if other != member.device.id:
                    raise SimulationError(
                        f"connections.{name}: unit {unit}: the register maps of '{other}' and "
                        f"'{member.device.id}' overlap at {point.table} register {address}; the simulator "
                        "cannot serve both on one unit (give one of them another unit)"
                    )
    return SharedUnit(members)


class SimulatedPark:
    """The park model plus its Modbus servers.

    ``ports`` may override the port of each connection (0 = pick a free one);
    ``clock`` returns UTC epoch seconds and drives the physics. With
    ``state_path`` the park resumes the counters and SoC saved there by a
    previous run (advanced through the time it was off) and saves them on stop,
    so a restarted simulator never looks like a replaced meter. Without such a
    state, ``stored`` ((device id -> {quantity: value}), time [s]) - the last
    counters and SoC a site's database holds - is continued instead
    (:meth:`Park.continue_from`), so serving on after a history fill or after
    another simulator's run does not step the counters back.

    Faults (energymon.sim.faults): each device's ``[[devices.sim.faults]]`` plus
    ``faults`` (device id -> more faults, e.g. from the command line), timed on
    ``clock`` from :meth:`start`. A device alone on its port that goes
    ``offline`` closes the port's listener (connection refused) until the fault
    ends; this is checked every ``FAULT_TICK_S`` of real time.

    Reads are served from the park's step image (energymon.sim.step_image): the
    park advances at most once per ``step_s`` (default: half the shortest poll
    interval, at most 1 s) for all devices, and each device's registers are
    encoded once per step.
    """

    def __init__(
        self,
        config: Config,
        seed: int = 1,
        clock: Callable[[], float] = time.time,
        host: str | None = None,
        ports: dict[str, int] | None = None,
        state_path: Path | None = None,
        faults: Mapping[str, Sequence[Fault]] | None = None,
        stored: tuple[Mapping[str, Mapping[str, float]], float] | None = None,
        step_s: float | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.park = Park(config, clock(), seed)
        self.state_path = state_path
        self.resumed = False
        if state_path is not None:
            self.resumed = self._load_state(state_path)
        self.continued: list[str] = []  # devices whose counters went on from the database's last values
        if not self.resumed and stored is not None:
            self.continued = self.park.continue_from(*stored)
        known = {d.id for d in config.devices}
        for device_id in faults or {}:
            if device_id not in known:
                raise SimulationError(
                    f"fault for an unknown device '{device_id}' (devices: {', '.join(sorted(known))})"
                )
        self.faults = FaultPlan.for_devices(config.devices, faults or {}, clock)
        self.step = StepImage(
            self.park, clock, default_step_s(config) if step_s is None else step_s, self.faults or None
        )
        self.devices: dict[str, ParkDevice] = {}
        self._lone_offline: dict[str, tuple[str, ...]] = {}  # server name -> its devices, if one may go offline
        self._supervisor: asyncio.Task | None = None
        self.servers: dict[str, ModbusTcpServer] = {}
        for name, conn in config.connections.items():
            if conn.transport == "rtu":
                raise SimulationError(
                    f"connections.{name}: the simulator serves TCP and RTU over TCP, not a serial port"
                    f" ({conn.serial_port}); use transport 'rtu-over-tcp' with a host and port to simulate it"
                )
            by_unit: dict[int, list[ParkDevice]] = {}
            for d in config.devices:
                if d.connection == name:
                    self.devices[d.id] = ParkDevice(self.step, d)
                    by_unit.setdefault(d.unit, []).append(self.devices[d.id])
            if not by_unit:
                continue
            units = {unit: _unit_source(name, unit, members) for unit, members in by_unit.items()}
            serve_host = host or conn.host
            port = (ports or {}).get(name, conn.port)
            assert serve_host is not None and port is not None, "a TCP connection has a host and a port"
            framing = "rtu" if conn.transport == "rtu-over-tcp" else "socket"
            server = ModbusTcpServer(serve_host, port, units, framing=framing)
            ids = tuple(m.device.id for members in by_unit.values() for m in members)
            if self.faults.has_kind(ids, "offline") and len(units) == 1:
                self._lone_offline[name] = ids
            if any(d in self.faults.devices for d in ids):
                server.fault_action = self._wire_hook(
                    {u: tuple(m.device.id for m in ms) for u, ms in by_unit.items()}, alone=len(units) == 1
                )
            self.servers[name] = server

    def _wire_hook(self, unit_devices: dict[int, tuple[str, ...]], alone: bool) -> Callable[[int], WireAction | None]:
        def action(unit: int) -> WireAction | None:
            ids = unit_devices.get(unit)
            return None if ids is None else self.faults.wire(ids, alone)

        return action

    async def start(self) -> None:
        self.faults.start(self.clock())
        for name, server in self.servers.items():
            try:
                await server.start()
            except OSError as exc:
                await self.stop()
                raise SimulationError(
                    f"connections.{name}: cannot listen on {server.host}:{server.port}: {exc.strerror or exc}"
                ) from None
        if self._lone_offline:
            await self._apply_offline()
            self._supervisor = asyncio.create_task(self._supervise(), name="simulator faults")

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        for server in self.servers.values():
            await server.stop()
        self.save_state()

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(FAULT_TICK_S)
            await self._apply_offline()

    async def _apply_offline(self) -> None:
        """Close the listener of a lone device that is offline now; reopen it (same port) once it is not."""
        now = self.clock()
        for name, ids in self._lone_offline.items():
            server = self.servers[name]
            offline = self.faults.offline(ids, now)
            if offline and server.listening:
                await server.stop()
            elif not offline and not server.listening:
                try:
                    await server.start()
                except OSError as exc:  # someone took the port meanwhile: try again at the next tick
                    log.warning(
                        "connections.%s: cannot listen again on %s:%s: %s",
                        name,
                        server.host,
                        server.port,
                        exc.strerror or exc,
                    )

    def reported(self, device_id: str) -> dict[str, float]:
        """The values ``device_id`` serves now (after its active value faults), in its own sign convention."""
        return dict(self.devices[device_id].values())

    def save_state(self) -> None:
        """Write the park's counters and SoC to ``state_path`` (atomically), so a restart resumes them."""
        if self.state_path is None:
            return
        self.park.advance_to(self.clock())
        save_park_state(self.state_path, self.park.state())

    def _load_state(self, path: Path) -> bool:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False  # no or unreadable state: start from the seed's initial readings
        return isinstance(state, dict) and self.park.restore(state)

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.port for name, server in self.servers.items()}
