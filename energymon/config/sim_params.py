"""The optional ``[devices.sim]`` table of a site config: parameters for the simulator only.

::

    [devices.sim]
    dc_ac_ratio = 1.2                  # pv: DC array size over rated AC power
    capacity_kwh = 1000                # storage: usable capacity (default 2 h at rated power)
    soc_min_pct = 10                   # storage: SoC window
    soc_max_pct = 95
    max_charge_kw = 500                # storage: power limits (default rated power)
    max_discharge_kw = 500
    round_trip_efficiency = 0.90       # storage: AC to AC
    dispatch = "pv-surplus"            # storage: pv-surplus | time-of-use | peak-shaving
    charge_window = "00:00-06:00"      # storage, time-of-use: charge from the grid (local time)
    discharge_window = "17:00-22:00"   # storage: discharge into the evening peak (local time)
    demand_limit_kw = 2600             # storage, peak-shaving (required): the site's grid import limit
    shaving_reserve_pct = 10           # storage, peak-shaving: SoC above soc_min_pct kept for shaving
    load_shape = "warehouse"           # load: warehouse | office | ev-fleet
    base_load_kw = 380                 # load: mean load the shape is scaled to
    ct_ratio = 40                      # meter: the ratios it holds, for profiles that read them (default 1)
    pt_ratio = 100

    [[devices.sim.faults]]             # injected faults, for testers (see FAULT_KINDS)
    kind = "black-hole"
    start_after_s = 60                 # seconds after the simulator starts (default 0)
    duration_s = 120                   # default: until the simulator stops
    delay_s = 2.5                      # kind = "slow": answer this late
    exception_code = 6                 # kind = "exception": the Modbus exception code (default 6, busy)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drivers.quantities import Role
from energymon.accounting.tariffs import Tariff
from energymon.config.fields import FieldReader

LOAD_SHAPES = ("warehouse", "office", "ev-fleet")
DISPATCH_MODES = ("pv-surplus", "time-of-use", "peak-shaving")
FAULT_KINDS = {
    "offline": "connection refused (alone on its port) or gateway exception 0x0B (behind a gateway)",
    "black-hole": "requests are accepted and never answered",
    "slow": "answers arrive delay_s late",
    "exception": "every request gets a Modbus exception response (exception_code)",
    "garbage": "answers are random bytes",
    "counter-wrap": "energy counters run in 32 bits and are about to wrap",
    "counter-reset": "energy counters restart from zero, as after a meter replacement",
    "frozen": "the device repeats the values it had when the fault began",
    "frozen-power": "the device repeats its active power (power_w) from the fault's start; everything else moves on",
    "not-implemented": "every point reads its 'not implemented' value",
}
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Fault:
    kind: str
    start_after_s: float = 0.0
    duration_s: float | None = None  # None: until the simulator stops
    delay_s: float = 5.0
    exception_code: int = 6

    def active(self, elapsed_s: float) -> bool:
        """Whether the fault is on ``elapsed_s`` seconds after the simulator started."""
        if elapsed_s < self.start_after_s:
            return False
        return self.duration_s is None or elapsed_s < self.start_after_s + self.duration_s


@dataclass(frozen=True)
class SimParams:
    dc_ac_ratio: float = 1.2
    capacity_kwh: float | None = None
    soc_min_pct: float = 10.0
    soc_max_pct: float = 95.0
    max_charge_kw: float | None = None
    max_discharge_kw: float | None = None
    round_trip_efficiency: float = 0.90
    dispatch: str = "pv-surplus"
    charge_window: tuple[float, float] = (0.0, 6.0)  # local hours [start, end)
    discharge_window: tuple[float, float] = (17.0, 22.0)
    demand_limit_kw: float | None = None  # peak-shaving: the site's grid import limit (energymon.sim.dispatch)
    shaving_reserve_pct: float = 10.0
    load_shape: str | None = None
    base_load_kw: float | None = None
    faults: tuple[Fault, ...] = field(default=())
    ct_ratio: float = 1.0  # ratios a simulated meter holds in its registers (profiles that map ct_ratio/pt_ratio)
    pt_ratio: float = 1.0


def parse_window(text: Any) -> tuple[float, float] | None:
    """``"HH:MM-HH:MM"`` -> (start hour, end hour); None if malformed. An end before the start wraps midnight."""
    if not isinstance(text, str):
        return None
    m = _WINDOW.match(text.strip())
    if not m:
        return None
    start = int(m.group(1)) + int(m.group(2)) / 60
    end = int(m.group(3)) + int(m.group(4)) / 60
    if end > 24 or start == end:
        return None
    return start, end


def in_window(hour: float, window: tuple[float, float]) -> bool:
    start, end = window
    return start <= hour < end if start < end else (hour >= start or hour < end)


def parse_fault_spec(text: str) -> tuple[str, Fault]:
    """``DEVICE:KIND[@START_S[+DURATION_S]]`` (CLI ``--fault``) -> (device id, Fault); ValueError if malformed."""
    m = re.fullmatch(r"([A-Za-z0-9_-]+):([a-z-]+)(?:@(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?)?", text.strip())
    if not m:
        raise ValueError(f"'{text}' is not DEVICE:KIND[@START_S[+DURATION_S]]")
    kind = m.group(2)
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind '{kind}' (expected one of: {', '.join(FAULT_KINDS)})")
    start = float(m.group(3)) if m.group(3) else 0.0
    duration = float(m.group(4)) if m.group(4) else None
    return m.group(1), Fault(kind, start, duration)


def parse_sim(parser: FieldReader, t: Any, where: str, role: Role) -> SimParams:
    """Validate a ``[devices.sim]`` table with the config's typed field reader (energymon.config.fields)."""
    if t is None:
        return SimParams()
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table")
    parser.no_unknown(
        t,
        where,
        {
            "dc_ac_ratio",
            "capacity_kwh",
            "soc_min_pct",
            "soc_max_pct",
            "max_charge_kw",
            "max_discharge_kw",
            "round_trip_efficiency",
            "dispatch",
            "charge_window",
            "discharge_window",
            "demand_limit_kw",
            "shaving_reserve_pct",
            "load_shape",
            "base_load_kw",
            "faults",
            "ct_ratio",
            "pt_ratio",
        },
    )
    values: dict[str, Any] = {
        "dc_ac_ratio": parser.number(t, "dc_ac_ratio", where, 0.5, 3, default=1.2),
        "capacity_kwh": parser.number(t, "capacity_kwh", where, 0.001, 1e7, required=False),
        "soc_min_pct": parser.number(t, "soc_min_pct", where, 0, 100, default=10.0),
        "soc_max_pct": parser.number(t, "soc_max_pct", where, 0, 100, default=95.0),
        "max_charge_kw": parser.number(t, "max_charge_kw", where, 0, 1e6, required=False),
        "max_discharge_kw": parser.number(t, "max_discharge_kw", where, 0, 1e6, required=False),
        "round_trip_efficiency": parser.number(t, "round_trip_efficiency", where, 0.5, 1.0, default=0.90),
        "base_load_kw": parser.number(t, "base_load_kw", where, 0, 1e6, required=False),
        "ct_ratio": parser.number(t, "ct_ratio", where, 0.001, 100_000, default=1.0),
        "pt_ratio": parser.number(t, "pt_ratio", where, 0.001, 100_000, default=1.0),
        "demand_limit_kw": parser.number(t, "demand_limit_kw", where, 0, 1e7, required=False),
        "shaving_reserve_pct": parser.number(t, "shaving_reserve_pct", where, 0, 100, default=10.0),
    }
    if values["soc_min_pct"] >= values["soc_max_pct"]:
        raise parser.error(f"{where}.soc_min_pct", "must be below soc_max_pct")
    dispatch = t.get("dispatch", "pv-surplus")
    if dispatch not in DISPATCH_MODES:
        raise parser.error(f"{where}.dispatch", f"'{dispatch}' is not one of: {', '.join(DISPATCH_MODES)}")
    values["dispatch"] = dispatch
    if dispatch == "peak-shaving":
        if values["demand_limit_kw"] is None:
            raise parser.error(f"{where}.demand_limit_kw", 'required with dispatch = "peak-shaving"')
        if values["soc_min_pct"] + values["shaving_reserve_pct"] >= values["soc_max_pct"]:
            raise parser.error(
                f"{where}.shaving_reserve_pct", "soc_min_pct + shaving_reserve_pct must be below soc_max_pct"
            )
    for key, default in (("charge_window", (0.0, 6.0)), ("discharge_window", (17.0, 22.0))):
        if key in t:
            window = parse_window(t[key])
            if window is None:
                raise parser.error(f"{where}.{key}", f'expected "HH:MM-HH:MM" local time, got {t[key]!r}')
            values[key] = window
        else:
            values[key] = default
    shape = t.get("load_shape")
    if shape is not None and shape not in LOAD_SHAPES:
        raise parser.error(f"{where}.load_shape", f"'{shape}' is not one of: {', '.join(LOAD_SHAPES)}")
    values["load_shape"] = shape
    values["faults"] = _faults(parser, t.get("faults", []), f"{where}.faults")
    return SimParams(**values)


def _faults(parser: FieldReader, rows: Any, where: str) -> tuple[Fault, ...]:
    if not isinstance(rows, list):
        raise parser.error(where, "expected [[devices.sim.faults]] tables")
    faults = []
    for i, row in enumerate(rows):
        at = f"{where}[{i}]"
        if not isinstance(row, dict):
            raise parser.error(at, "expected a table")
        parser.no_unknown(row, at, {"kind", "start_after_s", "duration_s", "delay_s", "exception_code"})
        kind = row.get("kind")
        if kind not in FAULT_KINDS:
            raise parser.error(f"{at}.kind", f"expected one of: {', '.join(FAULT_KINDS)}")
        faults.append(
            Fault(
                kind,
                float(parser.number(row, "start_after_s", at, 0, 1e9, default=0.0)),
                parser.number(row, "duration_s", at, 0.001, 1e9, required=False),
                float(parser.number(row, "delay_s", at, 0, 3600, default=5.0)),
                parser.number(row, "exception_code", at, 1, 255, default=6, integer=True),
            )
        )
    return tuple(faults)


def check_dispatch_tariffs(parser: FieldReader, sims: Sequence[tuple[str, SimParams]], tariff: Tariff | None) -> None:
    """``dispatch = "peak-shaving"`` follows the site's ``[tariff]``: without one it is an error naming the device.

    ``sims``: (device id, its parameters) of every device, in config order.
    """
    if tariff is not None:
        return
    for i, (device_id, sim) in enumerate(sims):
        if sim.dispatch == "peak-shaving":
            raise parser.error(
                f"devices[{i}].sim.dispatch",
                '"peak-shaving" discharges into the tariff\'s sharp and peak periods: add a [tariff] '
                f"(docs/configuration.md) or choose time-of-use (device '{device_id}')",
            )
