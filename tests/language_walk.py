"""Walking what people read in Chinese (the GUI's widgets, the report files) for English left in.

:class:`EnglishFinder` says which words of a text are English: runs of Latin
letters that are not units or symbols (kWh, CO2, UTC, Modbus ...), not a
proper name of the site under test (its site, device, rule and connection
names and ids, given by the test) and not a path or URL. A single letter is a
symbol (A, V, h, x), never a word.

:func:`gui_texts` yields every text a widget and its visible children show:
labels, buttons, line edits, combo items, tab titles, group titles, window
titles, tooltips, table headers and cells (every row), list items, the texts
of graphics scenes (pyqtgraph's axis labels and legends) and every string
Python code paints with ``QPainter.drawText`` while the widget is grabbed
(the tiles' values, the flow diagram's labels, pyqtgraph's tick labels).

:func:`xlsx_texts` yields every text cell, comment, chart title and sheet
name of a workbook; :func:`pdf_texts` the text of every page of a PDF.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

# Units, symbols, abbreviations and names of standards and formats that a Chinese text writes in Latin letters
# (phases L1-L3, current and voltage transformers CT and PT, Modbus function codes FC, state of charge SoC, the
# International Electrotechnical Commission's standards IEC 61724-1 ...).
UNITS_AND_SYMBOLS = frozenset(
    """
    W kW MW GW Wh kWh MWh GWh kWp var kvar VA kVA V kV A mA Hz degC
    kg kgce tce gce CO2 kgCO2 tCO2 ms min CNY L1 L2 L3
    UTC GMT CST PDF XLSX CSV PNG TOML SQLite Modbus TCP RTU SunSpec IP SoC SoH CT PT FC IEC
    """.split()
) | frozenset(
    ["Ctrl", "Alt", "Shift", "Esc", "PgUp", "PgDown", "Home", *(f"F{n}" for n in range(1, 13))]
)  # key caps: the shortcuts
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_']*")  # "CO2", "L1"; not the "x0B" of "0x0B"
_URL = re.compile(r"\b(?:https?|file)://\S+")
# An absolute path (not the "/" inside "kg/kWh" or "Asia/Shanghai"), up to a space or a Chinese punctuation mark;
# a relative path with a file name ("docs/reports.md").
_PATH = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?:[A-Za-z]:\\|/)[^\s，。；：、（）()\"'“”]+|\b[\w\-]+(?:/[\w\-]+)*/[\w\-]+\.[a-z]{1,4}\b"
)
_TAG = re.compile(r"<[^>]+>")


def _spaced(text: str) -> str:
    """Runs of white space as one space: a PDF table wraps a name over lines, a label over two."""
    return " ".join(text.split())


def _loose(name: str) -> re.Pattern[str]:
    """``name`` as a pattern that allows white space (or none) between any two of its characters."""
    return re.compile(r"\s*".join(re.escape(c) for c in name if not c.isspace()))


class EnglishFinder:
    """The English words of texts, with the names of the site under test allowed (see the module)."""

    def __init__(self, names: Iterable[str] = (), symbols: Iterable[str] = ()) -> None:
        # Longest first, so "Roof A inverter 1" goes before "Roof A". A name matches with any white space
        # between its characters: a PDF table wraps a name over lines, also between two hanzi or in a URL.
        ordered = sorted({n for n in names if n.strip()}, key=len, reverse=True)
        self.paths = [_loose(n) for n in ordered if "/" in n or "\\" in n]  # first (they may hold spaces)
        self.names = [_loose(n) for n in ordered]
        self.symbols = UNITS_AND_SYMBOLS | frozenset(symbols)

    def words(self, text: str) -> list[str]:
        """The English words of ``text`` (rich text's tags, names, paths and URLs taken out first)."""
        text = _spaced(_TAG.sub(" ", text).replace("&nbsp;", " ").replace("₂", "2"))  # CO₂ is CO2
        for name in self.paths:
            text = name.sub(" ", text)
        text = _PATH.sub(" ", _URL.sub(" ", text))  # before the other names, which may be parts of a path
        for name in self.names:
            text = name.sub(" ", text)
        return [w for w in _WORD.findall(text) if len(w) > 1 and w not in self.symbols]

    def report(self, texts: Iterable[tuple[str, str]]) -> list[str]:
        """One line per text with English words in it: where, the words, the text (shortened)."""
        found = []
        for where, text in texts:
            words = self.words(text)
            if words:
                shown = text if len(text) <= 160 else text[:157] + "..."
                found.append(f"{where}: {sorted(set(words))} in {shown!r}")
        return sorted(set(found))


# -- the GUI --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def painted_texts() -> Iterator[list[str]]:
    """Every string Python code draws with ``QPainter.drawText`` inside the block (the string arguments of a
    text-drawing call, whatever its overload). Qt's own widgets paint in C++ and are not seen here: their
    texts are read from their properties (:func:`widget_texts`)."""
    from PySide6.QtGui import QPainter

    drawn: list[str] = []
    original = QPainter.drawText

    def recording(painter, *args):
        texts = [a for a in args if isinstance(a, str)]
        drawn.extend(texts)
        return original(painter, *args)

    QPainter.drawText = recording  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        QPainter.drawText = original  # type: ignore[method-assign]


SkipCell = Callable[[object, int, int], bool]  # (view, row, column) -> the cell is not checked


def _model_texts(view, where: str, skip: SkipCell | None, max_rows: int) -> Iterator[tuple[str, str]]:
    from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

    model = view.model()
    if model is None:
        return
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for section in range(columns):
        for role in roles:
            value = model.headerData(section, Qt.Orientation.Horizontal, role)
            if isinstance(value, str) and value:
                yield f"{where} header {section}", value
    for row in range(min(model.rowCount(QModelIndex()), max_rows)):
        for column in range(columns):
            if skip is not None and skip(view, row, column):
                continue
            index = model.index(row, column)
            for role in roles:
                value = model.data(index, role)
                if isinstance(value, str) and value:
                    yield f"{where} cell ({row}, {column})", value


def _scene_texts(view, where: str) -> Iterator[tuple[str, str]]:
    from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsTextItem

    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        if not item.isVisible():
            continue
        if isinstance(item, QGraphicsTextItem):
            yield f"{where} scene text", item.toPlainText()
        elif isinstance(item, QGraphicsSimpleTextItem):
            yield f"{where} scene text", item.text()
        if item.toolTip():
            yield f"{where} scene tooltip", item.toolTip()


def widget_texts(widget, skip: SkipCell | None = None, max_rows: int = 2000) -> Iterator[tuple[str, str]]:
    """The texts ``widget`` itself shows (not its children's), each with where it is."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QGraphicsView,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QSpinBox,
        QTabBar,
        QTextEdit,
    )

    name = widget.objectName() or ""
    where = f"{type(widget).__name__}{'#' + name if name else ''}"
    texts: list[tuple[str, str]] = [(f"{where} tooltip", widget.toolTip()), (f"{where} status tip", widget.statusTip())]
    if widget.isWindow():
        texts.append((f"{where} window title", widget.windowTitle()))
    if isinstance(widget, QLabel):
        texts.append((where, widget.text()))
    elif isinstance(widget, QAbstractButton):
        texts.append((where, widget.text()))
    elif isinstance(widget, QLineEdit):
        texts += [(where, widget.text()), (f"{where} placeholder", widget.placeholderText())]
    elif isinstance(widget, QComboBox):
        texts += [(f"{where} item {i}", widget.itemText(i)) for i in range(widget.count())]
        texts += [(f"{where} item {i} tooltip", str(widget.itemData(i, 3) or "")) for i in range(widget.count())]
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            texts += [(f"{where} tab {i}", widget.tabText(i)), (f"{where} tab {i} tooltip", widget.tabToolTip(i))]
    elif isinstance(widget, QGroupBox):
        texts.append((where, widget.title()))
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        texts.append((where, widget.toPlainText()))
    if isinstance(widget, QAbstractSpinBox):
        texts += [(where, widget.text()), (f"{where} special value", widget.specialValueText())]
        if isinstance(widget, QSpinBox):
            texts += [(f"{where} prefix", widget.prefix()), (f"{where} suffix", widget.suffix())]
    for action in widget.actions():
        texts += [(f"{where} action", action.text()), (f"{where} action tooltip", action.toolTip())]
    yield from ((w, t) for w, t in texts if t)
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):  # a header: its table's
        yield from _model_texts(widget, where, skip, max_rows)
    if isinstance(widget, QGraphicsView):
        yield from _scene_texts(widget, where)


def _forget_axis_pictures(views: list) -> None:
    """Make pyqtgraph's axes draw their tick labels again on the next paint: an axis keeps what it drew in a
    cached picture and replays it (no drawText call to record) until its range or size changes."""
    import pyqtgraph as pg

    for view in views:
        scene = view.scene()
        for item in scene.items() if scene is not None else ():
            if isinstance(item, pg.AxisItem):
                item.picture = None
                item.update()


def gui_texts(root, skip: SkipCell | None = None, skip_widgets: Iterable[object] = ()) -> list[tuple[str, str]]:
    """Every text ``root`` and its visible descendants show, and every string painted while it is grabbed
    (painted first: a widget may set its texts as it paints, e.g. an elided label its tooltip).
    ``skip_widgets`` are not walked (their painted strings still are, unless ``skip`` is all they show)."""
    from PySide6.QtWidgets import QGraphicsView, QWidget

    _forget_axis_pictures([w for w in root.findChildren(QGraphicsView)])
    with painted_texts() as drawn:
        root.grab()
    texts = [(f"{type(root).__name__} painted", t) for t in drawn if t]
    skipped = {id(w) for w in skip_widgets}
    widgets = [root] + [w for w in root.findChildren(QWidget) if w.isVisibleTo(root)]
    texts += [t for w in widgets if id(w) not in skipped for t in widget_texts(w, skip)]
    return texts


# -- the report files ---------------------------------------------------------------------------------------


def xlsx_texts(path: Path) -> list[tuple[str, str]]:
    """Every sheet name, text cell, cell comment and chart title (and series title) of the workbook."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    texts: list[tuple[str, str]] = [("workbook title", workbook.properties.title or "")]
    for ws in workbook.worksheets:
        texts.append((f"sheet name {ws.title!r}", ws.title))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append((f"{ws.title}!{cell.coordinate}", cell.value))
                if cell.comment is not None:
                    texts.append((f"{ws.title}!{cell.coordinate} comment", cell.comment.text))
        for chart in ws._charts:
            texts += [(f"{ws.title} chart", t) for t in _chart_titles(chart)]
    return [(w, t) for w, t in texts if t]


def _rich_text(title) -> str:
    """The plain text of an openpyxl chart or axis title (rich text runs joined)."""
    if title is None or title.tx is None or title.tx.rich is None:
        return ""
    return "".join(run.t or "" for p in title.tx.rich.p for run in (p.r or []))


def _chart_titles(chart) -> list[str]:
    titles = [_rich_text(chart.title), _rich_text(chart.x_axis.title), _rich_text(chart.y_axis.title)]
    for series in chart.series:
        if series.tx is not None and series.tx.v:
            titles.append(series.tx.v)
    return titles


def pdf_texts(path: Path) -> list[tuple[str, str]]:
    """The text of every page of the PDF (pypdf's extraction), page by page, and its metadata's title."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    texts = [(f"page {i + 1}", page.extract_text() or "") for i, page in enumerate(reader.pages)]
    meta = reader.metadata
    if meta is not None:
        texts += [("PDF title", meta.title or ""), ("PDF subject", meta.subject or "")]
    return [(w, t) for w, t in texts if t]
