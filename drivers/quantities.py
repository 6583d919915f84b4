"""The closed vocabulary of canonical quantities, with units, kinds and roles.

Every value that leaves a driver carries one of these names. Values are floats
in base units (W, Wh, %, V, A, Hz, degC, var); kW/kWh are for display only.

Sign conventions (stated once, here):

- ``pv.power_w``: + = generation (AC output of the inverter).
- ``storage.power_w``: + = discharge (power delivered to the site),
  - = charge (power taken from the site).
- ``load.power_w``: >= 0, power consumed by the load.
- ``grid.power_w``: + = import from the grid, - = export to the grid.
- ``meteo.irradiance_w_m2``: irradiance on the plane of the PV modules
  (plane of array), >= 0; a meteo device (an irradiance sensor) has no power
  and no energy flows: it never enters the site balance.

With these conventions the instantaneous site balance is
``consumption_w = pv_w + storage_w + grid_w``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """Whether a quantity is an instantaneous measurement or a cumulative counter."""

    MEASUREMENT = "measurement"
    COUNTER = "counter"  # cumulative, only meant to increase


class Role(str, Enum):
    PV = "pv"
    STORAGE = "storage"
    LOAD = "load"
    GRID = "grid"
    METEO = "meteo"  # a weather sensor (irradiance): measurements only, no energy flows


# role -> (the energy counter that positive power_w feeds, the one negative power_w feeds; None: none): the one
# table of which counters a device of each role has and which way of its power each counts (signs as above:
# storage + discharge, grid + import). The simulator, the collector's quality checks and the site's energy
# balance (energymon.accounting.flows) all read it.
COUNTERS_BY_ROLE: dict[Role, tuple[str | None, str | None]] = {
    Role.PV: ("yield_wh", None),
    Role.LOAD: ("consumed_wh", None),
    Role.STORAGE: ("discharged_wh", "charged_wh"),
    Role.GRID: ("imported_wh", "exported_wh"),
    Role.METEO: (None, None),  # a weather sensor has no counters
}


@dataclass(frozen=True)
class Quantity:
    name: str
    unit: str
    kind: Kind
    description: str


_Q = Quantity
_M, _C = Kind.MEASUREMENT, Kind.COUNTER

QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        _Q("power_w", "W", _M, "active power, sign by role (see module docstring)"),
        _Q("yield_wh", "Wh", _C, "PV energy generated (AC)"),
        _Q("dc_power_w", "W", _M, "PV DC input power"),
        _Q("temperature_c", "degC", _M, "device internal temperature"),
        _Q("status_code", "", _M, "vendor operating state code"),
        _Q("soc_pct", "%", _M, "storage state of charge"),
        _Q("soh_pct", "%", _M, "storage state of health"),
        _Q("charged_wh", "Wh", _C, "storage energy charged (taken from the site)"),
        _Q("discharged_wh", "Wh", _C, "storage energy discharged (delivered to the site)"),
        _Q("consumed_wh", "Wh", _C, "load energy consumed"),
        _Q("imported_wh", "Wh", _C, "energy imported from the grid"),
        _Q("exported_wh", "Wh", _C, "energy exported to the grid"),
        _Q("voltage_l1_v", "V", _M, "phase L1 voltage"),
        _Q("voltage_l2_v", "V", _M, "phase L2 voltage"),
        _Q("voltage_l3_v", "V", _M, "phase L3 voltage"),
        _Q("voltage_l1_l2_v", "V", _M, "line-to-line voltage L1-L2"),
        _Q("voltage_l2_l3_v", "V", _M, "line-to-line voltage L2-L3"),
        _Q("voltage_l3_l1_v", "V", _M, "line-to-line voltage L3-L1"),
        _Q("current_l1_a", "A", _M, "phase L1 current"),
        _Q("current_l2_a", "A", _M, "phase L2 current"),
        _Q("current_l3_a", "A", _M, "phase L3 current"),
        _Q("frequency_hz", "Hz", _M, "grid frequency"),
        _Q("power_factor", "", _M, "power factor, -1..1"),
        _Q("reactive_power_var", "var", _M, "reactive power"),
        _Q("ct_ratio", "", _M, "current transformer ratio the device holds (primary / secondary)"),
        _Q("pt_ratio", "", _M, "voltage transformer ratio the device holds (primary / secondary)"),
        _Q("irradiance_w_m2", "W/m2", _M, "irradiance on the plane of the PV modules (plane of array)"),
    )
}

_ELECTRICAL = frozenset(
    {
        "voltage_l1_v",
        "voltage_l2_v",
        "voltage_l3_v",
        "voltage_l1_l2_v",
        "voltage_l2_l3_v",
        "voltage_l3_l1_v",
        "current_l1_a",
        "current_l2_a",
        "current_l3_a",
        "frequency_hz",
        "power_factor",
        "reactive_power_var",
        "ct_ratio",
        "pt_ratio",
    }
)

# Settings a transformer-connected meter holds: a profile that maps them reads secondary values and
# multiplies them (drivers.transformer_ratios); they are stored like measurements so a change shows.
RATIOS = frozenset({"ct_ratio", "pt_ratio"})

REQUIRED: dict[Role, frozenset[str]] = {
    Role.PV: frozenset({"power_w", "yield_wh"}),
    Role.STORAGE: frozenset({"power_w", "soc_pct", "charged_wh", "discharged_wh"}),
    Role.LOAD: frozenset({"power_w", "consumed_wh"}),
    Role.GRID: frozenset({"power_w", "imported_wh", "exported_wh"}),
    Role.METEO: frozenset({"irradiance_w_m2"}),
}

OPTIONAL: dict[Role, frozenset[str]] = {
    Role.PV: frozenset({"dc_power_w", "temperature_c", "status_code"}) | _ELECTRICAL,
    Role.STORAGE: frozenset({"soh_pct", "temperature_c", "status_code"}) | _ELECTRICAL,
    Role.LOAD: _ELECTRICAL,
    Role.GRID: _ELECTRICAL,
    Role.METEO: frozenset({"temperature_c"}),  # the sensor's own (cell) temperature
}

# Counter pairs that swap when a meter is installed the other way round.
DIRECTION_PAIRS: dict[Role, tuple[str, str]] = {
    Role.STORAGE: ("charged_wh", "discharged_wh"),
    Role.GRID: ("imported_wh", "exported_wh"),
}


def allowed_for(role: Role) -> frozenset[str]:
    """All quantity names a device of ``role`` may report."""
    return REQUIRED[role] | OPTIONAL[role]
