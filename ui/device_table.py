"""Table models of the devices page; columns come from descriptor tables.

:class:`DeviceTableModel`: one row per device, its status, connection, last
reading and its age, poll latency, failed polls and key values (the quantity
table of one device is ui.quantity_table). :class:`PollCounter` counts the
polls the GUI has seen per device (the failed-polls column). :func:`table_view`
shows either table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.views.live import is_fresh
from energymon.views.site import DeviceInfo
from ui import format as fmt
from ui.data_age import STALE_COLOUR, age_text
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.poll_problems import error_text, problems_text
from ui.text_table import Cell, TextTableModel

KEY_QUANTITY = {
    Role.PV: "yield_wh",
    Role.STORAGE: "soc_pct",
    Role.LOAD: "consumed_wh",
    Role.GRID: "imported_wh",
    Role.METEO: "irradiance_w_m2",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("DeviceTableModel", text)


# -- poll counts ----------------------------------------------------------------------------


@dataclass
class PollCount:
    """Polls of one device that this window received: all, those that read nothing, those incomplete."""

    seen: int = 0
    failed: int = 0  # offline: nothing read
    incomplete: int = 0  # degraded: answered, not completely
    last_ts_ms: int | None = None
    last_error: str | None = None  # why the latest failed or incomplete poll was so (the collector's words)
    last_error_ts_ms: int | None = None
    last_failed: bool = False  # the latest of those read nothing (its error) rather than incompletely (problems)
    last_ok_ts_ms: int | None = None  # the latest poll that read values: the age of the device's data


class PollCounter:
    """Counts each reading of a device once (by its time stamp) as it arrives in ``ctx.readings``.

    The GUI receives every reading, but looks at ``ctx.readings`` (the latest per
    device) at most every 250 ms: a device polled faster than that has polls
    this counter never sees. The counts start when the window opens.
    """

    def __init__(self) -> None:
        self.counts: dict[str, PollCount] = {}

    def observe(self, readings: Mapping[str, Reading]) -> None:
        for device_id, reading in readings.items():
            count = self.counts.setdefault(device_id, PollCount())
            if reading.ts_ms == count.last_ts_ms:
                continue
            count.last_ts_ms = reading.ts_ms
            count.seen += 1
            if reading.ok:
                count.last_ok_ts_ms = reading.ts_ms
            if not reading.ok:
                count.failed += 1
                count.last_error, count.last_error_ts_ms = reading.error or "", reading.ts_ms
                count.last_failed = True
            elif reading.problems:
                count.incomplete += 1
                count.last_error, count.last_error_ts_ms = "; ".join(reading.problems), reading.ts_ms
                count.last_failed = False


# -- the device table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    device: DeviceInfo
    reading: Reading | None
    fresh: bool  # the reading is there, got values and is not stale (energymon.views.live.is_fresh)
    tz: tzinfo  # the site's: times are shown in its local time
    polls: PollCount | None = None  # None: not counted (a viewer reading the database has no polls)
    live: bool = True  # readings come from a collector of this process (latency is measured)
    now_ms: int | None = None  # when the row was made: the age of its reading (UTC epoch ms)


STATUS_TEXT = {
    "online": QT_TRANSLATE_NOOP("DeviceTableModel", "online"),
    "degraded": QT_TRANSLATE_NOOP("DeviceTableModel", "degraded"),
    "offline": QT_TRANSLATE_NOOP("DeviceTableModel", "offline"),
    "stale": QT_TRANSLATE_NOOP("DeviceTableModel", "stale"),
    "waiting": QT_TRANSLATE_NOOP("DeviceTableModel", "waiting"),
}
STATUS_COLOURS = {
    "online": "#2f855a",
    "degraded": "#c05621",
    "offline": "#c53030",
    "stale": "#b7791f",
    "waiting": "#718096",
}
ROLE_TEXT = {
    Role.PV: QT_TRANSLATE_NOOP("DeviceTableModel", "PV inverter"),
    Role.STORAGE: QT_TRANSLATE_NOOP("DeviceTableModel", "storage"),
    Role.LOAD: QT_TRANSLATE_NOOP("DeviceTableModel", "load meter"),
    Role.GRID: QT_TRANSLATE_NOOP("DeviceTableModel", "grid meter"),
    Role.METEO: QT_TRANSLATE_NOOP("DeviceTableModel", "weather sensor"),
}


def status_key(row: Row) -> str:
    """online | degraded | offline | stale | waiting."""
    if row.reading is None:
        return "waiting"
    if not row.reading.ok:
        return "offline"
    return row.reading.state if row.fresh else "stale"  # online or degraded (answered, not completely)


def _status(row: Row) -> str:
    return _tr(STATUS_TEXT[status_key(row)])


def _role(row: Row) -> str:
    return _tr(ROLE_TEXT[row.device.role])


def _connection(row: Row) -> str:
    return fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "%1, unit %2")), row.device.address, row.device.unit)


def _doubtful(row: Row, quantity: str, text: str) -> str:
    """``text`` marked when the collector found the quantity's value frozen or out of range (Reading.suspect)."""
    if row.reading is not None and quantity in row.reading.suspect:
        return fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "%1 (doubtful)")), text)
    return text


def _power(row: Row) -> str:
    if not row.fresh or row.reading is None:
        return "—"
    return _doubtful(row, "power_w", fmt.kw(row.reading.values.get("power_w")))


def _key_value(row: Row) -> str:
    if not row.fresh or row.reading is None:
        return "—"
    quantity = KEY_QUANTITY[row.device.role]
    value = row.reading.values.get(quantity)
    if quantity == "soc_pct":
        return _doubtful(row, quantity, fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "SoC %1 %")), fmt.pct(value)))
    if quantity == "irradiance_w_m2":
        text = fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "irradiance %1 W/m²")), fmt.number(value, 0))
        return _doubtful(row, quantity, text)
    text = {
        "yield_wh": QT_TRANSLATE_NOOP("DeviceTableModel", "%1 kWh generated"),
        "consumed_wh": QT_TRANSLATE_NOOP("DeviceTableModel", "%1 kWh consumed"),
        "imported_wh": QT_TRANSLATE_NOOP("DeviceTableModel", "%1 kWh imported"),
    }[quantity]
    return _doubtful(row, quantity, fill(_tr(text), fmt.kwh(value, 0)))


def _updated(row: Row) -> str:
    if row.reading is None:
        return "—"
    return datetime.fromtimestamp(row.reading.ts_ms / 1000, row.tz).strftime("%H:%M:%S")


def _age(row: Row) -> str:
    """How old the device's data is ("12 s ago"): its latest reading with values (after a failed poll, the one
    before, if this window saw it); coloured as stale when it is no longer live (ui.data_age)."""
    if row.reading is None or row.now_ms is None:
        return "—"
    if row.reading.ok:
        return age_text(row.now_ms - row.reading.ts_ms)
    last_ok = None if row.polls is None else row.polls.last_ok_ts_ms
    return "—" if last_ok is None else age_text(row.now_ms - last_ok)


def _latency(row: Row) -> str:
    if row.reading is None or not row.live:
        return "—"
    return fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "%1 ms")), f"{row.reading.latency_s * 1000:,.0f}")


def _failed_polls(row: Row) -> str:
    if row.polls is None or not row.live:
        return "—"
    return fill(_tr(QT_TRANSLATE_NOOP("DeviceTableModel", "%1 of %2")), row.polls.failed, row.polls.seen)


def _problems(row: Row) -> str:
    """Why the last poll failed (offline) or was incomplete (degraded), in the GUI's language (ui.poll_problems)."""
    if row.reading is None:
        return ""
    return problems_text(row.reading.problems) or error_text(row.reading.error)


R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its heading and heading tooltip (untranslated), its text for a row, its alignment."""

    title: str
    text: Callable[[R], str]
    align_right: bool = False
    tooltip: str = ""


COLUMNS: tuple[Column[Row], ...] = (
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Device"), lambda r: r.device.id),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Name"), lambda r: r.device.name),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Role"), _role),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Status"), _status),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Connection"), _connection),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Power kW"), _power, True),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Key value"), _key_value, True),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Updated"), _updated),
    Column(
        QT_TRANSLATE_NOOP("DeviceTableModel", "Age"),
        _age,
        True,
        QT_TRANSLATE_NOOP(
            "DeviceTableModel",
            "How old the device's data is: its latest reading with values. Amber when it is no longer "
            "live (older than three poll intervals, or the last poll read nothing).",
        ),
    ),
    Column(
        QT_TRANSLATE_NOOP("DeviceTableModel", "Latency"),
        _latency,
        True,
        QT_TRANSLATE_NOOP(
            "DeviceTableModel", "How long the last poll of the device took, including any wait for its connection."
        ),
    ),
    Column(
        QT_TRANSLATE_NOOP("DeviceTableModel", "Failed polls"),
        _failed_polls,
        True,
        QT_TRANSLATE_NOOP(
            "DeviceTableModel",
            "Polls that read nothing, of the polls this window has "
            "received since it opened. A device polled more often than "
            "four times a second has polls that are not counted.",
        ),
    ),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Error"), _problems),
)


def _age_colour(row: Row) -> str | None:
    """The age of a reading that is no longer live is marked (the colour of "stale")."""
    return STALE_COLOUR if row.reading is not None and not row.fresh else None


def _cells(row: Row) -> list[Cell]:
    key = status_key(row)
    return [
        Cell(
            column.text(row),
            STATUS_COLOURS[key] if column.text is _status else _age_colour(row) if column.text is _age else None,
            (_problems(row) or None) if column.text is _problems else None,
        )
        for column in COLUMNS
    ]


class DeviceTableModel(TextTableModel):
    """One row per device (a :class:`Row`); the texts are computed when the readings change, not per paint."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, _tr, _cells, parent)

    def set_rows(
        self,
        devices: tuple[DeviceInfo, ...],
        readings: Mapping[str, Reading],
        now_ms: int,
        tz: tzinfo,
        polls: Mapping[str, PollCount] | None = None,
        live: bool = True,
    ) -> bool:
        """Show the devices' latest readings; returns whether the rows are other devices than before."""
        rows = [
            Row(
                d,
                readings.get(d.id),
                is_fresh(readings.get(d.id), now_ms),
                tz,
                None if polls is None else polls.get(d.id),
                live,
                now_ms,
            )
            for d in devices
        ]
        replaced = [r.device.id for r in rows] != [r.device.id for r in self._rows]
        if replaced:
            self.show_rows([])  # other devices: their rows are replaced (and the selection with them), not relabelled
        self.show_rows(rows)
        return replaced

    def row(self, index: int) -> Row | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def row_of(self, device_id: str) -> int:
        """The row of a device, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.device.id == device_id), -1)


# -- the views ----------------------------------------------------------------------------

MIN_TABLE_PT = 11  # the smallest type of a table (readable on a wall display; ui.wall_display scales it up)
TABLE_STYLE = f"background: #ffffff; font-size: {MIN_TABLE_PT}pt;"


def table_view(model: QAbstractItemModel, extra_style: str = "") -> QTableView:
    """A view of one of these tables, white, rows as high as their text; column widths fitted by the caller."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setStyleSheet(f"{TABLE_STYLE} {extra_style}".strip())
    view.ensurePolished()  # the style sheet's font, so that the rows fit it
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    # Column widths are fitted when the rows change (fit_columns), not on every value update:
    # ResizeToContents re-measures every cell each time a value changes, on the GUI thread.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def fit_columns(view: QTableView) -> None:
    """Fit the columns to their contents once (the user may resize them afterwards)."""
    view.resizeColumnsToContents()
