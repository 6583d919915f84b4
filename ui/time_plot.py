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

The widgets :func:`time_plot` and :func:`time_layout` make have
``set_type_scale(factor)`` (ui.wall_display calls it in full screen), which
only records the factor (:attr:`type_scale`) for now: the axes keep their
designed type. Scaling their tick and label fonts worked, but made the
process crash at exit (SIGSEGV after the window's last use) in 2 of 3 runs,
so it is left out until that is understood.
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


class TimePlotWidget(pg.PlotWidget):
    """A :class:`pg.PlotWidget` that records a wall display's type scale (``set_type_scale``)."""

    type_scale = 1.0

    def set_type_scale(self, factor: float) -> None:
        self.type_scale = factor


class TimeLayoutWidget(pg.GraphicsLayoutWidget):
    """A :class:`pg.GraphicsLayoutWidget` that records a wall display's type scale (``set_type_scale``)."""

    type_scale = 1.0

    def set_type_scale(self, factor: float) -> None:
        self.type_scale = factor


def time_plot(axis: pg.DateAxisItem) -> TimePlotWidget:
    """A plot with ``axis`` at the bottom (site-local time is the caller's business), grid on."""
    pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground=FOREGROUND)
    plot = TimePlotWidget(axisItems={"bottom": axis})
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    _keep_active(plot)
    return plot


def time_layout() -> TimeLayoutWidget:
    """An empty layout for plots stacked on one time axis (the caller adds them), light theme."""
    pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground=FOREGROUND)
    layout = TimeLayoutWidget()
    _keep_active(layout)
    return layout


def _keep_active(widget: pg.GraphicsView) -> None:
    keeper = _KeepSceneActive(widget)
    widget.scene().installEventFilter(keeper)
    widget._keep_scene_active = keeper  # the filter lives as long as the widget
