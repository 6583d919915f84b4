"""What the monthly report holds: the month's figures as the builder (energymon.report.month) makes them.

Energies in Wh (``Flows``), masses in kg, shares in %, times as UTC epoch ms;
days are local dates of the site's time zone. Every file writer (CSV, XLSX,
PDF) reads only these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from drivers.quantities import Role
from energymon.accounting import tariffs
from energymon.accounting.flows import Flows, self_consumption_pct, self_sufficiency_pct
from energymon.events import Event
from energymon.report.quality_periods import QualityPeriod
from energymon.store.damage import DamagedSpan


class ReportError(ValueError):
    """The report cannot be made (message names the argument or the database)."""


@dataclass(frozen=True)
class DayRow:
    """One row of the daily table; ``day`` None for the month's total."""

    day: date | None
    flows: Flows
    avoided_co2_kg: float
    coal_saved_kgce: float
    coverage_pct: float
    estimated_intervals: int  # device-intervals whose energy was integrated from power
    spread_intervals: int  # device-intervals bridged by a counter delta across a gap

    @property
    def self_consumption_pct(self) -> float | None:
        return self_consumption_pct(self.flows.pv_wh, self.flows.grid_export_wh)

    @property
    def self_sufficiency_pct(self) -> float | None:
        return self_sufficiency_pct(self.flows.consumption_wh, self.flows.grid_import_wh)


@dataclass(frozen=True)
class DeviceMonth:
    device_id: str
    name: str
    role: Role
    rated_power_kw: float
    energy_wh: dict[str, float]  # flow name (Flows field) -> Wh over the month
    method: str  # "counter", "counter (rollups)", "power integration (estimated)", "no data"
    coverage_pct: float
    estimated_intervals: int
    spread_intervals: int


EventRow = Event  # the report lists the stored events as they are (energymon.events.Event)


@dataclass(frozen=True)
class OfflinePeriod:
    device_id: str
    start_ms: int
    end_ms: int | None  # None: still offline at the end of the month (or of the data)


@dataclass(frozen=True)
class Costs:
    """The month on the site's time-of-use tariff (from the ``[tariff]`` of the config the database records)."""

    tariff_name: str
    currency: str
    by_period: dict[str, tuple[float, float]]  # period -> (grid import kWh, cost), dearest period first
    savings: tariffs.Savings
    peak_demand_kw: float | None
    demand_charge: float | None  # None without a demand rate

    @property
    def energy_cost(self) -> float:
        """What the grid import cost less what the export earned."""
        return self.savings.import_cost - self.savings.export_revenue


@dataclass(frozen=True)
class MonthReport:
    site_name: str
    timezone: str
    month: str  # YYYY-MM
    start_ms: int  # first local midnight of the month, UTC epoch ms
    end_ms: int  # first local midnight of the next month
    days: tuple[DayRow, ...]
    total: DayRow
    devices: tuple[DeviceMonth, ...]
    peak_demand_kw: float | None  # highest 15-minute mean grid import of the month
    peak_demand_start_ms: int | None
    emission_factor_kg_per_kwh: float
    emission_factor_source: str
    coal_factor_kgce_per_kwh: float
    coal_factor_source: str
    events: tuple[EventRow, ...] = field(default=())
    offline_periods: tuple[OfflinePeriod, ...] = field(default=())
    quarter_import_wh: tuple[float, ...] = field(default=())  # grid import per 15-minute bucket of the month
    quarter_consumption_wh: tuple[float, ...] = field(default=())
    quarter_export_wh: tuple[float, ...] = field(default=())
    costs: Costs | None = None  # without a [tariff] in the recorded config
    quality_periods: tuple[QualityPeriod, ...] = field(default=())  # values frozen, stale or out of range
    damaged: tuple[DamagedSpan, ...] = field(default=())  # stored data that could not be read, left out (missing)
