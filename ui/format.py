"""Number formatting for the GUI: display units only (stored values stay in W, Wh)."""

from __future__ import annotations


def kw(power_w: float | None, decimals: int = 1) -> str:
    return "—" if power_w is None else f"{power_w / 1000:,.{decimals}f}"


def kwh(energy_wh: float | None, decimals: int = 1) -> str:
    return "—" if energy_wh is None else f"{energy_wh / 1000:,.{decimals}f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def number(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"
