"""The ``[[alarms]]`` tables of a site config: the alarms an engineer configures, validated into AlarmRule.

Each rule watches one quantity of one subject (a device, the total of a role's
devices, or the site) and starts an alarm when the value has been beyond its
limit for ``for_s`` seconds; the alarm ends when the value is back by
``clear_margin`` (hysteresis, so a value sitting at the limit does not flap).
The collector judges the rules (energymon.collect.alarms). Kinds::

    threshold            device/role/site + quantity, above or below a limit (the quantity's unit)
    demand_15min         the site's 15-minute mean import power at warn_pct % of contracted_kw [kW]
    battery_temperature  a storage device's temperature_c above a limit [degC] (default 45)
    soc_low              a storage device's soc_pct below a limit [%] (default 10)
    pv_underperforming   an inverter's kW per rated kW below ``ratio`` x the park median of the same

``kind`` defaults to ``threshold`` and ``id`` to ``alarm-N`` (its place, from 1).
Every error is one line naming the field (``site.toml: alarms[2].device: ...``);
docs/configuration.md describes the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from drivers.quantities import QUANTITIES, RATIOS, Kind, Role, allowed_for
from energymon.config.fields import FieldReader
from energymon.events import SEVERITIES, WARNING


class Device(Protocol):
    """What the rules need of a device (energymon.config.model.Device, which imports this module)."""

    @property
    def id(self) -> str: ...
    @property
    def role(self) -> Role: ...


THRESHOLD, DEMAND_15MIN, BATTERY_TEMPERATURE, SOC_LOW, PV_UNDERPERFORMING = (
    "threshold",
    "demand_15min",
    "battery_temperature",
    "soc_low",
    "pv_underperforming",
)
ALARM_KINDS = (THRESHOLD, DEMAND_15MIN, BATTERY_TEMPERATURE, SOC_LOW, PV_UNDERPERFORMING)
ABOVE, BELOW = "above", "below"
RULE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # like a device id: it starts each alarm event's detail

# The site's own quantities [W], from the latest fresh readings of its devices (energymon.collect.alarms).
SITE_IMPORT, SITE_EXPORT, SITE_PV, SITE_CONSUMPTION = "import_power_w", "export_power_w", "pv_power_w", "consumption_w"
SITE_QUANTITIES = (SITE_IMPORT, SITE_EXPORT, SITE_PV, SITE_CONSUMPTION)
_NEEDS = {SITE_IMPORT: Role.GRID, SITE_EXPORT: Role.GRID, SITE_PV: Role.PV, SITE_CONSUMPTION: Role.GRID}
DEMAND_QUANTITY = "demand_15min_kw"  # the rolling 15-minute mean of the site's import power [kW]
PV_RATIO_QUANTITY = "ratio_to_park_median"  # (kW / rated kW) of an inverter over the park median of the same
MIN_PEERS = 3  # pv_underperforming needs at least this many inverters with fresh readings for a median

DEFAULT_CLEAR_PCT = 2.0  # default clear_margin: this share of |limit| [%]
_BIG = 1e12
_COMMON = {"id", "name", "severity", "kind", "for_s", "clear_margin"}
_KEYS = {
    THRESHOLD: _COMMON | {"device", "role", "site", "quantity", "above", "below"},
    DEMAND_15MIN: _COMMON | {"contracted_kw", "warn_pct"},
    BATTERY_TEMPERATURE: _COMMON | {"device", "above"},
    SOC_LOW: _COMMON | {"device", "below"},
    PV_UNDERPERFORMING: _COMMON | {"ratio", "min_park_ratio"},
}


@dataclass(frozen=True)
class AlarmRule:
    """One ``[[alarms]]`` table, validated.

    The subject: ``device`` (one device id), else ``role`` (the sum over that role's devices), else the site
    (``site``: its quantity is one of SITE_QUANTITIES); the kinds battery_temperature, soc_low and
    pv_underperforming without a ``device`` watch each device of their role, one alarm each.
    ``limit`` and ``clear_margin`` are in the unit of ``quantity`` (kW for demand_15min, a ratio for
    pv_underperforming); the alarm starts after the value has been beyond ``limit`` (``direction``)
    for ``for_s`` seconds and ends when it is back by ``clear_margin``.
    """

    id: str
    name: str
    severity: str
    kind: str
    quantity: str
    direction: str  # ABOVE or BELOW
    limit: float
    clear_margin: float
    for_s: float = 0.0
    device: str | None = None
    role: Role | None = None
    site: bool = False
    contracted_kw: float | None = None  # demand_15min
    min_park_ratio: float = 0.1  # pv_underperforming: judged only while the park median is above this

    def beyond(self, value: float) -> bool:
        """Whether ``value`` is past the limit (the alarm's condition)."""
        return value > self.limit if self.direction == ABOVE else value < self.limit

    def back(self, value: float) -> bool:
        """Whether ``value`` is back inside the limit by the clear margin (the alarm ends)."""
        if self.direction == ABOVE:
            return value <= self.limit - self.clear_margin
        return value >= self.limit + self.clear_margin

    @property
    def unit(self) -> str:
        """The unit of ``limit``, ``clear_margin`` and the watched values ("" for a ratio)."""
        if self.kind == DEMAND_15MIN:
            return "kW"
        if self.quantity in QUANTITIES:
            return QUANTITIES[self.quantity].unit
        return "W" if self.quantity in SITE_QUANTITIES else ""


def parse_alarms(parser: FieldReader, value: Any, devices: tuple[Device, ...]) -> tuple[AlarmRule, ...]:
    """Validate the ``[[alarms]]`` list (None: no alarms) against the site's ``devices``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise parser.error("alarms", "expected [[alarms]] entries")
    rules: list[AlarmRule] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(value):
        where = f"alarms[{i}]"
        if not isinstance(t, dict):
            raise parser.error(where, "expected a table")
        rule = _rule(parser, t, where, devices, f"alarm-{i + 1}")
        if rule.id in seen:
            raise parser.error(f"{where}.id", f"duplicate alarm id '{rule.id}' (also alarms[{seen[rule.id]}])")
        seen[rule.id] = i
        rules.append(rule)
    return tuple(rules)


def _rule(parser: FieldReader, t: dict, where: str, devices: tuple[Device, ...], default_id: str) -> AlarmRule:
    kind = parser.text(t, "kind", where, default=THRESHOLD)
    if kind not in ALARM_KINDS:
        raise parser.error(f"{where}.kind", f"unknown alarm kind '{kind}' (expected one of: {', '.join(ALARM_KINDS)})")
    parser.no_unknown(t, where, _KEYS[kind])
    rule_id = parser.text(t, "id", where, default=default_id)
    if not RULE_ID.match(rule_id):
        raise parser.error(f"{where}.id", f"'{rule_id}' may only use letters, digits, '-' and '_' (max 64)")
    severity = parser.text(t, "severity", where, default=WARNING)
    if severity not in SEVERITIES:
        raise parser.error(f"{where}.severity", f"'{severity}' is not one of: {', '.join(SEVERITIES)}")
    common: dict[str, Any] = {
        "id": rule_id,
        "name": parser.text(t, "name", where, default=rule_id),
        "severity": severity,
        "kind": kind,
        "for_s": float(parser.number(t, "for_s", where, 0, 7 * 86400, default=0)),
    }
    if kind == THRESHOLD:
        return _threshold(parser, t, where, devices, common)
    if kind == DEMAND_15MIN:
        _needs(parser, f"{where}.kind", devices, SITE_IMPORT)
        contracted = float(parser.number(t, "contracted_kw", where, 0.001, 10_000_000))
        warn_pct = float(parser.number(t, "warn_pct", where, 1, 200, default=90))
        limit = contracted * warn_pct / 100
        return AlarmRule(
            quantity=DEMAND_QUANTITY,
            direction=ABOVE,
            limit=limit,
            clear_margin=_margin(parser, t, where, limit),
            site=True,
            contracted_kw=contracted,
            **common,
        )
    if kind == PV_UNDERPERFORMING:
        pv = [d for d in devices if d.role is Role.PV]
        if len(pv) < MIN_PEERS:
            raise parser.error(
                f"{where}.kind",
                f"pv_underperforming compares an inverter with its peers: needs at least {MIN_PEERS} pv devices, "
                f"the site has {len(pv)}",
            )
        ratio = float(parser.number(t, "ratio", where, 0.01, 1, default=0.7))
        return AlarmRule(
            quantity=PV_RATIO_QUANTITY,
            direction=BELOW,
            limit=ratio,
            clear_margin=float(parser.number(t, "clear_margin", where, 0, 1, default=0.05)),
            role=Role.PV,
            min_park_ratio=float(parser.number(t, "min_park_ratio", where, 0, 1, default=0.1)),
            **common,
        )
    # battery_temperature, soc_low: each storage device, or the one named
    storage = [d for d in devices if d.role is Role.STORAGE]
    device = _device(parser, t, where, devices, required=False)
    if device is not None and device.role is not Role.STORAGE:
        raise parser.error(f"{where}.device", f"'{device.id}' is a {device.role.value} device, not storage")
    if device is None and not storage:
        raise parser.error(f"{where}.kind", f"{kind} watches storage devices, and the site has none")
    if kind == BATTERY_TEMPERATURE:
        quantity, direction, limit = (
            "temperature_c",
            ABOVE,
            float(parser.number(t, "above", where, -50, 150, default=45)),
        )
    else:
        quantity, direction, limit = "soc_pct", BELOW, float(parser.number(t, "below", where, 0, 100, default=10))
    return AlarmRule(
        quantity=quantity,
        direction=direction,
        limit=limit,
        clear_margin=_margin(parser, t, where, limit, minimum=1.0),
        device=device.id if device is not None else None,
        role=None if device is not None else Role.STORAGE,
        **common,
    )


def _threshold(
    parser: FieldReader, t: dict, where: str, devices: tuple[Device, ...], common: dict[str, Any]
) -> AlarmRule:
    subjects = [key for key in ("device", "role", "site") if key in t]
    if len(subjects) != 1:
        got = " and ".join(subjects) if subjects else "none"
        raise parser.error(where, f"a threshold alarm watches exactly one of device, role or site (got {got})")
    sides = [key for key in (ABOVE, BELOW) if key in t]
    if len(sides) != 1:
        got = " and ".join(sides) if sides else "neither"
        raise parser.error(where, f"a threshold alarm needs exactly one of above or below (got {got})")
    direction = sides[0]
    limit = float(parser.number(t, direction, where, -_BIG, _BIG))
    subject: dict[str, Any] = {}
    if subjects[0] == "site":
        quantity = parser.text(t, "site", where)
        if quantity not in SITE_QUANTITIES:
            raise parser.error(f"{where}.site", f"'{quantity}' is not one of: {', '.join(SITE_QUANTITIES)}")
        if "quantity" in t:
            raise parser.error(f"{where}.quantity", "not used with site (site names the quantity)")
        _needs(parser, f"{where}.site", devices, quantity)
        subject["site"] = True
    else:
        quantity = parser.text(t, "quantity", where)
        if subjects[0] == "device":
            device = _device(parser, t, where, devices, required=True)
            assert device is not None
            known = sorted(
                q for q in allowed_for(device.role) if q not in RATIOS and QUANTITIES[q].kind is Kind.MEASUREMENT
            )
            owner = f"of a {device.role.value} device"
            subject["device"] = device.id
        else:
            role = parser.role(t, "role", where)
            if not any(d.role is role for d in devices):
                raise parser.error(f"{where}.role", f"the site has no {role.value} device")
            known = sorted(q for q in allowed_for(role) if QUANTITIES[q].unit == "W")  # a total is of a power
            owner = f"summed over {role.value} devices (a power)"
            subject["role"] = role
        if quantity in QUANTITIES and QUANTITIES[quantity].kind is Kind.COUNTER:
            raise parser.error(f"{where}.quantity", f"'{quantity}' is a counter: watch a measurement")
        if quantity not in known:
            raise parser.error(
                f"{where}.quantity", f"'{quantity}' is not a quantity {owner} (one of: {', '.join(known)})"
            )
    return AlarmRule(
        quantity=quantity,
        direction=direction,
        limit=limit,
        clear_margin=_margin(parser, t, where, limit),
        **subject,
        **common,
    )


def _needs(parser: FieldReader, where: str, devices: tuple[Device, ...], quantity: str) -> None:
    """A site quantity needs a device of its role (the import power a grid meter, say)."""
    role = _NEEDS[quantity]
    if not any(d.role is role for d in devices):
        raise parser.error(where, f"{quantity} is measured by {role.value} devices, and the site has none")


def _device(parser: FieldReader, t: dict, where: str, devices: tuple[Device, ...], required: bool) -> Device | None:
    device_id = parser.text(t, "device", where, required=required)
    if device_id is None:
        return None
    for device in devices:
        if device.id == device_id:
            return device
    known = ", ".join(d.id for d in devices)
    raise parser.error(f"{where}.device", f"no device '{device_id}' (defined: {known})")


def _margin(parser: FieldReader, t: dict, where: str, limit: float, minimum: float = 0.0) -> float:
    """``clear_margin`` (>= 0, in the limit's unit); default DEFAULT_CLEAR_PCT % of |limit| (at least ``minimum``)."""
    default = max(abs(limit) * DEFAULT_CLEAR_PCT / 100, minimum)
    return float(parser.number(t, "clear_margin", where, 0, _BIG, default=default))
