"""Sections of the PDF report: devices, costs, methodology and the daily table (data quality: ``quality``).

Each function returns the flowables of its section; ``width`` is the frame's
width in points. Energies in kWh rounded to 0.1 for display.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, TableStyle

from energymon.report.daily import COLUMNS, DailyTable
from energymon.report.figures import Costs, MonthReport
from energymon.report.formats import fmt_num
from energymon.report.pdf.styles import Styles, para, ruled_table
from energymon.report.pdf.trace import days_lacking_note, method_note
from energymon.report.text import FORMULA_KEYS, method_label, role_label


def devices_section(report: MonthReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """Per device: id, name, role, rated power, energy per flow, method, coverage, estimated and spread intervals."""
    head = [
        text["device_id"],
        text["device_name"],
        text["role"],
        text["rated_kw_short"],
        text["energy"] + "\nkWh",
        text["method"],
        text["coverage_pct"].replace(" [", "\n["),
        text["estimated_short"],
        text["spread_short"],
    ]
    right = {3, 4, 6, 7, 8}
    rows: list[list[Any]] = [[para(h, st.cell_head_right if i in right else st.cell_head) for i, h in enumerate(head)]]
    for d in report.devices:
        energy = "\n".join(f"{text['flow.' + flow]} {fmt_num(wh / 1000.0, 1)}" for flow, wh in d.energy_wh.items())
        rows.append(
            [
                para(d.device_id, st.cell),
                para(d.name, st.cell),
                para(role_label(text, d.role.value), st.cell),
                para(fmt_num(d.rated_power_kw, 0), st.cell_right),
                para(energy or "-", st.cell_right),
                para(method_label(text, d.method), st.cell),
                para(fmt_num(d.coverage_pct, 1), st.cell_right),
                para(fmt_num(d.estimated_intervals), st.cell_right),
                para(fmt_num(d.spread_intervals), st.cell_right),
            ]
        )
    fractions = [0.11, 0.18, 0.11, 0.07, 0.15, 0.16, 0.09, 0.06, 0.07]
    return [
        CondPageBreak(60 * mm),
        para(text["devices"], st.h1),
        ruled_table(rows, [f * width for f in fractions], right=right),
    ]


def costs_section(costs: Costs | None, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """The cost section (import cost by period, demand charge, savings), after the device table; none
    without a tariff recorded with the site."""
    if costs is None:
        return []
    money = f" [{costs.currency}]"
    rows: list[list[Any]] = [
        [
            para(text["tariff_period"], st.cell_head),
            para(text["import_kwh"], st.cell_head_right),
            para(text["cost"] + money, st.cell_head_right),
        ]
    ]
    for period, (kwh, cost) in costs.by_period.items():
        rows.append(
            [
                para(text.get("period." + period, period), st.cell),
                para(fmt_num(kwh, 1), st.cell_right),
                para(fmt_num(cost, 2), st.cell_right),
            ]
        )
    saved = costs.savings
    lines = [
        (text["import_cost"], saved.import_cost),
        (text["export_revenue"], saved.export_revenue),
        (text["energy_cost"], costs.energy_cost),
    ]
    if costs.demand_charge is not None:
        lines.append((text["demand_charge"], costs.demand_charge))
    lines += [
        (text["baseline_cost"], saved.baseline_cost),
        (text["pv_saved"], saved.pv_saved),
        (text["storage_saved"], saved.storage_saved),
        (text["total_saved"], saved.total_saved),
    ]
    if saved.demand_saved is not None:
        lines.append((text["demand_saved"], saved.demand_saved))
    summary = [
        [
            para(text["item"], st.cell_head),
            para(f"{text['value']}{money}", st.cell_head_right),
        ]
    ]
    summary += [[para(label, st.cell), para(fmt_num(value, 2), st.cell_right)] for label, value in lines]
    colon = "：" if st.lang == "zh" else ": "
    return [
        CondPageBreak(70 * mm),
        para(text["costs"], st.h1),
        para(f"{text['tariff']}{colon}{costs.tariff_name or '-'}", st.body),
        ruled_table(rows, [0.40 * width, 0.30 * width, 0.30 * width], right={1, 2}),
        Spacer(1, 8),
        ruled_table(summary, [0.70 * width, 0.30 * width], right={1}),
        Spacer(1, 4),
        para(text["costs_note"], st.small),
    ]


def methodology_section(report: MonthReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """The method in a reader's words, the carbon factors with their sources, and the definitions in words."""
    factors = [
        [
            para(text["item"], st.cell_head),
            para(text["value"], st.cell_head_right),
            para(text["source"], st.cell_head),
        ],
        [
            para(text["emission_factor"], st.cell),
            para(f"{report.emission_factor_kg_per_kwh:.4f} kgCO2/kWh", st.cell_right),
            para(report.emission_factor_source or text["not_stated"], st.cell),
        ],
        [
            para(text["coal_factor"], st.cell),
            para(f"{report.coal_factor_kgce_per_kwh:.4f} kgce/kWh", st.cell_right),
            para(report.coal_factor_source or text["not_stated"], st.cell),
        ],
    ]
    story: list[Flowable] = [
        CondPageBreak(50 * mm),
        para(text["methodology"], st.h1),
        *method_note(text, st),
        para(text["factors"], st.h2),
        ruled_table(factors, [0.22 * width, 0.20 * width, 0.58 * width], right={1}),
        para(text["formulas"], st.h2),
    ]
    for key in FORMULA_KEYS:
        story.append(Paragraph(escape(text[key]), st.bullet, bulletText="\u2022"))
    return story


def daily_section(daily: DailyTable, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """The daily table (landscape): the CSV's columns, values rounded to 0.1, undefined shares as "-", a day
    without data empty ("no data" in its coverage cell), then the days the total lacks."""
    head = [para(text[f"colshort.{c}"], st.cell_head if c == "date" else st.cell_head_right) for c in COLUMNS]
    body = []
    for row in daily.rows:
        cells = []
        for c in COLUMNS:
            if c == "date":
                if row.day is None:
                    cells.append(para(text["total"], st.cell_head))
                else:
                    cells.append(para(row.day.isoformat(), st.cell))
                continue
            value = row.value(c)
            if not row.has_data:  # unknown, not 0: empty, the coverage cell says why
                cells.append(para(text["day_no_data"] if c == "coverage_pct" else "", st.cell_right))
            elif value is None:
                cells.append(para("-", st.cell_right))
            else:
                cells.append(para(fmt_num(float(value), 1), st.cell_right))
        body.append(cells)
    date_w = 0.085 * width
    other = (width - date_w) / (len(COLUMNS) - 1)
    table = ruled_table(
        [head] + body,
        [date_w] + [other] * (len(COLUMNS) - 1),
        right=set(range(1, len(COLUMNS))),
        total_row=True,
    )
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 1), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1),
            ]
        )
    )
    return [
        para(text["daily_table"], st.h1),
        para(text["pdf_rounding"], st.small),
        Spacer(1, 4),
        table,
        *days_lacking_note(daily, text, st),
    ]
