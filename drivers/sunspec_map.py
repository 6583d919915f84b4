"""Which SunSpec model points give which canonical quantity, per energymon role (data).

Offsets, types, scale-factor points and units are *not* written here: they come
from the model definitions that pysunspec2 ships (``drivers.sunspec.load_model``).
This table only says which point of which model means which quantity, best
candidate first. ``drivers.sunspec.build_profile`` takes, for each quantity, the
first candidate whose model the device has (first instance in its model chain)
and whose point lies within the length that device gives the model.

Each candidate is ``(model id, point name, sign)``. The unit conversion is not a
free number either: it is looked up in :data:`UNIT_FACTORS` from the canonical
quantity's unit and the point's ``units`` in the model definition (so a point
whose units do not fit its quantity is rejected by the tests, not decoded).

Preference: float models (111-113, 211-214) before integer + scale factor models
(101-103, 201-204), as the SunSpec integer models exist for devices that cannot
do floats. Among inverters, 701 (DER AC measurement, IEEE 1547-2018 models)
comes last.

Sign conventions (energymon's are in drivers/quantities.py):

- Inverter ``W`` (101-103, 111-113): AC output power, + = generation. 701 ``W``:
  "Active power is positive for DER generation and negative for absorption"
  (model text). Both map to ``pv.power_w`` unchanged.
- Meter ``W`` (201-204, 211-214): the model text says only "Total Real Power".
  SunSpec meters count power flowing from the grid into the site as positive
  (import, quadrants 1 and 4), matching ``TotWhImp``/``TotWhExp``; evcc reads
  203/213 ``W`` as grid power with + = import as well. So ``grid.power_w`` and
  ``load.power_w`` take it unchanged. Meters that follow the opposite
  convention (some inverter-integrated export/import meters report export as
  positive) need the device's ``invert = true``.
- Battery ``W`` (802): "Total power flowing to/from the battery bank. DC
  Measurement." The model text gives no sign; we read + = discharge (power
  out of the battery), as evcc's SunSpec battery template does. It is DC power
  at the battery, not AC power at the inverter.

Storage energy: neither 124 (basic storage controls), 802 (battery base) nor
713 (DER storage capacity) has a charged or discharged energy counter. A
SunSpec storage device therefore cannot supply ``charged_wh``/``discharged_wh``;
``build_profile`` says so instead of inventing numbers. (701's ``TotWhInj`` /
``TotWhAbs`` are the whole DER's AC energy: right for a storage-only inverter,
wrong for a hybrid one that also converts PV, and SunSpec does not say which
one a device is; so they are deliberately not used for storage.)
"""

from __future__ import annotations

from drivers.quantities import Role

Candidate = tuple[int, str, int]  # (model id, point name, sign)

INVERTER_FLOAT = (113, 112, 111)  # three-phase, split-phase, single-phase inverter, float
INVERTER_INT = (103, 102, 101)  # the same with integer values and scale factors
DER_AC = 701  # DER AC measurement (IEEE 1547-2018)
METER_FLOAT = (213, 214, 212, 211)  # wye three-phase, delta three-phase, split-phase, single-phase, float
METER_INT = (203, 204, 202, 201)
BATTERY = 802  # battery base model
STORAGE_CAPACITY = 713  # DER storage capacity
STORAGE_BASIC = 124  # basic storage controls
COMMON = 1  # identity: Mn, Md, Vr, SN

# Canonical unit -> SunSpec "units" (as written in the model definitions) -> factor.
# A quantity whose point has a units string missing here is a table error (see tests).
UNIT_FACTORS: dict[str, dict[str | None, float]] = {
    "W": {"W": 1.0},
    "Wh": {"Wh": 1.0, "WH": 1.0},
    "V": {"V": 1.0},
    "A": {"A": 1.0},
    "Hz": {"Hz": 1.0},
    "degC": {"C": 1.0},
    "var": {"var": 1.0, "Var": 1.0, "VAr": 1.0},
    "%": {"Pct": 1.0, "%": 1.0, "%WHRtg": 1.0, "% AhrRtg": 1.0},
    # power_factor is -1..1. "PF" and unit-less points are a ratio; "Pct" points are filled as a ratio by some
    # devices and in percent by others, so they are taken as they are and VALUE_RULES decides.
    "": {"Pct": 1.0, "PF": 1.0, None: 1.0},
}

# (quantity, SunSpec units) -> the drivers.value_rules rule applied to such a point's scaled value.
VALUE_RULES: dict[tuple[str, str | None], str] = {
    ("power_factor", "Pct"): "ratio-or-percent",
}


def _each(models: tuple[int, ...], point: str, sign: int = 1) -> tuple[Candidate, ...]:
    return tuple((m, point, sign) for m in models)


def _inverter(point: str, der_point: str | None = None) -> tuple[Candidate, ...]:
    tail = ((DER_AC, der_point, 1),) if der_point else ()
    return _each(INVERTER_FLOAT, point) + _each(INVERTER_INT, point) + tail


def _meter(point: str) -> tuple[Candidate, ...]:
    return _each(METER_FLOAT, point) + _each(METER_INT, point)


_METER_ELECTRICAL: dict[str, tuple[Candidate, ...]] = {
    "voltage_l1_v": _meter("PhVphA"),
    "voltage_l2_v": _meter("PhVphB"),
    "voltage_l3_v": _meter("PhVphC"),
    "current_l1_a": _meter("AphA"),
    "current_l2_a": _meter("AphB"),
    "current_l3_a": _meter("AphC"),
    "frequency_hz": _meter("Hz"),
    "power_factor": _meter("PF"),
    "reactive_power_var": _meter("VAR"),
}

ROLE_MAP: dict[Role, dict[str, tuple[Candidate, ...]]] = {
    Role.PV: {
        "power_w": _inverter("W", "W"),
        "yield_wh": _inverter("WH", "TotWhInj"),
        "dc_power_w": _inverter("DCW"),
        "temperature_c": _inverter("TmpCab", "TmpCab"),
        "status_code": _inverter(
            "St"
        ),  # 1 OFF, 2 SLEEPING, 3 STARTING, 4 MPPT, 5 THROTTLED, 6 SHUTTING_DOWN, 7 FAULT, 8 STANDBY
        "voltage_l1_v": _inverter("PhVphA", "VL1"),
        "voltage_l2_v": _inverter("PhVphB", "VL2"),
        "voltage_l3_v": _inverter("PhVphC", "VL3"),
        "current_l1_a": _inverter("AphA", "AL1"),
        "current_l2_a": _inverter("AphB", "AL2"),
        "current_l3_a": _inverter("AphC", "AL3"),
        "frequency_hz": _inverter("Hz", "Hz"),
        "power_factor": _inverter("PF", "PF"),
        "reactive_power_var": _inverter("VAr", "Var"),
    },
    Role.STORAGE: {
        "power_w": ((BATTERY, "W", 1),),
        "soc_pct": ((BATTERY, "SoC", 1), (STORAGE_CAPACITY, "SoC", 1), (STORAGE_BASIC, "ChaState", 1)),
        "soh_pct": ((BATTERY, "SoH", 1), (STORAGE_CAPACITY, "SoH", 1)),
        # 802 State: 1 DISCONNECTED, 2 INITIALIZING, 3 CONNECTED, 4 STANDBY, 5 SOC PROTECTION, 6 SUSPENDING, 99 FAULT;
        # 124 ChaSt: 1 OFF, 2 EMPTY, 3 DISCHARGING, 4 CHARGING, 5 FULL, 6 HOLDING, 7 TESTING.
        "status_code": ((BATTERY, "State", 1), (STORAGE_BASIC, "ChaSt", 1)),
        # charged_wh / discharged_wh: no SunSpec storage model has them (see the module docstring).
    },
    Role.GRID: {
        "power_w": _meter("W"),
        "imported_wh": _meter("TotWhImp"),
        "exported_wh": _meter("TotWhExp"),
        **_METER_ELECTRICAL,
    },
    Role.LOAD: {
        "power_w": _meter("W"),
        "consumed_wh": _meter("TotWhImp"),
        **_METER_ELECTRICAL,
    },
    Role.METEO: {},  # no SunSpec map for weather sensors: they are read with a profile file
}

# Why a role's required quantity may be absent from every SunSpec model (for error messages).
NOT_IN_SUNSPEC: dict[Role, dict[str, str]] = {
    Role.STORAGE: {
        "charged_wh": "SunSpec storage models 124, 713 and 802 have no charged-energy counter",
        "discharged_wh": "SunSpec storage models 124, 713 and 802 have no discharged-energy counter",
    },
}


def role_models(role: Role) -> tuple[int, ...]:
    """Every model id that can supply some quantity of ``role``, in preference order."""
    seen: dict[int, None] = {}
    for candidates in ROLE_MAP[role].values():
        for model_id, _, _ in candidates:
            seen.setdefault(model_id, None)
    return tuple(seen)
