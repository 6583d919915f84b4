"""Events: the stored events, filterable by device, severity and time, with acknowledgement; active alarms.

The events are read on the reader thread (``ctx.db.submit(..., key="events")``)
when the page is shown, when a filter changes and every ``REFRESH_MS``. The
active alarms (energymon.views.events.active_alarms: offline devices, storage
SoC or temperature out of range, unacknowledged implausible values) are
recomputed from the live readings on every ``ctx.readings_changed`` and listed
at the top of the page; :attr:`EventsPage.alarms_changed` carries a one-line
summary for the main window's header.

Acknowledging writes through the one writer of the database (docs/database.md):
the page calls :func:`acknowledge` with ``ctx.ack_writer``, the running
collection's :class:`energymon.store.writer.StoreWriter` (set by ui.app when this GUI
collects). A viewer (``gui --no-collect``) has no writer (another process holds
the writer lock), so the button is disabled and its tooltip says why.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from energymon.site_time import today_midnight_ms
from energymon.store.writer import Ack, StoreError
from energymon.views import events as event_log
from energymon.views.events import COLLECTOR, IMPLAUSIBLE, IMPLAUSIBLE_WINDOW_MIN, Alarm, EventRow
from ui.context import AppContext
from ui.format import fill
from ui.page import Page
from ui.text_table import Cell, TextTableModel

REFRESH_MS = 10_000  # events and alarms are read again this often
AFTER_ACK_MS = 1_500  # the writer commits an acknowledgement within 1 s: read again after this
DAY_MS = 86_400_000
RANGE_DAYS = (0, 7, 30)  # time range presets: today (since local midnight), the last 7 and 30 days
HEADER_ALARMS = 3  # the header names at most this many alarms


# -- acknowledging (through the database's one writer) ----------------------------------------


def default_user() -> str:
    """The operating system's user name, the default for "acknowledged by"."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment, no passwd entry
        return ""


def acknowledge(writer, event_ids: Iterable[int], by: str, note: str = "", now_ms: int | None = None) -> list[Ack]:
    """Queue an acknowledgement of each event on ``writer`` (an :class:`energymon.store.writer.StoreWriter`).

    The writer commits them with its next batch. Raises ``ValueError`` without a name, and
    :class:`energymon.store.writer.StoreError` if the writer is closed or failed.
    """
    by = by.strip()
    if not by:
        raise ValueError("an acknowledgement needs a name")
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    acks = [Ack(int(event_id), by, stamp, note.strip()) for event_id in event_ids]
    for ack in acks:
        writer.put_ack(ack)
    return acks


# -- reading (on the reader thread) ------------------------------------------------------------


@dataclass(frozen=True)
class EventQuery:
    since_ms: int
    device: str | None  # None: all; event_log.COLLECTOR: the collector's own events
    min_severity: str | None
    unacknowledged_only: bool
    now_ms: int
    full: bool  # False: only what the alarms need (the page is hidden)
    limit: int = event_log.DEFAULT_LIMIT


@dataclass(frozen=True)
class EventsView:
    query: EventQuery
    rows: list[EventRow] | None  # None: not read (query.full was False)
    recent_implausible: list[EventRow]  # unacknowledged implausible_value events within the alarm window


def events_view(reader, query: EventQuery) -> EventsView:
    """What the page shows from the database (runs on the reader thread, see ui.db_tasks)."""
    rows = None
    if query.full:
        rows = event_log.events(
            reader,
            query.since_ms,
            None,
            query.device,
            query.min_severity,
            query.limit,
            unacknowledged_only=query.unacknowledged_only,
        )
    recent = event_log.events(
        reader, query.now_ms - IMPLAUSIBLE_WINDOW_MIN * 60_000, None, kind=IMPLAUSIBLE, unacknowledged_only=True
    )
    return EventsView(query, rows, recent)


# -- the table model -------------------------------------------------------------------------

SEVERITY_LABELS = {
    "info": QT_TRANSLATE_NOOP("EventTableModel", "info"),
    "warning": QT_TRANSLATE_NOOP("EventTableModel", "warning"),
    "error": QT_TRANSLATE_NOOP("EventTableModel", "error"),
}
COLLECTOR_LABEL = QT_TRANSLATE_NOOP("EventTableModel", "collector")  # events without a device
SEVERITY_COLOURS = {"info": "#4a5568", "warning": "#c05621", "error": "#c53030"}
KIND_LABELS = {
    "collector_started": QT_TRANSLATE_NOOP("EventTableModel", "Collector started"),
    "collector_stopped": QT_TRANSLATE_NOOP("EventTableModel", "Collector stopped"),
    "device_offline": QT_TRANSLATE_NOOP("EventTableModel", "Device offline"),
    "device_degraded": QT_TRANSLATE_NOOP("EventTableModel", "Device degraded"),
    "device_recovered": QT_TRANSLATE_NOOP("EventTableModel", "Device recovered"),
    "device_complete": QT_TRANSLATE_NOOP("EventTableModel", "Device complete again"),
    "implausible_value": QT_TRANSLATE_NOOP("EventTableModel", "Implausible value"),
    "sunspec_discovered": QT_TRANSLATE_NOOP("EventTableModel", "SunSpec discovered"),
    "store_maintenance_failed": QT_TRANSLATE_NOOP("EventTableModel", "Store maintenance failed"),
    "counter_wrap": QT_TRANSLATE_NOOP("EventTableModel", "Counter wrapped"),
    "counter_reset": QT_TRANSLATE_NOOP("EventTableModel", "Counter reset"),
    "meter_replaced": QT_TRANSLATE_NOOP("EventTableModel", "Meter replaced"),
}


def _translate(text: str) -> str:
    return QCoreApplication.translate("EventTableModel", text)


@dataclass(frozen=True)
class Row:
    event: EventRow
    tz: object


def _local(ts_ms: int | None, tz) -> str:
    if ts_ms is None:
        return ""
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%Y-%m-%d %H:%M:%S")


def _device(row: Row) -> str:
    return row.event.device_id if row.event.device_id is not None else _translate(COLLECTOR_LABEL)


def _severity(row: Row) -> str:
    label = SEVERITY_LABELS.get(row.event.severity)
    return _translate(label) if label else row.event.severity


def _kind(row: Row) -> str:
    label = KIND_LABELS.get(row.event.kind)
    return _translate(label) if label else row.event.kind


def _acknowledged(row: Row) -> str:
    event = row.event
    if not event.acknowledged:
        return ""
    return f"{event.acked_by} · {_local(event.acked_ms, row.tz)}" + (f" · {event.note}" if event.note else "")


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Row], str]
    colour: Callable[[Row], str | None] | None = None
    align_right: bool = False
    tooltip: str = ""  # of the heading; each cell's tooltip is its whole text (the detail may be cut)


COLUMNS: tuple[Column, ...] = (
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Time"), lambda r: _local(r.event.ts_ms, r.tz)),
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Device"), _device),
    Column(
        QT_TRANSLATE_NOOP("EventTableModel", "Severity"), _severity, lambda r: SEVERITY_COLOURS.get(r.event.severity)
    ),
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Event"), _kind),
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Detail"), lambda r: r.event.detail),
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Acknowledged"), _acknowledged, lambda r: "#2f855a"),
)
DETAIL_COLUMN = [c.title for c in COLUMNS].index("Detail")


def _cells(row: Row) -> list[Cell]:
    cells = []
    for column in COLUMNS:
        text = column.text(row)
        cells.append(Cell(text, column.colour(row) if column.colour is not None else None, text or None))
    return cells


class EventTableModel(TextTableModel):
    """The events shown (newest first); each row is an :class:`energymon.views.events.EventRow`.

    Cells are held in C++ (ui.text_table): painting the table runs no Python.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, _translate, _cells, parent)

    def set_rows(self, events: list[EventRow], tz) -> bool:
        """Show ``events``; returns whether anything changed (an unchanged list keeps the view as it is).

        The same events again (e.g. one acknowledged since) rewrite only the changed cells and keep the
        selection; other events replace the rows (the caller selects again by event id).
        """
        rows = [Row(e, tz) for e in events]
        if rows == self._rows:
            return False
        if [r.event.id for r in rows] != [r.event.id for r in self._rows]:
            self.show_rows([])  # other events: their rows are replaced (and the selection with them)
        self.show_rows(rows)
        return True

    def event_at(self, row: int) -> EventRow:
        """The event shown in ``row``."""
        return self._rows[row].event

    def events(self) -> list[EventRow]:
        return [r.event for r in self._rows]

    def mark_acknowledged(self, acks: list[Ack]) -> None:
        """Show acknowledgements just handed to the writer (the next read confirms them from the database)."""
        by_id = {a.event_id: a for a in acks}
        rows = []
        for row in self._rows:
            ack, event = by_id.get(row.event.id), row.event
            if ack is not None and not event.acknowledged:
                row = Row(
                    EventRow(
                        event.id,
                        event.ts_ms,
                        event.device_id,
                        event.kind,
                        event.severity,
                        event.detail,
                        ack.acked_by,
                        ack.acked_ms,
                        ack.note,
                    ),
                    row.tz,
                )
            rows.append(row)
        self.show_rows(rows)


# -- the acknowledge dialog ------------------------------------------------------------------


class AckDialog(QDialog):
    """Who acknowledges (the OS user name by default) and an optional note."""

    def __init__(self, count: int, by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = count
        self.by_edit = QLineEdit(by)
        self.note_edit = QLineEdit()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.form = QFormLayout()
        self.by_label, self.note_label = QLabel(), QLabel()
        self.form.addRow(self.by_label, self.by_edit)
        self.form.addRow(self.note_label, self.note_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.by_edit.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._check()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Acknowledge events"))
        self.message.setText(
            fill(
                self.tr("Acknowledge %1 selected events? The name and the time are stored with each of them."),
                str(self.count),
            )
        )
        self.by_label.setText(self.tr("Acknowledged by:"))
        self.note_label.setText(self.tr("Note (optional):"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.by_edit.text().strip()))


# -- the page ----------------------------------------------------------------------------------


class EventsPage(Page):
    alarms_changed = Signal(str, str)  # one-line summary for the header ("" if none), every alarm (tooltip)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.alarms: list[Alarm] = []
        self.recent_implausible: list[EventRow] = []
        self.last_view: EventsView | None = None
        self._error: str | None = None
        self._ack_error: str | None = None
        self._started_ms: int | None = None
        self._alarm_signal: tuple[str, str] | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.alarms_title = QLabel()
        self.alarms_title.setStyleSheet("font-size: 12pt; font-weight: 600; color: #1a202c;")
        self.alarm_list = QListWidget()
        self.alarm_list.setMaximumHeight(96)
        self.alarm_list.setStyleSheet(
            "QListWidget { background: #fff5f5; color: #9b2c2c; font-size: 10pt;"
            " border: 1px solid #feb2b2; border-radius: 4px; }"
        )
        self.no_alarms = QLabel()
        self.no_alarms.setStyleSheet("color: #2f855a; font-size: 10pt;")
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
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setStyleSheet("background: #ffffff; font-size: 10pt;")
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)  # fitted when rows arrive, not per repaint
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.Stretch)
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
        ctx.site_changed.connect(self._on_site)
        ctx.readings_changed.connect(self.update_alarms)
        self.retranslate()

    # -- texts -------------------------------------------------------------------------------
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

    def alarm_text(self, alarm: Alarm) -> str:
        """One alarm as a sentence (the alarm list, the header's tooltip)."""
        device = alarm.device_id
        if alarm.kind == event_log.OFFLINE:
            if alarm.reason == "never":
                return fill(self.tr("%1 is offline: no reading since the start."), device)
            if alarm.reason == "stale":
                return fill(self.tr("%1 is offline: no fresh reading since %2."), device, self._time(alarm.since_ms))
            if alarm.detail:
                return fill(
                    self.tr("%1 is offline: the last poll at %2 failed (%3)."),
                    device,
                    self._time(alarm.since_ms),
                    alarm.detail,
                )
            return fill(
                self.tr("%1 is offline: the last poll at %2 got no answer."), device, self._time(alarm.since_ms)
            )
        texts = {
            event_log.SOC_LOW: self.tr("%1: state of charge %2 % is below %3 %."),
            event_log.SOC_HIGH: self.tr("%1: state of charge %2 % is above %3 %."),
            event_log.TEMPERATURE_LOW: self.tr("%1: temperature %2 °C is below %3 °C."),
            event_log.TEMPERATURE_HIGH: self.tr("%1: temperature %2 °C is above %3 °C."),
        }
        if alarm.kind in texts:
            return fill(texts[alarm.kind], device, f"{alarm.value:.0f}", f"{alarm.limit:g}")
        return fill(
            self.tr("%1: implausible %2 rejected at %3 (%4 unacknowledged events)."),
            device,
            alarm.detail or "?",
            self._time(alarm.since_ms),
            str(len(alarm.event_ids)),
        )

    def alarm_short(self, alarm: Alarm) -> str:
        """One alarm in a few words (the header line)."""
        device = alarm.device_id
        if alarm.kind == event_log.OFFLINE:
            return fill(self.tr("%1 offline"), device)
        if alarm.kind in (event_log.SOC_LOW, event_log.SOC_HIGH):
            return fill(self.tr("%1 SoC %2 %"), device, f"{alarm.value:.0f}")
        if alarm.kind in (event_log.TEMPERATURE_LOW, event_log.TEMPERATURE_HIGH):
            return fill(self.tr("%1 %2 °C"), device, f"{alarm.value:.0f}")
        return fill(self.tr("%1 implausible %2"), device, alarm.detail or "?")

    def alarm_summary(self, alarms: list[Alarm]) -> str:
        """The header line: "2 active alarms: inv-a1 offline, bess-1 SoC 99 %" ("" if there are none)."""
        if not alarms:
            return ""
        names = self.tr(", ").join(self.alarm_short(a) for a in alarms[:HEADER_ALARMS])  # zh: "、"
        if len(alarms) == 1:
            return fill(self.tr("1 active alarm: %1"), names)
        if len(alarms) > HEADER_ALARMS:
            return fill(
                self.tr("%1 active alarms: %2 and %3 more"), str(len(alarms)), names, str(len(alarms) - HEADER_ALARMS)
            )
        return fill(self.tr("%1 active alarms: %2"), str(len(alarms)), names)

    def _time(self, ts_ms: int | None) -> str:
        if ts_ms is None or self.ctx.site is None:
            return "—"
        return datetime.fromtimestamp(ts_ms / 1000, self.ctx.site.tz).strftime("%H:%M:%S")

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
        severity = (None, "warning", "error")[max(0, self.severity_combo.currentIndex())]
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

    def _on_view(self, view: EventsView) -> None:
        self._error = None
        self.recent_implausible = view.recent_implausible
        if view.rows is not None:
            self.last_view = view
            selected = self.selected_ids()
            if self.model.set_rows(view.rows, self.ctx.site.tz):
                self._select(selected)
                for column in range(self.model.columnCount()):  # fit once per new rows, not per repaint
                    if column != DETAIL_COLUMN:
                        self.view.resizeColumnToContents(column)
        self._update_status()
        self._update_ack_button()
        self.update_alarms()

    def _on_error(self, message: str) -> None:
        self._error = message
        self._update_status()

    # -- alarms -------------------------------------------------------------------------------
    def update_alarms(self) -> None:
        site = self.ctx.site
        if site is None:
            alarms: list[Alarm] = []
        else:
            alarms = event_log.active_alarms(
                self.ctx.readings, site, self.ctx.now_ms(), self.recent_implausible, self._started_ms
            )
        texts = [self.alarm_text(a) for a in alarms]
        if texts != [self.alarm_list.item(i).text() for i in range(self.alarm_list.count())]:
            self.alarm_list.clear()
            self.alarm_list.addItems(texts)
        self.alarm_list.setVisible(bool(alarms))
        self.no_alarms.setVisible(not alarms)
        self.alarms = alarms
        signal = (self.alarm_summary(alarms), "\n".join(texts))
        if signal != self._alarm_signal:
            self._alarm_signal = signal
            self.alarms_changed.emit(*signal)

    # -- acknowledging ------------------------------------------------------------------------
    def writer(self):
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
        self.view.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)

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
        if dialog.exec() == QDialog.Accepted:
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
        self.update_alarms()
        self._update_ack_button()
        QTimer.singleShot(AFTER_ACK_MS, self, self.request)  # read back what the writer committed
        return len(acks)

    def shutdown(self) -> None:
        self._timer.stop()
