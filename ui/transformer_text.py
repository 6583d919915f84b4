"""What the register inspector says about a device's transformer ratios (CT/PT), in words.

A transformer-connected meter's raw registers hold secondary values; what
energymon stores is primary (drivers.transformer_ratios). The ratios come from
the site config (``ct_ratio``/``pt_ratio``) or from registers the meter holds
(a profile that maps them). The engineer comparing raw words with the stored
values needs to know which, and by how much. Texts are translated in the
register inspector's context ("RegisterInspector" in ui/translations).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from energymon.config import Device
from ui.format import fill

translate = QCoreApplication.translate


def _number(value: float) -> str:
    return f"{value:g}"


def ratio_text(device: Device) -> str:
    """One sentence on the ratios applied to ``device``'s raw values; empty when none are."""
    profile = device.profile
    held = sorted(profile.held_ratios) if profile is not None else []
    if held:
        assert profile is not None
        registers = {
            "holding": translate("RegisterInspector", "%1 at holding register %2"),
            "input": translate("RegisterInspector", "%1 at input register %2"),
        }
        where = ", ".join(
            fill(registers[p.table], name.split("_")[0].upper(), p.address)
            for name in held
            for p in profile.points
            if p.quantity == name
        )
        return fill(
            translate(
                "RegisterInspector",
                "%1: the meter holds its transformer ratios (%2). Its raw registers are secondary values; "
                "energymon multiplies them by the ratios it reads there.",
            ),
            device.id,
            where,
        )
    if device.ct_ratio == 1.0 and device.pt_ratio == 1.0:
        return ""
    return fill(
        translate(
            "RegisterInspector",
            "%1: CT ratio %2 and PT ratio %3 from the site config. Raw registers are secondary values; energymon "
            "stores currents x %2, voltages x %3, power and energy x %4.",
        ),
        device.id,
        _number(device.ct_ratio),
        _number(device.pt_ratio),
        _number(device.ct_ratio * device.pt_ratio),
    )


def ratio_label() -> QLabel:
    """The label the inspector shows :func:`ratio_text` in: hidden until a device has ratios."""
    label = QLabel()
    label.setStyleSheet("color: #2b4c7e; font-weight: 600;")
    label.setWordWrap(True)
    label.setVisible(False)
    return label
