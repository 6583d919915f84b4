"""Text formatting for the GUI: numbers in display units (stored values stay in W, Wh), sentence placeholders."""

from __future__ import annotations

import re


def kw(power_w: float | None, decimals: int = 1) -> str:
    return "—" if power_w is None else f"{power_w / 1000:,.{decimals}f}"


def kwh(energy_wh: float | None, decimals: int = 1) -> str:
    return "—" if energy_wh is None else f"{energy_wh / 1000:,.{decimals}f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def number(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def fill(template: str, *values: object) -> str:
    """Put ``values`` into the ``%1``, ``%2``, ... of a translated sentence, in one pass (as QString.arg).

    A translation keeps the placeholders in its own order; a value that itself contains ``%1`` is not
    substituted again.
    """
    return re.sub(
        r"%(\d)",
        lambda m: str(values[int(m.group(1)) - 1]) if 0 < int(m.group(1)) <= len(values) else m.group(0),
        template,
    )
