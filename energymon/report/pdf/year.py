"""The annual report as a PDF for management (reportlab), in English or Chinese, built from the monthly PDF's parts.

Pages (A4):

1. title (site, year, period; a year in progress says so), the year's headline figures as tiles, a monthly
   bar chart of PV generation against consumption and one of grid import and export;
2. the carbon reduction of the year (PV, the factors with their data year and source, avoided CO2, coal
   saved), the year's energy flows (the monthly PDF's diagram and table) and the devices over the year;
3. the costs by month (with a tariff), data quality by month, the factors and the method in words;
4. (landscape) the monthly table of the CSV, rounded to 0.1 for display.

The document, its footer, the fonts and their fallback are the monthly PDF's (:mod:`energymon.report.pdf`:
``report_document``, ``numbered_canvas``, ``set_in_fonts``; every character drawn is recorded, the bundled
Chinese font is used unless it lacks one). The sections after page 1 are in :mod:`.year_sections`.
The output is deterministic, as the monthly PDF's.
"""

from __future__ import annotations

import functools
import io
from decimal import Decimal
from pathlib import Path
from typing import IO

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer

from energymon.report.formats import fmt_co2, fmt_coal, fmt_energy_kwh, fmt_kw, fmt_local, fmt_num, fmt_pct
from energymon.report.pdf import (
    LANDSCAPE_WIDTH,
    PORTRAIT_WIDTH,
    choose_fonts,
    numbered_canvas,
    report_document,
    set_in_fonts,
)
from energymon.report.pdf.charts import bar_chart
from energymon.report.pdf.fonts import Fonts, needs_unicode_font
from energymon.report.pdf.styles import EXPORT_COLOR, IMPORT_COLOR, LOAD_COLOR, PV_COLOR, Styles, para, tiles
from energymon.report.pdf.trace import made_line
from energymon.report.pdf.year_sections import (
    carbon_section,
    costs_section,
    devices_section,
    flows_of_year,
    methodology_section,
    monthly_section,
    quality_section,
)
from energymon.report.year import YearReport
from energymon.report.year_table import YearTable, year_table
from energymon.report.year_text import month_name, year_labels


def choose_year_fonts(report: YearReport, lang: str, system: tuple[Path, int] | None = None) -> Fonts:
    """The monthly PDF's choice (:func:`energymon.report.pdf.choose_fonts`) over the text of all the months."""
    unicode = lang == "zh" or any(needs_unicode_font(m) for m in report.months)
    return choose_fonts(report.months[0], "zh" if unicode else "en", system)


def write_year_report_pdf(report: YearReport, path: Path | IO[bytes], lang: str = "en") -> Fonts:
    """Write the annual report as a PDF to ``path`` (a file name or a binary stream) in ``lang`` ("en" or "zh").

    Returns the fonts used; characters no font had are in ``missing`` (and logged as a warning).
    """
    data, fonts = set_in_fonts(
        functools.partial(choose_year_fonts, report, lang), functools.partial(_build, report, lang)
    )
    if hasattr(path, "write"):
        path.write(data)
    else:
        Path(path).write_bytes(data)
    return fonts


def _build(report: YearReport, lang: str, fonts: Fonts) -> bytes:
    """The PDF's bytes, set in ``fonts`` (which note every character drawn)."""
    text = year_labels(lang)
    st = Styles(fonts, lang)
    table = year_table(report)
    out = io.BytesIO()
    title = text["year_title_with_site"].format(site=report.site_name, year=report.year)
    doc = report_document(out, title, text["year_title"], lang)
    width = PORTRAIT_WIDTH
    story = summary_page(report, table, text, st, fonts, width)
    story.append(PageBreak())
    story += carbon_section(report, table, text, st, width)
    story += flows_of_year(table, text, st, fonts, width)
    story += devices_section(report, text, st, width)
    story += costs_section(table, text, st, width)
    story += quality_section(table, text, st, width)
    story += methodology_section(text, st)
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += monthly_section(report, table, text, st, LANDSCAPE_WIDTH)
    footer = text["year_footer"].format(site=report.site_name, year=report.year)
    doc.build(story, canvasmaker=numbered_canvas(fonts, footer, text["page"]))
    return out.getvalue()


def _f(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def summary_page(
    report: YearReport, table: YearTable, text: dict[str, str], st: Styles, fonts: Fonts, width: float
) -> list[Flowable]:
    """Page 1: title, the year's headline figures as tiles, the monthly charts."""
    total = table.total
    tz = report.timezone
    start, end = fmt_local(report.start_ms, tz)[:10], fmt_local(report.reported_end_ms - 1, tz)[:10]
    story: list[Flowable] = [
        para(text["year_title_year"].format(year=report.year), st.title),
        para(report.site_name, st.h1),
        para(text["period"] + text["colon"] + text["period_value"].format(start=start, end=end, tz=tz), st.subtitle),
        *made_line(report.months[-1], text, st),  # the year's months are made together, as one
    ]
    if report.in_progress:
        note = text["year_in_progress"].format(end=fmt_local(report.reported_end_ms, tz))
        story.append(para(note, st.body))

    def share(column: str, none_key: str) -> tuple[str, str]:
        value = total.value(column)
        if value is None:
            return "-", text[none_key] if total.has_data else text["no_data"]
        return fmt_pct(float(value)), ""

    sc, sc_note = share("self_consumption_pct", "no_pv")
    ss, ss_note = share("self_sufficiency_pct", "no_consumption")
    peak = report.peak_month
    if peak is None:
        peak_note = text["no_grid_meter"] if total.has_data else text["no_data"]
    else:
        peak_note = f"{month_name(text, peak.month)}, {fmt_local(peak.peak_demand_start_ms, tz)}"
    missing = [row.month for row in table.months if not row.has_data]
    coverage_note = text["days_without_data"] + text["colon"] + fmt_num(total.days_without_data)
    kwh = {c: _f(total.value(c)) for c in ("pv_kwh", "consumption_kwh", "grid_import_kwh", "grid_export_kwh")}
    cards = [
        (text["pv"], fmt_energy_kwh(kwh["pv_kwh"]), ""),
        (text["consumption"], fmt_energy_kwh(kwh["consumption_kwh"]), ""),
        (text["grid_import"], fmt_energy_kwh(kwh["grid_import_kwh"]), ""),
        (text["grid_export"], fmt_energy_kwh(kwh["grid_export_kwh"]), ""),
        (text["self_consumption"], sc, sc_note),
        (text["self_sufficiency"], ss, ss_note),
        (text["avoided_co2"], fmt_co2(_f(total.value("avoided_co2_kg"))), ""),
        (text["coal_saved"], fmt_coal(_f(total.value("coal_saved_kgce"))), ""),
        (text["storage_charge"], fmt_energy_kwh(_f(total.value("storage_charge_kwh"))), ""),
        (text["storage_discharge"], fmt_energy_kwh(_f(total.value("storage_discharge_kwh"))), ""),
        (text["peak_demand"], fmt_kw(_f(total.value("peak_demand_kw"))), peak_note),
        (text["coverage"], fmt_pct(_f(total.value("coverage_pct"))), coverage_note),
    ]
    if missing:
        cards.append((text["no_data_months"], fmt_num(len(missing)), ", ".join(m or "" for m in missing)))
    story += [para(text["headline"], st.h2), tiles(cards, st, width), Spacer(1, 10)]
    names = [
        month_name(text, row.month or "") + ("" if row.has_data else f"\n({text['no_data']})") for row in table.months
    ]

    def series(column: str) -> list[float]:  # a month without data draws no bar (its name says so)
        return [_f(row.value(column)) or 0.0 for row in table.months]

    charts = (
        ("chart_month_pv_consumption", (("pv", "pv_kwh", PV_COLOR), ("consumption", "consumption_kwh", LOAD_COLOR))),
        (
            "chart_month_import_export",
            (("grid_import", "grid_import_kwh", IMPORT_COLOR), ("grid_export", "grid_export_kwh", EXPORT_COLOR)),
        ),
    )
    for i, ((title, lines), height) in enumerate(zip(charts, (235, 195), strict=True)):
        drawn = [(text[key], series(column), color) for key, column, color in lines]
        # A space between the charts only: one after the last, on a full page, went alone to page 2 (a blank page
        # before the page break). No axis title: the month names say it, and a month without data has a second
        # line under its name.
        story += [Spacer(1, 8)] if i else []
        story.append(bar_chart(fonts, text, names, drawn, text[title], width, height, axis_label=""))
    return story
