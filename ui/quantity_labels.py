"""Names of the canonical quantities and their kinds, as the devices page's quantity table shows them.

Marked for translation in the "QuantityTableModel" context (ui/translations),
translated where they are drawn (ui.device_table).
"""

from __future__ import annotations

from drivers.quantities import Kind
from ui.i18n import QT_TRANSLATE_NOOP

QUANTITY_TEXT = {
    "power_w": QT_TRANSLATE_NOOP("QuantityTableModel", "Active power"),
    "yield_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "PV energy generated"),
    "dc_power_w": QT_TRANSLATE_NOOP("QuantityTableModel", "PV DC input power"),
    "temperature_c": QT_TRANSLATE_NOOP("QuantityTableModel", "Internal temperature"),
    "status_code": QT_TRANSLATE_NOOP("QuantityTableModel", "Operating state code (vendor)"),
    "soc_pct": QT_TRANSLATE_NOOP("QuantityTableModel", "State of charge"),
    "soh_pct": QT_TRANSLATE_NOOP("QuantityTableModel", "State of health"),
    "charged_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "Energy charged"),
    "discharged_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "Energy discharged"),
    "consumed_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "Energy consumed"),
    "imported_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "Energy imported from the grid"),
    "exported_wh": QT_TRANSLATE_NOOP("QuantityTableModel", "Energy exported to the grid"),
    "voltage_l1_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L1"),
    "voltage_l2_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L2"),
    "voltage_l3_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L3"),
    "current_l1_a": QT_TRANSLATE_NOOP("QuantityTableModel", "Current L1"),
    "current_l2_a": QT_TRANSLATE_NOOP("QuantityTableModel", "Current L2"),
    "current_l3_a": QT_TRANSLATE_NOOP("QuantityTableModel", "Current L3"),
    "frequency_hz": QT_TRANSLATE_NOOP("QuantityTableModel", "Frequency"),
    "power_factor": QT_TRANSLATE_NOOP("QuantityTableModel", "Power factor"),
    "reactive_power_var": QT_TRANSLATE_NOOP("QuantityTableModel", "Reactive power"),
    "voltage_l1_l2_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L1-L2"),
    "voltage_l2_l3_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L2-L3"),
    "voltage_l3_l1_v": QT_TRANSLATE_NOOP("QuantityTableModel", "Voltage L3-L1"),
    "ct_ratio": QT_TRANSLATE_NOOP("QuantityTableModel", "CT ratio (in the meter)"),
    "pt_ratio": QT_TRANSLATE_NOOP("QuantityTableModel", "PT ratio (in the meter)"),
    "irradiance_w_m2": QT_TRANSLATE_NOOP("QuantityTableModel", "Irradiance (plane of array)"),
}
KIND_TEXT = {
    Kind.MEASUREMENT: QT_TRANSLATE_NOOP("QuantityTableModel", "measurement"),
    Kind.COUNTER: QT_TRANSLATE_NOOP("QuantityTableModel", "counter"),
}
