"""Transformer-connected meters: secondary readings to primary values, with the CT and PT ratios (pure).

A meter behind current transformers (CT, e.g. 200/5 A: ratio 40) and voltage
transformers (PT, e.g. 10 kV/100 V: ratio 100) measures the secondary side.
Primary values are: currents x CT ratio, voltages x PT ratio, active and
reactive power and every energy counter x CT x PT. Frequency, power factor,
temperatures, percentages and status codes do not change. An inverter's DC
power is not measured through the transformers and does not change either.

The ratios come from the site config (``ct_ratio``/``pt_ratio`` of a device,
for meters that report secondary values and do not know the ratio) or from the
meter's own registers (a profile that maps the ``ct_ratio``/``pt_ratio``
quantities, applied by drivers.profile when the values are decoded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

Value = TypeVar("Value", float, float | None)

CURRENTS = frozenset({"current_l1_a", "current_l2_a", "current_l3_a"})
VOLTAGES = frozenset(
    {"voltage_l1_v", "voltage_l2_v", "voltage_l3_v", "voltage_l1_l2_v", "voltage_l2_l3_v", "voltage_l3_l1_v"}
)
POWERS_AND_ENERGIES = frozenset(
    {
        "power_w",
        "reactive_power_var",
        "yield_wh",
        "charged_wh",
        "discharged_wh",
        "consumed_wh",
        "imported_wh",
        "exported_wh",
    }
)


def ratios_needed(quantity: str) -> tuple[str, ...]:
    """Which ratios (``ct_ratio``, ``pt_ratio``) a secondary reading of ``quantity`` is multiplied by."""
    if quantity in CURRENTS:
        return ("ct_ratio",)
    if quantity in VOLTAGES:
        return ("pt_ratio",)
    if quantity in POWERS_AND_ENERGIES:
        return ("ct_ratio", "pt_ratio")
    return ()


def valid_ratio(value: float | None) -> bool:
    """A ratio read from a device is usable if it is a finite number > 0 (0 or garbage: values are missing)."""
    return value is not None and math.isfinite(value) and value > 0.0


def factor(quantity: str, ct_ratio: float, pt_ratio: float) -> float:
    """What a secondary reading of ``quantity`` is multiplied by to give its primary value."""
    if quantity in CURRENTS:
        return ct_ratio
    if quantity in VOLTAGES:
        return pt_ratio
    if quantity in POWERS_AND_ENERGIES:
        return ct_ratio * pt_ratio
    return 1.0


def to_primary(values: Mapping[str, Value], ct_ratio: float, pt_ratio: float) -> dict[str, Value]:
    """Secondary readings (as the meter reports them) -> primary values (as the site sees them)."""
    return _scaled(values, ct_ratio, pt_ratio, inverse=False)


def to_secondary(values: Mapping[str, Value], ct_ratio: float, pt_ratio: float) -> dict[str, Value]:
    """Primary values -> what a transformer-connected meter reports (the simulator serves these)."""
    return _scaled(values, ct_ratio, pt_ratio, inverse=True)


def _scaled(values: Mapping[str, Value], ct_ratio: float, pt_ratio: float, inverse: bool) -> dict[str, Value]:
    if ct_ratio == 1.0 and pt_ratio == 1.0:
        return dict(values)
    out: dict[str, Value] = {}
    for quantity, value in values.items():
        f = factor(quantity, ct_ratio, pt_ratio)
        out[quantity] = value if value is None else (value / f if inverse else value * f)
    return out
