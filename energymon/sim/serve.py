"""Serve a config's devices as simulated Modbus TCP devices, one server per connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from energymon.config import Config, Device
from energymon.sim.modbus_server import ILLEGAL_DATA_ADDRESS, SERVER_DEVICE_FAILURE, ModbusTcpServer
from energymon.sim.park import Park


class SimulationError(RuntimeError):
    """The simulator cannot serve the config (message names the connection)."""


@dataclass
class ParkDevice:
    """Register view of one simulated device, encoded through its own profile."""

    park: Park
    device: Device
    clock: Callable[[], float]

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        self.park.advance_to(self.clock())
        try:
            image = self.device.profile.encode_values(self.park.device_view(self.device.id))[table]
        except OverflowError:  # a simulated value does not fit its register: the device reports a failure
            return SERVER_DEVICE_FAILURE
        if not image:
            return ILLEGAL_DATA_ADDRESS
        lowest, highest = min(image), max(image)
        if address < lowest or address + count - 1 > highest:
            return ILLEGAL_DATA_ADDRESS
        return [image.get(a, 0) for a in range(address, address + count)]


class SimulatedPark:
    """The park model plus its Modbus servers.

    ``ports`` may override the port of each connection (0 = pick a free one);
    ``clock`` returns UTC epoch seconds and drives the physics.
    """

    def __init__(self, config: Config, seed: int = 1, clock: Callable[[], float] = time.time,
                 host: str | None = None, ports: dict[str, int] | None = None) -> None:
        self.config = config
        self.clock = clock
        self.park = Park(config, clock(), seed)
        self.servers: dict[str, ModbusTcpServer] = {}
        for name, conn in config.connections.items():
            if conn.transport != "tcp":
                raise SimulationError(
                    f"connections.{name}: the simulator serves only transport 'tcp' so far, not '{conn.transport}'"
                )
            units = {d.unit: ParkDevice(self.park, d, clock) for d in config.devices if d.connection == name}
            if not units:
                continue
            port = (ports or {}).get(name, conn.port)
            self.servers[name] = ModbusTcpServer(host or conn.host, port, units)

    async def start(self) -> None:
        for name, server in self.servers.items():
            try:
                await server.start()
            except OSError as exc:
                await self.stop()
                raise SimulationError(
                    f"connections.{name}: cannot listen on {server.host}:{server.port}: {exc.strerror or exc}"
                ) from None

    async def stop(self) -> None:
        for server in self.servers.values():
            await server.stop()

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.port for name, server in self.servers.items()}
