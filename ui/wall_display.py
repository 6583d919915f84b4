"""The wall display of a control room: full screen, larger type, page shortcuts and page cycling.

F11 toggles full screen (``energymon gui --fullscreen`` starts in it) and Esc
leaves it. Ctrl+1 ... Ctrl+9 show the pages in their navigation order (the
navigation list's tooltips name the keys). Cycling shows the next page every
``cycle_s`` seconds (the settings page is skipped); a page chosen by hand is
shown for a whole period before cycling goes on from it. The default period is
a setting (QSettings ``wall/cycle_s``, seconds; 0 = off); ``--cycle S`` sets
it for one run.

The type rule: in full screen every font size given in points in a style sheet
(and the default size of the widgets without one) is multiplied by :func:`type_scale` of the screen's
logical height in pixels, ``height / 864`` kept within 1.25 ... 2.5 (1080 px:
1.25, 1440 px: 1.67, 2160 px: 2.5); windowed, 1. Logical pixels already follow
the screen's DPI, so the rule only adds the reading distance of a wall. Tables
never go below :data:`MIN_TABLE_PT` (ui.device_table).

Widgets whose type a style sheet cannot reach (they paint their own text, or
their heights and widths are computed from their fonts) have a method
``set_type_scale(factor)``: the tiles (ui.tiles: fonts, fixed heights), the
flow diagram (ui.flow_diagram: fonts, node sizes, arrows, minimum size), the
overview chart's legend and the trends legend (widths, swatches) and the
events page (the alarm list's height, the table's rows and columns). The
pyqtgraph charts' axes are not scaled yet (their tick fonts stay as designed). :meth:`WallDisplay.apply_type` calls it
with the factor after the style sheets are scaled, on every widget of the
window that has it (1.0 when full screen is left: the designed look, exactly).
A widget that sets the fonts of its children itself marks them with the
dynamic property :data:`OWN_TYPE`, and their style sheets are left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLayout, QSpinBox, QTableView, QWidget

from ui.format import fill

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SETTINGS_CYCLE = "wall/cycle_s"
MAX_CYCLE_S = 3600  # the settings page's range (the CLI's --cycle takes any positive number)
REFERENCE_HEIGHT_PX = 864  # the logical screen height at which the type would be as designed (scale 1)
MIN_SCALE, MAX_SCALE = 1.25, 2.5  # full screen: at least a quarter larger, at most 2.5 times
MAX_PAGE_KEYS = 9  # Ctrl+1 ... Ctrl+9
SKIPPED_BY_CYCLE = ("settings",)
_PT = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)\s*pt")
_BASE_STYLE = "wallBaseStyle"  # dynamic property: a widget's style sheet before scaling
_SCALED_STYLE = "wallScaledStyle"  # ... and as scaled (a widget that set another one since is re-based)
OWN_TYPE = "wallOwnType"  # dynamic property: the widget's type is scaled by its owner's set_type_scale


def type_scale(screen_height_px: int, fullscreen: bool) -> float:
    """The factor for font sizes: 1 windowed; in full screen height / 864 within 1.25 ... 2.5."""
    if not fullscreen:
        return 1.0
    return max(MIN_SCALE, min(MAX_SCALE, screen_height_px / REFERENCE_HEIGHT_PX))


def scaled_style(sheet: str, factor: float) -> str:
    """``sheet`` with every ``font-size: N pt`` multiplied by ``factor`` (to 0.5 pt)."""
    if factor == 1.0:
        return sheet
    return _PT.sub(lambda m: f"font-size: {round(float(m.group(1)) * factor * 2) / 2:g}pt", sheet)


def page_key(index: int) -> str | None:
    """The shortcut of the page at ``index`` (0-based) in the portable text form ("Ctrl+1"), or None."""
    return f"Ctrl+{index + 1}" if index < MAX_PAGE_KEYS else None


class WallDisplay(QObject):
    """Full screen, type scale, page shortcuts and cycling of one :class:`ui.main_window.MainWindow`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scale = 1.0
        self._base_point_size = QApplication.font().pointSizeF()
        self._nav_width_px = window.nav.minimumWidth()  # the navigation list's fixed width, as designed
        self._shortcuts: list[QShortcut] = []
        self._add_shortcut(QKeySequence(Qt.Key.Key_F11), self.toggle_fullscreen)
        self.escape = self._add_shortcut(QKeySequence(Qt.Key.Key_Escape), self.leave_fullscreen)
        self.escape.setEnabled(False)  # only in full screen: elsewhere Esc belongs to the widgets
        for index in range(min(len(window.pages), MAX_PAGE_KEYS)):
            key = page_key(index)
            assert key is not None
            self._add_shortcut(QKeySequence(key), lambda i=index: window.nav.setCurrentRow(i))
        self.cycle_timer = QTimer(self)
        self.cycle_timer.timeout.connect(self.next_page)
        self.cycle_s = 0.0
        self.set_cycle_s(saved_cycle_s(), remember=False)
        window.nav.currentRowChanged.connect(self._on_page_changed)

    def _add_shortcut(self, keys: QKeySequence, slot) -> QShortcut:
        shortcut = QShortcut(keys, self.window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)  # this window (tests may hold others)
        shortcut.activated.connect(slot)
        self._shortcuts.append(shortcut)
        return shortcut

    # -- full screen -----------------------------------------------------------------------------
    def show(self, fullscreen: bool) -> None:
        """Show the window, full screen or as it was last placed."""
        if fullscreen:
            self.window.showFullScreen()
        else:
            self.window.show()
        self.apply_type()

    @property
    def fullscreen(self) -> bool:
        return self.window.isFullScreen()

    def toggle_fullscreen(self) -> None:
        if self.fullscreen:
            self.leave_fullscreen()
        else:
            self.window.showFullScreen()
            self.apply_type()

    def leave_fullscreen(self) -> None:
        if self.fullscreen:
            self.window.showNormal()
            self.apply_type()

    def apply_type(self) -> None:
        """Scale the type for the window's state (:func:`type_scale`); also for widgets made since."""
        fullscreen = self.fullscreen
        self.escape.setEnabled(fullscreen)
        # In full screen the screen's size wins: larger type must not raise the window's minimum size above
        # a small screen's, since Qt would then resize the window to it and so end full screen.
        layout = self.window.layout()
        if layout is not None:
            layout.setSizeConstraint(
                QLayout.SizeConstraint.SetNoConstraint if fullscreen else QLayout.SizeConstraint.SetDefaultConstraint
            )
        self.scale = type_scale(self.screen_height_px(), fullscreen)
        widgets = self.window.findChildren(QWidget)
        for widget in widgets:
            self._scale_widget(widget)
        self.window.nav.setFixedWidth(round(self._nav_width_px * self.scale))  # page names stay whole
        # The type of every widget without a size of its own, after theirs (its FontChange finds the tables'
        # new type); by a style sheet, since a font set on the window does not reach widgets styled by one.
        sheet = ""
        if self.scale != 1.0 and self._base_point_size > 0:
            sheet = f"QWidget {{ font-size: {round(self._base_point_size * self.scale * 2) / 2:g}pt; }}"
        if self.window.styleSheet() != sheet:
            self.window.setStyleSheet(sheet)
        for widget in widgets:  # the widgets that paint or size their own text, with the new style sheets
            set_type_scale = getattr(widget, "set_type_scale", None)
            if callable(set_type_scale):
                set_type_scale(self.scale)
        # Qt lays out a hidden widget only when it is shown; until then its minimum size is the one of the old
        # type, and the hidden pages' would hold the window at the full screen's size once it is left.
        for widget in reversed(widgets):  # children before their parents
            layout = widget.layout()
            if layout is not None and not widget.isVisible():
                layout.activate()

    def screen_height_px(self) -> int:
        """The logical height [px] of the window's screen (the type rule's input)."""
        screen = self.window.screen()
        return screen.geometry().height() if screen is not None else REFERENCE_HEIGHT_PX

    def _scale_widget(self, widget: QWidget) -> None:
        if widget.property(OWN_TYPE):
            return
        sheet = widget.styleSheet()
        if "pt" not in sheet and widget.property(_BASE_STYLE) is None:
            return
        if widget.property(_SCALED_STYLE) != sheet:  # first seen, or its owner set another style since
            widget.setProperty(_BASE_STYLE, sheet)
        base = str(widget.property(_BASE_STYLE))
        scaled = scaled_style(base, self.scale)
        widget.setProperty(_SCALED_STYLE, scaled)
        if scaled != sheet:
            widget.setStyleSheet(scaled)
            if isinstance(widget, QTableView):  # rows as high as the new text
                widget.ensurePolished()
                widget.verticalHeader().setDefaultSectionSize(widget.fontMetrics().height() + 8)

    # -- pages -------------------------------------------------------------------------------
    def set_cycle_s(self, cycle_s: float | None, remember: bool = True) -> None:
        """Show the next page every ``cycle_s`` seconds (None or 0: stay); ``remember``: as the default."""
        self.cycle_s = max(0.0, cycle_s or 0.0)
        if remember:
            QSettings().setValue(SETTINGS_CYCLE, self.cycle_s)
        if self.cycle_s > 0:
            self.cycle_timer.start(max(1, round(self.cycle_s * 1000)))
        else:
            self.cycle_timer.stop()

    def cycled_rows(self) -> list[int]:
        from ui.main_window import PAGES

        return [i for i, (attribute, _) in enumerate(PAGES) if attribute not in SKIPPED_BY_CYCLE]

    def next_page(self) -> None:
        rows = self.cycled_rows()
        if not rows:
            return
        current = self.window.nav.currentRow()
        following = [r for r in rows if r > current]
        self.window.nav.setCurrentRow(following[0] if following else rows[0])

    def _on_page_changed(self, _row: int) -> None:
        if self.cycle_timer.isActive():
            self.cycle_timer.start()  # a whole period for the page shown now
        if self.scale != 1.0:
            QTimer.singleShot(0, self.apply_type)  # widgets a page made when shown

    def nav_tooltip(self, index: int, title: str) -> str:
        """The tooltip of the page's navigation entry: its shortcut (in the platform's notation), F11, Esc."""
        key = page_key(index)
        if key is None:
            return fill(self.tr("%1. F11: full screen, Esc: leave it."), title)
        native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
        return fill(self.tr("%1: %2. F11: full screen, Esc: leave it."), title, native)

    def shutdown(self) -> None:
        self.cycle_timer.stop()


def saved_cycle_s() -> float:
    """The default cycling period (QSettings ``wall/cycle_s``, seconds; 0: off, also for a bad value)."""
    try:
        return max(0.0, float(str(QSettings().value(SETTINGS_CYCLE, 0))))
    except (TypeError, ValueError):
        return 0.0


def cycle_spin_box() -> QSpinBox:
    """The settings page's field for the default cycling period, in whole seconds (0: off)."""
    spin = QSpinBox()
    spin.setRange(0, MAX_CYCLE_S)
    spin.setValue(round(saved_cycle_s()))
    return spin
