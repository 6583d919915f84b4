"""Sections of the annual PDF after its first page: carbon, energy flows, devices, costs and data quality by month,
the factors and the method, the monthly table.

Each function returns the flowables of its section; ``width`` is the frame's width in points. Energies in kWh
rounded to 0.1 for display; a value that is unknown (a month without data) or undefined prints as "-".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, TableStyle

from energymon.report.daily import ADDITIVE, DailyTable, daily_row
from energymon.report.formats import fmt_co2, fmt_coal, fmt_energy_kwh, fmt_num
from energymon.report.pdf.fonts import Fonts
from energymon.report.pdf.styles import Styles, para, ruled_table
from energymon.report.pdf.summary import flows_section
from energymon.report.pdf.trace import method_note
from energymon.report.text import method_label, role_label
from energymon.report.year import YearReport, year_devices
from energymon.report.year_table import COLUMNS, COST_COLUMNS, QUALITY_COLUMNS, YearTable
from energymon.report.year_text import YEAR_FORMULA_KEYS


def _num(value: Decimal | int | float | None, decimals: int = 1) -> str:
    return "-" if value is None else fmt_num(float(value), decimals)


def _factor_note(report: YearReport, text: dict[str, str]) -> str:
    if report.emission_factor_year is None:
        return text["factor_no_year"]
    return text["factor_year_note"].format(fyear=report.emission_factor_year, year=report.year)


def carbon_section(
    report: YearReport, table: YearTable, text: dict[str, str], st: Styles, width: float
) -> list[Flowable]:
    """The year's carbon reduction as carbon staff file it: PV, each factor with data year and source, results."""
    total = table.total

    def f(column: str) -> float | None:
        value = total.value(column)
        return None if value is None else float(value)

    none = text["none"]
    rows: list[list[Any]] = [
        [
            para(text["item"], st.cell_head),
            para(text["value"], st.cell_head_right),
            para(text["data_year"], st.cell_head_right),
            para(text["source"], st.cell_head),
        ],
        [para(text["pv"], st.cell_head), para(fmt_energy_kwh(f("pv_kwh")), st.cell_right), "", ""],
        [
            para(text["emission_factor"], st.cell),
            para(f"{report.emission_factor_kg_per_kwh:.4f} kgCO2/kWh", st.cell_right),
            para(str(report.emission_factor_year or none), st.cell_right),
            para(report.emission_factor_source or text["not_stated"], st.cell),
        ],
        [
            para(text["avoided_co2"], st.cell_head),
            para(fmt_co2(f("avoided_co2_kg")), st.cell_right),
            "",
            para(text["f_co2"], st.cell),
        ],
        [
            para(text["coal_factor"], st.cell),
            para(f"{report.coal_factor_kgce_per_kwh:.4f} kgce/kWh", st.cell_right),
            para(str(report.coal_factor_year or none), st.cell_right),
            para(report.coal_factor_source or text["not_stated"], st.cell),
        ],
        [
            para(text["coal_saved"], st.cell_head),
            para(fmt_coal(f("coal_saved_kgce")), st.cell_right),
            "",
            para(text["f_coal"], st.cell),
        ],
    ]
    return [
        para(text["carbon_year"], st.h1),
        para(text["carbon_intro"].format(year=report.year), st.body),
        ruled_table(rows, [0.22 * width, 0.20 * width, 0.10 * width, 0.48 * width], right={1, 2}),
        Spacer(1, 3),
        para(_factor_note(report, text), st.small),
        Spacer(1, 6),
    ]


def flows_of_year(table: YearTable, text: dict[str, str], st: Styles, fonts: Fonts, width: float) -> list[Flowable]:
    """The monthly PDF's energy-flow diagram and table (:func:`energymon.report.pdf.summary.flows_section`) over
    the year's totals; none for a year without data (its flows are unknown)."""
    total = table.total
    if not total.has_data:
        return []
    sums: dict[str, Decimal | None] = {column: total.values[column] or Decimal(0) for column in ADDITIVE}
    row = daily_row(
        None,
        sums,
        total.values["self_consumption_pct"],
        total.values["self_sufficiency_pct"],
        total.values["coverage_pct"] or Decimal(0),
    )
    return [CondPageBreak(90 * mm), *flows_section(DailyTable((), row), text, st, fonts, width)]


def devices_section(report: YearReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """Per device over the year: id, name, role, energy per flow, method, coverage, estimated and spread intervals."""
    head = [
        text["device_id"],
        text["device_name"],
        text["role"],
        text["energy"] + "\nkWh",
        text["method"],
        text["coverage_pct"].replace(" [", "\n["),
        text["estimated_short"],
        text["spread_short"],
    ]
    right = {3, 5, 6, 7}
    rows: list[list[Any]] = [[para(h, st.cell_head_right if i in right else st.cell_head) for i, h in enumerate(head)]]
    for d in year_devices(report):
        energy = "\n".join(f"{text['flow.' + flow]} {fmt_num(wh / 1000.0, 1)}" for flow, wh in d.energy_wh.items())
        rows.append(
            [
                para(d.device_id, st.cell),
                para(d.name, st.cell),
                para(role_label(text, d.role.value), st.cell),
                para(energy or "-", st.cell_right),
                para(method_label(text, d.method), st.cell),
                para(fmt_num(d.coverage_pct, 1), st.cell_right),
                para(fmt_num(d.estimated_intervals), st.cell_right),
                para(fmt_num(d.spread_intervals), st.cell_right),
            ]
        )
    fractions = [0.12, 0.20, 0.11, 0.16, 0.17, 0.09, 0.07, 0.08]
    return [
        CondPageBreak(60 * mm),
        para(text["devices_year"], st.h1),
        ruled_table(rows, [f * width for f in fractions], right=right),
    ]


def _month_cell(month: str | None, text: dict[str, str], st: Styles) -> Paragraph:
    return para(text["total"], st.cell_head) if month is None else para(month, st.cell)


def costs_section(table: YearTable, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """Each month's bill and savings on the tariff, then the year; none without a tariff recorded with the site."""
    if not table.costs:
        return []
    money = f"\n[{table.currency}]"
    head = [para(text["month"], st.cell_head)]
    head += [para(text["cost." + c] + money, st.cell_head_right) for c in COST_COLUMNS]
    rows: list[list[Any]] = [head]
    for row in table.costs:
        cells = [para(_num(row.values[c], 2), st.cell_right) for c in COST_COLUMNS]
        rows.append([_month_cell(row.month, text, st), *cells])
    month_w = 0.16 * width
    other = (width - month_w) / len(COST_COLUMNS)
    return [
        CondPageBreak(80 * mm),
        para(text["costs_year"], st.h1),
        ruled_table(rows, [month_w] + [other] * len(COST_COLUMNS), right=set(range(1, 7)), total_row=True),
        Spacer(1, 4),
        para(text["f_year_costs"], st.small),
        para(text["costs_note"], st.small),
    ]


def quality_section(table: YearTable, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """Per month: coverage, days without data, estimated and spread intervals, and the counts of periods and events."""
    head = [para(text["month"], st.cell_head)]
    head += [para(text["qual." + c], st.cell_head_right) for c in QUALITY_COLUMNS]
    rows: list[list[Any]] = [head]
    months = [row.month for row in table.months] + [None]
    for month, counts in zip(months, table.quality, strict=True):
        cells = [
            para(_num(counts[c], 1) if c == "coverage_pct" else fmt_num(int(counts[c])), st.cell_right)
            for c in QUALITY_COLUMNS
        ]
        rows.append([_month_cell(month, text, st), *cells])
    month_w = 0.12 * width
    other = (width - month_w) / len(QUALITY_COLUMNS)
    return [
        CondPageBreak(90 * mm),
        para(text["quality_year"], st.h1),
        ruled_table(rows, [month_w] + [other] * len(QUALITY_COLUMNS), right=set(range(1, 10)), total_row=True),
        Spacer(1, 4),
        para(text["quality_year_note"], st.small),
        para(text["no_data_note"], st.small),
    ]


def methodology_section(text: dict[str, str], st: Styles) -> list[Flowable]:
    """The definitions in words (the factors with their data year and source are in the carbon section)."""
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        para(text["methodology"], st.h1),
        *method_note(text, st),
        para(text["formulas"], st.h2),
    ]
    for key in (*YEAR_FORMULA_KEYS, "no_data_note"):
        story.append(Paragraph(escape(text[key]), st.bullet, bulletText="\u2022"))
    return story


def monthly_section(
    report: YearReport, table: YearTable, text: dict[str, str], st: Styles, width: float
) -> list[Flowable]:
    """The monthly table (landscape): the CSV's columns, values rounded to 0.1, empty values as "-"."""
    head = [para(text[f"colshort.{c}"], st.cell_head if c == "month" else st.cell_head_right) for c in COLUMNS]
    last = report.months[-1]
    body = []
    for row in table.rows:
        if row.month is None:
            label = para(text["total"], st.cell_head)
        elif row.month == last.month and last.in_progress:
            label = para(text["month_to_date"].format(month=row.month), st.cell)
        else:
            label = para(row.month, st.cell)
        cells = [label]
        for c in COLUMNS[1:]:
            value = row.value(c)
            cells.append(para(_num(value, 0 if c == "days_without_data" else 1), st.cell_right))
        body.append(cells)
    narrow = {"self_consumption_pct": 0.06, "self_sufficiency_pct": 0.06, "peak_demand_kw": 0.055}
    narrow |= {"coverage_pct": 0.055, "days_without_data": 0.05, "month": 0.075, "consumption_kwh": 0.078}
    wide = (1.0 - sum(narrow.values())) / (len(COLUMNS) - len(narrow))  # energies and masses
    table_flowable = ruled_table(
        [head] + body,
        [narrow.get(c, wide) * width for c in COLUMNS],
        right=set(range(1, len(COLUMNS))),
        total_row=True,
    )
    table_flowable.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]))
    return [
        para(text["monthly_table"], st.h1),
        para(text["year_pdf_rounding"], st.small),
        Spacer(1, 4),
        table_flowable,
    ]
