"""Devices: every device with its status, last reading, latency, errors and key values."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.device_table import DeviceTableModel
from ui.page import Page


class DevicesPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.device_model = DeviceTableModel(self)
        self.device_view = QTableView()
        self.device_view.setModel(self.device_model)
        self.device_view.verticalHeader().setVisible(False)
        self.device_view.setAlternatingRowColors(True)
        self.device_view.setStyleSheet("background: #ffffff; font-size: 10pt;")
        self.device_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.device_view.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.device_view, 1)
        ctx.readings_changed.connect(self.refresh)
        ctx.site_changed.connect(self.refresh)

    def title(self) -> str:
        return self.tr("Devices")

    def retranslate(self) -> None:
        self.device_model.headerDataChanged.emit(Qt.Horizontal, 0,
                                                 max(0, self.device_model.columnCount() - 1))
        self.refresh()

    def refresh(self) -> None:
        site = self.ctx.site
        if site is not None:
            self.device_model.set_rows(site.devices, self.ctx.readings, self.ctx.now_ms(), site.tz)
