"""Devices: every device with its status, connection, last reading, latency, failed polls and key values;
the selected device's details (state, connection, identity, last error, every quantity); the register
inspector for commissioning.

Nothing here touches a device on the GUI thread: the identity and the
inspector's reads run on the page's :func:`ui.register_inspector.probe_worker`.
"""

from __future__ import annotations

import functools
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from drivers import probe as register_probe
from drivers.link import LinkSettings
from drivers.probe import IdentityResult
from energymon.config import Device
from energymon.views.live import is_fresh
from energymon.views.site import DeviceInfo
from ui.connection_text import transport_name
from ui.context import AppContext
from ui.device_identity import identity_text
from ui.device_table import (
    ROLE_TEXT,
    STATUS_COLOURS,
    STATUS_TEXT,
    DeviceTableModel,
    PollCounter,
    Row,
    fit_columns,
    status_key,
    table_view,
)
from ui.format import fill
from ui.page import Page
from ui.poll_problems import last_error_text, problems_text
from ui.quantity_table import QuantityTableModel
from ui.register_inspector import PROBE_SHUTDOWN_WAIT_MS, RegisterInspector, probe_worker
from ui.table_fit import RowFitter

DETAILS_MIN_HEIGHT_PX = 260  # what the details below the device table keep at least when it is fitted to its rows


class DevicesPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.polls = PollCounter()
        self.calls = probe_worker(self)
        self.selected_id: str | None = None
        self.identities: dict[str, IdentityResult | Exception] = {}
        self._identity_pending: set[str] = set()  # device ids whose identity is being read
        self._identity_refused: str | None = None  # device id whose identity read was refused (serial port busy)
        self._fitted_to_readings = False  # columns fitted since every device has a reading
        self._quantities_fitted_to_values = False  # the quantity table's columns fitted to values, not "—"

        self.device_model = DeviceTableModel(self)
        self.device_view = table_view(self.device_model)
        self.device_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.device_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.device_view.selectionModel().currentRowChanged.connect(self._on_current_row)

        # Details of the selected device: a form and its quantities.
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-size: 13pt; font-weight: 600; color: #1a202c;")
        self.detail_form = QFormLayout()
        self.detail_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.detail_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("state", "role", "connection", "profile", "reading", "latency", "polls", "error", "identity"):
            name, value = QLabel(), QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setMinimumWidth(220)
            self.detail_labels[key] = (name, value)
            self.detail_form.addRow(name, value)
        self.identity_button = QPushButton()
        self.identity_button.clicked.connect(self.read_identity)
        self.inspect_button = QPushButton()
        self.inspect_button.clicked.connect(self.inspect_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.identity_button)
        buttons.addWidget(self.inspect_button)
        buttons.addStretch(1)
        form_box = QVBoxLayout()
        form_box.addWidget(self.detail_title)
        form_box.addLayout(self.detail_form)
        form_box.addLayout(buttons)
        form_box.addStretch(1)
        self.quantity_model = QuantityTableModel(self)
        self.quantity_view = table_view(self.quantity_model)
        form_widget = QWidget()
        form_widget.setLayout(form_box)
        form_scroll = QScrollArea()  # long texts (errors, identities) wrap and scroll, never clip
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setWidget(form_widget)
        form_scroll.viewport().setAutoFillBackground(False)
        form_widget.setAutoFillBackground(False)
        details = QWidget()
        details_layout = QHBoxLayout(details)
        details_layout.setContentsMargins(6, 6, 6, 6)
        details_layout.addWidget(form_scroll, 1)
        details_layout.addWidget(self.quantity_view, 1)

        self.inspector = RegisterInspector(ctx, self.calls)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, "")
        self.tabs.addTab(self.inspector, "")

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.device_view)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)
        # The device table as high as all its rows (the grid meter included), the details keeping their room.
        self.row_fit = RowFitter(self, self.splitter, self.device_view, DETAILS_MIN_HEIGHT_PX, (self.quantity_view,))
        ctx.readings_changed.connect(self.refresh)
        ctx.site_changed.connect(self.refresh)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Devices")

    def retranslate(self) -> None:
        self.device_model.retranslated()
        self.quantity_model.retranslated()
        fit_columns(self.device_view)  # the texts of the other language have other widths
        fit_columns(self.quantity_view)
        self.tabs.setTabText(0, self.tr("Details"))
        self.tabs.setTabText(1, self.tr("Register inspector"))
        names = {
            "state": self.tr("State"),
            "role": self.tr("Role"),
            "connection": self.tr("Connection"),
            "profile": self.tr("Profile"),
            "reading": self.tr("Last reading"),
            "latency": self.tr("Latency"),
            "polls": self.tr("Polls"),
            "error": self.tr("Last error"),
            "identity": self.tr("Identity"),
        }
        for key, (label, _value) in self.detail_labels.items():
            label.setText(names[key])
        self.identity_button.setText(self.tr("Read identity"))
        self.inspect_button.setText(self.tr("Inspect its registers"))
        self.identity_button.setToolTip(
            self.tr("Reads the manufacturer, model, serial number and firmware version from the device (read-only).")
        )
        self.inspector.retranslate()
        self.refresh()

    def activated(self) -> None:
        self.refresh()
        self.row_fit.fit()

    def shutdown(self) -> None:
        self.calls.shutdown(PROBE_SHUTDOWN_WAIT_MS)

    # -- the table ------------------------------------------------------------------------------
    def refresh(self) -> None:
        site = self.ctx.site
        if site is None:
            self._show_details()
            return
        live = not self.ctx.viewer_only
        if live:
            self.polls.observe(self.ctx.readings)  # counted even while hidden
        if not self.isVisible() and self.device_model.rowCount():
            return  # drawn when shown (activated)
        replaced = self.device_model.set_rows(
            site.devices, self.ctx.readings, self.ctx.now_ms(), site.tz, self.polls.counts if live else None, live
        )
        every_device_read = all(d.id in self.ctx.readings for d in site.devices)
        if replaced or (every_device_read and not self._fitted_to_readings):
            # Fitted to the texts once with the rows, and again once every device has shown its values
            # (the key values are wider than the "—" of a device not read yet); not on every update.
            fit_columns(self.device_view)
            self._fitted_to_readings = every_device_read
        if replaced:
            self.row_fit.fit()
            self._reselect()
        if self.selected_id is None and self.device_model.rowCount():
            self.select_device(site.devices[0].id)
        self._show_details()

    def select_device(self, device_id: str) -> None:
        row = self.device_model.row_of(device_id)
        if row < 0:
            return
        self.device_view.selectionModel().setCurrentIndex(
            self.device_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.device_model.row(current.row()) if current.isValid() else None
        if row is None:
            return
        if row.device.id != self.selected_id:
            self.selected_id = row.device.id
            self._preset_inspector(row.device)
        self._show_details()

    def _reselect(self) -> None:
        if self.selected_id is not None and self.device_model.row_of(self.selected_id) >= 0:
            self.select_device(self.selected_id)

    def _preset_inspector(self, device: DeviceInfo) -> None:
        config = self.ctx.config
        connection, configured = None, None
        if config is not None:
            try:
                configured = config.device(device.id)
                connection = configured.connection
            except KeyError:
                pass
        self.inspector.set_target(connection, device.unit, device.address, configured)

    def inspect_selected(self) -> None:
        row = self._selected_row()
        if row is not None:
            self._preset_inspector(row.device)
        self.tabs.setCurrentWidget(self.inspector)

    # -- details --------------------------------------------------------------------------------
    def _selected_row(self) -> Row | None:
        if self.selected_id is None:
            return None
        return self.device_model.row(self.device_model.row_of(self.selected_id))

    def _config_device(self, device_id: str) -> Device | None:
        config = self.ctx.config
        if config is None:
            return None
        try:
            return config.device(device_id)
        except KeyError:
            return None

    def _connection(self, configured: Device) -> LinkSettings:
        """The connection settings of a device of the site config (which ``configured`` comes from)."""
        config = self.ctx.config
        assert config is not None  # a configured device comes from the config
        return config.connections[configured.connection]

    def _set(self, key: str, text: str, colour: str | None = None) -> None:
        value = self.detail_labels[key][1]
        value.setText(text)
        style = f"color: {colour}; font-weight: 600;" if colour else ""
        if value.styleSheet() != style:  # a style sheet is re-applied (re-polished) even when unchanged
            value.setStyleSheet(style)

    def _show_details(self) -> None:
        row = self._selected_row()
        self.identity_button.setEnabled(
            row is not None
            and self._config_device(row.device.id) is not None
            and row.device.id not in self._identity_pending
        )
        self.inspect_button.setEnabled(row is not None)
        if row is None:
            self.detail_title.setText(self.tr("Select a device in the table to see its details."))
            for key in self.detail_labels:
                self._set(key, "")
            self.quantity_model.set_values([], {})
            return
        device, reading = row.device, row.reading
        configured = self._config_device(device.id)
        self.detail_title.setText(fill(self.tr("%1 — %2"), device.id, device.name))
        key = status_key(row)
        state = self.translate_model(STATUS_TEXT[key])
        if key == "stale":
            state = fill(self.tr("%1: no reading for more than three poll intervals"), state)
        elif key == "degraded" and reading is not None:
            state = fill(self.tr("%1: %2"), state, problems_text(reading.problems))
        self._set("state", state, STATUS_COLOURS[key])
        self._set(
            "role",
            fill(
                self.tr("%1, rated %2 kW"), self.translate_model(ROLE_TEXT[device.role]), f"{device.rated_power_kw:g}"
            ),
        )
        if configured is not None:
            settings = self._connection(configured)
            self._set(
                "connection",
                fill(
                    self.tr("%1 — %2 (%3), unit %4"),
                    configured.connection,
                    settings.address,
                    transport_name(settings.transport),
                    device.unit,
                ),
            )
            profile = configured.profile_name
            if configured.profile is not None:
                profile = fill(self.tr("%1 (%2)"), profile, configured.profile.title)
            else:
                profile = fill(self.tr("%1 (register map found from the device's SunSpec models)"), profile)
            self._set("profile", fill(self.tr("%1, polled every %2 s"), profile, f"{device.poll_interval_s:g}"))
        else:
            self._set("connection", fill(self.tr("%1, unit %2"), device.address, device.unit))
            self._set(
                "profile",
                fill(self.tr("Not known without the site config; polled every %1 s"), f"{device.poll_interval_s:g}"),
            )
        if reading is None:
            self._set("reading", self.tr("None yet"))
            self._set("latency", "—")
        else:
            when = datetime.fromtimestamp(reading.ts_ms / 1000, row.tz).strftime("%Y-%m-%d %H:%M:%S")
            age_s = max(0.0, (self.ctx.now_ms() - reading.ts_ms) / 1000)
            self._set("reading", fill(self.tr("%1 (%2 s ago)"), when, f"{age_s:.0f}"))
            self._set(
                "latency",
                fill(self.tr("%1 ms"), f"{reading.latency_s * 1000:,.0f}")
                if row.live
                else self.tr("Not measured: this window reads the database another collector writes"),
            )
        counts = self.polls.counts.get(device.id) if row.live else None
        if counts is None:
            self._set("polls", "—")
            self._set("error", "—")
        else:
            self._set(
                "polls",
                fill(
                    self.tr("%1 since this window opened: %2 read nothing, %3 incomplete"),
                    counts.seen,
                    counts.failed,
                    counts.incomplete,
                ),
            )
            if counts.last_error is None or counts.last_error_ts_ms is None:  # both are set with each error
                self._set("error", self.tr("None since this window opened"))
            else:
                when = datetime.fromtimestamp(counts.last_error_ts_ms / 1000, row.tz).strftime("%H:%M:%S")
                error = last_error_text(counts.last_error, counts.last_failed)  # ui.poll_problems
                self._set("error", fill(self.tr("%1: %2"), when, error), "#c53030")
        self._set("identity", self._identity_text(device.id, configured is not None))
        quantities = list(configured.profile.quantities) if configured is not None and configured.profile else []
        values = dict(reading.values) if reading is not None and is_fresh(reading, self.ctx.now_ms()) else {}
        if self.quantity_model.set_values(quantities, values) or (values and not self._quantities_fitted_to_values):
            fit_columns(self.quantity_view)  # another device's quantities, or its first values after "—"
            self._quantities_fitted_to_values = bool(values)

    @staticmethod
    def translate_model(text: str) -> str:
        """A text of the device table (status, role) in the table's translation context."""
        return QCoreApplication.translate("DeviceTableModel", text)

    def _identity_text(self, device_id: str, configured: bool) -> str:
        if device_id in self._identity_pending:
            return self.tr("Reading…")
        if self._identity_refused == device_id:
            return self.tr("Not read: the collector has this device's serial port open.")
        return identity_text(self.identities.get(device_id), configured)

    def read_identity(self) -> None:
        row = self._selected_row()
        configured = None if row is None else self._config_device(row.device.id)
        if row is None or configured is None or row.device.id in self._identity_pending:
            return
        settings = self._connection(configured)
        collecting = not self.ctx.viewer_only
        if register_probe.busy_reason(settings, collecting) is not None:
            self._identity_refused = row.device.id
            self._show_details()
            return
        self._identity_refused = None
        answer = functools.partial(self._on_identity, row.device.id)
        read = functools.partial(register_probe.run_identify, settings, configured.unit, configured.profile)
        self.calls.submit(read, answer, answer)
        self._identity_pending.add(row.device.id)
        self._show_details()

    def _on_identity(self, device_id: str, result: IdentityResult | Exception) -> None:
        self._identity_pending.discard(device_id)
        self.identities[device_id] = result
        self._show_details()
