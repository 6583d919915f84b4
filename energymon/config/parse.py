"""Site configuration (TOML): loading and validation of the format in docs/configuration.md.

Every error is a :class:`ConfigError` whose message names the file, the field
path (``devices[3].role``, counted from 0 in file order) and what was expected.
Unknown keys are errors, so typos never pass silently. The file is read as
drivers.toml_file reads it (a UTF-8 BOM dropped; a FIFO, device or folder, a
file over ``MAX_CONFIG_BYTES``, nesting deeper than the format has: one line);
connections that reach one gateway or serial port are warnings
(``Config.warnings``, energymon.config.endpoints), not errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drivers import toml_file
from drivers.profile import ProfileError, as_load_meter
from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.accounting.carbon import EXPLICIT_SOURCE, GRIDS, lookup_factor
from energymon.config.alarms import parse_alarms
from energymon.config.endpoints import shared_line_warnings
from energymon.config.fields import ConfigError, FieldReader
from energymon.config.model import (
    DEVICE_ID,
    SUNSPEC,
    TRANSPORTS,
    Carbon,
    Config,
    Connection,
    Device,
    Site,
    Storage,
)
from energymon.config.publish import parse_publish
from energymon.config.quality_params import parse_quality
from energymon.config.sim_params import SimParams, check_dispatch_tariffs, parse_sim
from energymon.config.tariff import parse_tariff

MAX_CONFIG_BYTES = 4 * toml_file.MIB  # a park of a thousand devices is well under 1 MiB


def read_config_text(path: str | Path) -> str:
    """The text of a site config file (its BOM dropped), as :func:`load_config` reads it; raises ConfigError."""
    try:
        return toml_file.read_text(Path(path), MAX_CONFIG_BYTES, "config file")
    except toml_file.TomlFileError as exc:
        raise ConfigError(str(exc)) from None


def load_config(path: str | Path) -> Config:
    """Read and validate a site config file; raises :class:`ConfigError`."""
    return parse_config(read_config_text(path), Path(path))


def parse_config(text: str, path: Path) -> Config:
    """Validate config ``text``; ``path`` names the file in errors and anchors relative paths."""
    try:
        data = toml_file.parse(text, path.name)
    except toml_file.TomlFileError as exc:
        raise ConfigError(str(exc)) from None
    return _SiteParser(path).parse(data)


class _SiteParser(FieldReader):
    """The sections of a site config, read with the typed getters of FieldReader."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.name)
        self.path = path
        self.base_dir = path.resolve().parent

    # -- sections --------------------------------------------------------
    def parse(self, data: dict) -> Config:
        for key in data:
            if key not in {"site", "carbon", "storage", "connections", "devices", "tariff", "alarms", "publish"}:
                raise self.error(
                    key,
                    "unknown section (expected site, carbon, storage, connections, devices, tariff, alarms, publish)",
                )
        site = self.site(self.table(data, "site", "site", {"name", "timezone", "latitude", "longitude"}))
        carbon = self.carbon(
            self.table(data, "carbon", "carbon", {"grid", "year", "emission_factor_kg_per_kwh"}, required=False)
        )
        storage = self.storage(
            self.table(data, "storage", "storage", {"database", "raw_retention_days"}, required=False)
        )
        connections = self.connections(data.get("connections"))
        devices = self.devices(data.get("devices"), connections)
        tariff = parse_tariff(self, data.get("tariff"), "tariff")
        check_dispatch_tariffs(self, [(d.id, d.sim) for d in devices], tariff)
        alarms = parse_alarms(self, data.get("alarms"), devices)
        warnings = shared_line_warnings(self.source, connections)
        publish = parse_publish(self, data.get("publish"), site.name, site.tz, self.base_dir)
        return Config(
            self.path, site, carbon, storage, connections, devices, tariff, warnings, alarms=alarms, publish=publish
        )

    def site(self, t: dict) -> Site:
        name = self.text(t, "name", "site")
        tz = self.text(t, "timezone", "site")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: e.g. 'Asia' is a tzdata folder
            raise self.error("site.timezone", f"unknown IANA time zone '{tz}' (e.g. Asia/Shanghai)") from None
        lat = self.number(t, "latitude", "site", -90, 90)
        lon = self.number(t, "longitude", "site", -180, 180)
        return Site(name, tz, float(lat), float(lon))

    def carbon(self, t: dict) -> Carbon:
        explicit = self.number(t, "emission_factor_kg_per_kwh", "carbon", 0, 5, required=False)
        grid = self.text(t, "grid", "carbon", required=False)
        year = self.number(t, "year", "carbon", 2000, 2100, integer=True, required=False)
        if grid is not None and grid not in GRIDS:
            raise self.error("carbon.grid", f"unknown grid '{grid}' (expected one of: {', '.join(GRIDS)})")
        if explicit is not None:
            return Carbon(float(explicit), EXPLICIT_SOURCE, grid, year)
        grid = grid or "national"
        factor = lookup_factor(grid, year)
        if factor is None:
            when = f" for {year}" if year else ""
            raise self.error(
                "carbon.grid",
                f"no built-in emission factor for grid '{grid}'{when}; set carbon.emission_factor_kg_per_kwh",
            )
        return Carbon(factor.kg_per_kwh, factor.source, grid, factor.year)

    def storage(self, t: dict) -> Storage:
        db = self.path_text(t, "database", "storage", default="energymon.db")
        retention = self.number(t, "raw_retention_days", "storage", 1, 36500, default=35, integer=True)
        db_path = Path(db).expanduser()
        if not db_path.is_absolute():
            db_path = self.base_dir / db_path
        return Storage(db_path, retention)

    def connections(self, value: Any) -> dict[str, Connection]:
        if value is None:
            raise self.error("connections", "missing: at least one [connections.NAME] table is required")
        if not isinstance(value, dict):
            raise self.error("connections", "expected tables [connections.NAME]")
        result = {}
        for name, t in value.items():
            where = f"connections.{name}"
            if not isinstance(t, dict):
                raise self.error(where, "expected a table")
            result[name] = self.connection(name, t, where)
        if not result:
            raise self.error("connections", "at least one connection is required")
        return result

    def connection(self, name: str, t: dict, where: str) -> Connection:
        transport = self.text(t, "transport", where)
        if transport not in TRANSPORTS:
            raise self.error(f"{where}.transport", f"'{transport}' is not one of: {', '.join(TRANSPORTS)}")
        allowed = {"transport", "timeout_s"}
        if transport != "tcp":
            allowed |= {"frame_delay_s", "resync_s"}
        allowed |= (
            {"serial_port", "baudrate", "parity", "stopbits", "bytesize"} if transport == "rtu" else {"host", "port"}
        )
        self.no_unknown(t, where, allowed)
        timing = {
            "timeout_s": float(self.number(t, "timeout_s", where, 0.05, 60, default=1.0)),
            "frame_delay_s": float(self.number(t, "frame_delay_s", where, 0, 10, default=0.0)),
            "resync_s": self.number(t, "resync_s", where, 0, 60, required=False),
        }
        if transport != "rtu":
            return Connection(
                name=name,
                transport=transport,
                host=self.path_text(t, "host", where),
                port=self.number(t, "port", where, 1, 65535, integer=True),
                **timing,
            )
        parity = t.get("parity", "N")
        if parity not in ("N", "E", "O"):
            raise self.error(f"{where}.parity", f"expected N, E or O, got {parity!r}")
        return Connection(
            name=name,
            transport=transport,
            serial_port=self.path_text(t, "serial_port", where),
            baudrate=self.number(t, "baudrate", where, 300, 921600, default=9600, integer=True),
            parity=parity,
            stopbits=self.number(t, "stopbits", where, 1, 2, default=1, integer=True),
            bytesize=self.number(t, "bytesize", where, 7, 8, default=8, integer=True),
            **timing,
        )

    def devices(self, value: Any, connections: dict[str, Connection]) -> tuple[Device, ...]:
        if value is None:
            raise self.error("devices", "missing: at least one [[devices]] entry is required")
        if not isinstance(value, list):
            raise self.error("devices", "expected [[devices]] entries")
        devices: list[Device] = []
        seen: dict[str, int] = {}
        seen_units: dict[tuple[str, int, Role], str] = {}
        for i, t in enumerate(value):
            where = f"devices[{i}]"
            if not isinstance(t, dict):
                raise self.error(where, "expected a table")
            try:
                devices.append(self.device(t, where, i, connections, seen, seen_units))
            except ConfigError as exc:
                dev_id = t.get("id")
                if isinstance(dev_id, str) and f"'{dev_id}'" not in str(exc):
                    raise ConfigError(f"{exc} (device '{dev_id}')") from None
                raise
        if not devices:
            raise self.error("devices", "at least one device is required")
        return tuple(devices)

    def device(
        self,
        t: dict,
        where: str,
        i: int,
        connections: dict[str, Connection],
        seen: dict[str, int],
        seen_units: dict[tuple[str, int, Role], str],
    ) -> Device:
        allowed = {
            "id",
            "name",
            "role",
            "profile",
            "connection",
            "unit",
            "poll_interval_s",
            "rated_power_kw",
            "dc_peak_power_kwp",
            "invert",
            "invert_power",
            "swap_counters",
            "ct_ratio",
            "pt_ratio",
            "sim",
            "quality",
        }
        self.no_unknown(t, where, allowed)
        dev_id = self.text(t, "id", where)
        if not DEVICE_ID.match(dev_id):
            raise self.error(f"{where}.id", f"'{dev_id}' may only use letters, digits, '-' and '_' (max 64)")
        if dev_id in seen:
            raise self.error(f"{where}.id", f"duplicate device id '{dev_id}' (also devices[{seen[dev_id]}])")
        seen[dev_id] = i
        name = self.text(t, "name", where, default=dev_id)
        role = self.role(t, "role", where)
        conn = self.text(t, "connection", where)
        if conn not in connections:
            known = ", ".join(sorted(connections))
            raise self.error(f"{where}.connection", f"no connection named '{conn}' (defined: {known})")
        unit = self.number(t, "unit", where, 0, 255, default=1, integer=True)
        # A hybrid inverter is two devices (pv and storage) on one unit; two of one role is a mistake.
        if (conn, unit, role) in seen_units:
            raise self.error(
                f"{where}.unit",
                f"unit {unit} on '{conn}' is already used by "
                f"'{seen_units[(conn, unit, role)]}' (same role {role.value})",
            )
        seen_units[(conn, unit, role)] = dev_id
        poll = self.number(t, "poll_interval_s", where, 0.1, 3600, default=5)
        # A weather sensor has no power: its rated power is not asked for (0: none).
        rated = self.number(t, "rated_power_kw", where, 0.001, 1_000_000, required=role is not Role.METEO) or 0.0
        invert, invert_power, swap_counters = (
            self.flag(t, key, where) for key in ("invert", "invert_power", "swap_counters")
        )
        if invert and (invert_power or swap_counters):
            which = "invert_power" if invert_power else "swap_counters"
            raise self.error(
                f"{where}.{which}",
                "invert = true already flips power and swaps the counters: set invert, or the two alone",
            )
        ratios: dict[str, Any] = {
            "invert_power": invert_power,
            "swap_counters": swap_counters,
            "ct_ratio": float(self.number(t, "ct_ratio", where, 0.001, 100_000, default=1.0)),
            "pt_ratio": float(self.number(t, "pt_ratio", where, 0.001, 100_000, default=1.0)),
            "quality": parse_quality(self, t.get("quality"), f"{where}.quality", role),
            "dc_peak_power_kwp": self.dc_peak_power(t, where, role),
        }
        profile_name = self.path_text(t, "profile", where)
        if profile_name == SUNSPEC:
            if role is Role.METEO:
                raise self.error(f"{where}.profile", "a meteo device is read with a profile file, not SunSpec")
            sim = self.sim(t.get("sim"), f"{where}.sim", role)
            return Device(
                dev_id, name, role, profile_name, None, conn, unit, float(poll), float(rated), invert, sim, **ratios
            )
        try:
            profile = load_profile(profile_name, self.base_dir)
        except ProfileError as exc:
            raise self.error(f"{where}.profile", str(exc)) from None
        for held in sorted(profile.held_ratios):
            if t.get(held, 1.0) != 1.0:
                raise self.error(
                    f"{where}.{held}",
                    f"profile '{profile.name}' reads the {held} from the meter's registers: set the ratio in the "
                    "meter, not here (a simulated meter takes it from [devices.sim])",
                )
        if role is Role.LOAD and profile.role is Role.GRID:
            profile = as_load_meter(profile)  # a meter profile serves load meters too
        if profile.role != role:
            raise self.error(
                f"{where}.profile",
                f"profile '{profile.name}' is for role {profile.role.value}, but the device's role is {role.value}",
            )
        sim = self.sim(t.get("sim"), f"{where}.sim", role)
        return Device(
            dev_id, name, role, profile_name, profile, conn, unit, float(poll), float(rated), invert, sim, **ratios
        )

    def dc_peak_power(self, t: dict, where: str, role: Role) -> float | None:
        """``dc_peak_power_kwp`` [kWp] of a pv device (None: not set); the simulator sizes its array by it, so
        ``sim.dc_ac_ratio`` may not say it a second time."""
        if "dc_peak_power_kwp" not in t:
            return None
        if role is not Role.PV:
            raise self.error(
                f"{where}.dc_peak_power_kwp", f"only a pv device has a DC peak power (this one's role is {role.value})"
            )
        kwp = self.number(t, "dc_peak_power_kwp", where, 0.001, 1_000_000)
        sim = t.get("sim")
        if isinstance(sim, dict) and "dc_ac_ratio" in sim:
            raise self.error(
                f"{where}.sim.dc_ac_ratio",
                "dc_peak_power_kwp already sizes the simulated array: set one of the two, not both",
            )
        return float(kwp)

    def sim(self, t: Any, where: str, role: Role) -> SimParams:
        return parse_sim(self, t, where, role)
