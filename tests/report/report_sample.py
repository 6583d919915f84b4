"""A hand-made MonthReport for the report files' tests (no database).

Three days by default, one of them without PV (self-consumption undefined),
estimated and gap-spread intervals, events (one with a formula-like detail)
and an offline period; a device name that looks like a formula.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from drivers.quantities import Role
from energymon.accounting.flows import Flows
from energymon.report.month import DayRow, DeviceMonth, EventRow, MonthReport, offline_periods

TZ = "Asia/Shanghai"
INJECTION_NAME = '=HYPERLINK("http://evil.example","click")'
INJECTION_DETAIL = "+cmd|' /C calc'!A0"


def _ms(day: date, hour: int, minute: int = 0) -> int:
    return int(datetime.combine(day, time(hour, minute), ZoneInfo(TZ)).timestamp() * 1000)


def _day(
    day: date | None, flows: Flows, coverage: float, estimated: int, spread: int, factor: float, coal: float
) -> DayRow:
    return DayRow(day, flows, flows.pv_wh / 1000 * factor, flows.pv_wh / 1000 * coal, coverage, estimated, spread)


def make_report(
    days: int = 3, site: str = "Xi'an logistics park 西安物流园", month: str = "2026-10", scale: float = 1.0
) -> MonthReport:
    """A report of ``days`` days with plausible numbers; day 2 has no PV (an overcast day with the PV off)."""
    factor, coal = 0.5543, 0.3007
    first = date.fromisoformat(month + "-01")
    zone = ZoneInfo(TZ)
    rows = []
    for i in range(days):
        d = first + timedelta(days=i)
        wave = 1.0 + 0.25 * math.sin(i * 1.3) + 0.1 * math.cos(i * 0.7)
        pv = 0.0 if i == 1 else 16_250_123.4 * scale * wave
        consumption = 30_120_456.7 * scale * (1.0 + 0.08 * math.cos(i * 0.9)) * (0.8 if (d.weekday() == 6) else 1.0)
        export = 0.0 if i == 1 else 812_345.6 * scale * wave
        charge, discharge = 1_850_000.2 * scale, 1_655_432.1 * scale
        imported = consumption - pv + export - discharge + charge
        metered = consumption * 0.925
        flows = Flows(
            pv_wh=pv,
            grid_import_wh=imported,
            grid_export_wh=export,
            storage_charge_wh=charge,
            storage_discharge_wh=discharge,
            metered_load_wh=metered,
        )
        rows.append(
            _day(
                d, flows, 100.0 - (7.291666 if i == 2 else 0.0), 96 if i == 2 else 0, 12 if i == 0 else 0, factor, coal
            )
        )
    total_flows = Flows()
    for r in rows:
        total_flows = total_flows + r.flows
    total = _day(
        None,
        total_flows,
        sum(r.coverage_pct for r in rows) / days,
        sum(r.estimated_intervals for r in rows),
        sum(r.spread_intervals for r in rows),
        factor,
        coal,
    )
    n_q = days * 96
    devices = (
        DeviceMonth(
            "grid-main",
            "Grid meter 10 kV 关口表",
            Role.GRID,
            8000.0,
            {"grid_import_wh": total_flows.grid_import_wh, "grid_export_wh": total_flows.grid_export_wh},
            "counter",
            100.0,
            0,
            0,
        ),
        DeviceMonth(
            "wh-b-load",
            INJECTION_NAME,
            Role.LOAD,
            3000.0,
            {"metered_load_wh": total_flows.metered_load_wh},
            "power integration (estimated)",
            100.0 * (n_q - 96) / n_q,
            96,
            0,
        ),
        DeviceMonth(
            "inv-a1",
            "Roof A inverter 1 / A 屋顶逆变器 1",
            Role.PV,
            4000.0,
            {"pv_wh": total_flows.pv_wh},
            "counter + counter (rollups)",
            100.0 * (n_q - 12) / n_q,
            0,
            12,
        ),
        DeviceMonth(
            "bess-1",
            "Storage 2 MWh 储能",
            Role.STORAGE,
            1000.0,
            {
                "storage_discharge_wh": total_flows.storage_discharge_wh,
                "storage_charge_wh": total_flows.storage_charge_wh,
            },
            "counter",
            100.0,
            0,
            0,
        ),
    )
    events = (
        EventRow(_ms(first, 0, 0), None, "collector_started", "info", "4 devices"),
        EventRow(_ms(first, 9, 15), "inv-a1", "device_offline", "error", "timeout after 1.0 s"),
        EventRow(_ms(first, 12, 15), "inv-a1", "device_recovered", "info", "answering again after 36 failed polls"),
        EventRow(
            _ms(first + timedelta(days=days - 1), 14, 2), "wh-b-load", "implausible_value", "warning", INJECTION_DETAIL
        ),
        EventRow(
            _ms(first + timedelta(days=days - 1), 20, 30),
            "bess-1",
            "device_offline",
            "error",
            "Modbus exception 0x0B (gateway target failed to respond)",
        ),
    )
    start_ms = _ms(first, 0)
    end_ms = _ms(first + timedelta(days=days), 0)
    peak_day = first + timedelta(days=min(2, days - 1))
    return MonthReport(
        site_name=site,
        timezone=str(zone),
        month=month,
        start_ms=start_ms,
        end_ms=end_ms,
        days=tuple(rows),
        total=total,
        devices=devices,
        peak_demand_kw=2_345.678 * scale,
        peak_demand_start_ms=_ms(peak_day, 10, 15),
        emission_factor_kg_per_kwh=factor,
        emission_factor_source=(
            "MEE & NBS, 2023 electricity CO2 emission factors: Northwest China regional grid average"
        ),
        coal_factor_kgce_per_kwh=coal,
        coal_factor_source="CEC, 2022 average net coal consumption of thermal power",
        events=events,
        offline_periods=offline_periods(events),
        quarter_import_wh=tuple([100_000.0] * n_q),
        quarter_consumption_wh=tuple([300_000.0] * n_q),
        quarter_export_wh=tuple([0.0] * n_q),
    )
