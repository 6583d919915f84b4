"""What the data-quality checks judge, and by which bounds: pure rules (energymon.collect.quality uses them).

*Frozen* is judged only for quantities that physics keeps moving on a live
device when read at a fine resolution: active power (and an inverter's DC
power), phase and line voltages, phase currents and the grid frequency, plus
reactive power on meters (grid, load). Never judged: status codes, state of
charge and health (constant at a limit or for hours), temperatures (slow, and
often read in whole degrees), power factor and reactive power of inverters and
storage (held at a set point), CT/PT ratios (settings), counters (they have
their own rule: flat while power flows). A value is legitimately constant,
and not judged, when:

- it is 0 (an inverter at night, an idle battery, a load switched off);
- it is active or DC power of an inverter, a battery or a load within 2 % of
  the rated power (clipping, a full-power set point, a capped load);
- one register step of it is more than 0.1 % of its value (a current of 5 A read
  in 0.1 A, a frequency read in 0.1 Hz: such values can stay put for minutes).

*Out of range* are values outside the physical bounds of their kind
(:func:`bounds`); power, SoC/SoH and counters already have tighter
plausibility bounds (energymon.collect.validate, which drops such values).
"""

from __future__ import annotations

import math

from drivers.profile import Profile
from drivers.quantities import COUNTERS_BY_ROLE, QUANTITIES, Kind, Role
from drivers.transformer_ratios import CURRENTS, VOLTAGES, factor

POWERS = frozenset({"power_w", "dc_power_w"})
MOVING = POWERS | VOLTAGES | CURRENTS | {"frequency_hz"}  # judged frozen on every role
METERED_MOVING = frozenset({"reactive_power_var"})  # judged frozen on meters only (grid, load)
LIMIT_ROLES = frozenset({Role.PV, Role.STORAGE, Role.LOAD})  # whose power may sit at the rated power
AT_LIMIT_FRACTION = 0.98  # power at >= 98 % of rated is at its limit
FINE_STEP_FRACTION = 0.001  # a register step of at most 0.1 % of the value is fine enough to move

# Counters that power says should move: (for power > 0, for power < 0), after invert/swap (our signs).
FLOW_COUNTERS = COUNTERS_BY_ROLE
UNKNOWN_COUNTER_STEP_WH = 1000.0  # a counter's step when the profile does not fix it: 1 kWh, the coarsest in use
FLOAT32_RELATIVE_STEP = 2.0**-23  # a float counter's step is at most this share of its value (float32)
COUNTER_MIN_STEPS = 3  # flat: power says at least this many register steps should have been counted

# Physical bounds per quantity [its unit], beyond the plausibility bounds of energymon.collect.validate.
FREQUENCY_HZ = (45.0, 65.0)  # 50 and 60 Hz grids, with every tolerance an interconnected grid allows
POWER_FACTOR = (-1.0, 1.0)  # |cos phi| <= 1
TEMPERATURE_C = (-40.0, 120.0)  # electronics and cells: industrial range, and the hottest heat sink
IRRADIANCE_W_M2 = (-50.0, 2000.0)  # a sensor's night offset; cloud-edge enhancement above the solar constant
VOLTAGE_V = (0.0, 1_200_000.0)  # r.m.s., up to 1000 kV UHV lines with 20 % margin
CURRENT_A = (-100_000.0, 100_000.0)  # some meters sign the current by its direction (Huawei's i32 currents)
DC_POWER_PER_RATED = (-0.02, 4.0)  # an inverter's DC input: a little standby draw, arrays up to 3x the AC rating
REACTIVE_PER_RATED = 2.0  # |Q| <= 2 x the rated power
RATIO = (0.0, math.inf)  # CT/PT ratios a meter holds: > 0 (0 itself is outside)
TOLERANCE = 1e-6  # relative: float rounding at a bound (a power factor of 1.0000001) is inside


def moving_quantities(role: Role) -> frozenset[str]:
    """The quantities judged frozen on a device of ``role`` (see the module docstring)."""
    return MOVING | (METERED_MOVING if role in (Role.GRID, Role.LOAD) else frozenset())


def register_step(profile: Profile | None, quantity: str, ct_ratio: float, pt_ratio: float) -> float:
    """One register step of ``quantity`` in primary units (x the transformer ratios); 0 if not fixed."""
    if profile is None:
        return 0.0
    return profile.resolution(quantity) * factor(quantity, ct_ratio, pt_ratio)


def counter_step_wh(step: float, value_wh: float, ct_ratio: float, pt_ratio: float) -> float:
    """What a counter of ``value_wh`` may not have moved by and still be flat: its register step, or when
    that is unknown (floats, scale-factor registers) 1 kWh x the ratios, at least a float32 step of it."""
    if step > 0:
        return step
    unknown = UNKNOWN_COUNTER_STEP_WH * factor("imported_wh", ct_ratio, pt_ratio)
    return max(unknown, abs(value_wh) * FLOAT32_RELATIVE_STEP)


def legitimately_constant(quantity: str, value: float, role: Role, rated_w: float, step: float) -> bool:
    """Whether ``value`` of ``quantity`` may stay unchanged on a healthy device (never judged frozen)."""
    if value == 0.0 or not math.isfinite(value):
        return True
    if quantity in POWERS and role in LIMIT_ROLES and abs(value) >= AT_LIMIT_FRACTION * rated_w:
        return True
    return step > FINE_STEP_FRACTION * abs(value)


def bounds(quantity: str, rated_w: float) -> tuple[float, float] | None:
    """The physical bounds of ``quantity`` [its unit], or None if it has none here."""
    if quantity == "frequency_hz":
        return FREQUENCY_HZ
    if quantity == "power_factor":
        return POWER_FACTOR
    if quantity == "temperature_c":
        return TEMPERATURE_C
    if quantity == "irradiance_w_m2":
        return IRRADIANCE_W_M2
    if quantity in VOLTAGES:
        return VOLTAGE_V
    if quantity in CURRENTS:
        return CURRENT_A
    if quantity == "dc_power_w":
        return DC_POWER_PER_RATED[0] * rated_w, DC_POWER_PER_RATED[1] * rated_w
    if quantity == "reactive_power_var":
        return -REACTIVE_PER_RATED * rated_w, REACTIVE_PER_RATED * rated_w
    if quantity in ("ct_ratio", "pt_ratio"):
        return RATIO
    return None


def out_of_range(quantity: str, value: float, rated_w: float) -> tuple[float, float] | None:
    """The bounds ``value`` is outside of (a value that is not a finite number is outside any), or None."""
    limits = bounds(quantity, rated_w)
    if not math.isfinite(value):
        return limits or (-math.inf, math.inf)
    if limits is None:
        return None
    low, high = limits
    if quantity in ("ct_ratio", "pt_ratio"):
        return None if value > low else limits
    slack = TOLERANCE * max(1.0, abs(low), abs(high) if math.isfinite(high) else 0.0)
    return None if low - slack <= value <= high + slack else limits


def in_range_interval(quantity: str, rated_w: float) -> tuple[float, float] | None:
    """The closed interval of the finite values :func:`out_of_range` accepts for ``quantity``, or None if
    it has no bounds (any finite value is in range): computed once, so a poll compares two numbers."""
    limits = bounds(quantity, rated_w)
    if limits is None:
        return None
    low, high = limits
    if quantity in ("ct_ratio", "pt_ratio"):
        return math.nextafter(low, math.inf), math.inf
    slack = TOLERANCE * max(1.0, abs(low), abs(high) if math.isfinite(high) else 0.0)
    return low - slack, high + slack


def is_counter(quantity: str) -> bool:
    q = QUANTITIES.get(quantity)
    return q is not None and q.kind is Kind.COUNTER
