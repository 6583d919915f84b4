"""The look of the PDF report: colours, paragraph styles, and the ruled table every section uses.

Sizes in points (1/72 inch), as reportlab measures.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from energymon.report.pdf.fonts import Fonts

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


def _style(name: str, base: dict, **overrides: Any) -> ParagraphStyle:
    return ParagraphStyle(name, **{**base, **overrides})


class Styles:
    """The paragraph styles of a report, in its fonts and language (CJK line breaking for Chinese)."""

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


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; newlines become line breaks)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def ruled_table(
    rows: list[list[Any]],
    widths: list[float],
    right: AbstractSet[int] = frozenset(),
    total_row: bool = False,
    repeat: int = 1,
) -> Table:
    """A table with ``repeat`` shaded header rows (repeated on each page), thin rules between rows, the columns
    ``right`` aligned right, and the last row shaded as a total if ``total_row``."""
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
        style += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
            ("BACKGROUND", (0, -1), (-1, -1), CARD_FILL),
        ]
    table.setStyle(TableStyle(style))
    return table


def tiles(cards: list[tuple[str, str, str]], st: Styles, width: float, per_row: int = 4) -> Table:
    """(label, value, note) tiles in rows of ``per_row``: the headline figures on the first page of the monthly and
    the annual PDF."""
    grid = []
    for i in range(0, len(cards), per_row):
        row = [
            [para(label, st.card_label), para(value, st.card_value), para(note or " ", st.card_note)]
            for label, value, note in cards[i : i + per_row]
        ]
        grid.append(row + [""] * (per_row - len(row)))
    table = Table(grid, colWidths=[width / per_row] * per_row)
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
    return table
