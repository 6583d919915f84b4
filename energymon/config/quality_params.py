"""The optional ``[devices.quality]`` table of a site config: the data-quality thresholds of one device.

The collector judges every reading (energymon.collect.quality) for frozen
values, counters that stay flat while power flows, quantities that stop
coming, and values outside physical bounds. The defaults suit a device polled
every 1-60 s; a device may set its own::

    [devices.quality]
    frozen_polls = 30            # a measurement unchanged over this many answered polls ...
    frozen_min_s = 300           # ... and at least this long [s] (while the device's other values move)
    frozen_ignore = ["frequency_hz"]   # quantities never judged frozen on this device
    counter_flat_min_s = 600     # a counter flat this long [s] while power says energy flows
    counter_flow_pct = 2         # "energy flows": |power| above this share of the rated power [%]
    stale_polls = 5              # a quantity missing from this many answered polls in a row is stale
    range_clear_polls = 3        # an out-of-range quantity is normal again after this many good polls
    checks = ["frozen", "counter_flat", "stale", "range"]   # which checks run (default: all)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drivers.quantities import Role, allowed_for
from energymon.config.fields import FieldReader

FROZEN, COUNTER_FLAT, STALE, RANGE = "frozen", "counter_flat", "stale", "range"
CHECKS = (FROZEN, COUNTER_FLAT, STALE, RANGE)
KEYS = {
    "frozen_polls",
    "frozen_min_s",
    "frozen_ignore",
    "counter_flat_min_s",
    "counter_flow_pct",
    "stale_polls",
    "range_clear_polls",
    "checks",
}


@dataclass(frozen=True)
class QualityParams:
    """A device's data-quality thresholds (see the module docstring for each)."""

    frozen_polls: int = 30
    frozen_min_s: float = 300.0
    frozen_ignore: frozenset[str] = field(default_factory=frozenset)
    counter_flat_min_s: float = 600.0
    counter_flow_pct: float = 2.0
    stale_polls: int = 5
    range_clear_polls: int = 3
    checks: frozenset[str] = frozenset(CHECKS)

    def on(self, check: str) -> bool:
        """Whether ``check`` (``frozen``, ``counter_flat``, ``stale`` or ``range``) runs for this device."""
        return check in self.checks


def parse_quality(parser: FieldReader, t: Any, where: str, role: Role) -> QualityParams:
    """Validate a ``[devices.quality]`` table with the config's typed field reader (energymon.config.fields)."""
    if t is None:
        return QualityParams()
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table")
    parser.no_unknown(t, where, KEYS)
    return QualityParams(
        frozen_polls=parser.number(t, "frozen_polls", where, 2, 1_000_000, default=30, integer=True),
        frozen_min_s=float(parser.number(t, "frozen_min_s", where, 0, 10_000_000, default=300.0)),
        frozen_ignore=frozenset(_names(parser, t, "frozen_ignore", where, sorted(allowed_for(role)), role.value)),
        counter_flat_min_s=float(parser.number(t, "counter_flat_min_s", where, 1, 10_000_000, default=600.0)),
        counter_flow_pct=float(parser.number(t, "counter_flow_pct", where, 0.1, 100, default=2.0)),
        stale_polls=parser.number(t, "stale_polls", where, 1, 1_000_000, default=5, integer=True),
        range_clear_polls=parser.number(t, "range_clear_polls", where, 1, 1000, default=3, integer=True),
        checks=frozenset(_names(parser, t, "checks", where, list(CHECKS), None, default=CHECKS)),
    )


def _names(
    parser: FieldReader,
    t: dict,
    key: str,
    where: str,
    known: list[str],
    role: str | None,
    default: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """A list of names at ``t[key]``, each one of ``known``; errors name the item (``...frozen_ignore[1]``)."""
    value = t.get(key, list(default))
    if not isinstance(value, list):
        raise parser.error(f"{where}.{key}", 'expected a list of names, e.g. ["' + known[0] + '"]')
    for i, name in enumerate(value):
        if not isinstance(name, str) or name not in known:
            what = f"a quantity of a {role} device" if role else "a check"
            raise parser.error(f"{where}.{key}[{i}]", f"{name!r} is not {what} (one of: {', '.join(known)})")
    return tuple(value)
