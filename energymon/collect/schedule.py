"""When each device of a connection is polled next, and how an offline device is backed off: pure bookkeeping.

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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from drivers.link import LinkSettings
from energymon.config import Device

BACKOFF_COSTS = 5  # an offline device is retried no sooner than 5 attempt costs: at most 1/5 of its line
BACKOFF_OUTAGE_FRACTION = 0.1  # ... nor sooner than a tenth of its outage so far
BACKOFF_MAX_S = 300.0


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
