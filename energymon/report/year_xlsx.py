"""The annual report as an Excel workbook (openpyxl), its sheets named in the report's language.

- **Summary**: site, year, time zone, the period reported (a year in progress says so), the year's headline
  figures as numbers with units, and the carbon reduction of the year with the factors applied.
- **Monthly**: the annual CSV cell for cell (:mod:`energymon.report.year_table`): the CSV column names as
  header (a comment on each gives its meaning), one row per month, then the total; numeric cells with number
  formats; an unknown or undefined value is an empty cell, as in the CSV.
- **Devices**: each device over the year: energy per flow, method, coverage, estimated and spread intervals.
- **Factors**: the grid emission factor and the coal factor: value, unit, data year, source.
- **Method**: the definitions in words, a legend of the monthly table's columns.
- **Costs** (with a tariff recorded with the site): each month's bill and savings, then the year.
- **Data quality**: per month the coverage, days without data and the counts of the month's report.
- **Charts**: native Excel charts on the Monthly sheet (PV vs consumption, grid import vs export).

Every text cell is text that can never become a formula (:func:`energymon.report.xlsx_cells.set_text`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from energymon.report.formats import fmt_local, local_datetime
from energymon.report.trace_text import about_lines
from energymon.report.xlsx_cells import (
    BOLD,
    DATETIME_FORMAT,
    HEADER_FILL,
    KG_FORMAT,
    KWH_FORMAT,
    PCT_FORMAT,
    TITLE,
    column_format,
    header_row,
    item_rows,
    number,
    put,
    set_widths,
)
from energymon.report.xlsx_file import devices_sheet
from energymon.report.year import YearReport, year_devices
from energymon.report.year_table import COLUMNS, COST_COLUMNS, QUALITY_COLUMNS, YearTable, year_table
from energymon.report.year_text import YEAR_FORMULA_KEYS, year_labels

KW_FORMAT = "#,##0.000"
MONEY_FORMAT = "#,##0.00"


def write_year_xlsx(report: YearReport, path: Path | IO[bytes], lang: str = "en") -> None:
    """Write the annual report as an XLSX workbook to ``path`` (a file name or a binary stream) in ``lang``."""
    text = year_labels(lang)
    table = year_table(report)
    wb = Workbook()
    summary = wb.active
    summary.title = text["sheet_summary"]
    monthly = wb.create_sheet(text["sheet_monthly"])
    _monthly_sheet(monthly, table, text)
    _summary_sheet(summary, report, table, text)
    devices_sheet(wb.create_sheet(text["sheet_devices"]), year_devices(report), text)
    _factors_sheet(wb.create_sheet(text["sheet_factors"]), report, text)
    _method_sheet(wb.create_sheet(text["sheet_method"]), text)
    if table.costs:
        _costs_sheet(wb.create_sheet(text["sheet_costs"]), table, text)
    _quality_sheet(wb.create_sheet(text["quality"]), table, text)
    _charts_sheet(wb.create_sheet(text["sheet_charts"]), monthly, len(table.months), text)
    wb.properties.title = text["year_title_with_site"].format(site=report.site_name, year=report.year)
    wb.properties.creator = "energymon"
    created = datetime(report.year, 1, 1)
    wb.properties.created = created  # no wall-clock time in the content
    wb.properties.modified = created
    wb.save(path if hasattr(path, "write") else Path(path))


def _monthly_sheet(ws: Worksheet, table: YearTable, text: dict[str, str]) -> None:
    for i, column in enumerate(COLUMNS, start=1):
        cell = put(ws, 1, i, column, font=BOLD)
        cell.fill = HEADER_FILL
        cell.comment = Comment(text[f"col.{column}"], "energymon")
    for r, row in enumerate(table.rows, start=2):
        total = row.month is None
        put(ws, r, 1, text["year_total_row"] if total else row.month, font=BOLD if total else None)
        for i, column in enumerate(COLUMNS[1:], start=2):
            value = row.value(column)
            fmt = KW_FORMAT if column == "peak_demand_kw" else column_format(column) or "#,##0"
            cell_value = value if isinstance(value, int) else number(value)
            put(ws, r, i, cell_value, fmt, BOLD if total else None)
    ws.freeze_panes = "B2"
    set_widths(ws, {1: 12, **{i: 16 for i in range(2, len(COLUMNS) + 1)}})


def _summary_sheet(ws: Worksheet, report: YearReport, table: YearTable, text: dict[str, str]) -> None:
    put(ws, 1, 1, text["year_title_with_site"].format(site=report.site_name, year=report.year), font=TITLE)
    tz = report.timezone
    period = text["period_value"].format(
        start=fmt_local(report.start_ms, tz)[:10], end=fmt_local(report.reported_end_ms - 1, tz)[:10], tz=tz
    )
    r = 3
    facts: list[tuple[str, object]] = [
        (text["site"], report.site_name),
        (text["year"], report.year),
        (text["timezone"], tz),
        (text["period"], period),
        (text["months_reported"], len(report.months)),
        *about_lines(report.months[-1], text),  # the year's months are made together, as one
    ]
    if report.in_progress:
        facts.append(("", text["year_in_progress"].format(end=fmt_local(report.reported_end_ms, tz))))
    for label, value in facts:
        put(ws, r, 1, label, font=BOLD)
        put(ws, r, 2, value)
        r += 1
    total = table.total
    r += 1
    put(ws, r, 1, text["headline"], font=TITLE)
    header_row(ws, r + 1, 1, [text["item"], text["value"], text["unit"], text["note"]])
    peak = report.peak_month
    consumption, metered = total.values["consumption_kwh"], total.values["metered_load_kwh"]
    unmetered = None if consumption is None or metered is None else float(consumption - metered)
    missing = [row.month or "" for row in table.months if not row.has_data]

    def total_of(column: str) -> float | None:
        v = total.values[column]
        return None if v is None else float(v)

    items: list[tuple[str, object, str, str | None, str]] = [
        (text["pv"], total_of("pv_kwh"), "kWh", KWH_FORMAT, ""),
        (text["consumption"], total_of("consumption_kwh"), "kWh", KWH_FORMAT, ""),
        (text["metered_load"], total_of("metered_load_kwh"), "kWh", KWH_FORMAT, ""),
        (text["unmetered"], unmetered, "kWh", KWH_FORMAT, text["f_unmetered"]),
        (text["grid_import"], total_of("grid_import_kwh"), "kWh", KWH_FORMAT, ""),
        (text["grid_export"], total_of("grid_export_kwh"), "kWh", KWH_FORMAT, ""),
        (text["storage_charge"], total_of("storage_charge_kwh"), "kWh", KWH_FORMAT, ""),
        (text["storage_discharge"], total_of("storage_discharge_kwh"), "kWh", KWH_FORMAT, ""),
        (text["self_consumption"], total_of("self_consumption_pct"), "%", PCT_FORMAT, ""),
        (text["self_sufficiency"], total_of("self_sufficiency_pct"), "%", PCT_FORMAT, ""),
        (text["avoided_co2"], total_of("avoided_co2_kg"), "kg CO2", KG_FORMAT, ""),
        (text["coal_saved"], total_of("coal_saved_kgce"), "kgce", KG_FORMAT, ""),
        (
            text["peak_demand"],
            total_of("peak_demand_kw"),
            "kW",
            KW_FORMAT,
            text["no_grid_meter"] if peak is None else peak.month,
        ),
        (
            text["peak_demand_at"],
            None
            if peak is None or peak.peak_demand_start_ms is None
            else local_datetime(peak.peak_demand_start_ms, tz),
            tz,
            DATETIME_FORMAT,
            "",
        ),
        (text["coverage"], total_of("coverage_pct"), "%", PCT_FORMAT, ""),
        (text["days_without_data"], total.days_without_data, "", "#,##0", text["no_data_note"]),
        (text["no_data_months"], len(missing), "", "#,##0", ", ".join(missing)),
    ]
    r = item_rows(ws, r + 2, items)
    r += 1
    put(ws, r, 1, text["carbon_year"], font=TITLE)
    put(ws, r + 1, 1, text["carbon_intro"].format(year=report.year))
    _carbon_rows(ws, r + 2, report, total_of("pv_kwh"), total_of("avoided_co2_kg"), total_of("coal_saved_kgce"), text)
    set_widths(ws, {1: 34, 2: 22, 3: 14, 4: 12, 5: 70})


def _carbon_rows(
    ws: Worksheet,
    row: int,
    report: YearReport,
    pv_kwh: float | None,
    co2_kg: float | None,
    coal_kgce: float | None,
    text: dict[str, str],
) -> int:
    """The carbon form: PV, the factors with data year and source, avoided CO2, coal saved."""
    header_row(ws, row, 1, [text["item"], text["value"], text["unit"], text["data_year"], text["source"]])
    lines: list[tuple[str, object, str, str, object, str]] = [
        (text["pv"], pv_kwh, "kWh", KWH_FORMAT, None, ""),
        (
            text["emission_factor"],
            report.emission_factor_kg_per_kwh,
            "kgCO2/kWh",
            "0.0000",
            report.emission_factor_year,
            report.emission_factor_source or text["not_stated"],
        ),
        (text["avoided_co2"], co2_kg, "kg CO2", KG_FORMAT, None, text["f_co2"]),
        (
            text["coal_factor"],
            report.coal_factor_kgce_per_kwh,
            "kgce/kWh",
            "0.0000",
            report.coal_factor_year,
            report.coal_factor_source or text["not_stated"],
        ),
        (text["coal_saved"], coal_kgce, "kgce", KG_FORMAT, None, text["f_coal"]),
    ]
    for label, value, unit, fmt, year, source in lines:
        row += 1
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value, fmt)
        put(ws, row, 3, unit)
        put(ws, row, 4, year)
        put(ws, row, 5, source)
    row += 1
    if report.emission_factor_year is None:
        put(ws, row, 1, text["factor_no_year"])
    else:
        put(ws, row, 1, text["factor_year_note"].format(fyear=report.emission_factor_year, year=report.year))
    return row + 1


def _factors_sheet(ws: Worksheet, report: YearReport, text: dict[str, str]) -> None:
    put(ws, 1, 1, text["factors"], font=TITLE)
    header_row(ws, 3, 1, [text["item"], text["value"], text["unit"], text["data_year"], text["source"]])
    for r, (label, value, unit, year, source) in enumerate(
        (
            (
                text["emission_factor"],
                report.emission_factor_kg_per_kwh,
                "kgCO2/kWh",
                report.emission_factor_year,
                report.emission_factor_source,
            ),
            (
                text["coal_factor"],
                report.coal_factor_kgce_per_kwh,
                "kgce/kWh",
                report.coal_factor_year,
                report.coal_factor_source,
            ),
        ),
        start=4,
    ):
        put(ws, r, 1, label, font=BOLD)
        put(ws, r, 2, value, "0.0000")
        put(ws, r, 3, unit)
        put(ws, r, 4, year)
        put(ws, r, 5, source or text["not_stated"])
    if report.emission_factor_year is None:
        put(ws, 7, 1, text["factor_no_year"])
    else:
        put(ws, 7, 1, text["factor_year_note"].format(fyear=report.emission_factor_year, year=report.year))
    put(ws, 8, 1, text["f_co2"])
    put(ws, 9, 1, text["f_coal"])
    set_widths(ws, {1: 30, 2: 12, 3: 12, 4: 11, 5: 100})


def _method_sheet(ws: Worksheet, text: dict[str, str]) -> None:
    put(ws, 1, 1, text["formulas"], font=TITLE)
    r = 2
    for key in YEAR_FORMULA_KEYS:
        put(ws, r, 1, text[key])
        r += 1
    put(ws, r, 1, text["no_data_note"])
    put(ws, r + 1, 1, text["method_words"])
    r += 3
    put(ws, r, 1, text["columns_legend"], font=TITLE)
    header_row(ws, r + 1, 1, [text["column"], text["meaning"]])
    for i, column in enumerate(COLUMNS, start=r + 2):
        put(ws, i, 1, column)
        put(ws, i, 2, text[f"col.{column}"])
    set_widths(ws, {1: 30, 2: 60})


def _costs_sheet(ws: Worksheet, table: YearTable, text: dict[str, str]) -> None:
    money = f"[{table.currency}]"
    header_row(ws, 1, 1, [text["month"]] + [f"{text['cost.' + c]} {money}" for c in COST_COLUMNS])
    for r, row in enumerate(table.costs, start=2):
        total = row.month is None
        put(ws, r, 1, text["year_total_row"] if total else row.month, font=BOLD if total else None)
        for i, column in enumerate(COST_COLUMNS, start=2):
            put(ws, r, i, number(row.values[column]), MONEY_FORMAT, BOLD if total else None)
    put(ws, len(table.costs) + 3, 1, text["f_year_costs"])
    put(ws, len(table.costs) + 4, 1, text["costs_note"])
    set_widths(ws, {1: 12, **{i: 18 for i in range(2, len(COST_COLUMNS) + 2)}})
    ws.row_dimensions[1].height = 32


def _quality_sheet(ws: Worksheet, table: YearTable, text: dict[str, str]) -> None:
    header_row(ws, 1, 1, [text["month"]] + [text["qual." + c].replace("\n", " ") for c in QUALITY_COLUMNS])
    names = [row.month for row in table.months] + [None]
    for r, (month, counts) in enumerate(zip(names, table.quality, strict=True), start=2):
        put(ws, r, 1, text["year_total_row"] if month is None else month, font=BOLD if month is None else None)
        for i, column in enumerate(QUALITY_COLUMNS, start=2):
            value = counts[column]
            put(ws, r, i, value if isinstance(value, int) else float(value), PCT_FORMAT if i == 2 else "#,##0")
    put(ws, len(names) + 3, 1, text["quality_year_note"])
    set_widths(ws, {1: 12, **{i: 14 for i in range(2, len(QUALITY_COLUMNS) + 2)}})
    ws.row_dimensions[1].height = 32


def _charts_sheet(ws: Worksheet, monthly: Worksheet, n_months: int, text: dict[str, str]) -> None:
    for anchor, title, series in (
        ("A1", "chart_month_pv_consumption", (("pv_kwh", "pv"), ("consumption_kwh", "consumption"))),
        ("A24", "chart_month_import_export", (("grid_import_kwh", "grid_import"), ("grid_export_kwh", "grid_export"))),
    ):
        chart = BarChart()
        chart.type, chart.grouping, chart.title = "col", "clustered", text[title]
        chart.y_axis.title, chart.x_axis.title = text["axis_kwh"], text["axis_month"]
        chart.y_axis.number_format = "#,##0"
        chart.x_axis.delete = False  # openpyxl 3.1 hides the axes unless told otherwise
        chart.y_axis.delete = False
        for column, name in series:
            col = COLUMNS.index(column) + 1
            data = Reference(monthly, min_col=col, min_row=2, max_row=n_months + 1)
            chart.series.append(Series(data, title=text[name]))
        chart.set_categories(Reference(monthly, min_col=1, min_row=2, max_row=n_months + 1))
        chart.legend.position = "b"
        chart.width, chart.height = 26, 11
        ws.add_chart(chart, anchor)
