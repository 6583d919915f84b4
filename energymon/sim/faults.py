"""Fault injection for the simulator: what a simulated device does with a request, as data + small functions.

A device's faults (:class:`energymon.config.sim_params.Fault`, from ``[[devices.sim.faults]]``
or ``energymon simulate --fault``) are scheduled on the simulator's clock,
``start_after_s`` / ``duration_s`` after :meth:`FaultPlan.start`. They act at
two levels:

*Wire* faults decide what happens to a request (:func:`wire_action`):

- ``offline``: alone on its port the device refuses connections (the simulator
  closes the listener, and drops a connection that still sends to it); behind a
  gateway (several unit ids on the port) the gateway answers exception 0x0B;
- ``black-hole``: the request is swallowed, no answer; other units on the same
  gateway keep answering, in order;
- ``slow``: the answer leaves ``delay_s`` late (combines with the others);
- ``exception``: Modbus exception ``exception_code``;
- ``garbage``: random bytes that are never a valid frame instead of the answer.

*Value* faults change what the device's registers hold (:meth:`DeviceFaults.apply`),
each from the moment it began (the park is advanced to the exact start before
the state is taken, see :meth:`FaultPlan.sync`):

- ``counter-reset``: energy counters restart from 0, as a replaced meter, and count on;
- ``counter-wrap``: every energy counter is offset so its register reads
  ``2**32 - lead`` at the fault's start (``lead``: what the counter gains in
  :data:`WRAP_LEAD_S` at rated power, at least 1 register unit) and holds
  ``(value + offset) mod 2**32`` in register units, so it wraps shortly after;
  64-bit counters are cut to 32 bits the same way; a signed 32-bit counter
  wraps at ``2**31`` (it cannot hold more);
- ``frozen``: the device keeps serving the values it had when the fault began;
- ``frozen-power``: only its active power (``power_w``) stays at its value at
  the fault's start, everything else moves on (a stuck register, or a meter
  whose power register stopped updating: voltages, currents and counters move);
- ``not-implemented``: every point reads its "not implemented" sentinel
  (SunSpec devices: the SunSpec sentinels).

When a fault ends the device behaves normally again (the counters read as
before: the fault only changes what the device shows, never the park).
Several devices on one unit id (a hybrid inverter) are one box: a wire fault
of any of them applies to the unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from drivers.profile import Profile
from drivers.quantities import QUANTITIES, Kind
from energymon.config import Device
from energymon.config.sim_params import Fault
from energymon.sim.modbus_server import GATEWAY_TARGET_FAILED
from energymon.sim.sunspec_image import sunspec_image_profile

WIRE_KINDS = ("offline", "black-hole", "slow", "exception", "garbage")
VALUE_KINDS = ("counter-reset", "counter-wrap", "frozen", "frozen-power", "not-implemented")  # applied in this order
WRAP_LEAD_S = 60.0  # counter-wrap: seconds at rated power from the fault's start to the wrap


@dataclass(frozen=True)
class WireAction:
    """What the server does with one request.

    ``kind``: ``answer`` (normally), ``refuse`` (drop the connection),
    ``silence`` (no answer), ``garbage`` (random bytes) or ``exception``
    (``exception_code``); ``delay_s``: how late the answer leaves.
    """

    kind: str = "answer"
    delay_s: float = 0.0
    exception_code: int = 0


REFUSE = WireAction("refuse")
SILENCE = WireAction("silence")


def active_faults(faults: Iterable[Fault], elapsed_s: float) -> tuple[Fault, ...]:
    """The faults that are on ``elapsed_s`` seconds after the simulator started."""
    return tuple(f for f in faults if f.active(elapsed_s))


def wire_action(active: Sequence[Fault], alone_on_port: bool) -> WireAction | None:
    """What to do with a request to a device (or a unit's devices) with these ``active`` faults.

    None: answer normally, at once. Precedence: offline > black-hole > garbage >
    exception; ``slow`` delays whatever is sent.
    """
    if not active:
        return None
    kinds = {f.kind for f in active}
    if "offline" in kinds:
        return REFUSE if alone_on_port else WireAction("exception", 0.0, GATEWAY_TARGET_FAILED)
    if "black-hole" in kinds:
        return SILENCE
    delay = max((f.delay_s for f in active if f.kind == "slow"), default=0.0)
    if "garbage" in kinds:
        return WireAction("garbage", delay)
    if "exception" in kinds:
        code = next(f.exception_code for f in active if f.kind == "exception")
        return WireAction("exception", delay, code)
    return WireAction("answer", delay) if delay > 0 else None


# -- value faults ------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterRegister:
    """How a counter is held on the device: Wh per register unit, and where its register wraps."""

    unit_wh: float
    modulus: float


def counter_registers(profile: Profile) -> dict[str, CounterRegister]:
    """The energy counters of ``profile`` and how a 32-bit register of each would wrap.

    Unsigned and 64-bit registers wrap at 2**32 register units (a 64-bit counter
    is emulated as a 32-bit one), signed 16/32-bit ones at their largest
    positive value (2**15, 2**31), floats at 2**32.
    """
    out: dict[str, CounterRegister] = {}
    for point in profile.points:
        if QUANTITIES[point.quantity].kind is not Kind.COUNTER or point.quantity in out:
            continue
        d = point.dtype
        if d.is_float:
            modulus = 2.0**32
        elif d.signed and d.bits <= 32:
            modulus = 2.0 ** (d.bits - 1)
        else:
            modulus = 2.0 ** min(d.bits, 32)
        out[point.quantity] = CounterRegister(abs(point.scale) or 1.0, modulus)
    return out


def wrap_lead_units(rated_w: float, register: CounterRegister) -> int:
    """Register units below the wrap at the fault's start: ``WRAP_LEAD_S`` at rated power, at least 1."""
    return max(1, math.ceil(rated_w * WRAP_LEAD_S / 3600.0 / register.unit_wh))


def wrap_offset(value_wh: float, register: CounterRegister, lead_units: int) -> float:
    """Offset [register units] that puts ``value_wh`` at ``modulus - lead_units``."""
    return register.modulus - lead_units - value_wh / register.unit_wh


def wrapped(value_wh: float, offset_units: float, register: CounterRegister) -> float:
    """What the wrapping register shows for ``value_wh`` [Wh]: ``(value + offset) mod modulus``."""
    return ((value_wh / register.unit_wh + offset_units) % register.modulus) * register.unit_wh


class DeviceFaults:
    """The faults of one simulated device, and what the value faults keep from their start."""

    def __init__(
        self, device_id: str, faults: Sequence[Fault], counters: Mapping[str, CounterRegister], rated_w: float
    ) -> None:
        self.device_id = device_id
        self.faults = tuple(faults)
        self.counters = dict(counters)
        self.rated_w = rated_w
        self._value_faults = sorted(
            (i for i, f in enumerate(self.faults) if f.kind in VALUE_KINDS),
            key=lambda i: VALUE_KINDS.index(self.faults[i].kind),
        )
        self._state: dict[int, dict[str, float]] = {}  # fault index -> what it took at its start

    @classmethod
    def for_device(cls, device: Device, faults: Sequence[Fault]) -> DeviceFaults:
        profile = device.profile if device.profile is not None else sunspec_image_profile(device.role)
        return cls(device.id, faults, counter_registers(profile), device.rated_power_kw * 1000.0)

    def reset(self) -> None:
        """Forget what the value faults took at their start (the simulator starts again)."""
        self._state.clear()

    @property
    def has_value_faults(self) -> bool:
        return bool(self._value_faults)

    def active(self, elapsed_s: float) -> tuple[Fault, ...]:
        return active_faults(self.faults, elapsed_s)

    def boundaries(self) -> list[float]:
        """Seconds after the start at which a value fault begins or ends."""
        out = []
        for i in self._value_faults:
            f = self.faults[i]
            out.append(f.start_after_s)
            if f.duration_s is not None:
                out.append(f.start_after_s + f.duration_s)
        return out

    def apply(self, values: Mapping[str, float], elapsed_s: float) -> dict[str, float]:
        """The values the device shows: ``values`` (the healthy device's) through the active value faults.

        A fault takes its state (counter readings, offsets, the frozen values)
        the first time it is applied while active, and drops it once inactive.
        """
        out = dict(values)
        for i in self._value_faults:
            fault = self.faults[i]
            if not fault.active(elapsed_s):
                self._state.pop(i, None)
                continue
            state = self._state.get(i)
            if fault.kind == "counter-reset":
                if state is None:
                    state = self._state[i] = {q: v for q, v in out.items() if _is_counter(q)}
                for q, start in state.items():
                    if q in out:
                        out[q] = max(0.0, out[q] - start)
            elif fault.kind == "counter-wrap":
                if state is None:
                    state = self._state[i] = {
                        q: wrap_offset(v, reg, wrap_lead_units(self.rated_w, reg))
                        for q, v in out.items()
                        if (reg := self.counters.get(q)) is not None
                    }
                for q, offset in state.items():
                    if q in out:
                        out[q] = wrapped(out[q], offset, self.counters[q])
            elif fault.kind == "frozen":
                if state is None:
                    state = self._state[i] = dict(out)
                out = dict(state)
            elif fault.kind == "frozen-power":
                if state is None:
                    state = self._state[i] = {q: v for q, v in out.items() if q == "power_w"}
                out.update(state)
            elif fault.kind == "not-implemented":
                out = {}
        return out


def _is_counter(quantity: str) -> bool:
    q = QUANTITIES.get(quantity)
    return q is not None and q.kind is Kind.COUNTER


# -- the park's schedule --------------------------------------------------------------------


class _Park(Protocol):
    t_s: float

    def advance_to(self, t_s: float) -> None: ...

    def device_view(self, device_id: str) -> dict[str, float]: ...


class FaultPlan:
    """Every device's faults, on the simulator's clock (epoch seconds from ``clock``)."""

    def __init__(self, devices: Mapping[str, DeviceFaults], clock: Callable[[], float]) -> None:
        self.devices = {d: f for d, f in devices.items() if f.faults}
        self.clock = clock
        self.started_s = clock()
        self._pending: list[float] = []
        self.start(self.started_s)

    @classmethod
    def for_devices(
        cls, devices: Iterable[Device], extra: Mapping[str, Sequence[Fault]], clock: Callable[[], float]
    ) -> FaultPlan:
        """The faults of each device's ``[devices.sim]`` table plus ``extra`` ones (e.g. from the command line)."""
        plan = {}
        for device in devices:
            faults = tuple(device.sim.faults) + tuple(extra.get(device.id, ()))
            if faults:
                plan[device.id] = DeviceFaults.for_device(device, faults)
        return cls(plan, clock)

    def __bool__(self) -> bool:
        return bool(self.devices)

    def start(self, started_s: float) -> None:
        """The simulator starts now: faults are timed from ``started_s``."""
        self.started_s = started_s
        for faults in self.devices.values():
            faults.reset()
        self._pending = sorted({started_s + b for f in self.devices.values() for b in f.boundaries()})

    def elapsed(self, now_s: float) -> float:
        return now_s - self.started_s

    def sync(self, park: _Park, now_s: float) -> None:
        """Advance ``park`` to ``now_s``, stopping at every value fault's start and end on the way.

        At each such instant every device with value faults takes (or drops)
        its fault state, so e.g. ``frozen`` keeps exactly the values of its
        start, even if no request came in at that moment.
        """
        while self._pending and self._pending[0] <= now_s:
            at = self._pending.pop(0)
            park.advance_to(at)
            elapsed = self.elapsed(max(at, park.t_s))
            for device_id, faults in self.devices.items():
                if faults.has_value_faults:
                    faults.apply(park.device_view(device_id), elapsed)
        park.advance_to(now_s)

    def due(self, now_s: float) -> bool:
        """Whether a value fault starts or ends at or before ``now_s`` that :meth:`sync` has not reached yet."""
        return bool(self._pending) and self._pending[0] <= now_s

    def view(self, park: _Park, device_id: str, now_s: float) -> dict[str, float]:
        """What ``device_id`` shows at ``now_s`` (the park advanced to then)."""
        self.sync(park, now_s)
        values = park.device_view(device_id)
        faults = self.devices.get(device_id)
        if faults is None or not faults.has_value_faults:
            return values
        return faults.apply(values, self.elapsed(now_s))

    def wire(self, device_ids: Iterable[str], alone_on_port: bool, now_s: float | None = None) -> WireAction | None:
        """What the unit serving ``device_ids`` does with a request now (None: answer normally)."""
        elapsed = self.elapsed(self.clock() if now_s is None else now_s)
        active: list[Fault] = []
        for device_id in device_ids:
            faults = self.devices.get(device_id)
            if faults is not None:
                active.extend(f for f in faults.active(elapsed) if f.kind in WIRE_KINDS)
        return wire_action(active, alone_on_port)

    def offline(self, device_ids: Iterable[str], now_s: float | None = None) -> bool:
        """Whether any of ``device_ids`` has an ``offline`` fault on now."""
        elapsed = self.elapsed(self.clock() if now_s is None else now_s)
        return any(
            f.kind == "offline" for d in device_ids if d in self.devices for f in self.devices[d].active(elapsed)
        )

    def has_kind(self, device_ids: Iterable[str], kind: str) -> bool:
        return any(f.kind == kind for d in device_ids if d in self.devices for f in self.devices[d].faults)

    def schedule(self) -> list[str]:
        """One line per fault, e.g. ``pv-1: black-hole from +60 s to +180 s``."""
        return [
            f"{device_id}: {describe(fault)}" for device_id, faults in self.devices.items() for fault in faults.faults
        ]


def describe(fault: Fault) -> str:
    """``KIND[ (parameter)] from +START s (to +END s | until stopped)``."""
    what = fault.kind
    if fault.kind == "slow":
        what += f" ({fault.delay_s:g} s late)"
    elif fault.kind == "exception":
        what += f" (exception {fault.exception_code})"
    until = "until stopped" if fault.duration_s is None else f"to +{fault.start_after_s + fault.duration_s:g} s"
    return f"{what} from +{fault.start_after_s:g} s {until}"
