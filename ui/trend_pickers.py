"""The trends page's pickers: which device, which of its stored quantities, and a counter as reading or energy.

They list the channels stored in the database (energymon.views.trends.channels):
the site's devices in its order, then any others the database knows; for the
device chosen, its quantities. A counter can be shown as its reading or as
the energy counted per interval. The texts are the trends page's
(translation context "TrendsPage").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from energymon.views.site import SiteInfo
from energymon.views.trends import Channel
from ui.trend_texts import quantity_names

translate = QCoreApplication.translate
ENERGY_MODE = 1  # the mode combo's entry for energy per interval (0: the counter reading)


class ChannelPickers(QObject):
    """The device, quantity and mode combos (with their labels) over a list of stored channels."""

    changed = Signal()  # the user chose another device, quantity or mode

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.channels: list[Channel] = []
        self.device_label = QLabel()
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(220)
        self.device_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.quantity_label = QLabel()
        self.quantity_combo = QComboBox()
        self.quantity_combo.setMinimumWidth(240)
        self.quantity_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mode_label = QLabel()
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["", ""])  # counter reading, energy per interval (texts in retranslate)
        self.device_combo.currentIndexChanged.connect(self._on_device)
        self.quantity_combo.currentIndexChanged.connect(self._on_quantity)
        self.mode_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def add_to(self, row: QHBoxLayout) -> None:
        for widget in (
            self.device_label,
            self.device_combo,
            self.quantity_label,
            self.quantity_combo,
            self.mode_label,
            self.mode_combo,
        ):
            row.addWidget(widget)

    def retranslate(self) -> None:
        self.device_label.setText(translate("TrendsPage", "Device"))
        self.quantity_label.setText(translate("TrendsPage", "Quantity"))
        self.mode_label.setText(translate("TrendsPage", "Show"))
        self.mode_combo.setItemText(0, translate("TrendsPage", "Counter reading"))
        self.mode_combo.setItemText(ENERGY_MODE, translate("TrendsPage", "Energy per interval"))

    # -- filling ---------------------------------------------------------------------------------
    def fill(self, site: SiteInfo | None) -> None:
        """List the devices with stored channels (named as in ``site``), keeping the choice where it still is."""
        names = {d.id: d.name for d in site.devices} if site else {}
        keep = self.current_device()
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for device_id in self._device_ids(site):
            name = names.get(device_id)
            self.device_combo.addItem(f"{name} ({device_id})" if name and name != device_id else device_id, device_id)
        index = self.device_combo.findData(keep) if keep else -1
        self.device_combo.setCurrentIndex(index if index >= 0 else 0 if self.device_combo.count() else -1)
        self.device_combo.blockSignals(False)
        self._fill_quantities()

    def _device_ids(self, site: SiteInfo | None) -> list[str]:
        """Devices with stored channels: the site's in its order, then any others the database knows."""
        stored = {c.device_id for c in self.channels}
        site_order = [d.id for d in site.devices] if site else []
        return [d for d in site_order if d in stored] + sorted(stored - set(site_order))

    def _fill_quantities(self) -> None:
        labels = quantity_names()
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

    def _on_device(self, _index: int) -> None:
        self._fill_quantities()
        self.changed.emit()

    def _on_quantity(self, _index: int) -> None:
        self._show_mode()
        self.changed.emit()

    # -- the choice ------------------------------------------------------------------------------
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
        """Whether a counter is to be shown as the energy counted per interval."""
        channel = self.current_channel()
        return channel is not None and channel.counter and self.mode_combo.currentIndex() == ENERGY_MODE

    def select(self, device_id: str, quantity: str, energy: bool = False) -> None:
        """Choose a device and quantity as the user would (each change emits :attr:`changed`)."""
        self.device_combo.setCurrentIndex(self.device_combo.findData(device_id))
        self.quantity_combo.setCurrentIndex(self.quantity_combo.findData(quantity))
        self.mode_combo.setCurrentIndex(ENERGY_MODE if energy else 0)
