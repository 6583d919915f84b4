"""The monthly report as an Excel workbook (openpyxl): Summary, Daily, Devices, Events, Data quality and Charts
sheets.

- **Summary**: site, month, time zone, the headline figures as numbers with
  units, the emission and coal factors with their sources, the definitions in
  words and a legend of the daily table's columns.
- **Daily**: the CSV's table cell for cell under headings in the report's
  language with their units (a comment on each names the CSV's column), one
  row per day, then the total row. The numbers are those of the daily
  table (:func:`energymon.report.daily.daily_table`, the CSV's rounding),
  written as numeric cells with number formats; dates are date cells; an
  undefined share is an empty cell, as in the CSV.
- **Devices**: per device its id, name, role, rated power, the energy of each
  of its flows, the method, coverage and the estimated / gap-spread intervals.
- **Events**: the month's events in local time; the offline periods beside them.
- **Data quality**: every period a value was frozen, stale or out of range;
  beside it the stored data that could not be read (left out, missing).
- **Charts**: native Excel charts on the Daily sheet's data (PV vs consumption,
  grid import vs export).

The Summary sheet (and a Costs sheet when the site has a tariff) are written
by :mod:`energymon.report.xlsx_summary`. Every text cell is text that can
never become a formula (:func:`energymon.report.xlsx_cells.set_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from energymon.event_texts import event_text
from energymon.report.daily import COLUMNS, DailyTable, daily_table
from energymon.report.figures import DeviceMonth, MonthReport
from energymon.report.formats import local_datetime
from energymon.report.sources import with_sources_in
from energymon.report.text import kind_label, labels, method_label, role_label, severity_label, stored_label
from energymon.report.trace_text import days_lacking_line, still_offline
from energymon.report.xlsx_cells import (
    BOLD,
    DATE_FORMAT,
    DATETIME_S_FORMAT,
    KWH_FORMAT,
    PCT_FORMAT,
    column_format,
    header_row,
    no_data_format,
    number,
    put,
    set_widths,
)
from energymon.report.xlsx_summary import costs_sheet, summary_sheet

FLOW_ORDER = (
    "pv_wh",
    "grid_import_wh",
    "grid_export_wh",
    "storage_charge_wh",
    "storage_discharge_wh",
    "metered_load_wh",
)
FLOW_COLUMN = {
    "pv_wh": "pv_kwh",
    "grid_import_wh": "grid_import_kwh",
    "grid_export_wh": "grid_export_kwh",
    "storage_charge_wh": "storage_charge_kwh",
    "storage_discharge_wh": "storage_discharge_kwh",
    "metered_load_wh": "metered_load_kwh",
}


def write_report_xlsx(report: MonthReport, path: Path | IO[bytes], lang: str = "en") -> None:
    """Write the monthly report as an XLSX workbook to ``path`` (a file name or a binary stream) in ``lang``."""
    report = with_sources_in(report, lang)  # the factors' sources in the report's language
    text = labels(lang)
    table = daily_table(report)
    wb = Workbook()
    summary = wb.active
    summary.title = text["sheet_summary"]
    daily = wb.create_sheet(text["sheet_daily"])
    devices = wb.create_sheet(text["sheet_devices"])
    events = wb.create_sheet(text["sheet_events"])
    quality = wb.create_sheet(text["quality"])
    charts = wb.create_sheet(text["sheet_charts"])
    _daily_sheet(daily, table, text)
    summary_sheet(summary, report, table, text)
    devices_sheet(devices, report.devices, text)
    _events_sheet(events, report, text)
    _quality_sheet(quality, report, text)
    _charts_sheet(charts, daily, len(report.days), text)
    if report.costs is not None:
        costs_sheet(wb.create_sheet(text["sheet_costs"]), report.costs, text)
    wb.properties.title = text["title_with_site"].format(site=report.site_name, month=report.month)
    wb.properties.creator = "energymon"
    created = datetime.combine(date.fromisoformat(report.month + "-01"), datetime.min.time())
    wb.properties.created = created  # no wall-clock time in the content
    wb.properties.modified = created
    wb.save(path if hasattr(path, "write") else Path(path))


# ---- sheets -----------------------------------------------------------------------------------


def _daily_sheet(ws: Worksheet, table: DailyTable, text: dict[str, str]) -> None:
    header_row(ws, 1, 1, [text[f"col.{column}"] for column in COLUMNS])  # the report's language, with units
    for i, column in enumerate(COLUMNS, start=1):
        ws.cell(1, i).comment = Comment(f"CSV: {column}", "energymon")  # the column's name in the CSV
    ws.row_dimensions[1].height = 32
    for r, row in enumerate(table.rows, start=2):
        day = row.day
        for i, column in enumerate(COLUMNS, start=1):
            if column == "date":
                if day is None:
                    put(ws, r, i, text["total_row"], font=BOLD)
                else:
                    put(ws, r, i, day, DATE_FORMAT)
            elif column == "coverage_pct" and not row.has_data:  # the day's values are unknown: say so
                put(ws, r, i, number(row.value(column)), no_data_format(column, text))
                ws.cell(r, i).comment = Comment(text["day_no_data"], "energymon")
            else:
                put(ws, r, i, number(row.value(column)), column_format(column), BOLD if day is None else None)
    lacking = days_lacking_line(table, text)
    if lacking is not None:  # under the total: the days it lacks
        put(ws, len(table.rows) + 2, 1, lacking)
    ws.freeze_panes = "B2"
    set_widths(ws, {1: 12, **{i: 16 for i in range(2, len(COLUMNS) + 1)}})


def devices_sheet(ws: Worksheet, devices: Sequence[DeviceMonth], text: dict[str, str]) -> None:
    """The Devices sheet: per device its energy per flow [kWh], method, coverage, estimated and spread intervals
    (the monthly and the annual workbook)."""
    titles = [text["device_id"], text["device_name"], text["role"], text["rated_kw"]]
    titles += [text[f"col.{FLOW_COLUMN[f]}"] for f in FLOW_ORDER]
    titles += [text["method"], text["coverage_pct"], text["estimated_col"], text["spread_col"]]
    header_row(ws, 1, 1, titles)
    for r, device in enumerate(devices, start=2):
        put(ws, r, 1, device.device_id)
        put(ws, r, 2, device.name)
        put(ws, r, 3, role_label(text, device.role.value))
        put(ws, r, 4, device.rated_power_kw, "#,##0.0")
        for i, flow in enumerate(FLOW_ORDER, start=5):
            wh = device.energy_wh.get(flow)
            put(ws, r, i, None if wh is None else round(wh / 1000.0, 3), KWH_FORMAT)
        col = 5 + len(FLOW_ORDER)
        put(ws, r, col, method_label(text, device.method))
        put(ws, r, col + 1, round(device.coverage_pct, 2), PCT_FORMAT)
        put(ws, r, col + 2, device.estimated_intervals, "#,##0")
        put(ws, r, col + 3, device.spread_intervals, "#,##0")
    ws.freeze_panes = "C2"
    set_widths(ws, {1: 14, 2: 26, 3: 14, 4: 11, **{i: 15 for i in range(5, 11)}, 11: 30, 12: 12, 13: 13, 14: 13})
    ws.row_dimensions[1].height = 32


def _events_sheet(ws: Worksheet, report: MonthReport, text: dict[str, str]) -> None:
    time_title = f"{text['time_local']} ({report.timezone})"
    header_row(ws, 1, 1, [time_title, text["device"], text["kind"], text["severity"], text["detail"]])
    for r, event in enumerate(report.events, start=2):
        put(ws, r, 1, local_datetime(event.ts_ms, report.timezone), DATETIME_S_FORMAT)
        put(ws, r, 2, event.device_id if event.device_id is not None else text["site_wide"])
        put(ws, r, 3, kind_label(text, event.kind))
        put(ws, r, 4, severity_label(text, event.severity))
        put(ws, r, 5, event_text(event.kind, event.params, text["lang"], event.detail))
    if report.events:
        ws.auto_filter.ref = f"A1:E{len(report.events) + 1}"
    # offline periods beside the events
    put(ws, 1, 7, text["offline"], font=BOLD)
    header_row(
        ws,
        2,
        7,
        [
            text["device"],
            f"{text['from']} ({report.timezone})",
            f"{text['to']} ({report.timezone})",
            text["duration_h"],
        ],
    )
    if not report.offline_periods:
        put(ws, 3, 7, text["offline_none"])
    for r, period in enumerate(report.offline_periods, start=3):
        put(ws, r, 7, period.device_id)
        put(ws, r, 8, local_datetime(period.start_ms, report.timezone), DATETIME_S_FORMAT)
        if period.start_ms < report.start_ms:
            ws.cell(r, 8).comment = Comment(text["offline_before"], "energymon")
        if period.end_ms is None:
            put(ws, r, 9, still_offline(report, text))
        else:
            put(ws, r, 9, local_datetime(period.end_ms, report.timezone), DATETIME_S_FORMAT)
        put(ws, r, 10, round(report.offline_hours(period), 3), "#,##0.00")
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 22, 2: 14, 3: 22, 4: 10, 5: 60, 6: 3, 7: 14, 8: 22, 9: 22, 10: 12})


def _quality_sheet(ws: Worksheet, report: MonthReport, text: dict[str, str]) -> None:
    tz = report.timezone
    put(ws, 1, 1, text["quality_periods"], font=BOLD)
    heads = [text["device"], text["quantity"], text["kind"], f"{text['from']} ({tz})", f"{text['to']} ({tz})"]
    header_row(ws, 2, 1, heads + [text["duration_h"]])
    if not report.quality_periods:
        put(ws, 3, 1, text["quality_periods_none"])
    for r, period in enumerate(report.quality_periods, start=3):
        put(ws, r, 1, period.device_id)
        put(ws, r, 2, period.quantity)
        put(ws, r, 3, kind_label(text, period.kind))
        put(ws, r, 4, local_datetime(period.start_ms, tz), DATETIME_S_FORMAT)
        if period.end_ms is None:
            put(ws, r, 5, text["still_open"])
        else:
            put(ws, r, 5, local_datetime(period.end_ms, tz), DATETIME_S_FORMAT)
        put(ws, r, 6, round(period.hours(report.end_ms), 3), "#,##0.00")
    # damaged stored data beside them
    put(ws, 1, 8, text["damaged"], font=BOLD)
    header_row(ws, 2, 8, [text["device"], text["quantity"], text["what"], heads[3], heads[4], text["detail"]])
    if not report.damaged:
        put(ws, 3, 8, "-")
    for r, span in enumerate(report.damaged, start=3):
        put(ws, r, 8, span.device_id)
        put(ws, r, 9, span.quantity)
        put(ws, r, 10, stored_label(text, span.what))
        put(ws, r, 11, local_datetime(span.from_ms, tz), DATETIME_S_FORMAT)
        put(ws, r, 12, local_datetime(span.to_ms, tz), DATETIME_S_FORMAT)
        put(ws, r, 13, span.cause)
    ws.freeze_panes = "A3"
    set_widths(ws, {1: 14, 2: 20, 3: 20, 4: 22, 5: 22, 6: 12, 7: 3, 8: 14, 9: 20, 10: 18, 11: 22, 12: 22, 13: 50})


def _bar_chart(
    daily: Worksheet, n_days: int, series: list[tuple[str, str]], title: str, text: dict[str, str]
) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.title = text["axis_kwh"]
    chart.x_axis.title = text["axis_day"]
    chart.x_axis.number_format = "dd"
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False  # openpyxl 3.1 hides the axes unless told otherwise
    chart.y_axis.delete = False
    categories = Reference(daily, min_col=1, min_row=2, max_row=n_days + 1)
    for column, name in series:
        col = COLUMNS.index(column) + 1
        s = Series(Reference(daily, min_col=col, min_row=2, max_row=n_days + 1), title=name)
        chart.series.append(s)
    chart.set_categories(categories)
    chart.legend.position = "b"
    chart.width, chart.height = 26, 11
    return chart


def _charts_sheet(ws: Worksheet, daily: Worksheet, n_days: int, text: dict[str, str]) -> None:
    ws.add_chart(
        _bar_chart(
            daily,
            n_days,
            [("pv_kwh", text["pv"]), ("consumption_kwh", text["consumption"])],
            text["chart_pv_consumption"],
            text,
        ),
        "A1",
    )
    ws.add_chart(
        _bar_chart(
            daily,
            n_days,
            [("grid_import_kwh", text["grid_import"]), ("grid_export_kwh", text["grid_export"])],
            text["chart_import_export"],
            text,
        ),
        "A24",
    )
