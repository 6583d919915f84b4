"""The site model: what a validated site config says (frozen dataclasses).

Built by energymon.config.parse; see docs/configuration.md for the TOML format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from drivers.link import TRANSPORTS, LinkSettings
from drivers.profile import Profile
from drivers.quantities import DIRECTION_PAIRS, Role
from drivers.transformer_ratios import factor
from energymon.accounting.tariffs import Tariff
from energymon.config.alarms import AlarmRule
from energymon.config.publish import PublishSettings
from energymon.config.quality_params import QualityParams
from energymon.config.sim_params import SimParams

DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SUNSPEC = "sunspec"  # profile name: the register map is discovered from the device's SunSpec models
__all__ = ["DEVICE_ID", "SUNSPEC", "TRANSPORTS", "Carbon", "Config", "Connection", "Device", "Site", "Storage"]


@dataclass(frozen=True)
class Site:
    name: str
    timezone: str
    latitude: float
    longitude: float

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Carbon:
    emission_factor_kg_per_kwh: float
    source: str
    grid: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Storage:
    database: Path
    raw_retention_days: int = 35


@dataclass(frozen=True)
class Connection(LinkSettings):
    """A ``[connections.NAME]`` table: how to reach a Modbus line (drivers.link.LinkSettings), named."""

    name: str = ""


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    role: Role
    profile_name: str
    profile: Profile | None  # None for profile = "sunspec": built at run time from the discovered models
    connection: str
    unit: int
    poll_interval_s: float
    rated_power_kw: float
    invert: bool = False  # installed the other way round: power flipped and the counter pair swapped
    sim: SimParams = field(default_factory=SimParams)
    invert_power: bool = False  # only power has the wrong sign (the counters are right)
    swap_counters: bool = False  # only the counter pair is swapped (power is right)
    ct_ratio: float = 1.0  # current transformer: primary = secondary x ratio (drivers.transformer_ratios)
    pt_ratio: float = 1.0  # voltage transformer
    quality: QualityParams = field(default_factory=QualityParams)  # [devices.quality]: data-quality thresholds
    # pv only: the array's DC peak power at STC [kWp]; None: not configured (PV figures then per AC rated kW)
    dc_peak_power_kwp: float | None = None

    @property
    def flips_power(self) -> bool:
        """Whether the collector changes the sign of this device's power (``invert`` or ``invert_power``)."""
        return self.invert or self.invert_power

    @property
    def swaps_counters(self) -> bool:
        """Whether the collector exchanges this device's direction counters (``invert`` or ``swap_counters``)."""
        return self.invert or self.swap_counters

    def counter_wrap_at_wh(self, quantity: str) -> float | None:
        """Where the stored (primary, correctly oriented) counter ``quantity`` wraps to 0 [Wh], or None if unknown.

        The register's modulus (drivers.profile.Profile.counter_wrap_at) of the point the value comes from
        (the pair's other member when the counters are swapped), times the config's transformer ratios.
        Unknown for SunSpec devices (their map is found at run time), for floats, signed and scale-factor
        registers, and when the meter holds its own ratios (the modulus then depends on what it reads).
        """
        if self.profile is None or self.profile.held_ratios:
            return None
        source = quantity
        pair = DIRECTION_PAIRS.get(self.role)
        if self.swaps_counters and pair is not None and quantity in pair:
            source = pair[1] if quantity == pair[0] else pair[0]
        wrap = self.profile.counter_wrap_at(source)
        return None if wrap is None else wrap * factor(quantity, self.ct_ratio, self.pt_ratio)


@dataclass(frozen=True)
class Config:
    path: Path | None
    site: Site
    carbon: Carbon
    storage: Storage
    connections: dict[str, Connection]
    devices: tuple[Device, ...]
    tariff: Tariff | None = None  # optional [tariff]: time-of-use prices (energymon.accounting.tariffs)
    warnings: tuple[str, ...] = ()  # one line each, naming the file and field: valid but probably not meant
    alarms: tuple[AlarmRule, ...] = ()  # [[alarms]]: the engineer's alarm rules (energymon.config.alarms)
    publish: PublishSettings | None = None  # optional [publish]: the park's publisher (energymon.config.publish)

    def device(self, device_id: str) -> Device:
        for d in self.devices:
            if d.id == device_id:
                return d
        raise KeyError(device_id)
