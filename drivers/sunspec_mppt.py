"""SunSpec model 160 (Multiple MPPT Inverter Extension): PV that is PV on a hybrid inverter.

A hybrid's inverter model (101-103, 111-113) reports AC power and AC energy,
which include battery discharge, and its DC power includes the battery's. Such
devices (Fronius GEN24/Verto, KOSTAL PLENTICORE with a battery) publish each DC
input as a module of model 160, the battery's as modules of their own: evcc's
``fronius-gen24.yaml`` reads PV from 160 modules 1 and 2 and the battery from 3
(charge) and 4 (discharge), ``fronius-vertoplus.yaml`` PV from 1-3 and the
battery from 4 and 5, ``kostal-plenticore-gen2.yaml`` PV from modules 1-3;
farmio/fronius-modbus ``mppt.py`` names the GEN24 modules "MPPT 1", "MPPT 2",
"StCha 3" and "StDisCha 4".

The rule here: a module is a battery module when its ID string says so
(:func:`is_storage_module`: "StCha"/"StDisCha" as Fronius names them, or
"bat"/"stor" in it); every other module is a PV input. On a hybrid (a device
with a storage model 124/713/802, or with a battery module) PV power is the
sum of the PV modules' DC power (``DCW``) and PV energy the sum of their DC
energy (``DCWH``), read as ``part`` rows; the inverter model's power, energy
and DC power are not used. Both are DC values: consumption computed from them
reads high by the inverter's conversion loss, a bias, never a double count.
A device without storage keeps the inverter model's AC values.
"""

from __future__ import annotations

from dataclasses import replace

from drivers.profile import Point
from drivers.sunspec_discovery import MPPT_MODEL, TABLE, SunSpecDevice
from drivers.sunspec_models import SUNSPEC_TYPES

STORAGE_MODELS = (124, 713, 802)
_STORAGE_WORDS = ("bat", "stor")


def is_storage_module(label: str | None) -> bool:
    """Whether a model 160 module's ID string names a battery input (Fronius "StCha 3", "StDisCha 4")."""
    text = (label or "").strip().lower()
    return text.startswith(("stcha", "stdischa")) or any(word in text for word in _STORAGE_WORDS)


def is_hybrid(device: SunSpecDevice) -> bool:
    """A device whose inverter model's values include a battery: it has a storage model or a battery module."""
    if any(device.first(m) is not None for m in STORAGE_MODELS):
        return True
    mppt = device.first(MPPT_MODEL)
    return mppt is not None and any(is_storage_module(label) for label in mppt.modules)


def pv_points(device: SunSpecDevice) -> dict[str, list[Point]]:
    """``power_w`` and ``yield_wh`` as sums of the PV modules of model 160 (``part`` rows), for a hybrid.

    Empty when the device is not a hybrid or has no readable model 160 with a
    PV module; a quantity whose point or scale factor the definition lacks is
    left out (then missing, never the inverter model's value with the battery).
    """
    mppt = device.first(MPPT_MODEL)
    definition = mppt.definition if mppt is not None else None
    if mppt is None or definition is None or not is_hybrid(device):
        return {}
    pv_modules = [k for k, label in enumerate(mppt.modules) if not is_storage_module(label)]
    out: dict[str, list[Point]] = {}
    for quantity, name in (("power_w", "DCW"), ("yield_wh", "DCWH")):
        point = definition.group_point(name)
        sf = definition.point(point.sf) if point is not None and isinstance(point.sf, str) else None
        if point is None or sf is None or not pv_modules:
            continue
        kind = SUNSPEC_TYPES[point.type]
        assert kind.dtype is not None, "DCW and DCWH are numeric"
        base = mppt.data_address + definition.length
        rows = [
            Point(
                quantity,
                TABLE,
                base + k * definition.group_size + point.offset,
                kind.dtype,
                1.0,
                "big",
                kind.sentinels,
                mppt.address + sf.offset,
                part=True,
            )
            for k in pv_modules
        ]
        out[quantity] = rows if len(rows) > 1 else [replace(rows[0], part=False)]
    return out
