"""What the GUI and summaries need to know about a site, from a config or from a database.

The database records the site and devices it was written with, so a viewer can
work from ``--db`` alone (e.g. a database copied from another PC).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from drivers.quantities import Role
from energymon.config import Config


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    name: str
    role: Role
    rated_power_kw: float
    poll_interval_s: float
    address: str
    unit: int
    dc_peak_power_kwp: float | None = None  # pv: the array's DC peak power [kWp] as configured; None: not given


@dataclass(frozen=True)
class SiteInfo:
    name: str
    timezone: str
    emission_factor_kg_per_kwh: float
    emission_factor_source: str
    devices: tuple[DeviceInfo, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def roles(self) -> dict[str, Role]:
        return {d.id: d.role for d in self.devices}

    @property
    def rated_w(self) -> dict[str, float | None]:
        """Each device's rated power [W] (None where the database holds none)."""
        return {d.id: None if not d.rated_power_kw else float(d.rated_power_kw) * 1000 for d in self.devices}

    def device(self, device_id: str) -> DeviceInfo | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def ids(self, role: Role) -> list[str]:
        return [d.id for d in self.devices if d.role is role]

    @classmethod
    def from_config(cls, config: Config) -> SiteInfo:
        devices = tuple(
            DeviceInfo(
                d.id,
                d.name,
                d.role,
                d.rated_power_kw,
                d.poll_interval_s,
                config.connections[d.connection].address,
                d.unit,
                d.dc_peak_power_kwp,
            )
            for d in config.devices
        )
        return cls(
            config.site.name,
            config.site.timezone,
            config.carbon.emission_factor_kg_per_kwh,
            config.carbon.source,
            devices,
        )

    @classmethod
    def from_db(cls, site: dict, device_rows: list[dict]) -> SiteInfo:
        """From ``StoreReader.site()`` and ``StoreReader.devices()`` (a database written before migration m006
        has no ``dc_peak_power_kwp`` column: None)."""
        devices = tuple(
            DeviceInfo(
                r["id"],
                r["name"],
                Role(r["role"]),
                r["rated_power_kw"],
                r["poll_interval_s"],
                r["address"],
                r["unit"],
                r.get("dc_peak_power_kwp"),
            )
            for r in device_rows
        )
        return cls(
            site["name"], site["timezone"], site["emission_factor_kg_per_kwh"], site["emission_factor_source"], devices
        )
