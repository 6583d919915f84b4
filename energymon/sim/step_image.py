"""The park's image at one time step: advanced once per step for every device, read by every request.

Each register read used to advance the park (weather, loads, solar geometry
of every device) to its own instant. :class:`StepImage` instead advances the
park at most once per ``step_s`` of the clock: the first read at or after
``t + step_s`` (``t``: the current image's instant) advances the whole park to
that read's instant, in one vectorised call for all devices, and every read
until the next step is served from that instant's values. So the values a read
sees are exactly those a direct ``Park.advance_to(t)`` gives at the image's
instant ``t`` (a test checks this), held for at most one step, as a real
device holds its registers between its own measurement updates.

With faults, the image is also renewed at every value fault's start and end
(:meth:`FaultPlan.due`), so a fault acts from its exact instant, as before.
``generation`` counts the images; the register encodings (energymon.sim.serve)
are cached per generation.
"""

from __future__ import annotations

from collections.abc import Callable

from energymon.config import Config
from energymon.sim.faults import FaultPlan
from energymon.sim.park import Park

MAX_STEP_S = 1.0  # a simulated device's registers are never older than this
EXACT_UP_TO_DEVICES = 60  # parks this small advance at every read (exact; cheap enough at their size)


def default_step_s(config: Config) -> float:
    """The image's step: 0 (the park advanced at every new clock reading, so a counter and the power beside
    it agree to the instant) for a park of at most :data:`EXACT_UP_TO_DEVICES` devices, such as the demo;
    for a larger one half the shortest poll interval (so no poll sees the image of the previous poll twice),
    at most :data:`MAX_STEP_S`: its counters then move in steps of up to a second, which a balance over
    two polls a few seconds apart sees (the demo's headless balance check failed by 10 % with 1 s steps)."""
    if len(config.devices) <= EXACT_UP_TO_DEVICES:
        return 0.0
    intervals = [d.poll_interval_s for d in config.devices if d.poll_interval_s]
    return min(MAX_STEP_S, min(intervals) / 2) if intervals else MAX_STEP_S


class StepImage:
    """The values of every device of ``park`` at the current step's instant (see the module doc).

    ``step_s`` 0 renews the image at every new clock reading (a read at a
    new instant always advances the park, the behaviour before step images).
    """

    def __init__(self, park: Park, clock: Callable[[], float], step_s: float, faults: FaultPlan | None = None) -> None:
        if step_s < 0:
            raise ValueError("step_s must not be negative")
        self.park = park
        self.clock = clock
        self.step_s = step_s
        self.faults = faults
        self.generation = 0
        self.t_s: float | None = None  # the current image's instant (None: none taken yet)
        self._values: dict[str, dict[str, float]] = {}

    def refresh(self) -> int:
        """Renew the image if its step is over (or a value fault starts or ends); the current generation."""
        now = self.clock()
        t = self.t_s
        if t is None or (now > t and (now - t >= self.step_s or (self.faults is not None and self.faults.due(now)))):
            if self.faults is not None:
                self.faults.sync(self.park, now)
            else:
                self.park.advance_to(now)
            self.t_s = now
            self.generation += 1
            self._values.clear()
        return self.generation

    def values(self, device_id: str) -> dict[str, float]:
        """What ``device_id`` reports in the current image (its view through its active value faults).

        The dict is shared by every read of the step: callers must not change it.
        """
        self.refresh()
        cached = self._values.get(device_id)
        if cached is None:
            assert self.t_s is not None  # refresh() took an image
            if self.faults is None:
                cached = self.park.device_view(device_id)
            else:
                cached = self.faults.view(self.park, device_id, self.t_s)
            self._values[device_id] = cached
        return cached
