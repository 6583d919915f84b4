"""The Summary and Costs sheets of the XLSX report: headline figures, factors, definitions; the bill by period.

Numbers are numeric cells with units beside them; the headline energies are
the daily table's totals (:mod:`energymon.report.daily`), so they match the
Daily sheet and the CSV.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from energymon.report.daily import COLUMNS, DailyTable
from energymon.report.figures import Costs, MonthReport
from energymon.report.formats import fmt_local, local_datetime
from energymon.report.text import FORMULA_KEYS
from energymon.report.trace_text import about_lines
from energymon.report.xlsx_cells import (
    BOLD,
    DATETIME_FORMAT,
    KG_FORMAT,
    KWH_FORMAT,
    PCT_FORMAT,
    TITLE,
    header_row,
    item_rows,
    number,
    put,
    set_widths,
)


def summary_sheet(ws: Worksheet, report: MonthReport, table: DailyTable, text: dict[str, str]) -> None:
    total = table.total
    put(ws, 1, 1, text["title_with_site"].format(site=report.site_name, month=report.month), font=TITLE)
    r = 3
    dates = table.dates()
    first, last = dates[0], dates[-1]
    for label, value in (
        (text["site"], report.site_name),
        (text["month"], report.month),
        (text["timezone"], report.timezone),
        (
            text["period"],
            text["period_value"].format(start=first.isoformat(), end=last.isoformat(), tz=report.timezone),
        ),
        (text["days"], len(report.days)),
        (text["days_without_data"], table.days_without_data),
        *about_lines(report, text),
    ):
        put(ws, r, 1, label, font=BOLD)
        put(ws, r, 2, value)
        r += 1
    if report.in_progress:
        tz = report.timezone
        put(ws, r, 1, text["in_progress"].format(time=fmt_local(report.reported_end_ms, tz), tz=tz), font=BOLD)
        r += 1
    put(ws, r, 1, text["method"], font=BOLD)
    put(ws, r, 2, text["method_words"])
    ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[r].height = 105
    r += 1

    r += 1
    put(ws, r, 1, text["headline"], font=TITLE)
    r += 1
    header_row(ws, r, 1, [text["item"], text["value"], text["unit"], text["note"]])
    r += 1
    unmetered = total.amount("consumption_kwh") - total.amount("metered_load_kwh")
    peak_at = (
        local_datetime(report.peak_demand_start_ms, report.timezone)
        if report.peak_demand_start_ms is not None
        else None
    )
    headline: list[tuple[str, object, str, str | None, str]] = [
        (text["pv"], number(total.pv_kwh), "kWh", KWH_FORMAT, ""),
        (text["consumption"], number(total.consumption_kwh), "kWh", KWH_FORMAT, ""),
        (text["metered_load"], number(total.metered_load_kwh), "kWh", KWH_FORMAT, ""),
        (text["unmetered"], float(unmetered), "kWh", KWH_FORMAT, text["f_unmetered"]),
        (text["grid_import"], number(total.grid_import_kwh), "kWh", KWH_FORMAT, ""),
        (text["grid_export"], number(total.grid_export_kwh), "kWh", KWH_FORMAT, ""),
        (text["storage_charge"], number(total.storage_charge_kwh), "kWh", KWH_FORMAT, ""),
        (text["storage_discharge"], number(total.storage_discharge_kwh), "kWh", KWH_FORMAT, ""),
        (
            text["self_consumption"],
            number(total.self_consumption_pct),
            "%",
            PCT_FORMAT,
            text["no_pv"] if total.self_consumption_pct is None else "",
        ),
        (
            text["self_sufficiency"],
            number(total.self_sufficiency_pct),
            "%",
            PCT_FORMAT,
            text["no_consumption"] if total.self_sufficiency_pct is None else "",
        ),
        (text["avoided_co2"], number(total.avoided_co2_kg), "kg CO2", KG_FORMAT, ""),
        (text["coal_saved"], number(total.coal_saved_kgce), "kgce", KG_FORMAT, ""),
        (
            text["peak_demand"],
            None if report.peak_demand_kw is None else round(report.peak_demand_kw, 3),
            "kW",
            "#,##0.000",
            text["no_grid_meter"] if report.peak_demand_kw is None else "",
        ),
        (text["peak_demand_at"], peak_at, report.timezone, DATETIME_FORMAT, ""),
        (text["coverage"], number(total.coverage_pct), "%", PCT_FORMAT, ""),
        (text["estimated_intervals"], report.total.estimated_intervals, "", "#,##0", ""),
        (text["spread_intervals"], report.total.spread_intervals, "", "#,##0", ""),
    ]
    r = item_rows(ws, r, headline)

    r += 1
    put(ws, r, 1, text["factors"], font=TITLE)
    r += 1
    header_row(ws, r, 1, [text["item"], text["value"], text["unit"], text["source"]])
    r += 1
    r = item_rows(
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
    put(ws, r, 1, text["formulas"], font=TITLE)
    r += 1
    for key in FORMULA_KEYS:
        put(ws, r, 1, text[key])
        r += 1

    r += 1
    put(ws, r, 1, text["columns_legend"], font=TITLE)
    r += 1
    header_row(ws, r, 1, [text["column"], "CSV"])  # the Daily sheet's heading, the CSV's name of the column
    r += 1
    for column in COLUMNS:
        put(ws, r, 1, text[f"col.{column}"])
        put(ws, r, 2, column)
        r += 1
    set_widths(ws, {1: 34, 2: 22, 3: 12, 4: 60})


def costs_sheet(ws: Worksheet, costs: Costs, text: dict[str, str]) -> None:
    """Import energy and cost by tariff period, then the bill and the savings (numbers as numbers)."""
    money = f"[{costs.currency}]"
    put(ws, 1, 1, text["tariff"])
    put(ws, 1, 2, costs.tariff_name or "-")
    header_row(ws, 3, 1, [text["tariff_period"], text["import_kwh"], f"{text['cost']} {money}"])
    row = 4
    for period, (kwh, cost) in costs.by_period.items():
        put(ws, row, 1, text.get("period." + period, period))
        put(ws, row, 2, round(kwh, 3), KWH_FORMAT)
        put(ws, row, 3, round(cost, 2), "#,##0.00")
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
        put(ws, row, 1, f"{text[key]} {money}")
        put(ws, row, 3, round(value, 2), "#,##0.00")
        row += 1
    put(ws, row + 1, 1, text["costs_note"])
    set_widths(ws, {1: 52, 2: 18, 3: 16})
