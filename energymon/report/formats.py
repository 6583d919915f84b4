"""Numbers and times as the report files print them (PDF; the XLSX keeps numbers as numbers).

Thousands separators; energy in kWh, switching to MWh from 10,000 kWh; masses in
kg, switching to t from 10,000 kg; shares in %; a missing value prints as "-"
(never 0). Times are UTC epoch ms shown as the site's wall-clock time.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

# ---- numbers ----------------------------------------------------------------------------------


def fmt_num(value: float | None, decimals: int = 0) -> str:
    """``1234567.891`` -> ``"1,234,567.9"`` (decimals=1); None or NaN -> "-"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # no "-0.0"
        text = text.lstrip("-")
    return text


def fmt_energy_kwh(kwh: float | None) -> str:
    """kWh with one decimal below 10,000 kWh, MWh with two decimals from there."""
    if kwh is None:
        return "-"
    if abs(kwh) >= 10_000:
        return f"{fmt_num(kwh / 1000.0, 2)} MWh"
    return f"{fmt_num(kwh, 1)} kWh"


def fmt_mass_kg(kg: float | None, unit_kg: str = "kg", unit_t: str = "t") -> str:
    """kg with one decimal below 10,000 kg, t with two decimals from there (units as given, e.g. kgce/tce)."""
    if kg is None:
        return "-"
    if abs(kg) >= 10_000:
        return f"{fmt_num(kg / 1000.0, 2)} {unit_t}"
    return f"{fmt_num(kg, 1)} {unit_kg}"


def fmt_co2(kg: float | None) -> str:
    return fmt_mass_kg(kg, "kg CO2", "t CO2")


def fmt_coal(kgce: float | None) -> str:
    return fmt_mass_kg(kgce, "kgce", "tce")


def fmt_pct(value: float | None, decimals: int = 1) -> str:
    return "-" if value is None else f"{fmt_num(value, decimals)} %"


def fmt_kw(kw: float | None) -> str:
    return "-" if kw is None else f"{fmt_num(kw, 1)} kW"


# ---- time -------------------------------------------------------------------------------------


def local_datetime(ts_ms: int, timezone: str) -> datetime:
    """UTC epoch ms -> naive wall-clock time of the site (what the report prints)."""
    return datetime.fromtimestamp(ts_ms / 1000.0, ZoneInfo(timezone)).replace(tzinfo=None)


def fmt_local(ts_ms: int | None, timezone: str, seconds: bool = False) -> str:
    if ts_ms is None:
        return "-"
    return local_datetime(ts_ms, timezone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
