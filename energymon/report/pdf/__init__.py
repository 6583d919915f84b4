"""The monthly report as a PDF for management (reportlab), in English or Chinese.

Pages (A4):

1. title (site, month, time zone), the headline figures, a chart of daily PV
   generation against consumption and one of daily grid import and export
   (vector charts, reportlab.graphics);
2. the energy flows of the month (a diagram and a table: PV used on site and
   exported, grid import, storage charge and discharge, consumption split into
   metered load and unmetered load & losses) and the per-device table;
   (the cost section goes after these when the site has a tariff, see :func:`costs_section`);
3. data quality (coverage, estimated and gap-spread intervals, offline
   periods, events) and the methodology: definitions and the factors' sources;
4. (landscape) the daily table of the CSV, rounded to 0.1 for display.

Long tables flow onto further pages.

This module assembles the document: it chooses the fonts (:func:`choose_fonts`:
the bundled Chinese font, or a system font only when the bundled one lacks a
character the report drew; the system fonts it looks at, :func:`cjk_font_candidates`,
can be replaced on this package), sets up the page templates and the page
footer, and puts the sections in order. The parts live beside it: ``fonts``
(the bundled font, the per-glyph check, the system font search), ``styles``
(colours, paragraph styles, tables), ``charts`` (bar charts, the flow
diagram), ``summary`` (pages 1 and 2: headline figures, energy flows),
``sections`` (devices, costs, methodology, daily table) and
``quality`` (data quality: coverage, offline periods, events). The annual
PDF (``year``, ``year_sections``) is built in the same document
(:func:`report_document`), footer (:func:`numbered_canvas`) and fonts
(:func:`set_in_fonts`).

The output is deterministic: the same report gives the same bytes on every
machine (reportlab's invariant mode fixes the creation date and the document
ID; there are no timestamps in the content; the fonts ship with energymon).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from energymon.report.daily import daily_table
from energymon.report.figures import MonthReport
from energymon.report.pdf.fonts import (
    BUNDLED_BOLD,
    BUNDLED_REGULAR,
    CJK_FONT_NAME,
    FONT_ENV,
    Fonts,
    cjk_font_candidates,
    find_font_with,
    needs_unicode_font,
    report_font,
)
from energymon.report.pdf.quality import quality_section
from energymon.report.pdf.sections import (
    costs_section,
    daily_section,
    devices_section,
    methodology_section,
)
from energymon.report.pdf.styles import MUTED, RULE, Styles
from energymon.report.pdf.summary import flows_section, summary_page
from energymon.report.sources import with_sources_in
from energymon.report.text import labels

__all__ = [
    "FONT_ENV",
    "Fonts",
    "choose_fonts",
    "cjk_font_candidates",
    "find_font_with",
    "write_report_pdf",
]

log = logging.getLogger("energymon.report")


def choose_fonts(report: MonthReport, lang: str, system: tuple[Path, int] | None = None) -> Fonts:
    """Helvetica for English Latin text; else the bundled Chinese font (regular and bold), or the system font
    ``system`` (path, .ttc member) when the bundled one lacked a character (see energymon.report.pdf.fonts)."""
    if system is not None:
        face = report_font(CJK_FONT_NAME, *system)
        return Fonts(face.fontName, face.fontName, True, (face,))
    if lang != "zh" and not needs_unicode_font(report):
        return Fonts("Helvetica", "Helvetica-Bold", False)
    regular, bold = report_font("EnergymonSC", BUNDLED_REGULAR), report_font("EnergymonSC-Bold", BUNDLED_BOLD)
    return Fonts(regular.fontName, bold.fontName, True, (regular, bold))


def numbered_canvas(fonts: Fonts, left_text: str, page_text: str) -> type:
    """A canvas that writes "page n of N" and the report's name at the foot of every page."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(fonts.regular, 7.5)
                self.setFillColor(MUTED)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.line(15 * mm, 12 * mm, width - 15 * mm, 12 * mm)
                self.drawString(15 * mm, 8 * mm, left_text)
                self.drawRightString(width - 15 * mm, 8 * mm, page_text.format(page=number, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def write_report_pdf(report: MonthReport, path: Path | IO[bytes], lang: str = "en") -> Fonts:
    """Write the monthly report as a PDF to ``path`` (a file name or a binary stream) in ``lang`` ("en" or "zh").

    The cost section appears when the report has costs (a tariff recorded with the site). Returns the fonts
    used; characters no font had are in ``missing`` (and logged as a warning). The factors' sources are printed
    in ``lang`` (energymon.report.sources).
    """
    report = with_sources_in(report, lang)
    data, fonts = set_in_fonts(functools.partial(choose_fonts, report, lang), functools.partial(_build, report, lang))
    if hasattr(path, "write"):
        path.write(data)
    else:
        Path(path).write_bytes(data)
    return fonts


def set_in_fonts(
    choose: Callable[[tuple[Path, int] | None], Fonts], build: Callable[[Fonts], bytes]
) -> tuple[bytes, Fonts]:
    """A PDF's bytes ``build(fonts)`` in the fonts ``choose(None)`` gives; if they lack a character drawn, built
    again in ``choose(system)``, the first system font with every character drawn. Without one the first
    build is kept and the characters shown as empty boxes are logged and left in ``Fonts.missing``."""
    fonts = choose(None)
    data = build(fonts)
    lacking = fonts.lacking()
    if lacking:
        system = find_font_with(fonts.drawn(), cjk_font_candidates())
        if system is not None:
            fonts = choose(system)
            data = build(fonts)
        else:
            fonts.missing = lacking
            log.warning(
                "report PDF: no font has %s; they show as empty boxes (set %s to a TrueType font that has them)",
                " ".join(sorted(chr(c) for c in lacking)),
                FONT_ENV,
            )
    return data, fonts


MARGIN = 15 * mm
PORTRAIT, LANDSCAPE = A4, landscape(A4)
PORTRAIT_WIDTH, LANDSCAPE_WIDTH = PORTRAIT[0] - 2 * MARGIN, LANDSCAPE[0] - 2 * MARGIN  # the frames' widths


def report_document(out: IO[bytes], title: str, subject: str, lang: str) -> BaseDocTemplate:
    """The document every report PDF is built in: A4 with the page templates "portrait" (the first) and
    "landscape", 15 mm margins and room for the footer, deterministic (reportlab's invariant mode)."""
    doc = BaseDocTemplate(
        out,
        pagesize=PORTRAIT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=title,
        author="energymon",
        subject=subject,
        creator="energymon",
        invariant=1,
        lang="zh-CN" if lang == "zh" else "en",
    )

    def frame(size: tuple[float, float], name: str) -> Frame:
        return Frame(
            MARGIN,
            18 * mm,
            size[0] - 2 * MARGIN,
            size[1] - MARGIN - 18 * mm,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    doc.addPageTemplates(
        [
            PageTemplate("portrait", frames=[frame(PORTRAIT, "p")], pagesize=PORTRAIT),
            PageTemplate("landscape", frames=[frame(LANDSCAPE, "l")], pagesize=LANDSCAPE),
        ]
    )
    return doc


def _build(report: MonthReport, lang: str, fonts: Fonts) -> bytes:
    """The PDF's bytes, set in ``fonts`` (which note every character drawn)."""
    text = labels(lang)
    st = Styles(fonts, lang)
    table = daily_table(report)
    title = text["title_with_site"].format(site=report.site_name, month=report.month)
    out = io.BytesIO()
    doc = report_document(out, title, text["title"], lang)
    width = PORTRAIT_WIDTH
    story: list[Flowable] = []
    story += summary_page(report, table, text, st, fonts, width)
    story.append(PageBreak())
    story += flows_section(table, text, st, fonts, width)
    story += devices_section(report, text, st, width)
    story += costs_section(report.costs, text, st, width)
    story += quality_section(report, table, text, st, width)
    story += methodology_section(report, text, st, width)
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += daily_section(table, text, st, LANDSCAPE_WIDTH)
    footer = text["footer"].format(site=report.site_name, title=text["title"], month=report.month)
    doc.build(story, canvasmaker=numbered_canvas(fonts, footer, text["page"]))
    return out.getvalue()
