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
point under it. What is shown can be exported as CSV and PNG; the files are
written on a worker thread.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems import DateAxisItem as date_axis  # noqa: N813 - the module, not the class
from PySide6.QtCore import QObject, QRunnable, QStandardPaths, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from energymon.site_time import midnight_ms
from energymon.views.trends import Channel, Series, channels, series, write_csv
from ui.context import AppContext
from ui.format import fill
from ui.page import Page
from ui.time_plot import time_plot

MAX_POINTS = 2000  # points in the visible range at most (about the pixel width of a wide plot)
MARGIN = 0.25  # read this share of the visible span beyond each edge, so a pan shows data at once
REQUERY_DELAY_MS = 300  # the view must rest this long before it is read again
LIVE_REFRESH_MS = 60_000  # a view that reaches the present is read again this often
TICK_MS = 5_000  # while shown: retry a failed channel list, refresh a view of the present
PRESETS = ("today", "yesterday", "7d", "30d", "12m")
MIN_SPAN_S = 60.0  # zooming stops at one minute across
SI_UNITS = ("W", "Wh", "var", "VA")  # shown with k/M/G prefixes
DISPLAY_UNITS = {"degC": "°C"}
COLOUR = "#2b6cb0"
BAND = (43, 108, 176, 60)


def numeric_zoom_levels() -> dict:
    """pyqtgraph's date-axis zoom levels with numeric dates ("11-17", "2026-03") instead of English
    month and weekday names, so the axis reads the same in every language."""
    spec, level = date_axis.TickSpec, date_axis.ZoomLevel
    day, hour, minute = date_axis.DAY_SPACING, date_axis.HOUR_SPACING, date_axis.MINUTE_SPACING
    months = spec(date_axis.MONTH_SPACING, date_axis.makeMStepper(1), "%Y-%m")
    days = spec(day, date_axis.makeSStepper(day), "%m-%d", autoSkip=[1, 2, 5])
    return {
        np.inf: level(
            [
                spec(date_axis.YEAR_SPACING, date_axis.makeYStepper(1), "%Y", autoSkip=[1, 5, 10, 25]),
                spec(date_axis.MONTH_SPACING, date_axis.makeMStepper(1), "%Y-%m", autoSkip=[1, 3, 6]),
            ],
            "0000-00",
        ),
        5 * 86400: level([months, days], "0000-00"),
        6 * 3600: level(
            [
                spec(day, date_axis.makeSStepper(day), "%m-%d"),
                spec(hour, date_axis.makeSStepper(hour), "%H:%M", autoSkip=[1, 3, 6]),
            ],
            "00-00",
        ),
        15 * 60: level(
            [
                spec(day, date_axis.makeSStepper(day), "%m-%d"),
                spec(minute, date_axis.makeSStepper(minute), "%H:%M", autoSkip=[1, 5, 15]),
            ],
            "00-00",
        ),
        30: date_axis.HMS_ZOOM_LEVEL,
        1: date_axis.MS_ZOOM_LEVEL,
    }


def preset_range(preset: str, now_s: float, tz) -> tuple[int, int]:
    """[from_ms, to_ms) of a preset in the site's time zone: local calendar days, or the last N days up to now."""
    today = datetime.fromtimestamp(now_s, UTC).astimezone(tz).date()
    now_ms = int(now_s * 1000)
    if preset == "today":
        return midnight_ms(today, tz), midnight_ms(today + timedelta(days=1), tz)
    if preset == "yesterday":
        return midnight_ms(today - timedelta(days=1), tz), midnight_ms(today, tz)
    days = {"7d": 7, "30d": 30, "12m": 365}[preset]
    return now_ms - days * 86_400_000, now_ms


def with_gaps(series_: Series) -> tuple[np.ndarray, list[np.ndarray]]:
    """x [s] and (mean, min, max) with a NaN point wherever the data has a gap, so no line bridges it.

    A gap is more than 1.5 buckets between rollup points, or more than three
    times the usual spacing between raw samples.
    """
    ts = series_.ts_ms
    columns = [series_.mean, series_.min, series_.max]
    if ts.size < 2:
        return ts / 1000.0, columns
    steps = np.diff(ts)
    limit = 1.5 * series_.bucket_ms if series_.bucket_ms else 3.0 * float(np.median(steps))
    cuts = np.flatnonzero(steps > limit) + 1
    if not cuts.size:
        return ts / 1000.0, columns
    x = np.insert(ts.astype(np.float64), cuts, ts[cuts - 1] + max(series_.bucket_ms, 1)) / 1000.0
    return x, [np.insert(c, cuts, np.nan) for c in columns]


def format_value(value: float, unit: str) -> str:
    """A value in its base unit for the read-out: W/Wh/var with k, M, G prefixes, others as they are."""
    if not np.isfinite(value):
        return "—"
    if unit in SI_UNITS:
        for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= factor:
                return f"{value / factor:,.2f} {prefix}{unit}"
        return f"{value:,.1f} {unit}"
    if not unit:
        return f"{value:.3g}"
    shown = DISPLAY_UNITS.get(unit, unit)
    return f"{value:,.1f} {shown}" if unit in ("%", "degC") else f"{value:,.2f} {shown}"


class _FileJob(QRunnable):
    """Write one export file off the GUI thread; report (path, error or "") through ``signal``."""

    def __init__(self, signal, path: Path, write) -> None:
        super().__init__()
        self.signal, self.path, self.write = signal, path, write

    def run(self) -> None:
        try:
            self.write(self.path)
            self.signal.emit(str(self.path), "")
        except Exception as exc:  # noqa: BLE001 - shown in the status line
            self.signal.emit(str(self.path), f"{type(exc).__name__}: {exc}")


class _Signals(QObject):
    export_done = Signal(str, str)  # path, error ("" when written)


class TrendsPage(Page):
    """One quantity of one device against time; see the module docstring."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.channels: list[Channel] = []
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
        self._signals = _Signals(self)
        self._signals.export_done.connect(self._on_export_done)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
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
        self.device_label = QLabel()
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(220)
        self.device_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.quantity_label = QLabel()
        self.quantity_combo = QComboBox()
        self.quantity_combo.setMinimumWidth(240)
        self.quantity_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.mode_label = QLabel()
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["", ""])  # counter reading, energy per interval (texts in retranslate)
        for widget in (
            self.device_label,
            self.device_combo,
            self.quantity_label,
            self.quantity_combo,
            self.mode_label,
            self.mode_combo,
        ):
            controls.addWidget(widget)
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

        self.axis = pg.DateAxisItem(orientation="bottom")
        self.axis.zoomLevels = numeric_zoom_levels()
        self.plot = time_plot(self.axis)
        self.plot.setMouseEnabled(x=True, y=False)  # zoom and pan along time; the value axis follows the data
        self.plot.hideButtons()
        self.view = self.plot.getPlotItem().getViewBox()
        self.view.setLimits(minXRange=MIN_SPAN_S)
        self.view.enableAutoRange(axis="y")
        self.view.setAutoVisible(y=True)
        self.curve_min = self.plot.plot([], [], pen=pg.mkPen(BAND[:3] + (110,), width=1))
        self.curve_max = self.plot.plot([], [], pen=pg.mkPen(BAND[:3] + (110,), width=1))
        self.band = pg.FillBetweenItem(self.curve_min, self.curve_max, brush=pg.mkBrush(*BAND))
        self.plot.addItem(self.band)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(COLOUR, width=2))
        for curve in (self.curve, self.curve_min, self.curve_max):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#4a5568", width=1, style=Qt.DashLine))
        self.cursor_label = pg.TextItem(
            "", color="#1a202c", fill=pg.mkBrush(255, 255, 255, 225), border=pg.mkPen("#a0aec0"), anchor=(0, 0)
        )
        for item in (self.cursor_line, self.cursor_label):
            self.plot.addItem(item, ignoreBounds=True)
            item.setVisible(False)
        self.view.sigXRangeChanged.connect(self._on_view_changed)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse)
        layout.addWidget(self.plot, 1)

        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #4a5568;")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.device_combo.currentIndexChanged.connect(self._on_device)
        self.quantity_combo.currentIndexChanged.connect(self._on_quantity)
        self.mode_combo.currentIndexChanged.connect(lambda _i: self._request(force=True))

    def title(self) -> str:
        return self.tr("Trends")

    def quantity_names(self) -> dict[str, str]:
        """A readable name for each canonical quantity (the picker shows it with the canonical name)."""
        return {
            "power_w": self.tr("Active power"),
            "yield_wh": self.tr("PV energy (counter)"),
            "dc_power_w": self.tr("DC power"),
            "temperature_c": self.tr("Temperature"),
            "status_code": self.tr("Status code"),
            "soc_pct": self.tr("State of charge"),
            "soh_pct": self.tr("State of health"),
            "charged_wh": self.tr("Energy charged (counter)"),
            "discharged_wh": self.tr("Energy discharged (counter)"),
            "consumed_wh": self.tr("Energy consumed (counter)"),
            "imported_wh": self.tr("Energy imported (counter)"),
            "exported_wh": self.tr("Energy exported (counter)"),
            "voltage_l1_v": self.tr("Voltage L1"),
            "voltage_l2_v": self.tr("Voltage L2"),
            "voltage_l3_v": self.tr("Voltage L3"),
            "current_l1_a": self.tr("Current L1"),
            "current_l2_a": self.tr("Current L2"),
            "current_l3_a": self.tr("Current L3"),
            "frequency_hz": self.tr("Frequency"),
            "power_factor": self.tr("Power factor"),
            "reactive_power_var": self.tr("Reactive power"),
        }

    def retranslate(self) -> None:
        self.device_label.setText(self.tr("Device"))
        self.quantity_label.setText(self.tr("Quantity"))
        self.mode_label.setText(self.tr("Show"))
        self.mode_combo.setItemText(0, self.tr("Counter reading"))
        self.mode_combo.setItemText(1, self.tr("Energy per interval"))
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
        self._fill_pickers()
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
        offset = datetime.fromtimestamp(at_s, UTC).astimezone(self.ctx.site.tz).utcoffset() or timedelta(0)
        self.axis.utcOffset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC

    def load_channels(self) -> None:
        """Read the stored channels (reader thread) and fill the pickers."""
        self.ctx.db.submit(channels, self._on_channels, self._on_error, key="trends-channels")

    def _on_channels(self, found: list[Channel]) -> None:
        self._error = None
        self.channels = found
        self._fill_pickers()
        if found and self.isVisible():
            if self._requested is None:
                self.apply_preset(self.preset or "today")
            else:
                self._request(force=True)  # the selection may have changed with the list
        self._show_status()

    def _device_ids(self) -> list[str]:
        """Devices with stored channels: the site's in its order, then any others the database knows."""
        stored = {c.device_id for c in self.channels}
        site_order = [d.id for d in self.ctx.site.devices] if self.ctx.site else []
        return [d for d in site_order if d in stored] + sorted(stored - set(site_order))

    def _fill_pickers(self) -> None:
        names = {d.id: d.name for d in self.ctx.site.devices} if self.ctx.site else {}
        keep = self.current_device()
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for device_id in self._device_ids():
            name = names.get(device_id)
            self.device_combo.addItem(f"{name} ({device_id})" if name and name != device_id else device_id, device_id)
        index = self.device_combo.findData(keep) if keep else -1
        self.device_combo.setCurrentIndex(index if index >= 0 else 0 if self.device_combo.count() else -1)
        self.device_combo.blockSignals(False)
        self._fill_quantities()

    def _fill_quantities(self) -> None:
        labels = self.quantity_names()
        keep = self.current_quantity() or "power_w"
        device = self.current_device()
        self.quantity_combo.blockSignals(True)
        self.quantity_combo.clear()
        for channel in self.channels:
            if channel.device_id == device:
                label = labels.get(channel.quantity)
                self.quantity_combo.addItem(
                    f"{label} ({channel.quantity})" if label else channel.quantity, channel.quantity
                )
        index = self.quantity_combo.findData(keep)
        self.quantity_combo.setCurrentIndex(index if index >= 0 else 0 if self.quantity_combo.count() else -1)
        self.quantity_combo.blockSignals(False)
        self._show_mode()

    def _show_mode(self) -> None:
        channel = self.current_channel()
        counter = channel is not None and channel.counter
        self.mode_label.setVisible(counter)
        self.mode_combo.setVisible(counter)

    def current_device(self) -> str | None:
        return self.device_combo.currentData()

    def current_quantity(self) -> str | None:
        return self.quantity_combo.currentData()

    def current_channel(self) -> Channel | None:
        for channel in self.channels:
            if channel.device_id == self.current_device() and channel.quantity == self.current_quantity():
                return channel
        return None

    def energy_mode(self) -> bool:
        channel = self.current_channel()
        return channel is not None and channel.counter and self.mode_combo.currentIndex() == 1

    def select(self, device_id: str, quantity: str, energy: bool = False) -> None:
        """Pick a device and quantity (as the user would), then read the view."""
        self.device_combo.setCurrentIndex(self.device_combo.findData(device_id))
        self.quantity_combo.setCurrentIndex(self.quantity_combo.findData(quantity))
        self.mode_combo.setCurrentIndex(1 if energy else 0)
        self._request(force=True)

    def _on_device(self, _index: int) -> None:
        self._fill_quantities()
        self._request(force=True)

    def _on_quantity(self, _index: int) -> None:
        self._show_mode()
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
            self._requested[1] >= self.ctx.now_ms() - 60_000
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
        x, (mean, low, high) = with_gaps(result)
        few_raw = result.source == "raw" and len(result) <= 300
        self.curve.setData(
            x, mean, connect="finite", symbol="o" if few_raw else None, symbolSize=4, symbolBrush=COLOUR, symbolPen=None
        )
        if result.has_band:
            self.curve_min.setData(x, low, connect="finite")
            self.curve_max.setData(x, high, connect="finite")
        else:
            self.curve_min.setData([], [])
            self.curve_max.setData([], [])
        self.band.setVisible(result.has_band)
        # A flat series (a constant power factor, a PV inverter at night) gets a sensible value axis:
        # at least 2 % of its magnitude (or 1 unit around zero), not float noise blown up to full height.
        finite = np.concatenate([c[np.isfinite(c)] for c in (result.mean, result.min, result.max)])
        magnitude = float(np.abs(finite).max()) if finite.size else 0.0
        self.view.setLimits(minYRange=0.02 * magnitude if magnitude > 0 else 1.0)
        self.view.enableAutoRange(axis="y")
        self._label_axes()
        self._show_status()

    def _on_error(self, message: str) -> None:
        self._loading = False
        self._error = message
        self._show_status()

    # -- texts ---------------------------------------------------------------------------
    def source_text(self, s: Series) -> str:
        """What the points are, e.g. "15-minute averages with their minimum and maximum"."""
        days = s.bucket_ms // 86_400_000 if s.bucket_ms else 0
        merged = s.source == "1d" and days > 1
        if s.source == "raw":
            return self.tr("raw counter readings") if s.kind == "counter" else self.tr("raw samples")
        if s.statistic == "delta":
            if merged:
                return fill(self.tr("energy counted per %1 days"), str(days))
            return {
                "1min": self.tr("energy counted per minute"),
                "15min": self.tr("energy counted per 15 minutes"),
                "1h": self.tr("energy counted per hour"),
                "1d": self.tr("energy counted per day"),
            }[s.source]
        if s.statistic == "last":
            if merged:
                return fill(self.tr("counter readings, the last of every %1 days"), str(days))
            return {
                "1min": self.tr("counter readings, the last of each minute"),
                "15min": self.tr("counter readings, the last of each 15 minutes"),
                "1h": self.tr("counter readings, the last of each hour"),
                "1d": self.tr("counter readings, the last of each day"),
            }[s.source]
        if merged:
            return fill(self.tr("averages over %1 days with their minimum and maximum"), str(days))
        return {
            "1min": self.tr("1-minute averages with their minimum and maximum"),
            "15min": self.tr("15-minute averages with their minimum and maximum"),
            "1h": self.tr("hourly averages with their minimum and maximum"),
            "1d": self.tr("daily averages with their minimum and maximum"),
        }[s.source]

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
                text = fill(self.tr("Showing %1: %2 points in view."), self.source_text(self.series), f"{shown:,}")
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
        if site is not None:
            minutes = -int(self.axis.utcOffset or 0) // 60  # the offset the axis uses (middle of the view)
            utc = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            self.plot.setLabel("bottom", fill(self.tr("Local time (%1, UTC%2)"), site.timezone, utc))
        channel = self.current_channel()
        if channel is None:
            self.plot.setLabel("left", "")
            self.plot.setTitle("")
            return
        name = self.quantity_names().get(channel.quantity, channel.quantity)
        text = self.tr("Energy per interval") if self.energy_mode() else name
        unit = channel.unit
        axis = self.plot.getAxis("left")
        self.plot.setLabel("left", text, units=DISPLAY_UNITS.get(unit, unit) or None)
        # k, M, G for power and energy from 1000 up (never "mW" or "k%"); after setLabel, which resets it
        axis.setSIPrefixEnableRanges(((1e3, float("inf")),) if unit in SI_UNITS else ())
        axis.updateAutoSIPrefix()
        self.plot.setTitle(f"{self.device_combo.currentText()} · {name}", color="#1a202c", size="12pt")

    # -- cursor read-out -----------------------------------------------------------------------
    def _on_mouse(self, event) -> None:
        position = event[0]
        if not self.view.sceneBoundingRect().contains(position):
            self.update_cursor(None)
            return
        self.update_cursor(self.view.mapSceneToView(position).x())

    def _time_text(self, ts_ms: int, bucket_ms: int) -> str:
        tz = self.ctx.site.tz
        start = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(tz)
        if bucket_ms == 0:
            return start.strftime("%Y-%m-%d %H:%M:%S")
        end = datetime.fromtimestamp((ts_ms + bucket_ms) / 1000, UTC).astimezone(tz)
        if bucket_ms >= 86_400_000:
            if bucket_ms == 86_400_000:
                return start.strftime("%Y-%m-%d")
            return f"{start:%Y-%m-%d} – {end - timedelta(days=1):%Y-%m-%d}"
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def update_cursor(self, x_s: float | None) -> None:
        """Move the cursor to ``x_s`` (epoch seconds; ``None`` hides it) and read out the point there."""
        s = self.series
        if x_s is None or s is None or self.ctx.site is None:
            self.cursor_line.setVisible(False)
            self.cursor_label.setVisible(False)
            self.cursor_text = ""
            return
        x_ms = int(x_s * 1000)
        unit = s.unit
        index = None
        if len(s):
            if s.bucket_ms == 0:  # the nearest sample
                i = int(np.clip(np.searchsorted(s.ts_ms, x_ms), 1, len(s) - 1)) if len(s) > 1 else 0
                if len(s) > 1 and abs(s.ts_ms[i - 1] - x_ms) <= abs(s.ts_ms[i] - x_ms):
                    i -= 1
                reach = 1.5 * float(np.median(np.diff(s.ts_ms))) if len(s) > 1 else 60_000.0
                if abs(int(s.ts_ms[i]) - x_ms) <= reach:  # not across a gap in the data
                    index = i
            else:  # the bucket under the cursor
                i = int(np.searchsorted(s.ts_ms, x_ms, side="right")) - 1
                if i >= 0 and x_ms < s.ts_ms[i] + s.bucket_ms:
                    index = i
        if index is None:
            moment = datetime.fromtimestamp(x_ms / 1000, UTC).astimezone(self.ctx.site.tz)
            text = fill(self.tr("%1: no data"), moment.strftime("%Y-%m-%d %H:%M"))
        else:
            when = self._time_text(int(s.ts_ms[index]), s.bucket_ms)
            value = format_value(float(s.mean[index]), "Wh" if s.statistic == "delta" else unit)
            if s.statistic == "mean":
                text = fill(
                    self.tr("%1\nmean %2, min %3, max %4"),
                    when,
                    value,
                    format_value(float(s.min[index]), unit),
                    format_value(float(s.max[index]), unit),
                )
            elif s.statistic == "delta":
                text = fill(self.tr("%1\n%2 counted in this interval"), when, value)
            elif s.statistic == "last":
                text = fill(self.tr("%1\ncounter reading %2"), when, value)
            else:
                text = f"{when}\n{value}"  # a raw sample: its time and value, nothing to translate
        self.cursor_text = text
        (x0, x1), (_, y1) = self.view.viewRange()
        self.cursor_line.setPos(x_s)
        self.cursor_label.setText(text)
        self.cursor_label.setAnchor((0, 0) if x_s < (x0 + x1) / 2 else (1, 0))
        self.cursor_label.setPos(x_s, y1)
        self.cursor_line.setVisible(True)
        self.cursor_label.setVisible(True)

    # -- export --------------------------------------------------------------------------------
    def shown_series(self) -> Series | None:
        """The points of the visible range (what an export writes)."""
        return None if self.series is None else self.series.visible(*self.visible_range_ms())

    def _default_name(self, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        stamp = datetime.now(self.ctx.site.tz if self.ctx.site else None).strftime("%Y%m%d-%H%M")
        return str(Path(folder) / f"trend-{self.current_device()}-{self.current_quantity()}-{stamp}.{suffix}")

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
        zone = self.ctx.site.tz

        def write(target: Path) -> None:
            with open(target, "w", encoding="utf-8", newline="") as out:
                write_csv(shown, out, zone)

        self._pool.start(_FileJob(self._signals.export_done, Path(path), write))
        return True

    def export_png(self, path: Path) -> bool:
        """Write the chart as shown (without the cursor) to ``path`` (on a worker thread; ``export_done`` reports)."""
        cursor = self.cursor_line.isVisible()
        self.cursor_line.setVisible(False)
        self.cursor_label.setVisible(False)
        image: QImage = self.plot.grab().toImage()  # the drawing on the GUI thread, the file on the worker
        self.cursor_line.setVisible(cursor)
        self.cursor_label.setVisible(cursor)

        def write(target: Path) -> None:
            if not image.save(str(target), "PNG"):
                raise OSError(f"could not write {target}")

        self._pool.start(_FileJob(self._signals.export_done, Path(path), write))
        return True

    @property
    def export_done(self):
        """Signal(path, error): an export file was written ("" error) or failed."""
        return self._signals.export_done

    def _on_export_done(self, path: str, error: str) -> None:
        self.last_export = (path, error)
        self._show_status()

    def shutdown(self) -> None:
        self._requery.stop()
        self._tick.stop()
        self._pool.waitForDone(5000)
