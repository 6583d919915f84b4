"""Trends: any device and quantity against time, from raw samples to daily rollups.

The device and quantity pickers list the channels stored in the database.
Presets (today, yesterday, 7 days, 30 days, 12 months) set the time range;
the mouse zooms and pans along the time axis. Whenever the visible range
settles (``REQUERY_DELAY_MS`` after the last change) it is read again, with a
margin on both sides, at the resolution the range needs
(:func:`energymon.views.trends.series`: raw samples for short ranges, then
1-minute, 15-minute, hourly and daily rollups; never more than
``MAX_POINTS`` points in view). The reads run on the reader thread (key
"trends": an answer to an older view is dropped). The time axis is in the
site's time zone; a vertical cursor follows the mouse and reads out the
point under it (ui.trend_chart draws, ui.trend_texts words it). What is
shown can be exported as CSV and PNG; the files are written on the
``energymon-export`` worker thread (ui.background).
"""

from __future__ import annotations

import time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from energymon.site_time import MINUTE_MS
from energymon.views.trends import Channel, Series, channels, series
from ui.context import AppContext
from ui.format import fill
from ui.page import Page
from ui.trend_chart import TrendChart
from ui.trend_export import TrendExport, default_name
from ui.trend_pickers import ChannelPickers
from ui.trend_plot import PRESETS, point_at, preset_range
from ui.trend_texts import cursor_text, quantity_names, source_text

MAX_POINTS = 2000  # points in the visible range at most (about the pixel width of a wide plot)
MARGIN = 0.25  # read this share of the visible span beyond each edge, so a pan shows data at once
REQUERY_DELAY_MS = 300  # the view must rest this long before it is read again
LIVE_REFRESH_MS = 60_000  # a view that reaches the present is read again this often
TICK_MS = 5_000  # while shown: retry a failed channel list, refresh a view of the present


class TrendsPage(Page):
    """One quantity of one device against time; see the module docstring."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.series: Series | None = None  # the latest answer (covers the view and a margin)
        self.preset: str | None = "today"
        self.status_text = ""
        self.cursor_text = ""
        self.last_export: tuple[str, str] | None = None
        self._requested: tuple[int, int] | None = None  # the view range the last request was for
        self._requested_at = 0.0  # time.monotonic() of that request
        self._preset_range: tuple[int, int] | None = None
        self._loading = False
        self._error: str | None = None
        self.exporter = TrendExport(self)
        self.exporter.done.connect(self._on_export_done)
        self._build()
        self._requery = QTimer(self, singleShot=True, interval=REQUERY_DELAY_MS)
        self._requery.timeout.connect(self._request)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        ctx.site_changed.connect(self._on_site)
        self.retranslate()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        self.pickers = ChannelPickers(self)
        self.pickers.add_to(controls)
        self.device_combo, self.mode_combo = self.pickers.device_combo, self.pickers.mode_combo
        controls.addStretch(1)
        layout.addLayout(controls)
        ranges = QHBoxLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(False)  # none is checked after a zoom or pan
        for preset in PRESETS:
            button = QPushButton()
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, p=preset: self.apply_preset(p))
            self.preset_buttons[preset] = button
            self.preset_group.addButton(button)
            ranges.addWidget(button)
        ranges.addStretch(1)
        self.csv_button = QPushButton()
        self.csv_button.clicked.connect(self._ask_csv)
        self.png_button = QPushButton()
        self.png_button.clicked.connect(self._ask_png)
        ranges.addWidget(self.csv_button)
        ranges.addWidget(self.png_button)
        layout.addLayout(ranges)

        self.chart = TrendChart()
        self.axis, self.plot, self.view = self.chart.axis, self.chart.plot, self.chart.view
        self.cursor_line = self.chart.cursor_line
        self.view.sigXRangeChanged.connect(self._on_view_changed)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse)
        layout.addWidget(self.plot, 1)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #4a5568;")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.pickers.changed.connect(lambda: self._request(force=True))

    def title(self) -> str:
        return self.tr("Trends")

    def retranslate(self) -> None:
        self.pickers.retranslate()
        texts = {
            "today": self.tr("Today"),
            "yesterday": self.tr("Yesterday"),
            "7d": self.tr("7 days"),
            "30d": self.tr("30 days"),
            "12m": self.tr("12 months"),
        }
        for preset, button in self.preset_buttons.items():
            button.setText(texts[preset])
        self.csv_button.setText(self.tr("Export CSV…"))
        self.csv_button.setToolTip(self.tr("Save the points shown as a CSV file (local time with UTC offset)."))
        self.png_button.setText(self.tr("Export PNG…"))
        self.png_button.setToolTip(self.tr("Save the chart as shown as a PNG image."))
        self.pickers.fill(self.ctx.site)
        self._label_axes()
        self._show_status()
        self.update_cursor(None)

    # -- pickers -------------------------------------------------------------------------
    def _on_site(self) -> None:
        self._set_axis_offset(time.time())
        self._label_axes()
        self.load_channels()

    def _set_axis_offset(self, at_s: float) -> None:
        """The time axis shows the site's local time (its UTC offset at ``at_s``, the middle of the view)."""
        site = self.ctx.site
        assert site is not None  # called once the site is known
        self.chart.set_zone(site.tz, at_s)

    def load_channels(self) -> None:
        """Read the stored channels (reader thread) and fill the pickers."""
        self.ctx.db.submit(channels, self._on_channels, self._on_error, key="trends-channels")

    def _on_channels(self, found: list[Channel]) -> None:
        self._error = None
        self.pickers.channels = found
        self.pickers.fill(self.ctx.site)
        if found and self.isVisible():
            if self._requested is None:
                self.apply_preset(self.preset or "today")
            else:
                self._request(force=True)  # the selection may have changed with the list
        self._show_status()

    @property
    def channels(self) -> list[Channel]:
        """The channels stored in the database (the pickers list them)."""
        return self.pickers.channels

    def current_device(self) -> str | None:
        return self.pickers.current_device()

    def current_quantity(self) -> str | None:
        return self.pickers.current_quantity()

    def current_channel(self) -> Channel | None:
        return self.pickers.current_channel()

    def energy_mode(self) -> bool:
        return self.pickers.energy_mode()

    def select(self, device_id: str, quantity: str, energy: bool = False) -> None:
        """Pick a device and quantity (as the user would), then read the view."""
        self.pickers.select(device_id, quantity, energy)
        self._request(force=True)

    # -- the time range ----------------------------------------------------------------------
    def apply_preset(self, preset: str) -> None:
        site = self.ctx.site
        if site is None:
            return
        self.preset = preset
        for name, button in self.preset_buttons.items():
            button.setChecked(name == preset)
        from_ms, to_ms = preset_range(preset, time.time(), site.tz)
        self._preset_range = (from_ms, to_ms)
        self.view.setXRange(from_ms / 1000, to_ms / 1000, padding=0)
        self._request(force=True)

    def visible_range_ms(self) -> tuple[int, int]:
        x0, x1 = self.view.viewRange()[0]
        return int(x0 * 1000), int(x1 * 1000)

    def _on_view_changed(self, *_args) -> None:
        if self.preset is not None and self._preset_range is not None:
            view = self.visible_range_ms()
            if max(abs(view[0] - self._preset_range[0]), abs(view[1] - self._preset_range[1])) > 1000:
                self.preset = None  # the user zoomed or panned away from the preset
                for button in self.preset_buttons.values():
                    button.setChecked(False)
        self._requery.start()  # read the new range once the view rests
        self.update_cursor(None)

    def _on_tick(self) -> None:
        if not self.isVisible() or self.ctx.site is None:
            return
        if not self.channels:
            self.load_channels()  # no database or no data yet: try again
        elif self._requested is None:
            self.apply_preset(self.preset or "today")  # the list came while the page was hidden
        elif (
            self._requested[1] >= self.ctx.now_ms() - MINUTE_MS
            and time.monotonic() - self._requested_at >= LIVE_REFRESH_MS / 1000
        ):
            self._request(force=True)  # the view reaches the present: new data has come in

    def _request(self, force: bool = False) -> None:
        """Read the visible range (plus a margin) at its resolution, unless it was just read."""
        device, quantity = self.current_device(), self.current_quantity()
        if self.ctx.site is None or self.ctx.db_path is None or not device or not quantity:
            return
        view = self.visible_range_ms()
        if not force and view == self._requested:
            return
        self._requested = view
        self._requested_at = time.monotonic()
        self.last_export = None  # the status line tells about the new view now
        self._set_axis_offset((view[0] + view[1]) / 2000)
        margin = int((view[1] - view[0]) * MARGIN)
        from_ms, to_ms = view[0] - margin, view[1] + margin
        points = int(MAX_POINTS * (1 + 2 * MARGIN))
        energy = self.energy_mode()
        self._loading = True
        self._show_status()
        self.ctx.db.submit(
            lambda reader: series(reader, device, quantity, from_ms, to_ms, points, energy),
            self._on_series,
            self._on_error,
            key="trends",
        )

    def activated(self) -> None:
        self._tick.start()
        if self.ctx.site is not None:
            self.load_channels()  # the answer fills the pickers and reads the view

    # -- answers -------------------------------------------------------------------------
    def _on_series(self, result: Series) -> None:
        self._loading = False
        self._error = None
        self.series = result
        self.chart.draw(result)
        self._label_axes()
        self._show_status()

    def _on_error(self, message: str) -> None:
        self._loading = False
        self._error = message
        self._show_status()

    def _show_status(self) -> None:
        if self.ctx.site is None:
            text = self.tr("Waiting for the site…")
        elif self._error is not None:
            text = fill(self.tr("Could not read the database: %1"), self._error)
        elif not self.channels:
            text = self.tr("No data stored yet.")
        elif self._loading and self.series is None:
            text = self.tr("Reading…")
        elif self.series is None:
            text = self.tr("Choose a device, a quantity and a time range.")
        else:
            shown = len(self.series.visible(*self.visible_range_ms()))
            if shown == 0:
                text = self.tr("No data of this quantity in the time shown.")
            else:
                text = fill(self.tr("Showing %1: %2 points in view."), source_text(self.series), f"{shown:,}")
                if self.series.source != "raw":
                    text += " " + self.tr("Zoom in for finer detail.")
            if self._loading:
                text += " " + self.tr("Reading…")
        if self.last_export is not None:
            path, error = self.last_export
            text += " " + (
                fill(self.tr("Saved %1."), path) if not error else fill(self.tr("Could not save %1: %2"), path, error)
            )
        self.status_text = text
        self.status_label.setText(text)

    def _label_axes(self) -> None:
        site = self.ctx.site
        if site is not None:  # the offset the axis uses (that of the middle of the view)
            utc = self.chart.utc_offset_text()
            self.plot.setLabel("bottom", fill(self.tr("Local time (%1, UTC%2)"), site.timezone, utc))
        channel = self.current_channel()
        if channel is None:
            self.chart.clear_labels()
            return
        name = quantity_names().get(channel.quantity, channel.quantity)
        text = self.tr("Energy per interval") if self.energy_mode() else name
        self.chart.set_labels(text, channel.unit, f"{self.device_combo.currentText()} · {name}")

    # -- cursor read-out -----------------------------------------------------------------------
    def _on_mouse(self, event: tuple) -> None:
        position = event[0]
        if not self.view.sceneBoundingRect().contains(position):
            self.update_cursor(None)
            return
        self.update_cursor(self.view.mapSceneToView(position).x())

    def update_cursor(self, x_s: float | None) -> None:
        """Move the cursor to ``x_s`` (epoch seconds; ``None`` hides it) and read out the point there."""
        s, site = self.series, self.ctx.site
        if x_s is None or s is None or site is None:
            self.chart.hide_cursor()
            self.cursor_text = ""
            return
        x_ms = int(x_s * 1000)
        self.cursor_text = cursor_text(s, point_at(s, x_ms), x_ms, site.tz)
        self.chart.show_cursor(x_s, self.cursor_text)

    # -- export --------------------------------------------------------------------------------
    def shown_series(self) -> Series | None:
        """The points of the visible range (what an export writes)."""
        return None if self.series is None else self.series.visible(*self.visible_range_ms())

    def _default_name(self, suffix: str) -> str:
        site = self.ctx.site
        return default_name(self.current_device(), self.current_quantity(), suffix, site.tz if site else None)

    def _ask_csv(self) -> None:
        if self.shown_series() is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the points shown as CSV"), self._default_name("csv"), self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_csv(Path(path))

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the chart as PNG"), self._default_name("png"), self.tr("PNG images (*.png)")
        )
        if path:
            self.export_png(Path(path))

    def export_csv(self, path: Path) -> bool:
        """Write the points shown to ``path`` (on a worker thread; ``export_done`` reports). False: nothing shown."""
        shown = self.shown_series()
        if shown is None or self.ctx.site is None:
            return False
        self.exporter.csv(shown, self.ctx.site.tz, Path(path))
        return True

    def export_png(self, path: Path) -> bool:
        """Write the chart as shown (without the cursor) to ``path`` (on a worker thread; ``export_done`` reports)."""
        self.exporter.png(self.chart.image(), Path(path))  # the drawing on the GUI thread, the file on the worker
        return True

    @property
    def export_done(self) -> SignalInstance:
        """Signal(path, error): an export file was written ("" error) or failed."""
        return self.exporter.done

    def _on_export_done(self, path: str, error: str) -> None:
        self.last_export = (path, error)
        self._show_status()

    def shutdown(self) -> None:
        self._requery.stop()
        self._tick.stop()
        self.exporter.shutdown()
