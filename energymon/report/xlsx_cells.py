"""Cells of the XLSX report (openpyxl): number formats, text that never becomes a formula, header rows, widths.

Every text cell is written as a string cell; text that a spreadsheet would
take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR, OWASP's
CSV-injection list) additionally gets Excel's quote prefix (the stored
equivalent of typing ``'=...``), so it stays text even when the cell is edited.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KWH_FORMAT = "#,##0.000"
KG_FORMAT = "#,##0.000"
PCT_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATETIME_S_FORMAT = "yyyy-mm-dd hh:mm:ss"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def column_format(column: str) -> str | None:
    """Number format of a daily-table column (None for the date)."""
    if column.endswith("_kwh"):
        return KWH_FORMAT
    if column.endswith("_pct"):
        return PCT_FORMAT
    if column.endswith(("_kg", "_kgce")):
        return KG_FORMAT
    return None


def no_data_format(column: str, text: dict[str, str]) -> str:
    """The number format of a day's coverage cell when the day has no data: its 0 shown with the marker
    ("0.00 no data"), the cell stays a number."""
    marker = text["day_no_data"].replace('"', "")
    return f'{column_format(column) or "General"} "{marker}"'


def set_text(cell: Cell, value: str) -> Cell:
    """Put ``value`` into ``cell`` as text that can never become a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))  # control characters openpyxl refuses
    cell.value = value
    cell.data_type = "s"  # a leading "=" would otherwise make openpyxl write a formula
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def put(
    ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None, font: Font | None = None
) -> Cell:
    """Write ``value`` at (row, col), 1-based: text as :func:`set_text`, anything else as it is."""
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


def header_row(ws: Worksheet, row: int, col: int, titles: list[str]) -> None:
    """Bold, shaded, wrapped titles from (row, col) to the right."""
    for i, title in enumerate(titles):
        cell = put(ws, row, col + i, title, font=BOLD)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def item_rows(ws: Worksheet, row: int, items: list[tuple[str, object, str, str | None, str]]) -> int:
    """Rows of (label, value, unit, number format, note), the label bold; returns the next free row."""
    for label, value, unit, number_format, note in items:
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value, number_format)
        put(ws, row, 3, unit)
        if note:
            put(ws, row, 4, note)
        row += 1
    return row


def number(value: Decimal | None) -> float | None:
    """A value of the daily table as a cell's number (None -> empty); the float nearest to the decimal."""
    return None if value is None else float(value)


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    """Column widths (1-based column -> width in characters)."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
