"""Connections lost and restored: one log line each, per connection, not one per device and poll.

Device health (energymon.collect.health) says which device answers; an
engineer looking at the log after a night's outage first wants to know
whether a whole line went down (a gateway unplugged, a switch rebooted) or
one device. A poll whose every failed read was a ``connection`` error
(refused, lost, unreachable, port not openable) and which read nothing
marks the connection lost; the first poll on it that reads anything marks it
restored, with how long it was down and how many polls failed meanwhile.
Only the log: the devices' own ``device_offline`` / ``device_recovered``
events are what the database and the GUI keep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.device import DeviceRead

log = logging.getLogger("energymon.collector")


@dataclass
class _Down:
    since_s: float  # monotonic
    failed_polls: int = 1


class ConnectionWatch:
    """The up/down state of every connection, from the outcome of each poll on it."""

    def __init__(self) -> None:
        self.down: dict[str, _Down] = {}

    def update(self, connection: str, address: str, result: DeviceRead, now_s: float) -> None:
        """Take one poll's ``result`` on ``connection`` (at monotonic ``now_s``); log a change of state once."""
        lost = not result.ok and bool(result.errors) and all(e.kind == "connection" for e in result.errors)
        state = self.down.get(connection)
        if lost:
            if state is None:
                self.down[connection] = _Down(now_s)
                log.warning("connection %s (%s) lost: %s", connection, address, result.errors[0].detail)
            else:
                state.failed_polls += 1
        elif result.ok and state is not None:
            del self.down[connection]
            log.info(
                "connection %s (%s) restored after %.0f s (%d failed polls)",
                connection,
                address,
                now_s - state.since_s,
                state.failed_polls,
            )
