"""Events: the stored events, filterable by device, severity and time, with acknowledgement; active alarms.

The events are read on the reader thread (``ctx.db.submit(..., key="events")``)
when the page is shown, when a filter changes and every ``REFRESH_MS``. The
active alarms (energymon.views.events.active_alarms: offline devices, storage
SoC or temperature out of range, unacknowledged implausible values, and the
configured ``[[alarms]]`` the collector raised and has not cleared, with how
long each has been active) are recomputed from the live readings and the stored
alarm events on every ``ctx.readings_changed`` and listed at the top of the
page, each saying how long it has been active (energymon.views.alarm_starts:
the stored offline episodes are read with the events; the durations move on
every ``ALARM_CLOCK_MS`` while alarms are active); :attr:`EventsPage.alarms_changed`
carries a one-line summary for the main window's header. The table is ui.event_table.

Acknowledging writes through the one writer of the database (docs/database.md):
the page calls :func:`ui.event_ack.acknowledge` with ``ctx.ack_writer``, the running
collection's :class:`energymon.store.writer.StoreWriter` (set by ui.app when this GUI
collects). A viewer (``gui --no-collect``) has no writer (another process holds
the writer lock), so the button is disabled and its tooltip says why.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from energymon.events import ERROR, WARNING
from energymon.site_time import DAY_MS, today_midnight_ms
from energymon.store.schema import StoreError
from energymon.store.writer import StoreWriter
from energymon.views import events as event_log
from energymon.views.alarm_starts import AlarmStart, alarm_key, alarm_start, read_offline_starts
from energymon.views.events import COLLECTOR, Alarm, EventQuery, EventRow, EventsView, events_view
from ui.alarm_texts import alarm_summary, alarm_text
from ui.context import AppContext
from ui.device_table import MIN_TABLE_PT, TABLE_STYLE
from ui.event_ack import AckDialog, acknowledge, default_user
from ui.event_table import COLUMNS, DETAIL_COLUMN, EventTableModel
from ui.format import fill
from ui.page import Page

REFRESH_MS = 10_000  # events and alarms are read again this often
ALARM_CLOCK_MS = 1_000  # while alarms are active, their durations are updated this often
AFTER_ACK_MS = 1_500  # the writer commits an acknowledgement within 1 s: read again after this
ALARM_ROWS = 4  # the alarm list shows this many alarms without scrolling
RANGE_DAYS = (0, 7, 30)  # time range presets: today (since local midnight), the last 7 and 30 days


# -- the page ----------------------------------------------------------------------------------


class EventsPage(Page):
    alarms_changed = Signal(str, str)  # one-line summary for the header ("" if none), every alarm (tooltip)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.alarms: list[Alarm] = []
        self.recent_implausible: list[EventRow] = []
        self.alarm_events: list[EventRow] = []  # configured alarms' raises and clears (events_view)
        self.last_view: EventsView | None = None
        self._error: str | None = None
        self._ack_error: str | None = None
        self._started_ms: int | None = None
        self._alarm_signal: tuple[str, str] | None = None
        self.offline_starts: dict[str, int] = {}  # device -> start of its offline episode (stored events)
        self._first_seen: dict[tuple[str, str, str, str], int] = {}  # alarm -> when this window first saw it
        self.alarm_starts: list[AlarmStart | None] = []  # since when each of self.alarms is active

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.alarms_title = QLabel()
        self.alarms_title.setStyleSheet("font-size: 12pt; font-weight: 600; color: #1a202c;")
        self.alarm_list = QListWidget()
        self.alarm_list.setStyleSheet(
            f"QListWidget {{ background: #fff5f5; color: #9b2c2c; font-size: {MIN_TABLE_PT}pt;"
            " border: 1px solid #feb2b2; border-radius: 4px; }"
        )
        self.no_alarms = QLabel()
        self.no_alarms.setStyleSheet(f"color: #2f855a; font-size: {MIN_TABLE_PT}pt;")
        layout.addWidget(self.alarms_title)
        layout.addWidget(self.alarm_list)
        layout.addWidget(self.no_alarms)

        filters = QHBoxLayout()
        self.device_label, self.severity_label, self.range_label = QLabel(), QLabel(), QLabel()
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(200)
        self.severity_combo = QComboBox()
        self.range_combo = QComboBox()
        self.unacked_check = QCheckBox()
        self.ack_button = QPushButton()
        for label, combo in (
            (self.device_label, self.device_combo),
            (self.severity_label, self.severity_combo),
            (self.range_label, self.range_combo),
        ):
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(8)
        filters.addWidget(self.unacked_check)
        filters.addStretch(1)
        filters.addWidget(self.ack_button)
        layout.addLayout(filters)

        self.model = EventTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setStyleSheet(TABLE_STYLE)
        self.view.setWordWrap(False)
        self.set_type_scale()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # fitted when rows arrive, not per repaint
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #4a5568;")
        layout.addWidget(self.status_label)

        for _ in RANGE_DAYS:
            self.range_combo.addItem("")
        for _ in range(3):
            self.severity_combo.addItem("")
        self.device_combo.addItem("", None)
        self.device_combo.addItem("", COLLECTOR)
        self.device_combo.currentIndexChanged.connect(self.request)
        self.severity_combo.currentIndexChanged.connect(self.request)
        self.range_combo.currentIndexChanged.connect(self.request)
        self.unacked_check.toggled.connect(self.request)
        self.ack_button.clicked.connect(self._ask_and_acknowledge)
        self.view.selectionModel().selectionChanged.connect(self._update_ack_button)

        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._alarm_clock = QTimer(self, interval=ALARM_CLOCK_MS)  # runs while alarms are active
        self._alarm_clock.timeout.connect(self.update_alarms)
        ctx.site_changed.connect(self._on_site)
        ctx.readings_changed.connect(self.update_alarms)
        self.retranslate()

    # -- texts -------------------------------------------------------------------------------
    def set_type_scale(self, _factor: float = 1.0) -> None:
        """Alarm list ALARM_ROWS rows high, table rows and columns fit to the type its style sheets give."""
        for widget in (self.alarm_list, self.view):
            widget.ensurePolished()
        row_px = self.alarm_list.fontMetrics().height() + 8
        self.alarm_list.setMaximumHeight(ALARM_ROWS * row_px + 2 * self.alarm_list.frameWidth())
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        for column in (c for c in range(self.model.columnCount()) if c != DETAIL_COLUMN):
            self.view.resizeColumnToContents(column)

    def title(self) -> str:
        return self.tr("Events")

    def retranslate(self) -> None:
        self.alarms_title.setText(self.tr("Active alarms"))
        self.no_alarms.setText(self.tr("No active alarms."))
        self.device_label.setText(self.tr("Device:"))
        self.severity_label.setText(self.tr("Severity:"))
        self.range_label.setText(self.tr("Time:"))
        self.unacked_check.setText(self.tr("Unacknowledged only"))
        self.ack_button.setText(self.tr("Acknowledge selected…"))
        self.device_combo.setItemText(0, self.tr("All devices"))
        self.device_combo.setItemText(1, self.tr("Collector (no device)"))
        for i, text in enumerate((self.tr("All severities"), self.tr("Warnings and errors"), self.tr("Errors only"))):
            self.severity_combo.setItemText(i, text)
        for i, text in enumerate((self.tr("Today"), self.tr("Last 7 days"), self.tr("Last 30 days"))):
            self.range_combo.setItemText(i, text)
        self.model.retranslated()
        self._update_ack_button()
        self._update_status()
        self._alarm_signal = None  # the texts changed: send the header its new summary
        self.update_alarms()

    def _update_status(self) -> None:
        if self._error is not None:
            text = fill(self.tr("Reading the events failed: %1"), self._error)
        elif self.last_view is None or self.last_view.rows is None:
            text = self.tr("Reading the events…") if self.ctx.site is not None else self.tr("Waiting for the site…")
        elif len(self.last_view.rows) >= self.last_view.query.limit:
            text = fill(
                self.tr("Showing the newest %1 events; narrow the filters to see older ones."),
                str(len(self.last_view.rows)),
            )
        else:
            text = fill(self.tr("%1 events."), str(len(self.last_view.rows)))
        if self._ack_error is not None:
            text += "   " + fill(self.tr("Acknowledging failed: %1"), self._ack_error)
        self.status_label.setText(text)

    # -- reading ------------------------------------------------------------------------------
    def _on_site(self) -> None:
        site = self.ctx.site
        assert site is not None  # site_changed comes with the site
        self._started_ms = self.ctx.now_ms()
        current = self.device_combo.currentData()
        self.device_combo.blockSignals(True)
        while self.device_combo.count() > 2:
            self.device_combo.removeItem(2)
        for device in site.devices:
            self.device_combo.addItem(f"{device.id} — {device.name}", device.id)
        index = self.device_combo.findData(current) if current is not None else 0
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)
        self._timer.start()
        self._update_ack_button()
        self.request()

    def activated(self) -> None:
        self.request()

    def _tick(self) -> None:
        self.request()
        self.update_alarms()  # time passes: a device that sends nothing goes stale without a reading

    def query(self) -> EventQuery | None:
        """The filters as a query (None until the site is known)."""
        site = self.ctx.site
        if site is None:
            return None
        now_ms = self.ctx.now_ms()
        days = RANGE_DAYS[max(0, self.range_combo.currentIndex())]
        since_ms = today_midnight_ms(now_ms / 1000, site.tz) if days == 0 else now_ms - days * DAY_MS
        severity = (None, WARNING, ERROR)[max(0, self.severity_combo.currentIndex())]
        return EventQuery(
            since_ms,
            self.device_combo.currentData(),
            severity,
            self.unacked_check.isChecked(),
            now_ms,
            full=self.isVisible() or self.last_view is None,
        )

    def request(self) -> None:
        query = self.query()
        if query is None:
            return
        self.ctx.db.submit(lambda reader: events_view(reader, query), self._on_view, self._on_error, key="events")
        now_ms = query.now_ms
        self.ctx.db.submit(
            lambda reader: read_offline_starts(reader, now_ms), self._on_offline_starts, key="alarm-starts"
        )

    def _on_offline_starts(self, starts: dict[str, int]) -> None:
        self.offline_starts = starts
        self.update_alarms()

    def _on_view(self, view: EventsView) -> None:
        self._error = None
        self.recent_implausible = view.recent_implausible
        self.alarm_events = view.alarm_events
        if view.rows is not None:
            self.last_view = view
            selected = self.selected_ids()
            site = self.ctx.site
            assert site is not None  # a query needs the site
            if self.model.set_rows(view.rows, site.tz):
                self._select(selected)
                self.set_type_scale()  # the columns fitted once per new rows, not per repaint
        self._update_status()
        self._update_ack_button()
        self.update_alarms()

    def _on_error(self, message: str) -> None:
        self._error = message
        self._update_status()

    # -- alarms -------------------------------------------------------------------------------
    def update_alarms(self) -> None:
        site = self.ctx.site
        now_ms = self.ctx.now_ms()
        if site is None:
            alarms: list[Alarm] = []
        else:
            alarms = event_log.active_alarms(
                self.ctx.readings, site, now_ms, self.recent_implausible, self._started_ms, self.alarm_events
            )
        keys = [alarm_key(a) for a in alarms]
        self._first_seen = {k: self._first_seen.get(k, now_ms) for k in keys}
        starts = [
            alarm_start(a, self.offline_starts, self.recent_implausible, self._first_seen[k], self._started_ms)
            for a, k in zip(alarms, keys, strict=True)
        ]
        texts = [alarm_text(a, site.tz if site is not None else None, now_ms, st) for a, st in zip(alarms, starts)]
        if texts != [self.alarm_list.item(i).text() for i in range(self.alarm_list.count())]:
            self.alarm_list.clear()
            self.alarm_list.addItems(texts)
        self.alarm_list.setVisible(bool(alarms))
        self.no_alarms.setVisible(not alarms)
        self.alarms, self.alarm_starts = alarms, starts
        if alarms and not self._alarm_clock.isActive():
            self._alarm_clock.start()  # the durations move on every second
        elif not alarms:
            self._alarm_clock.stop()
        signal = (alarm_summary(alarms, now_ms, starts), "\n".join(texts))
        if signal != self._alarm_signal:
            self._alarm_signal = signal
            self.alarms_changed.emit(*signal)

    # -- acknowledging ------------------------------------------------------------------------
    def writer(self) -> StoreWriter | None:
        """The database's writer in this process (``ctx.ack_writer``), or None (viewer, not started)."""
        return getattr(self.ctx, "ack_writer", None)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.event_at(r).id for r in rows if r < self.model.rowCount()]

    def _select(self, event_ids: list[int]) -> None:
        if not event_ids:
            return
        wanted = set(event_ids)
        selection = QItemSelection()
        for r, event in enumerate(self.model.events()):
            if event.id in wanted:
                selection.select(self.model.index(r, 0), self.model.index(r, len(COLUMNS) - 1))
        self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _unacknowledged_selection(self) -> list[int]:
        by_id = {e.id: e for e in self.model.events()}
        return [i for i in self.selected_ids() if not by_id[i].acknowledged]

    def _update_ack_button(self) -> None:
        if self.ctx.viewer_only:
            self.ack_button.setEnabled(False)
            self.ack_button.setToolTip(
                self.tr(
                    "This window only views the database: another energymon process (the collector) writes it. "
                    "Acknowledge events in that process's window."
                )
            )
        elif self.writer() is None:
            self.ack_button.setEnabled(False)
            self.ack_button.setToolTip(
                self.tr("Acknowledging is possible once this window collects (its collector has not started yet).")
            )
        else:
            self.ack_button.setEnabled(bool(self._unacknowledged_selection()))
            self.ack_button.setToolTip(
                self.tr("Select unacknowledged events in the table, then acknowledge them with your name.")
            )

    def _ask_and_acknowledge(self) -> None:
        ids = self._unacknowledged_selection()
        if not ids:
            return
        dialog = AckDialog(len(ids), default_user(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.acknowledge_selected(dialog.by_edit.text(), dialog.note_edit.text())

    def acknowledge_selected(self, by: str | None = None, note: str = "") -> int:
        """Acknowledge the selected unacknowledged events as ``by`` (default: the OS user); returns how many."""
        ids = self._unacknowledged_selection()
        writer = self.writer()
        if not ids or writer is None or self.ctx.viewer_only:
            return 0
        try:
            acks = acknowledge(writer, ids, default_user() if by is None else by, note, self.ctx.now_ms())
        except (StoreError, ValueError) as exc:
            self._ack_error = str(exc)
            self._update_status()
            return 0
        self._ack_error = None
        self.model.mark_acknowledged(acks)
        acked = {a.event_id for a in acks}
        self.recent_implausible = [e for e in self.recent_implausible if e.id not in acked]
        by_id = {a.event_id: a for a in acks}
        self.alarm_events = [  # an acknowledged alarm stays active, and says who acknowledged it
            replace(e, acked_by=by_id[e.id].acked_by, acked_ms=by_id[e.id].acked_ms, note=by_id[e.id].note)
            if e.id in by_id
            else e
            for e in self.alarm_events
        ]
        self.update_alarms()
        self._update_ack_button()
        QTimer.singleShot(AFTER_ACK_MS, self, self.request)  # read back what the writer committed
        return len(acks)

    def shutdown(self) -> None:
        self._timer.stop()
        self._alarm_clock.stop()
