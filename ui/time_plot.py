"""The GUI's time-series plot widgets: pyqtgraph with a date axis, light theme and grid (overview), and the
layout of stacked plots the trends chart fills (:func:`time_layout`).

One Qt behaviour is worked around here. A QGraphicsView that is hidden (its
page is switched away) or shown sends its scene WindowDeactivate /
WindowActivate; every pyqtgraph item then marks itself dirty, and the scene's
queued processing of dirty items paints the whole top-level window at once
(QGraphicsScene syncs the window's backing store), so each page switch away
from a plot would paint the new page twice. The plots draw nothing
differently when inactive, so their scenes ignore deactivation
(:class:`_KeepSceneActive`): a scene, once activated on its first show, stays
active.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject

BACKGROUND = "w"
FOREGROUND = "#2d3748"
GRID_ALPHA = 0.25


class _KeepSceneActive(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        return event.type() == QEvent.Type.WindowDeactivate


def time_plot(axis: pg.DateAxisItem) -> pg.PlotWidget:
    """A plot with ``axis`` at the bottom (site-local time is the caller's business), grid on."""
    pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground=FOREGROUND)
    plot = pg.PlotWidget(axisItems={"bottom": axis})
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    _keep_active(plot)
    return plot


def time_layout() -> pg.GraphicsLayoutWidget:
    """An empty layout for plots stacked on one time axis (the caller adds them), light theme."""
    pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground=FOREGROUND)
    layout = pg.GraphicsLayoutWidget()
    _keep_active(layout)
    return layout


def _keep_active(widget: pg.GraphicsView) -> None:
    keeper = _KeepSceneActive(widget)
    widget.scene().installEventFilter(keeper)
    widget._keep_scene_active = keeper  # the filter lives as long as the widget
