"""The register inspector: read any address range of a device and show raw words and decoded values.

For commissioning. Read-only: the read goes through drivers.probe,
which only calls drivers.link's read method (function codes 1-4, every answer
checked). It runs off the GUI thread (a :class:`ui.background.Worker`, shared
with the devices page; each call on its own asyncio loop with its own
short-lived link) and the result comes back to the GUI thread. A failed read
is shown as text (the exception code, the timeout, the refused connection),
never as numbers; the result table is ui.probe_table. The form is prefilled
from the selected device: its connection (the disabled host and port fields
show the connection's) and its profile's blocks, each decoded beside the raw
words as the collector decodes it (ui.profile_points).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from drivers import probe as register_probe
from drivers.dtypes import DTYPES, WORD_ORDERS
from drivers.link import LinkSettings
from drivers.modbus_limits import BIT_TABLES, MAX_ADDRESS, MAX_REGISTERS
from drivers.probe import TABLES, ProbeRequest, ProbeResult
from drivers.profile import Block
from energymon.config import Device
from ui.background import Worker
from ui.connection_text import read_error_text, transport_name
from ui.context import AppContext
from ui.device_table import fit_columns, table_view
from ui.form_grid import form_grid, spin_box
from ui.format import fill
from ui.probe_table import ProbeResultModel
from ui.profile_points import BlockPicker, ProfilePointModel
from ui.transformer_text import ratio_label, ratio_text

PROBE_THREADS = 2  # an identity read and an inspector read may run at the same time
PROBE_SHUTDOWN_WAIT_MS = 10_000  # a closing window waits this long for reads (each bounded by its link's timeout)
OTHER_ADDRESS = ""  # the connection combo's entry for an address typed by hand
CUSTOM_TRANSPORTS = ("tcp", "rtu-over-tcp")


def probe_worker(parent: QWidget) -> Worker:
    """The worker that runs the device reads of the devices page and its inspector (never the GUI thread)."""
    return Worker("energymon-probe", threads=PROBE_THREADS, parent=parent)


class RegisterInspector(QWidget):
    """Form (profile block, connection, unit, table, start, count, dtype, word order), Read button, the raw
    result table and beside it the block's points as the profile decodes them (ui.profile_points)."""

    result_ready = Signal(object)  # ProbeResult, after the table shows it

    def __init__(self, ctx: AppContext, calls: Worker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.calls = calls or probe_worker(self)
        self.run_probe: Callable[[ProbeRequest], ProbeResult] = register_probe.run_probe
        self.last_result: ProbeResult | Exception | None = None
        self._pending: int | None = None
        self._status: Callable[[], str] = lambda: ""
        self._status_colour = "#4a5568"

        self.block_label, self.block_combo = QLabel(), BlockPicker()  # the selected device's profile blocks
        self.connection_label, self.connection_combo = QLabel(), QComboBox()
        self.host_label, self.host_edit = QLabel(), QLineEdit("127.0.0.1")
        self.port_label, self.port_spin = QLabel(), spin_box(1, 65535, 502)
        self.transport_label, self.transport_combo = QLabel(), QComboBox()
        for transport in CUSTOM_TRANSPORTS:
            self.transport_combo.addItem("", transport)
        self.unit_label, self.unit_spin = QLabel(), spin_box(0, 255, 1)
        self.table_label, self.table_combo = QLabel(), QComboBox()
        for table in TABLES:
            self.table_combo.addItem("", table)
        self.address_label, self.address_spin = QLabel(), spin_box(0, MAX_ADDRESS, 0)
        self.count_label, self.count_spin = QLabel(), spin_box(1, MAX_REGISTERS, 10)
        self.dtype_label, self.dtype_combo = QLabel(), QComboBox()
        for name in DTYPES:
            self.dtype_combo.addItem(name, name)
        self.order_label, self.order_combo = QLabel(), QComboBox()
        for order in WORD_ORDERS:
            self.order_combo.addItem("", order)
        self.read_button = QPushButton()
        self.read_button.setStyleSheet("font-weight: 600; padding: 4px 18px;")
        self.read_button.clicked.connect(self.read)
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #4a5568;")
        self.hint_label.setWordWrap(True)
        self.ratio_label = ratio_label()  # the selected device's transformer ratios
        self._ratio_device: Device | None = None
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.result_model = ProbeResultModel(self)
        self.result_view = table_view(self.result_model, "font-family: monospace;")
        self.result_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.point_model = ProfilePointModel(self)  # the chosen block's points, decoded from the read: beside it
        self.point_view = table_view(self.point_model)
        self.results = QSplitter(Qt.Orientation.Horizontal)
        self.results.addWidget(self.result_view)
        self.results.addWidget(self.point_view)

        # (label, field, column span): ui.form_grid
        cells: tuple[tuple[tuple[QLabel, QWidget, int], ...], ...] = (
            ((self.block_label, self.block_combo, 5),),
            ((self.connection_label, self.connection_combo, 3), (self.unit_label, self.unit_spin, 1)),
            (
                (self.host_label, self.host_edit, 1),
                (self.port_label, self.port_spin, 1),
                (self.transport_label, self.transport_combo, 1),
            ),
            (
                (self.table_label, self.table_combo, 1),
                (self.address_label, self.address_spin, 1),
                (self.count_label, self.count_spin, 1),
            ),
            ((self.dtype_label, self.dtype_combo, 1), (self.order_label, self.order_combo, 3)),
        )
        form = form_grid(cells)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.ratio_label)
        layout.addLayout(buttons)
        layout.addWidget(self.results, 1)

        self.block_combo.block_chosen.connect(self._use_block)
        self.connection_combo.currentIndexChanged.connect(self._update_enabled)
        self.table_combo.currentIndexChanged.connect(self._update_enabled)
        ctx.site_changed.connect(self.reload_connections)
        self.reload_connections()
        self.retranslate()

    # -- texts ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.block_label.setText(self.tr("Profile block"))
        self.block_combo.retranslate()
        self.point_model.retranslated()
        self.connection_label.setText(self.tr("Connection"))
        self.host_label.setText(self.tr("Host"))
        self.port_label.setText(self.tr("Port"))
        self.transport_label.setText(self.tr("Transport"))
        self.unit_label.setText(self.tr("Unit id"))
        self.table_label.setText(self.tr("Table"))
        self.address_label.setText(self.tr("Start address"))
        self.count_label.setText(self.tr("Count"))
        self.dtype_label.setText(self.tr("Data type"))
        self.order_label.setText(self.tr("Word order"))
        self.read_button.setText(self.tr("Read"))
        for i in range(self.transport_combo.count()):
            self.transport_combo.setItemText(i, transport_name(self.transport_combo.itemData(i)))
        tables = {
            "holding": self.tr("Holding registers (function 3)"),
            "input": self.tr("Input registers (function 4)"),
            "coils": self.tr("Coils (function 1)"),
            "discrete": self.tr("Discrete inputs (function 2)"),
        }
        for i in range(self.table_combo.count()):
            self.table_combo.setItemText(i, tables[self.table_combo.itemData(i)])
        orders = {"big": self.tr("High word first (big-endian)"), "little": self.tr("Low word first (little-endian)")}
        for i in range(self.order_combo.count()):
            self.order_combo.setItemText(i, orders[self.order_combo.itemData(i)])
        self._label_connections()
        self.hint_label.setText(
            self.tr(
                "Addresses are zero-based, as sent on the wire (register 40001 of a manual is often address 0). "
                "The inspector only reads: it sends function codes 1 to 4 and nothing else."
            )
        )
        self._show_ratios()
        self.connection_combo.setToolTip(self.tr("A connection of the site, or an address typed below."))
        self.result_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.result_model.columnCount() - 1)
        self._show_status()

    def _label_connections(self) -> None:
        config = self.ctx.config
        for i in range(self.connection_combo.count()):
            name = self.connection_combo.itemData(i)
            if name == OTHER_ADDRESS:
                self.connection_combo.setItemText(i, self.tr("Other address (typed below)"))
            elif config is not None and name in config.connections:
                settings = config.connections[name]
                self.connection_combo.setItemText(
                    i, fill(self.tr("%1 — %2 (%3)"), name, settings.address, transport_name(settings.transport))
                )

    def _set_status(self, text: Callable[[], str], colour: str = "#4a5568") -> None:
        self._status = text
        self._status_colour = colour
        self._show_status()

    def _show_status(self) -> None:
        self.status_label.setText(self._status())
        self.status_label.setStyleSheet(f"color: {self._status_colour}; font-weight: 600;")

    @property
    def status_text(self) -> str:
        return self.status_label.text()

    # -- inputs ---------------------------------------------------------------------------------
    def reload_connections(self) -> None:
        """The site's connections (when this process collects or was given the config), then 'other address'."""
        current = self.connection_combo.currentData()
        self.connection_combo.blockSignals(True)
        self.connection_combo.clear()
        config = self.ctx.config
        for name in config.connections if config is not None else ():
            self.connection_combo.addItem(name, name)
        self.connection_combo.addItem("", OTHER_ADDRESS)
        index = self.connection_combo.findData(current) if current is not None else -1
        self.connection_combo.setCurrentIndex(max(index, 0))
        self.connection_combo.blockSignals(False)
        self._label_connections()
        self._update_enabled()

    def set_target(
        self, connection: str | None, unit: int, address: str | None = None, device: Device | None = None
    ) -> None:
        """Preset the form for a device: its connection or "host:port"; with its config, its CT/PT ratios and
        its profile's blocks (the first one chosen: table, start and count)."""
        self._ratio_device = device
        self._show_ratios()
        self.block_combo.set_profile(device.profile if device is not None else None)
        if connection is not None and self.connection_combo.findData(connection) >= 0:
            self.connection_combo.setCurrentIndex(self.connection_combo.findData(connection))
        elif address and ":" in address:
            host, _, port = address.rpartition(":")
            self.connection_combo.setCurrentIndex(self.connection_combo.findData(OTHER_ADDRESS))
            self.host_edit.setText(host)
            if port.isdigit() and 1 <= int(port) <= 65535:
                self.port_spin.setValue(int(port))
        self.unit_spin.setValue(unit)

    def _show_ratios(self) -> None:
        text = ratio_text(self._ratio_device) if self._ratio_device is not None else ""
        self.ratio_label.setText(text)
        self.ratio_label.setVisible(bool(text))

    def _use_block_result(self) -> None:
        self.point_model.show_block(self.block_combo.block(), self.last_result)  # an exception: no values
        fit_columns(self.point_view)

    def _use_block(self, block: Block | None) -> None:
        """Set the read to ``block`` (as polled) and show its points, decoded when the last read covers it."""
        if block is not None:
            self.table_combo.setCurrentIndex(self.table_combo.findData(block.table))
            self.address_spin.setValue(block.address)
            self.count_spin.setValue(block.count)
        self._use_block_result()

    def _update_enabled(self) -> None:
        other = self.connection_combo.currentData() == OTHER_ADDRESS
        for widget in (self.host_edit, self.port_spin, self.transport_combo):
            widget.setEnabled(other)
        config, name = self.ctx.config, self.connection_combo.currentData()
        if not other and config is not None and name in config.connections:  # the disabled fields show it
            settings = config.connections[name]
            self.host_edit.setText(settings.host or settings.serial_port or "")
            if settings.port is not None:
                self.port_spin.setValue(settings.port)
            if self.transport_combo.findData(settings.transport) >= 0:
                self.transport_combo.setCurrentIndex(self.transport_combo.findData(settings.transport))
        bits = self.table_combo.currentData() in BIT_TABLES
        self.dtype_combo.setEnabled(not bits)
        self.order_combo.setEnabled(not bits)

    def settings(self) -> LinkSettings | None:
        """The connection the form names (None: no host typed)."""
        name = self.connection_combo.currentData()
        config = self.ctx.config
        if name != OTHER_ADDRESS and config is not None and name in config.connections:
            return config.connections[name]
        host = self.host_edit.text().strip()
        if not host:
            return None
        return LinkSettings(self.transport_combo.currentData(), host=host, port=self.port_spin.value(), timeout_s=1.0)

    def request(self) -> ProbeRequest | None:
        settings = self.settings()
        if settings is None:
            return None
        return ProbeRequest(
            settings,
            self.unit_spin.value(),
            self.table_combo.currentData(),
            self.address_spin.value(),
            self.count_spin.value(),
            self.dtype_combo.currentData(),
            self.order_combo.currentData(),
        )

    @property
    def collecting(self) -> bool:
        return self.ctx.config is not None and not self.ctx.viewer_only

    @property
    def busy(self) -> bool:
        return self._pending is not None

    # -- the read -------------------------------------------------------------------------------
    def read(self) -> None:
        """Start a read off the GUI thread (the button); the result arrives in :meth:`_on_finished`."""
        if self.busy:
            return
        request = self.request()
        if request is None:
            self._set_status(lambda: self.tr("Type the host name or IP address of the device."), "#c53030")
            return
        last = request.address + request.count - 1
        if last > MAX_ADDRESS:
            self._set_status(
                lambda: fill(
                    self.tr(
                        "The read would end at address %1, beyond the last address "
                        "%2. Lower the start address or the count."
                    ),
                    last,
                    MAX_ADDRESS,
                ),
                "#c53030",
            )
            return
        if register_probe.busy_reason(request.settings, self.collecting) is not None:
            port = request.settings.serial_port
            self._set_status(
                lambda: fill(
                    self.tr(
                        "The collector is polling the serial port %1, which only one "
                        "program can open at a time. Read its registers with the "
                        "collector stopped (energymon gui --no-collect)."
                    ),
                    port,
                ),
                "#c53030",
            )
            return
        self.result_model.set_result(None)
        self.read_button.setEnabled(False)
        where = request.settings.address
        self._set_status(lambda: fill(self.tr("Reading from %1, unit %2…"), where, request.unit))
        self._pending = self.calls.submit(
            functools.partial(self.run_probe, request), self._on_finished, self._on_finished
        )

    def _on_finished(self, result: ProbeResult | Exception) -> None:
        self._pending = None
        self.read_button.setEnabled(True)
        self.last_result = result
        if isinstance(result, Exception):
            self.result_model.set_result(None)
            text = str(result) or type(result).__name__
            self._set_status(lambda: fill(self.tr("The read could not be made: %1"), text), "#c53030")
        elif result.error is not None:  # not result.ok
            error = result.error
            self.result_model.set_result(None)
            self._set_status(lambda: read_error_text(error), "#c53030")  # ui.connection_text
        else:
            self.result_model.set_result(result)
            self._set_status(lambda: self._success_text(result), "#2f855a")
        self._use_block_result()
        self.result_ready.emit(result)

    def _success_text(self, result: ProbeResult) -> str:
        request = result.request
        what = self.tr("%1 bits") if request.is_bits else self.tr("%1 registers")
        text = fill(
            self.tr("Read %1 from %2, unit %3, in %4 ms."),
            fill(what, request.count),
            request.settings.address,
            request.unit,
            f"{result.latency_s * 1000:.0f}",
        )
        if register_probe.shares_rtu_line(request.settings, self.collecting):
            text += " " + self.tr(
                "The collector polls this RTU gateway too; a poll that met this read on the bus may have failed."
            )
        return text

    def shutdown(self) -> None:
        self.calls.shutdown(PROBE_SHUTDOWN_WAIT_MS)
