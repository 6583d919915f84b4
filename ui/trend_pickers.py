"""The trends page's pickers: the site or a device, which of its quantities, and a counter as reading or energy.

They list the channels stored in the database (energymon.views.trends.channels):
first "Site", whose quantities are the site series
(energymon.views.site_trends), then the site's devices in its order, then
any others the database knows; for the device chosen, its quantities. A
counter can be shown as its reading or as the energy counted per interval.
The pickers edit one series of the chart at a time (:meth:`ChannelPickers.spec`,
:meth:`ChannelPickers.show`).

The quantity is kept when the device changes. A device that lacks it keeps
it too, marked in the quantity picker as not stored for that device
(:attr:`ChannelPickers.missing`), so nothing switches silently to another
quantity. Between the site and a device a quantity goes over to its
counterpart (a device's power to the site power of its role, and back). The
texts are the trends page's (translation context "TrendsPage").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from drivers.quantities import Role
from energymon.views.site import SiteInfo
from energymon.views.site_trends import SITE, SITE_QUANTITIES
from energymon.views.trend_set import TrendSpec
from energymon.views.trends import Channel
from ui.format import fill
from ui.trend_texts import quantity_names, site_quantity_names

translate = QCoreApplication.translate
ENERGY_MODE = 1  # the mode combo's entry for energy per interval (0: the counter reading)

# A device's quantity (as energy per interval) -> the site series of its role, and a site series -> the
# quantity of a device (power, or the counter that counts it).
TO_SITE: dict[tuple[Role, str], str] = {
    (Role.PV, "power_w"): "pv_power_w",
    (Role.GRID, "power_w"): "grid_power_w",
    (Role.STORAGE, "power_w"): "storage_power_w",
    (Role.LOAD, "power_w"): "consumption_power_w",
    (Role.PV, "yield_wh"): "pv_energy_wh",
    (Role.GRID, "imported_wh"): "grid_import_wh",
    (Role.GRID, "exported_wh"): "grid_export_wh",
    (Role.STORAGE, "charged_wh"): "storage_charge_wh",
    (Role.STORAGE, "discharged_wh"): "storage_discharge_wh",
    (Role.LOAD, "consumed_wh"): "consumption_energy_wh",
}
FROM_SITE: dict[str, str] = {
    "pv_power_w": "power_w",
    "consumption_power_w": "power_w",
    "grid_power_w": "power_w",
    "storage_power_w": "power_w",
    "pv_energy_wh": "yield_wh",
    "consumption_energy_wh": "consumed_wh",
    "grid_import_wh": "imported_wh",
    "grid_export_wh": "exported_wh",
    "storage_charge_wh": "charged_wh",
    "storage_discharge_wh": "discharged_wh",
}


class ChannelPickers(QObject):
    """The device, quantity and mode combos (with their labels) over a list of stored channels."""

    changed = Signal()  # the user chose another device, quantity or mode

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.channels: list[Channel] = []
        self.roles: dict[str, Role] = {}
        self.missing: str | None = None  # the kept quantity the device chosen does not store
        self.device_label = QLabel()
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(200)
        self.device_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.quantity_label = QLabel()
        self.quantity_combo = QComboBox()
        self.quantity_combo.setMinimumWidth(220)
        self.quantity_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mode_label = QLabel()
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["", ""])  # counter reading, energy per interval (texts in retranslate)
        self.device_combo.currentIndexChanged.connect(self._on_device)
        self.quantity_combo.currentIndexChanged.connect(self._on_quantity)
        self.mode_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self._shown: tuple[str | None, str | None] = (None, None)  # (device, quantity) before the last change

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
        """List the site and the devices with stored channels (named as in ``site``), keeping the choice."""
        names = {d.id: d.name for d in site.devices} if site else {}
        self.roles = dict(site.roles) if site else {}
        keep = self.current_device()
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        if self.channels:
            self.device_combo.addItem(translate("TrendsPage", "Site (sum of its devices)"), SITE)
        for device_id in self._device_ids(site):
            name = names.get(device_id)
            self.device_combo.addItem(f"{name} ({device_id})" if name and name != device_id else device_id, device_id)
        index = self.device_combo.findData(keep) if keep else -1
        first = 1 if self.device_combo.count() > 1 else 0  # the first device, not the site, unless asked
        self.device_combo.setCurrentIndex(index if index >= 0 else first if self.device_combo.count() else -1)
        self.device_combo.blockSignals(False)
        self._fill_quantities(self.current_quantity() or "power_w", keep)

    def _device_ids(self, site: SiteInfo | None) -> list[str]:
        """Devices with stored channels: the site's in its order, then any others the database knows."""
        stored = {c.device_id for c in self.channels}
        site_order = [d.id for d in site.devices] if site else []
        return [d for d in site_order if d in stored] + sorted(stored - set(site_order))

    def _carried(self, quantity: str, before: str | None, device: str | None) -> str:
        """The quantity kept from device ``before`` for ``device``: the same, or its counterpart across the site."""
        if device == SITE and before not in (None, SITE):
            role = self.roles.get(before or "")
            return TO_SITE.get((role, quantity), quantity) if role is not None else quantity
        if before == SITE and device != SITE:
            return FROM_SITE.get(quantity, quantity)
        return quantity

    def _fill_quantities(self, keep: str, before: str | None = None) -> None:
        device = self.current_device()
        keep = self._carried(keep, before, device)
        if device == SITE:
            labels = site_quantity_names()
            choices = [(labels[q], q) for q in SITE_QUANTITIES]
        else:
            labels = quantity_names()
            choices = [
                (f"{labels[c.quantity]} ({c.quantity})" if c.quantity in labels else c.quantity, c.quantity)
                for c in self.channels
                if c.device_id == device
            ]
        self.quantity_combo.blockSignals(True)
        self.quantity_combo.clear()
        self.missing = None
        if device is not None and keep not in {q for _, q in choices}:
            self.missing = keep  # kept, and said to be missing: never silently another quantity
            name = (site_quantity_names() | quantity_names()).get(keep, keep)
            if device == SITE:
                text = fill(translate("TrendsPage", "%1 — not a site series"), name)
            else:
                text = fill(translate("TrendsPage", "%1 — not stored for this device"), name)
            self.quantity_combo.addItem(text, keep)
        for text, quantity in choices:
            self.quantity_combo.addItem(text, quantity)
        self.quantity_combo.setCurrentIndex(max(self.quantity_combo.findData(keep), 0))
        self.quantity_combo.blockSignals(False)
        self._shown = (device, keep)
        self._show_mode()

    def _show_mode(self) -> None:
        channel = self.current_channel()
        counter = channel is not None and channel.counter
        self.mode_label.setVisible(counter)
        self.mode_combo.setVisible(counter)

    def _on_device(self, _index: int) -> None:
        before, quantity = self._shown
        self._fill_quantities(quantity or self.current_quantity() or "power_w", before)
        self.changed.emit()

    def _on_quantity(self, _index: int) -> None:
        if self.missing is not None and self.current_quantity() != self.missing:
            self._fill_quantities(self.current_quantity() or "power_w")  # a quantity it has: the mark goes
        self._shown = (self.current_device(), self.current_quantity())
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

    def missing_names(self) -> tuple[str, str] | None:
        """(device, quantity) as shown when the device chosen lacks the kept quantity, else None."""
        if self.missing is None:
            return None
        return self.device_combo.currentText(), self.quantity_combo.currentText().split(" — ")[0]

    def energy_mode(self) -> bool:
        """Whether a counter is to be shown as the energy counted per interval."""
        channel = self.current_channel()
        return channel is not None and channel.counter and self.mode_combo.currentIndex() == ENERGY_MODE

    def spec(self) -> TrendSpec | None:
        """The series the pickers show; None before there is a choice."""
        device, quantity = self.current_device(), self.current_quantity()
        if not device or not quantity:
            return None
        if device == SITE:
            return TrendSpec(SITE, quantity)
        channel = self.current_channel()
        wanted = self.mode_combo.currentIndex() == ENERGY_MODE
        return TrendSpec(device, quantity, wanted and (channel is None or channel.counter))

    def show(self, spec: TrendSpec) -> None:
        """Show ``spec`` in the pickers (a series chosen in the legend, a saved view); emits nothing."""
        for combo in (self.device_combo, self.mode_combo):
            combo.blockSignals(True)
        index = self.device_combo.findData(spec.device_id)
        if index < 0 and spec.device_id != SITE:  # a device the database no longer has: listed, and marked
            self.device_combo.addItem(spec.device_id, spec.device_id)
            index = self.device_combo.count() - 1
        self.device_combo.setCurrentIndex(index)
        self.mode_combo.setCurrentIndex(ENERGY_MODE if spec.energy else 0)
        for combo in (self.device_combo, self.mode_combo):
            combo.blockSignals(False)
        self._fill_quantities(spec.quantity)

    def select(self, device_id: str, quantity: str, energy: bool = False) -> None:
        """Choose a device and quantity as the user would (each change emits :attr:`changed`)."""
        self.device_combo.setCurrentIndex(self.device_combo.findData(device_id))
        self.quantity_combo.setCurrentIndex(self.quantity_combo.findData(quantity))
        self.mode_combo.setCurrentIndex(ENERGY_MODE if energy else 0)
