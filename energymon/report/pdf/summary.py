"""The first pages of the PDF report: the headline figures with the daily charts, and the month's energy flows.

Energies in kWh (MWh from 10,000 kWh, see energymon.report.formats), taken from
the daily table's total row (:mod:`energymon.report.daily`).
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, Spacer

from energymon.report.daily import DailyTable
from energymon.report.figures import MonthReport
from energymon.report.formats import fmt_co2, fmt_coal, fmt_energy_kwh, fmt_kw, fmt_local, fmt_num, fmt_pct
from energymon.report.pdf.charts import bar_chart, flow_diagram
from energymon.report.pdf.fonts import Fonts
from energymon.report.pdf.styles import (
    EXPORT_COLOR,
    IMPORT_COLOR,
    LOAD_COLOR,
    PV_COLOR,
    Styles,
    para,
    ruled_table,
    tiles,
)
from energymon.report.pdf.trace import in_progress_note, made_line


def _kwh_totals(daily: DailyTable) -> dict[str, float]:
    """The month's energies in kWh, unmetered load as the difference of the rounded totals."""
    total = daily.total
    d: dict[str, Decimal] = {
        "pv": total.amount("pv_kwh"),
        "consumption": total.amount("consumption_kwh"),
        "metered": total.amount("metered_load_kwh"),
        "import": total.amount("grid_import_kwh"),
        "export": total.amount("grid_export_kwh"),
        "charge": total.amount("storage_charge_kwh"),
        "discharge": total.amount("storage_discharge_kwh"),
    }
    d["unmetered"] = d["consumption"] - d["metered"]
    return {k: float(v) for k, v in d.items()}


def _bars(daily: DailyTable, column: str) -> list[float]:
    """A daily chart's bar heights: a day without data has no bar (its value is unknown, the table says so)."""
    return [float(row.value(column) or 0) for row in daily.days]


def _pct_of(part: float, whole: float) -> str:
    return fmt_pct(100.0 * part / whole) if whole > 0 else "-"


def summary_page(
    report: MonthReport,
    daily: DailyTable,
    text: dict[str, str],
    st: Styles,
    fonts: Fonts,
    width: float,
) -> list[Flowable]:
    """Page 1: title, the headline figures as cards, the daily charts."""
    total = daily.total
    kwh = _kwh_totals(daily)
    dates = daily.dates()
    first, last = dates[0].isoformat(), dates[-1].isoformat()
    story: list[Flowable] = [
        para(
            text["title_month"].format(month=report.month, year=report.month[:4], mon=int(report.month[5:])),
            st.title,
        ),
        para(report.site_name, st.h1),
        para(
            text["period"] + text["colon"] + text["period_value"].format(start=first, end=last, tz=report.timezone),
            st.subtitle,
        ),
        *made_line(report, text, st),
        *in_progress_note(report, text, st, width),
    ]

    def pct(value: Decimal | None, none_key: str) -> tuple[str, str]:
        return ("-", text[none_key]) if value is None else (fmt_pct(float(value)), "")

    sc, sc_note = pct(total.self_consumption_pct, "no_pv")
    ss, ss_note = pct(total.self_sufficiency_pct, "no_consumption")
    peak_note = (
        text["no_grid_meter"]
        if report.peak_demand_kw is None
        else fmt_local(report.peak_demand_start_ms, report.timezone)
    )
    cards = [
        (text["pv"], fmt_energy_kwh(kwh["pv"]), ""),
        (text["consumption"], fmt_energy_kwh(kwh["consumption"]), ""),
        (text["grid_import"], fmt_energy_kwh(kwh["import"]), ""),
        (text["grid_export"], fmt_energy_kwh(kwh["export"]), ""),
        (text["self_consumption"], sc, sc_note),
        (text["self_sufficiency"], ss, ss_note),
        (text["avoided_co2"], fmt_co2(float(total.amount("avoided_co2_kg"))), ""),
        (text["coal_saved"], fmt_coal(float(total.amount("coal_saved_kgce"))), ""),
        (text["storage_charge"], fmt_energy_kwh(kwh["charge"]), ""),
        (text["storage_discharge"], fmt_energy_kwh(kwh["discharge"]), ""),
        (text["peak_demand"], fmt_kw(report.peak_demand_kw), peak_note),
        (
            text["coverage"],
            fmt_pct(float(total.coverage_pct)),
            text["estimated_intervals"] + text["colon"] + fmt_num(report.total.estimated_intervals),
        ),
    ]
    story += [para(text["headline"], st.h2), tiles(cards, st, width), Spacer(1, 10)]
    days = [str(d.day) for d in dates]
    story.append(
        bar_chart(
            fonts,
            text,
            days,
            [
                (text["pv"], _bars(daily, "pv_kwh"), PV_COLOR),
                (
                    text["consumption"],
                    _bars(daily, "consumption_kwh"),
                    LOAD_COLOR,
                ),
            ],
            text["chart_pv_consumption"],
            width,
            245,
        )
    )
    story.append(Spacer(1, 8))
    story.append(
        bar_chart(
            fonts,
            text,
            days,
            [
                (
                    text["grid_import"],
                    _bars(daily, "grid_import_kwh"),
                    IMPORT_COLOR,
                ),
                (
                    text["grid_export"],
                    _bars(daily, "grid_export_kwh"),
                    EXPORT_COLOR,
                ),
            ],
            text["chart_import_export"],
            width,
            200,
        )
    )
    return story


def flows_section(daily: DailyTable, text: dict[str, str], st: Styles, fonts: Fonts, width: float) -> list[Flowable]:
    """The month's energy flows: the diagram, then the table of flows with their shares."""
    kwh = _kwh_totals(daily)
    story: list[Flowable] = [
        para(text["flows"], st.h1),
        flow_diagram(fonts, text, kwh, width),
        Spacer(1, 8),
    ]
    pv_site = max(0.0, kwh["pv"] - kwh["export"])
    table_rows = [
        [
            para(text["item"], st.cell_head),
            para("kWh", st.cell_head_right),
            para(text["note"], st.cell_head),
        ],
        [
            para(text["pv"], st.cell_head),
            para(fmt_num(kwh["pv"], 1), st.cell_right),
            para("", st.cell),
        ],
        [
            para(text["flow_pv_site"], st.cell_indent),
            para(fmt_num(pv_site, 1), st.cell_right),
            para(text["share_of_pv"].format(pct=_pct_of(pv_site, kwh["pv"])), st.cell),
        ],
        [
            para(text["flow_pv_export"], st.cell_indent),
            para(fmt_num(kwh["export"], 1), st.cell_right),
            para(
                text["share_of_pv"].format(pct=_pct_of(kwh["export"], kwh["pv"])) + "; " + text["flow_note_export"],
                st.cell,
            ),
        ],
        [
            para(text["grid_import"], st.cell_head),
            para(fmt_num(kwh["import"], 1), st.cell_right),
            para(
                text["share_of_consumption"].format(pct=_pct_of(kwh["import"], kwh["consumption"])),
                st.cell,
            ),
        ],
        [
            para(text["storage_charge"], st.cell_head),
            para(fmt_num(kwh["charge"], 1), st.cell_right),
            para("", st.cell),
        ],
        [
            para(text["storage_discharge"], st.cell_head),
            para(fmt_num(kwh["discharge"], 1), st.cell_right),
            para("", st.cell),
        ],
        [
            para(text["consumption"], st.cell_head),
            para(fmt_num(kwh["consumption"], 1), st.cell_right),
            para(text["f_consumption"], st.cell),
        ],
        [
            para(text["metered_load"], st.cell_indent),
            para(fmt_num(kwh["metered"], 1), st.cell_right),
            para(
                text["share_of_consumption"].format(pct=_pct_of(kwh["metered"], kwh["consumption"])),
                st.cell,
            ),
        ],
        [
            para(text["unmetered"], st.cell_indent),
            para(fmt_num(kwh["unmetered"], 1), st.cell_right),
            para(
                text["share_of_consumption"].format(pct=_pct_of(kwh["unmetered"], kwh["consumption"]))
                + "; "
                + text["f_unmetered"],
                st.cell,
            ),
        ],
    ]
    story.append(ruled_table(table_rows, [0.30 * width, 0.16 * width, 0.54 * width], right={1}))
    return story
