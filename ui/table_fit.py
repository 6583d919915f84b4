"""A table above other content in a vertical splitter, made as high as all its rows.

:func:`fit_to_rows` gives the table what its header, rows, frame and a
horizontal scroll bar need, while the part below keeps ``below_min_px`` (or
two thirds of a small splitter); a table that still cannot show every row
scrolls with its scroll bar always shown, so the cut is visible. :class:`RowFitter`
does it again when the page is resized or its type changes. Used by the
devices page, whose most important row (the grid meter) is often the last.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QSplitter, QStyle, QTableView, QWidget


def rows_height_px(view: QTableView, rows: int) -> int:
    """The height ``view`` needs to show ``rows`` rows of its default height, with room for a horizontal bar."""
    return (
        view.horizontalHeader().sizeHint().height()
        + rows * view.verticalHeader().defaultSectionSize()
        + 2 * view.frameWidth()
        + view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    )


def fit_to_rows(splitter: QSplitter, view: QTableView, rows: int, below_min_px: int) -> None:
    """Size the splitter's first part (``view``) to its rows; the second part gets the rest."""
    total = sum(splitter.sizes())
    if total <= 0 or rows == 0:
        return
    needed = rows_height_px(view, rows)
    table = min(needed, max(total - below_min_px, total // 3))
    splitter.setSizes([table, total - table])
    view.setVerticalScrollBarPolicy(
        Qt.ScrollBarPolicy.ScrollBarAlwaysOn if table < needed else Qt.ScrollBarPolicy.ScrollBarAsNeeded
    )


class RowFitter(QObject):
    """Keeps ``view`` fitted to its rows (:func:`fit_to_rows`) when ``page`` is resized or its type changes
    (ui.wall_display); :meth:`fit` for when the rows change. Not on every update: a moved splitter stays.

    After a type change the columns of ``view`` and ``also_columns`` are fitted to their contents again.
    """

    def __init__(
        self,
        page: QWidget,
        splitter: QSplitter,
        view: QTableView,
        below_min_px: int,
        also_columns: tuple[QTableView, ...] = (),
    ) -> None:
        super().__init__(page)
        self.splitter, self.view, self.below_min_px = splitter, view, below_min_px
        self.column_views = (view, *also_columns)
        page.installEventFilter(self)

    def fit(self) -> None:
        model = self.view.model()
        fit_to_rows(self.splitter, self.view, model.rowCount() if model is not None else 0, self.below_min_px)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        elif event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self._refit)  # once the tables have their new type too
        return False

    def _refit(self) -> None:
        for view in self.column_views:
            view.resizeColumnsToContents()
        self.fit()
