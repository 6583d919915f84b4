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

Fonts. English uses the PDF base font Helvetica, unless the report's own text
(site, device names, event details, sources) needs characters beyond
Windows-1252; Chinese always needs a CJK font. The CJK font is a TrueType font
embedded (subset) in the file, searched in this order:

1. the file named by the environment variable ``ENERGYMON_CJK_FONT``
   (``path`` or ``path#index`` for a member of a .ttc collection);
2. Windows: ``%WINDIR%\\Fonts`` and ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``:
   msyh.ttc (Microsoft YaHei), simhei.ttf (SimHei), simsun.ttc (SimSun), Deng.ttf (DengXian);
3. Linux: WenQuanYi Zen Hei / Micro Hei (Debian/Ubuntu ``fonts-wqy-zenhei``,
   ``fonts-wqy-microhei``; Fedora, Arch paths), Droid Sans Fallback, AR PL UMing;
4. macOS: STHeiti, Arial Unicode, Songti, PingFang.

A candidate is used only if reportlab can embed it (TrueType outlines; OpenType
CFF fonts such as Noto Sans CJK are refused by reportlab) and it has Chinese
glyphs. If none is found, :class:`FontNotFoundError` says what to install.
Adobe's non-embedded CID font STSong-Light is deliberately not a fallback: its
rendering depends on the viewer having a substitute font.

The output is deterministic: the same report gives the same bytes (reportlab's
invariant mode fixes the creation date and the document ID; there are no
timestamps in the content).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from energymon.report.csv_file import COLUMNS, report_rows
from energymon.report.month import Costs, MonthReport, ReportError
from energymon.report.text import (
    fmt_co2,
    fmt_coal,
    fmt_energy_kwh,
    fmt_kw,
    fmt_local,
    fmt_num,
    fmt_pct,
    kind_label,
    labels,
    method_label,
    role_label,
    severity_label,
)

FONT_ENV = "ENERGYMON_CJK_FONT"
CJK_FONT_NAME = "EnergymonCJK"
MAX_OFFLINE_ROWS = 25
MAX_NOTABLE_EVENTS = 15
MAX_DETAIL_CHARS = 140

# File names (Windows font folders) and absolute paths (Linux, macOS), each with the member index of a .ttc.
WINDOWS_FONTS = (("msyh.ttc", 0), ("msyh.ttf", 0), ("simhei.ttf", 0), ("simsun.ttc", 0), ("Deng.ttf", 0))
UNIX_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian/Ubuntu fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian/Ubuntu fonts-wqy-microhei
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora wqy-zenhei-fonts
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora wqy-microhei-fonts
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),  # Arch wqy-zenhei
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Arch wqy-microhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # Debian fonts-droid-fallback
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),  # Fedora
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian fonts-arphic-uming
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),  # macOS
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
)
INSTALL_HINT = (
    "install a TrueType Chinese font: on Debian/Ubuntu `apt install fonts-wqy-zenhei`, on Fedora "
    "`dnf install wqy-zenhei-fonts`; or set ENERGYMON_CJK_FONT to a .ttf/.ttc file (e.g. msyh.ttc, "
    "simhei.ttf)"
)

INK = colors.HexColor("#1F2A36")
MUTED = colors.HexColor("#5F6B78")
RULE = colors.HexColor("#C9D3DD")
HEAD_FILL = colors.HexColor("#E4EBF2")
CARD_FILL = colors.HexColor("#F3F6F9")
PV_COLOR = colors.HexColor("#E8A317")
LOAD_COLOR = colors.HexColor("#2F6DB5")
IMPORT_COLOR = colors.HexColor("#B9504B")
EXPORT_COLOR = colors.HexColor("#4E9A4E")
STORAGE_COLOR = colors.HexColor("#7B5EA7")
UNMETERED_COLOR = colors.HexColor("#8C99A6")


class FontNotFoundError(ReportError):
    """No font that can render (and be embedded for) the report's text."""


# ---- fonts ------------------------------------------------------------------------------------


def cjk_font_candidates() -> list[tuple[Path, int]]:
    """Where a CJK TrueType font is looked for, in order (see the module docstring)."""
    out: list[tuple[Path, int]] = []
    env = os.environ.get(FONT_ENV, "").strip()
    if env:
        path, _, index = env.partition("#")
        out.append((Path(path).expanduser(), int(index) if index.isdigit() else 0))
    folders = []
    if sys.platform == "win32" or os.environ.get("WINDIR"):
        folders.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        if os.environ.get("LOCALAPPDATA"):
            folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    out += [(folder / name, index) for folder in folders for name, index in WINDOWS_FONTS]
    out += [(Path(p), index) for p, index in UNIX_FONTS]
    return out


@cache
def _load_cjk(path: str, index: int) -> TTFont | None:
    try:
        font = TTFont(CJK_FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None  # missing, unreadable or CFF outlines (reportlab embeds TrueType only)
    if not all(ord(ch) in font.face.charToGlyph for ch in "月度能源报告光伏"):
        return None
    return font


def find_cjk_font() -> tuple[Path, int] | None:
    """The first usable CJK TrueType font (path, .ttc member index), or None."""
    for path, index in cjk_font_candidates():
        if path.is_file() and _load_cjk(str(path), index) is not None:
            return path, index
    return None


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    cjk: bool
    path: Path | None = None  # the embedded TrueType file, if any


def _needs_unicode_font(report: MonthReport) -> bool:
    texts = [report.site_name, report.timezone, report.emission_factor_source, report.coal_factor_source]
    texts += [d.device_id for d in report.devices] + [d.name for d in report.devices]
    texts += [e.detail for e in report.events] + [e.device_id or "" for e in report.events]
    try:
        "".join(texts).encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


def choose_fonts(report: MonthReport, lang: str) -> Fonts:
    """Helvetica for English Latin text; an embedded CJK TrueType font for Chinese or non-Latin text."""
    if lang != "zh" and not _needs_unicode_font(report):
        return Fonts("Helvetica", "Helvetica-Bold", False)
    found = find_cjk_font()
    if found is None:
        why = "Chinese report" if lang == "zh" else "the report's text has non-Latin characters"
        raise FontNotFoundError(f"no Chinese font found for the PDF ({why}): {INSTALL_HINT}")
    path, index = found
    pdfmetrics.registerFont(_load_cjk(str(path), index))
    return Fonts(CJK_FONT_NAME, CJK_FONT_NAME, True, path)


# ---- styles -----------------------------------------------------------------------------------


def _style(name: str, base: dict, **overrides: Any) -> ParagraphStyle:
    return ParagraphStyle(name, **{**base, **overrides})


class _Styles:
    def __init__(self, fonts: Fonts, lang: str):
        self.lang = lang
        wrap = "CJK" if lang == "zh" else None
        base = dict(fontName=fonts.regular, textColor=INK, wordWrap=wrap)
        bold = dict(base, fontName=fonts.bold)
        self.title = _style("title", bold, fontSize=20, leading=25, spaceAfter=2)
        self.subtitle = _style("subtitle", base, fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=8)
        self.h1 = _style("h1", bold, fontSize=14, leading=18, spaceBefore=6, spaceAfter=5)
        self.h2 = _style("h2", bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=3)
        self.body = _style("body", base, fontSize=9, leading=12.5, spaceAfter=3)
        self.bullet = _style(
            "bullet",
            base,
            fontSize=9,
            leading=12.5,
            spaceAfter=2,
            leftIndent=10,
            bulletIndent=0,
            bulletFontName="Helvetica",
            bulletFontSize=9,
        )
        self.small = _style("small", base, fontSize=7.5, leading=9.5, textColor=MUTED)
        self.cell = _style("cell", base, fontSize=7.5, leading=9.2)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_indent = ParagraphStyle("cell_indent", parent=self.cell, leftIndent=10)
        self.cell_head = _style("cell_head", bold, fontSize=7.5, leading=9.2)
        self.cell_head_right = ParagraphStyle("cell_head_right", parent=self.cell_head, alignment=TA_RIGHT)
        self.card_label = _style("card_label", base, fontSize=8, leading=10, textColor=MUTED)
        self.card_value = _style("card_value", bold, fontSize=13.5, leading=17)
        self.card_note = _style("card_note", base, fontSize=7, leading=9, textColor=MUTED)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; newlines become line breaks)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(
    rows: list[list[Any]], widths: list[float], right: set[int] = frozenset(), total_row: bool = False, repeat: int = 1
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=repeat)
    style = [
        ("BACKGROUND", (0, 0), (-1, repeat - 1), HEAD_FILL),
        ("LINEBELOW", (0, repeat - 1), (-1, repeat - 1), 0.6, INK),
        ("LINEBELOW", (0, repeat), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for col in right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if total_row:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("BACKGROUND", (0, -1), (-1, -1), CARD_FILL)]
    table.setStyle(TableStyle(style))
    return table


# ---- page furniture ---------------------------------------------------------------------------


def _canvas_class(fonts: Fonts, left_text: str, page_text: str) -> type:
    """A canvas that writes "page n of N" and the report's name at the foot of every page."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
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


# ---- charts and diagram -----------------------------------------------------------------------


def _day_kwh(rows: list[dict[str, str]], column: str) -> list[float]:
    return [float(Decimal(row[column])) for row in rows[:-1]]


def _bar_chart(
    fonts: Fonts,
    text: dict[str, str],
    days: list[str],
    series: list[tuple[str, list[float], Any]],
    title: str,
    width: float,
    height: float,
) -> Drawing:
    """Clustered daily bars; MWh on the axis when a day exceeds 10,000 kWh."""
    peak = max((max(values, default=0.0) for _, values, _ in series), default=0.0)
    scale, unit = (1000.0, text["axis_mwh"]) if peak >= 10_000 else (1.0, text["axis_kwh"])
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=fonts.bold, fontSize=10, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 38, 30
    chart.width, chart.height = width - 48, height - 58
    chart.data = [[v / scale for v in values] for _, values, _ in series]
    for i, (_, _, color) in enumerate(series):
        chart.bars[i].fillColor = color
        chart.bars[i].strokeColor = None
    chart.groupSpacing = 2 if len(days) > 10 else 8
    chart.barSpacing = 0.5
    chart.categoryAxis.categoryNames = days
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 6.5 if len(days) > 20 else 8
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = MUTED
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.rangeRound = "ceiling"  # headroom up to the next tick above the tallest bar
    chart.valueAxis.strokeColor = MUTED
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.labelTextFormat = lambda v: fmt_num(v, 0 if peak / scale >= 20 else 1)
    if peak <= 0:
        chart.valueAxis.valueMax = 1
    drawing.add(chart)
    drawing.add(String(2, chart.y + chart.height + 6, unit, fontName=fonts.regular, fontSize=7.5, fillColor=MUTED))
    drawing.add(
        String(
            chart.x + chart.width / 2,
            6,
            text["axis_day"],
            fontName=fonts.regular,
            fontSize=7.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    legend = Legend()
    legend.alignment = "right"
    legend.x, legend.y = width - 10 - 110 * len(series), height - 6
    legend.columnMaximum = 1
    legend.fontName = fonts.regular
    legend.fontSize = 8
    legend.dx = legend.dy = 7
    legend.deltax = 110
    legend.colorNamePairs = [(color, name) for name, _, color in series]
    drawing.add(legend)
    return drawing


def _arrow(drawing: Drawing, x1: float, y1: float, x2: float, y2: float, color: Any, width: float) -> None:
    """A horizontal arrow from (x1, y1) to (x2, y2) (y1 == y2), head at the end."""
    direction = 1 if x2 >= x1 else -1
    head = 4 + width
    drawing.add(Line(x1, y1, x2 - direction * head, y2, strokeColor=color, strokeWidth=width))
    half = max(3.0, width * 0.9 + 1.5)
    drawing.add(
        Polygon(
            [x2, y2, x2 - direction * head, y2 + half, x2 - direction * head, y2 - half],
            fillColor=color,
            strokeColor=None,
        )
    )


def _box(
    drawing: Drawing, x: float, y: float, w: float, h: float, title: str, value: str, color: Any, fonts: Fonts
) -> None:
    drawing.add(Rect(x, y, w, h, rx=4, ry=4, fillColor=colors.white, strokeColor=color, strokeWidth=1.4))
    title_y = y + h - 14 if value else y + h / 2 - 3
    drawing.add(String(x + w / 2, title_y, title, fontName=fonts.bold, fontSize=9, fillColor=INK, textAnchor="middle"))
    if value:
        drawing.add(
            String(x + w / 2, y + 7, value, fontName=fonts.regular, fontSize=8.5, fillColor=INK, textAnchor="middle")
        )


def _flow_diagram(fonts: Fonts, text: dict[str, str], kwh: dict[str, float], width: float) -> Drawing:
    """Sources on the left, the site in the middle, the loads on the right; arrow width ~ energy."""
    height = 150
    drawing = Drawing(width, height)
    biggest = max([abs(v) for v in kwh.values()] + [1e-9])

    def stroke(value: float) -> float:
        return 1.0 + 7.0 * max(0.0, value) / biggest

    box_w, box_h = 118, 38
    left_x, right_x = 0, width - box_w
    bus_x, bus_w = width / 2 - 9, 18
    drawing.add(Rect(bus_x, 4, bus_w, height - 8, rx=3, ry=3, fillColor=INK, strokeColor=None))
    label = text["flow_site_bus"]
    if text["lang"] == "zh":  # Chinese reads top to bottom
        for i, ch in enumerate(label):
            drawing.add(
                String(
                    bus_x + bus_w / 2,
                    height / 2 + 2 + 5.5 * (len(label) - 1) - 11 * i,
                    ch,
                    fontName=fonts.bold,
                    fontSize=8.5,
                    fillColor=colors.white,
                    textAnchor="middle",
                )
            )
    else:  # Latin text turned by 90 degrees
        turned = Group(
            String(0, 0, label, fontName=fonts.bold, fontSize=8.5, fillColor=colors.white, textAnchor="middle")
        )
        turned.transform = (0, 1, -1, 0, bus_x + bus_w / 2 + 3, height / 2)
        drawing.add(turned)
    rows = {"pv": height - 8 - box_h, "grid": (height - box_h) / 2, "storage": 8}

    def flow_label(x1: float, x2: float, y: float, words: str) -> None:
        drawing.add(
            String(
                (x1 + x2) / 2, y + 6, words, fontName=fonts.regular, fontSize=7.5, fillColor=INK, textAnchor="middle"
            )
        )

    # sources
    _box(drawing, left_x, rows["pv"], box_w, box_h, text["flow_pv"], fmt_energy_kwh(kwh["pv"]), PV_COLOR, fonts)
    _box(drawing, left_x, rows["grid"], box_w, box_h, text["flow_grid"], "", IMPORT_COLOR, fonts)
    _box(drawing, left_x, rows["storage"], box_w, box_h, text["flow_storage"], "", STORAGE_COLOR, fonts)
    x1, x2 = left_x + box_w, bus_x
    y = rows["pv"] + box_h / 2
    _arrow(drawing, x1, y, x2, y, PV_COLOR, stroke(kwh["pv"]))
    for row, (into, out, c_in, c_out, k_in, k_out) in {
        "grid": ("grid_import", "grid_export", IMPORT_COLOR, EXPORT_COLOR, "import", "export"),
        "storage": ("storage_discharge", "storage_charge", STORAGE_COLOR, STORAGE_COLOR, "discharge", "charge"),
    }.items():
        y_in, y_out = rows[row] + box_h * 0.72, rows[row] + box_h * 0.22
        _arrow(drawing, x1, y_in, x2, y_in, c_in, stroke(kwh[k_in]))
        flow_label(x1, x2, y_in + stroke(kwh[k_in]) / 2 - 1, text[into] + text["colon"] + fmt_energy_kwh(kwh[k_in]))
        _arrow(drawing, x2, y_out, x1, y_out, c_out, stroke(kwh[k_out]))
        flow_label(x1, x2, y_out + stroke(kwh[k_out]) / 2 - 1, text[out] + text["colon"] + fmt_energy_kwh(kwh[k_out]))
    # loads
    bus_right = bus_x + bus_w
    consumption = text["consumption"] + text["colon"] + fmt_energy_kwh(kwh["consumption"])
    drawing.add(
        String(
            right_x + box_w / 2,
            height - 9,
            consumption,
            fontName=fonts.bold,
            fontSize=8.5,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    top_y, bottom_y = height - 24 - box_h - 8, 20
    _box(drawing, right_x, top_y, box_w, box_h, text["metered_load"], fmt_energy_kwh(kwh["metered"]), LOAD_COLOR, fonts)
    _box(
        drawing,
        right_x,
        bottom_y,
        box_w,
        box_h,
        text["unmetered"],
        fmt_energy_kwh(kwh["unmetered"]),
        UNMETERED_COLOR,
        fonts,
    )
    for y, value, color in (
        (top_y + box_h / 2, kwh["metered"], LOAD_COLOR),
        (bottom_y + box_h / 2, kwh["unmetered"], UNMETERED_COLOR),
    ):
        _arrow(drawing, bus_right, y, right_x, y, color, stroke(value))
    return drawing


# ---- sections ---------------------------------------------------------------------------------


def _kwh_totals(rows: list[dict[str, str]]) -> dict[str, float]:
    total = rows[-1]
    d = {
        k: Decimal(total[f"{c}_kwh"])
        for k, c in (
            ("pv", "pv"),
            ("consumption", "consumption"),
            ("metered", "metered_load"),
            ("import", "grid_import"),
            ("export", "grid_export"),
            ("charge", "storage_charge"),
            ("discharge", "storage_discharge"),
        )
    }
    d["unmetered"] = d["consumption"] - d["metered"]
    return {k: float(v) for k, v in d.items()}


def _pct_of(part: float, whole: float) -> str:
    return fmt_pct(100.0 * part / whole) if whole > 0 else "-"


def _summary_page(
    report: MonthReport, rows: list[dict[str, str]], text: dict[str, str], st: _Styles, fonts: Fonts, width: float
) -> list[Flowable]:
    total = rows[-1]
    kwh = _kwh_totals(rows)
    first, last = report.days[0].day.isoformat(), report.days[-1].day.isoformat()
    story: list[Flowable] = [
        _p(text["title_month"].format(month=report.month, year=report.month[:4], mon=int(report.month[5:])), st.title),
        _p(report.site_name, st.h1),
        _p(
            text["period"] + text["colon"] + text["period_value"].format(start=first, end=last, tz=report.timezone),
            st.subtitle,
        ),
    ]

    def pct(column: str, none_key: str) -> tuple[str, str]:
        return ("-", text[none_key]) if total[column] == "" else (fmt_pct(float(Decimal(total[column]))), "")

    sc, sc_note = pct("self_consumption_pct", "no_pv")
    ss, ss_note = pct("self_sufficiency_pct", "no_consumption")
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
        (text["avoided_co2"], fmt_co2(float(Decimal(total["avoided_co2_kg"]))), ""),
        (text["coal_saved"], fmt_coal(float(Decimal(total["coal_saved_kgce"]))), ""),
        (text["storage_charge"], fmt_energy_kwh(kwh["charge"]), ""),
        (text["storage_discharge"], fmt_energy_kwh(kwh["discharge"]), ""),
        (text["peak_demand"], fmt_kw(report.peak_demand_kw), peak_note),
        (
            text["coverage"],
            fmt_pct(float(Decimal(total["coverage_pct"]))),
            text["estimated_intervals"] + text["colon"] + fmt_num(report.total.estimated_intervals),
        ),
    ]
    per_row = 4
    cell_w = width / per_row
    grid = []
    for i in range(0, len(cards), per_row):
        grid.append(
            [
                [_p(label, st.card_label), _p(value, st.card_value), _p(note or " ", st.card_note)]
                for label, value, note in cards[i : i + per_row]
            ]
        )
    table = Table(grid, colWidths=[cell_w] * per_row)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), CARD_FILL),
                ("LINEAFTER", (0, 0), (-2, -1), 3, colors.white),
                ("LINEBELOW", (0, 0), (-1, -2), 3, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    story += [_p(text["headline"], st.h2), table, Spacer(1, 10)]
    days = [str(d.day.day) for d in report.days]
    story.append(
        _bar_chart(
            fonts,
            text,
            days,
            [
                (text["pv"], _day_kwh(rows, "pv_kwh"), PV_COLOR),
                (text["consumption"], _day_kwh(rows, "consumption_kwh"), LOAD_COLOR),
            ],
            text["chart_pv_consumption"],
            width,
            245,
        )
    )
    story.append(Spacer(1, 8))
    story.append(
        _bar_chart(
            fonts,
            text,
            days,
            [
                (text["grid_import"], _day_kwh(rows, "grid_import_kwh"), IMPORT_COLOR),
                (text["grid_export"], _day_kwh(rows, "grid_export_kwh"), EXPORT_COLOR),
            ],
            text["chart_import_export"],
            width,
            200,
        )
    )
    return story


def _flows_section(
    report: MonthReport, rows: list[dict[str, str]], text: dict[str, str], st: _Styles, fonts: Fonts, width: float
) -> list[Flowable]:
    kwh = _kwh_totals(rows)
    story: list[Flowable] = [_p(text["flows"], st.h1), _flow_diagram(fonts, text, kwh, width), Spacer(1, 8)]
    pv_site = max(0.0, kwh["pv"] - kwh["export"])
    table_rows = [
        [_p(text["item"], st.cell_head), _p("kWh", st.cell_head_right), _p(text["note"], st.cell_head)],
        [_p(text["pv"], st.cell_head), _p(fmt_num(kwh["pv"], 1), st.cell_right), _p("", st.cell)],
        [
            _p(text["flow_pv_site"], st.cell_indent),
            _p(fmt_num(pv_site, 1), st.cell_right),
            _p(text["share_of_pv"].format(pct=_pct_of(pv_site, kwh["pv"])), st.cell),
        ],
        [
            _p(text["flow_pv_export"], st.cell_indent),
            _p(fmt_num(kwh["export"], 1), st.cell_right),
            _p(
                text["share_of_pv"].format(pct=_pct_of(kwh["export"], kwh["pv"])) + "; " + text["flow_note_export"],
                st.cell,
            ),
        ],
        [
            _p(text["grid_import"], st.cell_head),
            _p(fmt_num(kwh["import"], 1), st.cell_right),
            _p(text["share_of_consumption"].format(pct=_pct_of(kwh["import"], kwh["consumption"])), st.cell),
        ],
        [_p(text["storage_charge"], st.cell_head), _p(fmt_num(kwh["charge"], 1), st.cell_right), _p("", st.cell)],
        [_p(text["storage_discharge"], st.cell_head), _p(fmt_num(kwh["discharge"], 1), st.cell_right), _p("", st.cell)],
        [
            _p(text["consumption"], st.cell_head),
            _p(fmt_num(kwh["consumption"], 1), st.cell_right),
            _p(text["f_consumption"], st.cell),
        ],
        [
            _p(text["metered_load"], st.cell_indent),
            _p(fmt_num(kwh["metered"], 1), st.cell_right),
            _p(text["share_of_consumption"].format(pct=_pct_of(kwh["metered"], kwh["consumption"])), st.cell),
        ],
        [
            _p(text["unmetered"], st.cell_indent),
            _p(fmt_num(kwh["unmetered"], 1), st.cell_right),
            _p(
                text["share_of_consumption"].format(pct=_pct_of(kwh["unmetered"], kwh["consumption"]))
                + "; "
                + text["f_unmetered"],
                st.cell,
            ),
        ],
    ]
    story.append(_table(table_rows, [0.30 * width, 0.16 * width, 0.54 * width], right={1}))
    return story


def _devices_section(report: MonthReport, text: dict[str, str], st: _Styles, width: float) -> list[Flowable]:
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
    rows: list[list[Any]] = [[_p(h, st.cell_head_right if i in right else st.cell_head) for i, h in enumerate(head)]]
    for d in report.devices:
        energy = "\n".join(f"{text['flow.' + flow]} {fmt_num(wh / 1000.0, 1)}" for flow, wh in d.energy_wh.items())
        rows.append(
            [
                _p(d.device_id, st.cell),
                _p(d.name, st.cell),
                _p(role_label(text, d.role.value), st.cell),
                _p(fmt_num(d.rated_power_kw, 0), st.cell_right),
                _p(energy or "-", st.cell_right),
                _p(method_label(text, d.method), st.cell),
                _p(fmt_num(d.coverage_pct, 1), st.cell_right),
                _p(fmt_num(d.estimated_intervals), st.cell_right),
                _p(fmt_num(d.spread_intervals), st.cell_right),
            ]
        )
    fractions = [0.11, 0.18, 0.11, 0.07, 0.15, 0.16, 0.09, 0.06, 0.07]
    return [
        CondPageBreak(60 * mm),
        _p(text["devices"], st.h1),
        _table(rows, [f * width for f in fractions], right=right),
    ]


def costs_section(costs: Costs | None, text: dict[str, str], st: _Styles, width: float) -> list[Flowable]:
    """The cost section (import cost by period, demand charge, savings), after the device table; none
    without a tariff recorded with the site."""
    if costs is None:
        return []
    money = f" [{costs.currency}]"
    rows: list[list[Any]] = [
        [
            _p(text["tariff_period"], st.cell_head),
            _p(text["import_kwh"], st.cell_head_right),
            _p(text["cost"] + money, st.cell_head_right),
        ]
    ]
    for period, (kwh, cost) in costs.by_period.items():
        rows.append(
            [
                _p(text.get("period." + period, period), st.cell),
                _p(fmt_num(kwh, 1), st.cell_right),
                _p(fmt_num(cost, 2), st.cell_right),
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
    summary = [[_p(text["item"], st.cell_head), _p(f"{text['value']}{money}", st.cell_head_right)]]
    summary += [[_p(label, st.cell), _p(fmt_num(value, 2), st.cell_right)] for label, value in lines]
    colon = "：" if st.lang == "zh" else ": "
    return [
        CondPageBreak(70 * mm),
        _p(text["costs"], st.h1),
        _p(f"{text['tariff']}{colon}{costs.tariff_name or '-'}", st.body),
        _table(rows, [0.40 * width, 0.30 * width, 0.30 * width], right={1, 2}),
        Spacer(1, 8),
        _table(summary, [0.70 * width, 0.30 * width], right={1}),
        Spacer(1, 4),
        _p(text["costs_note"], st.small),
    ]


def _quality_section(
    report: MonthReport, rows: list[dict[str, str]], text: dict[str, str], st: _Styles, width: float
) -> list[Flowable]:
    total = rows[-1]
    tz = report.timezone
    intervals = len(report.devices) * sum(96 for _ in report.days)
    story: list[Flowable] = [PageBreak(), _p(text["quality"], st.h1)]
    facts = [
        [
            _p(text["coverage"], st.cell_head),
            _p(fmt_pct(float(Decimal(total["coverage_pct"])), 2), st.cell_right),
            _p(text["f_coverage"], st.cell),
        ],
        [
            _p(text["estimated_intervals"], st.cell_head),
            _p(fmt_num(report.total.estimated_intervals), st.cell_right),
            _p(text["f_energy"], st.cell),
        ],
        [
            _p(text["spread_intervals"], st.cell_head),
            _p(fmt_num(report.total.spread_intervals), st.cell_right),
            _p("", st.cell),
        ],
    ]
    story += [
        _p(text["quality_intro"].format(n=len(report.devices), intervals=fmt_num(intervals)), st.body),
        _table(
            [[_p(text["item"], st.cell_head), _p(text["value"], st.cell_head_right), _p(text["note"], st.cell_head)]]
            + facts,
            [0.24 * width, 0.14 * width, 0.62 * width],
            right={1},
        ),
    ]
    # offline periods
    story.append(_p(text["offline"], st.h2))
    if not report.offline_periods:
        story.append(_p(text["offline_none"], st.body))
    else:
        off = [
            [
                _p(h, st.cell_head_right if i == 3 else st.cell_head)
                for i, h in enumerate(
                    [text["device"], f"{text['from']} ({tz})", f"{text['to']} ({tz})", text["duration_h"]]
                )
            ]
        ]
        for period in report.offline_periods[:MAX_OFFLINE_ROWS]:
            end = period.end_ms if period.end_ms is not None else report.end_ms
            off.append(
                [
                    _p(period.device_id, st.cell),
                    _p(fmt_local(period.start_ms, tz, True), st.cell),
                    _p(
                        fmt_local(period.end_ms, tz, True) if period.end_ms is not None else text["still_offline"],
                        st.cell,
                    ),
                    _p(fmt_num(max(0, end - period.start_ms) / 3_600_000, 2), st.cell_right),
                ]
            )
        story.append(_table(off, [0.22 * width, 0.28 * width, 0.32 * width, 0.18 * width], right={3}))
        if len(report.offline_periods) > MAX_OFFLINE_ROWS:
            story.append(_p(text["events_more"].format(n=len(report.offline_periods) - MAX_OFFLINE_ROWS), st.small))
    # events
    story.append(_p(text["events"], st.h2))
    if not report.events:
        story.append(_p(text["events_none"], st.body))
    else:
        counts = Counter((e.kind, e.severity) for e in report.events)
        order = {"error": 0, "warning": 1, "info": 2}
        summary = [
            [_p(text["kind"], st.cell_head), _p(text["severity"], st.cell_head), _p(text["count"], st.cell_head_right)]
        ]
        for (kind, severity), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][1], 3), -kv[1], kv[0][0])):
            summary.append(
                [
                    _p(kind_label(text, kind), st.cell),
                    _p(severity_label(text, severity), st.cell),
                    _p(fmt_num(n), st.cell_right),
                ]
            )
        story += [
            _p(text["events_summary"], st.body),
            _table(summary, [0.45 * width, 0.25 * width, 0.30 * width], right={2}),
        ]
        notable = [e for e in report.events if e.severity in ("warning", "error")]
        if notable:
            listed = [[_p(h, st.cell_head) for h in (text["time_local"], text["device"], text["kind"], text["detail"])]]
            for e in notable[:MAX_NOTABLE_EVENTS]:
                detail = e.detail if len(e.detail) <= MAX_DETAIL_CHARS else e.detail[: MAX_DETAIL_CHARS - 1] + "…"
                listed.append(
                    [
                        _p(fmt_local(e.ts_ms, tz), st.cell),
                        _p(e.device_id or text["site_wide"], st.cell),
                        _p(kind_label(text, e.kind), st.cell),
                        _p(detail, st.cell),
                    ]
                )
            story += [
                Spacer(1, 4),
                _p(text["events_notable"], st.body),
                _table(listed, [0.17 * width, 0.15 * width, 0.18 * width, 0.50 * width]),
            ]
            if len(notable) > MAX_NOTABLE_EVENTS:
                story.append(_p(text["events_more"].format(n=len(notable) - MAX_NOTABLE_EVENTS), st.small))
    return story


def _methodology_section(report: MonthReport, text: dict[str, str], st: _Styles, width: float) -> list[Flowable]:
    factors = [
        [_p(text["item"], st.cell_head), _p(text["value"], st.cell_head_right), _p(text["source"], st.cell_head)],
        [
            _p(text["emission_factor"], st.cell),
            _p(f"{report.emission_factor_kg_per_kwh:.4f} kgCO2/kWh", st.cell_right),
            _p(report.emission_factor_source or text["not_stated"], st.cell),
        ],
        [
            _p(text["coal_factor"], st.cell),
            _p(f"{report.coal_factor_kgce_per_kwh:.4f} kgce/kWh", st.cell_right),
            _p(report.coal_factor_source or text["not_stated"], st.cell),
        ],
    ]
    story: list[Flowable] = [
        CondPageBreak(50 * mm),
        _p(text["methodology"], st.h1),
        _p(text["factors"], st.h2),
        _table(factors, [0.22 * width, 0.20 * width, 0.58 * width], right={1}),
        _p(text["formulas"], st.h2),
    ]
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
        story.append(Paragraph(escape(text[key]), st.bullet, bulletText="\u2022"))
    return story


def _daily_section(
    report: MonthReport, rows: list[dict[str, str]], text: dict[str, str], st: _Styles, width: float
) -> list[Flowable]:
    head = [_p(text[f"colshort.{c}"], st.cell_head if c == "date" else st.cell_head_right) for c in COLUMNS]
    body = []
    for row in rows:
        cells = []
        for c in COLUMNS:
            if c == "date":
                cells.append(
                    _p(text["total"] if row[c] == "total" else row[c], st.cell_head if row[c] == "total" else st.cell)
                )
            elif row[c] == "":
                cells.append(_p("-", st.cell_right))
            else:
                cells.append(_p(fmt_num(float(Decimal(row[c])), 1), st.cell_right))
        body.append(cells)
    date_w = 0.085 * width
    other = (width - date_w) / (len(COLUMNS) - 1)
    table = _table(
        [head] + body, [date_w] + [other] * (len(COLUMNS) - 1), right=set(range(1, len(COLUMNS))), total_row=True
    )
    table.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]))
    return [_p(text["daily_table"], st.h1), _p(text["pdf_rounding"], st.small), Spacer(1, 4), table]


# ---- the document -----------------------------------------------------------------------------


def write_report_pdf(report: MonthReport, path: Path, lang: str = "en") -> None:
    """Write the monthly report as a PDF at ``path`` in ``lang`` ("en" or "zh").

    The cost section appears when the report has costs (a tariff recorded with the site).
    Raises :class:`FontNotFoundError` (a ReportError) when no usable Chinese font is installed and one is needed.
    """
    text = labels(lang)
    fonts = choose_fonts(report, lang)
    st = _Styles(fonts, lang)
    rows = report_rows(report)
    title = text["title_with_site"].format(site=report.site_name, month=report.month)

    margin = 15 * mm
    portrait_size, landscape_size = A4, landscape(A4)
    doc = BaseDocTemplate(
        str(path),
        pagesize=portrait_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=18 * mm,
        title=title,
        author="energymon",
        subject=text["title"],
        creator="energymon",
        invariant=1,
        lang="zh-CN" if lang == "zh" else "en",
    )

    def frame(size: tuple[float, float], name: str) -> Frame:
        return Frame(
            margin,
            18 * mm,
            size[0] - 2 * margin,
            size[1] - margin - 18 * mm,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    doc.addPageTemplates(
        [
            PageTemplate("portrait", frames=[frame(portrait_size, "p")], pagesize=portrait_size),
            PageTemplate("landscape", frames=[frame(landscape_size, "l")], pagesize=landscape_size),
        ]
    )
    width = portrait_size[0] - 2 * margin
    story: list[Flowable] = []
    story += _summary_page(report, rows, text, st, fonts, width)
    story.append(PageBreak())
    story += _flows_section(report, rows, text, st, fonts, width)
    story += _devices_section(report, text, st, width)
    story += costs_section(report.costs, text, st, width)
    story += _quality_section(report, rows, text, st, width)
    story += _methodology_section(report, text, st, width)
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += _daily_section(report, rows, text, st, landscape_size[0] - 2 * margin)
    footer = text["footer"].format(site=report.site_name, title=text["title"], month=report.month)
    doc.build(story, canvasmaker=_canvas_class(fonts, footer, text["page"]))
