"""The monthly report as an Excel workbook (openpyxl): Summary, Daily, Devices, Events and Charts sheets.

- **Summary**: site, month, time zone, the headline figures as numbers with
  units, the emission and coal factors with their sources, the definitions in
  words and a legend of the daily table's columns.
- **Daily**: the CSV of PRODUCT.md cell for cell: header row with the CSV
  column names (a comment on each gives its meaning in the report's language),
  one row per day, then the total row. The numbers are those of
  :func:`energymon.report.csv_file.report_rows` (same rounding), written as numeric
  cells with number formats; dates are date cells; an undefined share is an
  empty cell, as in the CSV.
- **Devices**: per device its id, name, role, rated power, the energy of each
  of its flows, the method, coverage and the estimated / gap-spread intervals.
- **Events**: the month's events in local time; the offline periods beside them.
- **Charts**: native Excel charts on the Daily sheet's data (PV vs consumption,
  grid import vs export).

Every text cell is written as a string cell; text that a spreadsheet would
take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR, OWASP's
CSV-injection list) additionally gets Excel's quote prefix (the stored
equivalent of typing ``'=...``), so it stays text even when the cell is edited.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from energymon.report.csv_file import COLUMNS, report_rows
from energymon.report.month import MonthReport
from energymon.report.text import (
    kind_label,
    labels,
    local_datetime,
    method_label,
    role_label,
    severity_label,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KWH_FORMAT = "#,##0.000"
KG_FORMAT = "#,##0.000"
PCT_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATETIME_S_FORMAT = "yyyy-mm-dd hh:mm:ss"
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

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def column_format(column: str) -> str | None:
    """Number format of a daily-table column (None for the date)."""
    if column.endswith("_kwh"):
        return KWH_FORMAT
    if column.endswith("_pct"):
        return PCT_FORMAT
    if column.endswith(("_kg", "_kgce")):
        return KG_FORMAT
    return None


def set_text(cell: Cell, value: str) -> Cell:
    """Put ``value`` into ``cell`` as text that can never become a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))  # control characters openpyxl refuses
    cell.value = value
    cell.data_type = "s"  # a leading "=" would otherwise make openpyxl write a formula
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _put(
    ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None, font: Font | None = None
) -> Cell:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _header(ws: Worksheet, row: int, col: int, titles: list[str]) -> None:
    for i, title in enumerate(titles):
        cell = _put(ws, row, col + i, title, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _item_rows(ws: Worksheet, row: int, items: list[tuple[str, object, str, str | None, str]]) -> int:
    """Rows of (label, value, unit, number format, note), the label bold; returns the next free row."""
    for label, value, unit, number_format, note in items:
        _put(ws, row, 1, label, font=_BOLD)
        _put(ws, row, 2, value, number_format)
        _put(ws, row, 3, unit)
        if note:
            _put(ws, row, 4, note)
        row += 1
    return row


def _number(text: str) -> float | None:
    """A CSV cell as a number ("" -> None); the float nearest to the printed decimal."""
    return None if text == "" else float(Decimal(text))


def _widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def write_report_xlsx(report: MonthReport, path: Path, lang: str = "en") -> None:
    """Write the monthly report as an XLSX workbook at ``path`` in ``lang`` ("en" or "zh")."""
    text = labels(lang)
    rows = report_rows(report)
    wb = Workbook()
    summary = wb.active
    summary.title = text["sheet_summary"]
    daily = wb.create_sheet(text["sheet_daily"])
    devices = wb.create_sheet(text["sheet_devices"])
    events = wb.create_sheet(text["sheet_events"])
    charts = wb.create_sheet(text["sheet_charts"])
    _daily_sheet(daily, report, rows, text)
    _summary_sheet(summary, report, rows, text)
    _devices_sheet(devices, report, text)
    _events_sheet(events, report, text)
    _charts_sheet(charts, daily, len(report.days), text)
    if report.costs is not None:
        _costs_sheet(wb.create_sheet(text["sheet_costs"]), report, text)
    wb.properties.title = text["title_with_site"].format(site=report.site_name, month=report.month)
    wb.properties.creator = "energymon"
    created = datetime.combine(date.fromisoformat(report.month + "-01"), datetime.min.time())
    wb.properties.created = created  # no wall-clock time in the content
    wb.properties.modified = created
    wb.save(Path(path))


# ---- sheets -----------------------------------------------------------------------------------


def _daily_sheet(ws: Worksheet, report: MonthReport, rows: list[dict[str, str]], text: dict[str, str]) -> None:
    for i, column in enumerate(COLUMNS, start=1):
        cell = _put(ws, 1, i, column, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.comment = Comment(text[f"col.{column}"], "energymon")
    for r, (row, day) in enumerate(zip(rows, [d.day for d in report.days] + [None]), start=2):
        for i, column in enumerate(COLUMNS, start=1):
            if column == "date":
                if day is None:
                    _put(ws, r, i, text["total_row"], font=_BOLD)
                else:
                    _put(ws, r, i, day, DATE_FORMAT)
            else:
                _put(ws, r, i, _number(row[column]), column_format(column), _BOLD if day is None else None)
    ws.freeze_panes = "B2"
    _widths(ws, {1: 12, **{i: 16 for i in range(2, len(COLUMNS) + 1)}})


def _summary_sheet(ws: Worksheet, report: MonthReport, rows: list[dict[str, str]], text: dict[str, str]) -> None:
    total = rows[-1]
    _put(ws, 1, 1, text["title_with_site"].format(site=report.site_name, month=report.month), font=_TITLE)
    r = 3
    first, last = report.days[0].day, report.days[-1].day
    for label, value in (
        (text["site"], report.site_name),
        (text["month"], report.month),
        (text["timezone"], report.timezone),
        (
            text["period"],
            text["period_value"].format(start=first.isoformat(), end=last.isoformat(), tz=report.timezone),
        ),
        (text["days"], len(report.days)),
    ):
        _put(ws, r, 1, label, font=_BOLD)
        _put(ws, r, 2, value)
        r += 1

    r += 1
    _put(ws, r, 1, text["headline"], font=_TITLE)
    r += 1
    _header(ws, r, 1, [text["item"], text["value"], text["unit"], text["note"]])
    r += 1
    unmetered = Decimal(total["consumption_kwh"]) - Decimal(total["metered_load_kwh"])
    peak_at = (
        local_datetime(report.peak_demand_start_ms, report.timezone)
        if report.peak_demand_start_ms is not None
        else None
    )
    headline: list[tuple[str, object, str, str | None, str]] = [
        (text["pv"], _number(total["pv_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["consumption"], _number(total["consumption_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["metered_load"], _number(total["metered_load_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["unmetered"], float(unmetered), "kWh", KWH_FORMAT, text["f_unmetered"]),
        (text["grid_import"], _number(total["grid_import_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["grid_export"], _number(total["grid_export_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["storage_charge"], _number(total["storage_charge_kwh"]), "kWh", KWH_FORMAT, ""),
        (text["storage_discharge"], _number(total["storage_discharge_kwh"]), "kWh", KWH_FORMAT, ""),
        (
            text["self_consumption"],
            _number(total["self_consumption_pct"]),
            "%",
            PCT_FORMAT,
            text["no_pv"] if total["self_consumption_pct"] == "" else "",
        ),
        (
            text["self_sufficiency"],
            _number(total["self_sufficiency_pct"]),
            "%",
            PCT_FORMAT,
            text["no_consumption"] if total["self_sufficiency_pct"] == "" else "",
        ),
        (text["avoided_co2"], _number(total["avoided_co2_kg"]), "kg CO2", KG_FORMAT, ""),
        (text["coal_saved"], _number(total["coal_saved_kgce"]), "kgce", KG_FORMAT, ""),
        (
            text["peak_demand"],
            None if report.peak_demand_kw is None else round(report.peak_demand_kw, 3),
            "kW",
            "#,##0.000",
            text["no_grid_meter"] if report.peak_demand_kw is None else "",
        ),
        (text["peak_demand_at"], peak_at, report.timezone, DATETIME_FORMAT, ""),
        (text["coverage"], _number(total["coverage_pct"]), "%", PCT_FORMAT, ""),
        (text["estimated_intervals"], report.total.estimated_intervals, "", "#,##0", ""),
        (text["spread_intervals"], report.total.spread_intervals, "", "#,##0", ""),
    ]
    r = _item_rows(ws, r, headline)

    r += 1
    _put(ws, r, 1, text["factors"], font=_TITLE)
    r += 1
    _header(ws, r, 1, [text["item"], text["value"], text["unit"], text["source"]])
    r += 1
    r = _item_rows(
        ws,
        r,
        [
            (
                text["emission_factor"],
                report.emission_factor_kg_per_kwh,
                "kgCO2/kWh",
                "0.0000",
                report.emission_factor_source or text["not_stated"],
            ),
            (
                text["coal_factor"],
                report.coal_factor_kgce_per_kwh,
                "kgce/kWh",
                "0.0000",
                report.coal_factor_source or text["not_stated"],
            ),
        ],
    )

    r += 1
    _put(ws, r, 1, text["formulas"], font=_TITLE)
    r += 1
    for key in (
        "f_consumption",
        "f_unmetered",
        "f_self_consumption",
        "f_self_sufficiency",
        "f_co2",
        "f_coal",
        "f_peak",
        "f_energy",
        "f_coverage",
        "f_rounding",
    ):
        _put(ws, r, 1, text[key])
        r += 1

    r += 1
    _put(ws, r, 1, text["columns_legend"], font=_TITLE)
    r += 1
    _header(ws, r, 1, [text["column"], text["meaning"]])
    r += 1
    for column in COLUMNS:
        _put(ws, r, 1, column)
        _put(ws, r, 2, text[f"col.{column}"])
        r += 1
    _widths(ws, {1: 34, 2: 22, 3: 12, 4: 60})


def _costs_sheet(ws: Worksheet, report: MonthReport, text: dict[str, str]) -> None:
    """Import energy and cost by tariff period, then the bill and the savings (numbers as numbers)."""
    costs = report.costs
    money = f"[{costs.currency}]"
    _put(ws, 1, 1, text["tariff"])
    _put(ws, 1, 2, costs.tariff_name or "-")
    _header(ws, 3, 1, [text["tariff_period"], text["import_kwh"], f"{text['cost']} {money}"])
    row = 4
    for period, (kwh, cost) in costs.by_period.items():
        _put(ws, row, 1, text.get("period." + period, period))
        _put(ws, row, 2, round(kwh, 3), KWH_FORMAT)
        _put(ws, row, 3, round(cost, 2), "#,##0.00")
        row += 1
    saved = costs.savings
    lines = [
        ("import_cost", saved.import_cost),
        ("export_revenue", saved.export_revenue),
        ("energy_cost", costs.energy_cost),
        ("demand_charge", costs.demand_charge),
        ("baseline_cost", saved.baseline_cost),
        ("pv_saved", saved.pv_saved),
        ("storage_saved", saved.storage_saved),
        ("total_saved", saved.total_saved),
        ("demand_saved", saved.demand_saved),
    ]
    row += 1
    for key, value in lines:
        if value is None:
            continue
        _put(ws, row, 1, f"{text[key]} {money}")
        _put(ws, row, 3, round(value, 2), "#,##0.00")
        row += 1
    _put(ws, row + 1, 1, text["costs_note"])
    _widths(ws, {1: 52, 2: 18, 3: 16})


def _devices_sheet(ws: Worksheet, report: MonthReport, text: dict[str, str]) -> None:
    titles = [text["device_id"], text["device_name"], text["role"], text["rated_kw"]]
    titles += [text[f"col.{FLOW_COLUMN[f]}"] for f in FLOW_ORDER]
    titles += [text["method"], text["coverage_pct"], text["estimated_col"], text["spread_col"]]
    _header(ws, 1, 1, titles)
    for r, device in enumerate(report.devices, start=2):
        _put(ws, r, 1, device.device_id)
        _put(ws, r, 2, device.name)
        _put(ws, r, 3, role_label(text, device.role.value))
        _put(ws, r, 4, device.rated_power_kw, "#,##0.0")
        for i, flow in enumerate(FLOW_ORDER, start=5):
            wh = device.energy_wh.get(flow)
            _put(ws, r, i, None if wh is None else round(wh / 1000.0, 3), KWH_FORMAT)
        col = 5 + len(FLOW_ORDER)
        _put(ws, r, col, method_label(text, device.method))
        _put(ws, r, col + 1, round(device.coverage_pct, 2), PCT_FORMAT)
        _put(ws, r, col + 2, device.estimated_intervals, "#,##0")
        _put(ws, r, col + 3, device.spread_intervals, "#,##0")
    ws.freeze_panes = "C2"
    _widths(ws, {1: 14, 2: 26, 3: 14, 4: 11, **{i: 15 for i in range(5, 11)}, 11: 30, 12: 12, 13: 13, 14: 13})
    ws.row_dimensions[1].height = 32


def _events_sheet(ws: Worksheet, report: MonthReport, text: dict[str, str]) -> None:
    time_title = f"{text['time_local']} ({report.timezone})"
    _header(ws, 1, 1, [time_title, text["device"], text["kind"], text["severity"], text["detail"]])
    for r, event in enumerate(report.events, start=2):
        _put(ws, r, 1, local_datetime(event.ts_ms, report.timezone), DATETIME_S_FORMAT)
        _put(ws, r, 2, event.device_id if event.device_id is not None else text["site_wide"])
        _put(ws, r, 3, kind_label(text, event.kind))
        _put(ws, r, 4, severity_label(text, event.severity))
        _put(ws, r, 5, event.detail)
    if report.events:
        ws.auto_filter.ref = f"A1:E{len(report.events) + 1}"
    # offline periods beside the events
    _put(ws, 1, 7, text["offline"], font=_BOLD)
    _header(
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
        _put(ws, 3, 7, text["offline_none"])
    for r, period in enumerate(report.offline_periods, start=3):
        _put(ws, r, 7, period.device_id)
        _put(ws, r, 8, local_datetime(period.start_ms, report.timezone), DATETIME_S_FORMAT)
        end_ms = period.end_ms if period.end_ms is not None else report.end_ms
        if period.end_ms is None:
            _put(ws, r, 9, text["still_offline"])
        else:
            _put(ws, r, 9, local_datetime(period.end_ms, report.timezone), DATETIME_S_FORMAT)
        _put(ws, r, 10, round(max(0, end_ms - period.start_ms) / 3_600_000, 3), "#,##0.00")
    ws.freeze_panes = "A2"
    _widths(ws, {1: 22, 2: 14, 3: 22, 4: 10, 5: 60, 6: 3, 7: 14, 8: 22, 9: 22, 10: 12})


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
