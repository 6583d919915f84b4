"""Trends: several series against time, devices' quantities and site series, from raw samples to daily rollups.

The pickers (ui.trend_pickers) edit one series at a time; "Add series" appends another (ui.trend_series); the
legend beside the chart (ui.trend_legend) chooses the one to edit and removes one. Series go on value axes by
unit, two to a plot, more units in plots stacked below (ui.trend_axes, ui.trend_chart). Saved views
(ui.trend_views) keep a named set of series with its time range. Presets set the time range; the mouse zooms
and pans along time. When the visible range settles (``REQUERY_DELAY_MS``) every series is read again on the
reader thread (key "trends": an older answer is dropped), with a margin on both sides, at the resolution the
range needs (:func:`energymon.views.trend_set.read_set`: raw samples, then 1-minute to daily rollups; at most
``MAX_POINTS`` points of a series in view). Times are in the site's zone; the legend reads out each series
at the mouse's cursor. CSV (every series) and PNG exports are written on the ``energymon-export`` thread.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from energymon.site_time import MINUTE_MS
from energymon.views.site_trends import SITE
from energymon.views.trend_set import TrendSpec, read_set
from energymon.views.trends import Channel, Series, channels
from ui.context import AppContext
from ui.format import fill
from ui.page import Page
from ui.trend_axes import Slot, plan_axes
from ui.trend_chart import TrendChart
from ui.trend_controls import TrendControls
from ui.trend_export import TrendExport, ask_path, default_name
from ui.trend_legend import TrendLegend
from ui.trend_plot import preset_range
from ui.trend_series import SeriesSet, lacks_channel, next_spec, spec_key
from ui.trend_status import axis_labels, export_text, legend_rows, read_out, status_text, time_label
from ui.trend_views import SavedView, load_views, save_view

MAX_POINTS = 2000  # points of a series in the visible range at most (about the pixel width of a wide plot)
MARGIN = 0.25  # read this share of the visible span beyond each edge, so a pan shows data at once
REQUERY_DELAY_MS = 300  # the view must rest this long before it is read again
LIVE_REFRESH_MS = 60_000  # a view that reaches the present is read again this often
TICK_MS = 5_000  # while shown: retry a failed channel list, refresh a view of the present
CHANNELS_REFRESH_S = 60.0  # the channel list is read again this often (new devices, a history being written)


class TrendsPage(Page):
    """Several series against time; see the module docstring."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.set = SeriesSet()
        self.results: list[Series] = []  # the latest answer (covers the view and a margin), one per spec read
        self._result_specs: list[TrendSpec] = []  # the specs of that answer
        self.slots: list[Slot | None] = []
        self.preset: str | None = "today"
        self.status_text = ""
        self.cursor_text = ""
        self._requested: tuple[int, int] | None = None  # the view range the last request was for
        self._requested_at = 0.0  # time.monotonic() of that request
        self._preset_range: tuple[int, int] | None = None
        self._loading = False
        self._error: str | None = None
        self._channels_at = 0.0  # time.monotonic() of the last channel list asked for
        self.exporter = TrendExport(self)
        self.export_done: SignalInstance = self.exporter.done  # (path, error): an export was written ("") or not
        self.exporter.done.connect(lambda *_: self._show_status())
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
        self.controls = TrendControls(self, layout)
        self.pickers, self.views = self.controls.pickers, self.controls.views
        self.device_combo, self.mode_combo = self.pickers.device_combo, self.pickers.mode_combo
        self.preset_buttons = self.controls.preset_buttons
        for preset, button in self.preset_buttons.items():
            button.clicked.connect(lambda _checked=False, p=preset: self.apply_preset(p))
        self.controls.add_button.clicked.connect(lambda: self.add_series())
        self.controls.csv_button.clicked.connect(lambda: self._ask("csv"))
        self.controls.png_button.clicked.connect(lambda: self._ask("png"))
        self.views.wanted.connect(self.restore_view)
        self.views.save_asked.connect(self.save_view)
        self.chart = TrendChart()
        self.axis, self.plot, self.view = self.chart.axis, self.chart.plot, self.chart.view
        self.cursor_line = self.chart.cursor_line
        self.view.sigXRangeChanged.connect(self._on_view_changed)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse)
        self.legend = TrendLegend()
        self.legend.chosen.connect(self.choose_series)
        self.legend.removed.connect(self.remove_series)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addWidget(self.legend)
        layout.addLayout(body, 1)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #4a5568;")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.pickers.changed.connect(self._on_pick)

    def title(self) -> str:
        return self.tr("Trends")

    def retranslate(self) -> None:
        self.controls.retranslate()
        self.pickers.fill(self.ctx.site)
        self.legend.heading.setText(self.tr("Series"))
        self._redraw()

    # -- pickers and series ------------------------------------------------------------------
    def _on_site(self) -> None:
        if self.ctx.site is not None:  # the time axis in the site's local time (its UTC offset now)
            self.chart.set_zone(self.ctx.site.tz, time.time())
        self._label_time()
        self.load_channels()

    def load_channels(self) -> None:
        """Read the stored channels (reader thread) and fill the pickers."""
        self._channels_at = time.monotonic()
        self.ctx.db.submit(channels, self._on_channels, self._on_error, key="trends-channels")

    def _on_channels(self, found: list[Channel]) -> None:
        self._error = None
        if found == self.pickers.channels and self._requested is not None:
            return  # nothing new: the pickers and the chart stay as they are
        self.pickers.channels = found
        self.pickers.fill(self.ctx.site)
        if self.set.spec() is None and (spec := self.pickers.spec()) is not None:
            self.set.set_current(spec)
        if found and self.isVisible():
            if self._requested is None:
                self.apply_preset(self.preset or "today")
            else:
                self._request(force=True)  # the selection may have changed with the list
        self._redraw()

    @property
    def channels(self) -> list[Channel]:
        """The channels stored in the database (the pickers list them)."""
        return self.pickers.channels

    @property
    def specs(self) -> list[TrendSpec]:
        return self.set.specs

    @property
    def series(self) -> Series | None:
        """The answer for the series the pickers edit (None until it is read)."""
        pairs = self._drawable()
        return pairs[self.set.current][1] if self.set.current < len(pairs) else None

    def current_device(self) -> str | None:
        return self.pickers.current_device()

    def current_quantity(self) -> str | None:
        return self.pickers.current_quantity()

    def select(self, device_id: str, quantity: str, energy: bool = False) -> None:
        """Pick a device (or :data:`SITE`) and quantity for the series being edited (as the user would)."""
        self.pickers.select(device_id, quantity, energy)
        self._request(force=True)

    def _on_pick(self) -> None:
        spec = self.pickers.spec()
        if spec is not None:
            self.set.set_current(spec)
            self._request(force=True)
            self._redraw()  # the legend names the new series at once ("Reading…" until it is read)

    def add_series(self, spec: TrendSpec | None = None) -> None:
        """Append ``spec`` (default: the next sensible one, ui.trend_series.next_spec) and edit it."""
        base = self.set.spec()
        if base is None:
            return
        order = [self.device_combo.itemData(i) for i in range(self.device_combo.count())]
        new = spec or next_spec(base, self.specs, [d for d in order if d != SITE], self.channels)
        if self.set.add(new):
            self.pickers.show(new)
            self._request(force=True)
            self._redraw()

    def choose_series(self, index: int) -> None:
        """Edit the series at ``index`` with the pickers (its band is shown)."""
        if 0 <= index < len(self.specs):
            self.set.current = index
            self.pickers.show(self.specs[index])
            self._redraw()

    def remove_series(self, index: int) -> None:
        if self.set.remove(index):
            if index < len(self.results):
                del self.results[index], self._result_specs[index]
            self.pickers.show(self.specs[self.set.current])
            self._redraw()

    # -- saved views -------------------------------------------------------------------------
    def save_view(self, name: str) -> None:
        """Save the series and the time range (the preset, else the range shown) as ``name``."""
        view = self.visible_range_ms()
        save_view(SavedView(name, tuple(self.specs), self.preset, *((0, 0) if self.preset else view)))
        self.views.refresh(name)

    def restore_view(self, name: str) -> bool:
        """Show the saved view ``name``: its series and its time range."""
        view = {v.name: v for v in load_views()}.get(name)
        if view is None or self.ctx.site is None:
            return False
        self.set.replace(view.specs)
        self.pickers.show(self.specs[0])
        self.views.refresh(name)
        if view.preset is not None:
            self.apply_preset(view.preset)
        else:
            self.preset, self._preset_range = None, None
            self.controls.check_preset(None)
            self.view.setXRange(view.from_ms / 1000, view.to_ms / 1000, padding=0)
            self._request(force=True)
        self._redraw()
        return True

    # -- the time range ----------------------------------------------------------------------
    def apply_preset(self, preset: str) -> None:
        site = self.ctx.site
        if site is None:
            return
        self.preset = preset
        self.controls.check_preset(preset)
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
                self.controls.check_preset(None)
        self._requery.start()  # read the new range once the view rests
        self.update_cursor(None)

    def _on_tick(self) -> None:
        if not self.isVisible() or self.ctx.site is None:
            return
        if lacks_channel(self.specs, self.channels) or time.monotonic() - self._channels_at >= CHANNELS_REFRESH_S:
            self.load_channels()  # no database or no data yet, a channel missing, or a while ago: read it again
        if not self.channels:
            return
        if self._requested is None:
            self.apply_preset(self.preset or "today")  # the list came while the page was hidden
        elif (
            self._requested[1] >= self.ctx.now_ms() - MINUTE_MS
            and time.monotonic() - self._requested_at >= LIVE_REFRESH_MS / 1000
        ):
            self._request(force=True)  # the view reaches the present: new data has come in

    def _request(self, force: bool = False) -> None:
        """Read every series over the visible range (plus a margin) at its resolution, unless just read."""
        site, specs = self.ctx.site, tuple(self.specs)
        if site is None or self.ctx.db_path is None or not specs:
            return
        view = self.visible_range_ms()
        if not force and view == self._requested:
            return
        self._requested = view
        self._requested_at = time.monotonic()
        self.exporter.last = None  # the status line tells about the new view now
        self.chart.set_zone(site.tz, (view[0] + view[1]) / 2000)  # the UTC offset of the middle of the view
        margin = int((view[1] - view[0]) * MARGIN)
        from_ms, to_ms = view[0] - margin, view[1] + margin
        points = int(MAX_POINTS * (1 + 2 * MARGIN))
        roles = dict(site.roles)
        self._loading = True
        self._show_status()
        self.ctx.db.submit(
            lambda reader: (specs, read_set(reader, specs, roles, from_ms, to_ms, points)),
            self._on_results,
            self._on_error,
            key="trends",
        )

    def activated(self) -> None:
        self._tick.start()
        if self.ctx.site is not None:
            self.load_channels()  # the answer fills the pickers and reads the view

    # -- answers -------------------------------------------------------------------------
    def _on_results(self, answer: tuple[tuple[TrendSpec, ...], list[Series]]) -> None:
        self._loading = False
        self._error = None
        self._result_specs, self.results = list(answer[0]), list(answer[1])
        self._redraw()

    def _on_error(self, message: str) -> None:
        self._loading = False
        self._error = message
        self._show_status()

    def _drawable(self) -> list[tuple[TrendSpec, Series | None]]:
        """Each spec with its answer, if the answer is for it."""
        answers = dict(zip(self._result_specs, self.results))
        return [(spec, answers.get(spec)) for spec in self.specs]

    def _redraw(self) -> None:
        """Draw the answers of the current specs on their axes, and fill the legend."""
        pairs = self._drawable()
        keys = [spec_key(spec, self.channels) for spec, _ in pairs]  # where each goes, read or not yet
        self.slots = plan_axes(keys)
        self.chart.draw([s for _, s in pairs], self.slots, axis_labels(pairs, keys), self.set.current)
        self._label_time()
        rows = legend_rows(pairs, self.slots, self.visible_range_ms(), self._names(), self._loading)
        self.legend.set_rows(rows, self.set.current)
        self._show_status()
        self.update_cursor(None)

    def _names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.ctx.site.devices} if self.ctx.site else {}

    def _show_status(self) -> None:
        if self.ctx.site is None:
            text = self.tr("Waiting for the site…")
        elif self._error is not None:
            text = fill(self.tr("Could not read the database: %1"), self._error)
        elif not self.channels:
            text = self.tr("No data stored yet.")
        else:
            missing = self.pickers.missing_names()
            text = status_text(self.series, self.visible_range_ms(), len(self.specs), self._loading, missing)
        self.status_text = text + export_text(self.exporter.last)
        self.status_label.setText(self.status_text)

    def _label_time(self) -> None:
        if self.ctx.site is not None:  # the offset the axis uses (that of the middle of the view)
            self.chart.set_time_label(time_label(self.ctx.site.timezone, self.chart.utc_offset_text()))

    # -- cursor read-out -----------------------------------------------------------------------
    def _on_mouse(self, event: tuple) -> None:
        self.update_cursor(self.chart.x_at(event[0]))

    def update_cursor(self, x_s: float | None) -> None:
        """Move the cursor to ``x_s`` (epoch seconds; ``None`` hides it); the legend reads out each series there."""
        site, pairs = self.ctx.site, self._drawable()
        if x_s is None or site is None or not any(s is not None for _, s in pairs):
            self.chart.hide_cursor()
            self.cursor_text = ""
            self.legend.set_values([])
            return
        when, values, self.cursor_text = read_out(pairs, self.series, int(x_s * 1000), site.tz, self._names())
        self.legend.set_values(values)
        self.chart.show_cursor(x_s, when)

    # -- export --------------------------------------------------------------------------------
    def shown_series(self) -> Series | None:
        """The points of the edited series in the visible range."""
        s = self.series
        return None if s is None else s.visible(*self.visible_range_ms())

    def shown_all(self) -> list[Series]:
        """The points of every series in the visible range (what a CSV export writes)."""
        return [s.visible(*self.visible_range_ms()) for _, s in self._drawable() if s is not None]

    def _ask(self, kind: str) -> None:
        """Ask for a file and export the points shown ("csv") or the chart ("png") to it."""
        name = default_name(self.specs, kind, self.ctx.site.tz if self.ctx.site else None)
        if (kind == "png" or self.shown_all()) and (path := ask_path(self, kind, name)) is not None:
            (self.export_csv if kind == "csv" else self.export_png)(path)

    def export_csv(self, path: Path) -> bool:
        """Write the points shown of every series to ``path`` (on a worker thread; ``export_done`` reports)."""
        shown = self.shown_all()
        if not shown or self.ctx.site is None:
            return False
        self.exporter.csv(shown, self.ctx.site.tz, Path(path))
        return True

    def export_png(self, path: Path) -> bool:
        """Write the chart as shown (without the cursor) to ``path`` (on a worker thread; ``export_done`` reports)."""
        self.exporter.png(self.chart.image(), Path(path))  # the drawing on the GUI thread, the file on the worker
        return True

    def shutdown(self) -> None:
        self._requery.stop()
        self._tick.stop()
        self.exporter.shutdown()
