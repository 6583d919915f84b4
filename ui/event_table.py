"""The events page's table: one row per stored event, newest first, with its acknowledgement.

Kinds and severities are shown by their labels (keyed by the vocabulary of
energymon.events; a kind without a label is shown as stored), each event's
detail in the GUI's language from its kind and params (energymon.event_texts),
so a language switch re-words the table (``retranslated``). Cells are
held in C++ (ui.text_table): painting the table runs no Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication, QObject

from energymon.event_texts import event_text, subject_text
from energymon.events import (
    ALARM_CLEARED,
    ALARM_RAISED,
    COLLECTOR_STARTED,
    COLLECTOR_STOPPED,
    COUNTER_RESET,
    COUNTER_WRAP,
    CRITICAL,
    DATA_FROZEN,
    DATA_OK,
    DATA_OUT_OF_RANGE,
    DATA_STALE,
    DATABASE_DAMAGED,
    DEVICE_COMPLETE,
    DEVICE_DEGRADED,
    DEVICE_OFFLINE,
    DEVICE_RECOVERED,
    ERROR,
    IMPLAUSIBLE_VALUE,
    INFO,
    METER_REPLACED,
    STORAGE_FAILED,
    STORAGE_RESUMED,
    STORE_MAINTENANCE_FAILED,
    SUNSPEC_DISCOVERED,
    WARNING,
    alarm_key_of,
)
from energymon.store.writer import Ack
from energymon.views.events import EventRow
from ui.i18n import QT_TRANSLATE_NOOP, text_language
from ui.text_table import Cell, TextTableModel

SEVERITY_LABELS = {
    INFO: QT_TRANSLATE_NOOP("EventTableModel", "info"),
    WARNING: QT_TRANSLATE_NOOP("EventTableModel", "warning"),
    ERROR: QT_TRANSLATE_NOOP("EventTableModel", "error"),
    CRITICAL: QT_TRANSLATE_NOOP("EventTableModel", "critical"),
}
COLLECTOR_LABEL = QT_TRANSLATE_NOOP("EventTableModel", "collector")  # events without a device
SEVERITY_COLOURS = {INFO: "#4a5568", WARNING: "#c05621", ERROR: "#c53030", CRITICAL: "#822727"}
KIND_LABELS = {
    COLLECTOR_STARTED: QT_TRANSLATE_NOOP("EventTableModel", "Collector started"),
    COLLECTOR_STOPPED: QT_TRANSLATE_NOOP("EventTableModel", "Collector stopped"),
    DEVICE_OFFLINE: QT_TRANSLATE_NOOP("EventTableModel", "Device offline"),
    DEVICE_DEGRADED: QT_TRANSLATE_NOOP("EventTableModel", "Device degraded"),
    DEVICE_RECOVERED: QT_TRANSLATE_NOOP("EventTableModel", "Device recovered"),
    DEVICE_COMPLETE: QT_TRANSLATE_NOOP("EventTableModel", "Device complete again"),
    IMPLAUSIBLE_VALUE: QT_TRANSLATE_NOOP("EventTableModel", "Implausible value"),
    SUNSPEC_DISCOVERED: QT_TRANSLATE_NOOP("EventTableModel", "SunSpec discovered"),
    STORE_MAINTENANCE_FAILED: QT_TRANSLATE_NOOP("EventTableModel", "Store maintenance failed"),
    COUNTER_WRAP: QT_TRANSLATE_NOOP("EventTableModel", "Counter wrapped"),
    COUNTER_RESET: QT_TRANSLATE_NOOP("EventTableModel", "Counter reset"),
    METER_REPLACED: QT_TRANSLATE_NOOP("EventTableModel", "Meter replaced"),
    DATA_FROZEN: QT_TRANSLATE_NOOP("EventTableModel", "Data frozen"),
    DATA_STALE: QT_TRANSLATE_NOOP("EventTableModel", "Data stale"),
    DATA_OUT_OF_RANGE: QT_TRANSLATE_NOOP("EventTableModel", "Value out of range"),
    DATA_OK: QT_TRANSLATE_NOOP("EventTableModel", "Data normal again"),
    STORAGE_FAILED: QT_TRANSLATE_NOOP("EventTableModel", "Database writing stopped"),
    STORAGE_RESUMED: QT_TRANSLATE_NOOP("EventTableModel", "Database writing resumed"),
    DATABASE_DAMAGED: QT_TRANSLATE_NOOP("EventTableModel", "Database file damaged"),
    ALARM_RAISED: QT_TRANSLATE_NOOP("EventTableModel", "Alarm raised"),
    ALARM_CLEARED: QT_TRANSLATE_NOOP("EventTableModel", "Alarm cleared"),
}


def _translate(text: str) -> str:
    return QCoreApplication.translate("EventTableModel", text)


@dataclass(frozen=True)
class Row:
    event: EventRow
    tz: tzinfo  # the site's: times are shown in its local time


def _local(ts_ms: int | None, tz: tzinfo) -> str:
    if ts_ms is None:
        return ""
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%Y-%m-%d %H:%M:%S")


def _device(row: Row) -> str:
    """The device; for a configured alarm of the site or a role total its subject ("site", "role pv")."""
    event = row.event
    if event.device_id is not None:
        return event.device_id
    key = alarm_key_of(event.detail, event.params) if event.kind in (ALARM_RAISED, ALARM_CLEARED) else None
    return subject_text(key[1], text_language()) if key is not None else _translate(COLLECTOR_LABEL)


def _detail(row: Row) -> str:
    """The event in words in the GUI's language (energymon.event_texts); an old event: its stored detail."""
    event = row.event
    return event_text(event.kind, event.params, text_language(), event.detail)


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
    """A column: its heading (untranslated), its text and text colour for a row, its alignment."""

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
    Column(QT_TRANSLATE_NOOP("EventTableModel", "Detail"), _detail),
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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, _translate, _cells, parent)

    def set_rows(self, events: list[EventRow], tz: tzinfo) -> bool:
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
                row = Row(replace(event, acked_by=ack.acked_by, acked_ms=ack.acked_ms, note=ack.note), row.tz)
            rows.append(row)
        self.show_rows(rows)
