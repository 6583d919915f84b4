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
    has_data: bool = True  # False: no device had any energy interval that day; its values are unknown (empty)

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
    end_ms: int | None  # None: still offline at the end of the month (or at the cut of a month in progress)


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
    cut_ms: int | None = None  # a month in progress: reported up to here (end of the last complete 15 minutes)
    generated_at_ms: int = 0  # when the report was made, UTC epoch ms
    software_version: str = ""  # energymon's version that made it
    database: str = ""  # the database file it was made from

    @property
    def in_progress(self) -> bool:
        """The month had not ended when the report was made: it covers [start_ms, cut_ms)."""
        return self.cut_ms is not None and self.cut_ms < self.end_ms

    @property
    def reported_end_ms(self) -> int:
        """The end of what the report covers: the month's end, or ``cut_ms`` for a month in progress."""
        return self.cut_ms if self.cut_ms is not None else self.end_ms

    def offline_hours(self, period: OfflinePeriod) -> float:
        """How long ``period`` lasted [h], from its start (before the month, if it began so) to its end, or to
        the end of what the report covers while still open."""
        end_ms = period.end_ms if period.end_ms is not None else self.reported_end_ms
        return max(0, end_ms - period.start_ms) / 3_600_000

    @property
    def days_without_data(self) -> int:
        """Days of the report with no data at all (empty in every file, not 0)."""
        return sum(1 for day in self.days if not day.has_data)
