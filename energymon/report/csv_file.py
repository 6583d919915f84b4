"""The monthly report as CSV: one row per day, then a ``total`` row (columns fixed by docs/reports.md).

Also :func:`write_report`, the one way every format reaches its file.

Energies in kWh with 3 decimals (1 Wh), masses in kg with 3 decimals,
percentages with 2. The additive columns of the ``total`` row are the sums of
the printed day values, so the file adds up exactly; its percentages are
computed from the month's totals (not summed). An empty cell means "not
defined" (self-consumption without PV, self-sufficiency without consumption).
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import TextIO

from energymon.accounting.flows import self_consumption_pct, self_sufficiency_pct
from energymon.atomic_file import replaced_when_complete
from energymon.report.month import DayRow, MonthReport, ReportError

COLUMNS = (
    "date",
    "pv_kwh",
    "consumption_kwh",
    "metered_load_kwh",
    "grid_import_kwh",
    "grid_export_kwh",
    "storage_charge_kwh",
    "storage_discharge_kwh",
    "self_consumption_pct",
    "self_sufficiency_pct",
    "avoided_co2_kg",
    "coal_saved_kgce",
    "coverage_pct",
)
ADDITIVE = (
    "pv_kwh",
    "consumption_kwh",
    "metered_load_kwh",
    "grid_import_kwh",
    "grid_export_kwh",
    "storage_charge_kwh",
    "storage_discharge_kwh",
    "avoided_co2_kg",
    "coal_saved_kgce",
)
MILLI = Decimal("0.001")
CENTI = Decimal("0.01")


def _dec(value: float, step: Decimal) -> Decimal:
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_EVEN)


def day_values(row: DayRow) -> dict[str, Decimal | None]:
    """The additive columns of a day, rounded as printed."""
    f = row.flows
    kwh = {
        "pv_kwh": f.pv_wh,
        "consumption_kwh": f.consumption_wh,
        "metered_load_kwh": f.metered_load_wh,
        "grid_import_kwh": f.grid_import_wh,
        "grid_export_kwh": f.grid_export_wh,
        "storage_charge_kwh": f.storage_charge_wh,
        "storage_discharge_kwh": f.storage_discharge_wh,
    }
    out: dict[str, Decimal | None] = {k: _dec(v / 1000.0, MILLI) for k, v in kwh.items()}
    out["avoided_co2_kg"] = _dec(row.avoided_co2_kg, MILLI)
    out["coal_saved_kgce"] = _dec(row.coal_saved_kgce, MILLI)
    return out


def _pct(value: float | None) -> str:
    return "" if value is None else str(_dec(value, CENTI))


def report_rows(report: MonthReport) -> list[dict[str, str]]:
    """The CSV rows (days, then ``total``) as text, exactly as written."""
    rows = []
    sums = {k: Decimal(0) for k in ADDITIVE}
    for day in report.days:
        values = day_values(day)
        for k in ADDITIVE:
            sums[k] += values[k]
        rows.append(
            {
                "date": day.day.isoformat(),
                **{k: str(v) for k, v in values.items()},
                "self_consumption_pct": _pct(day.self_consumption_pct),
                "self_sufficiency_pct": _pct(day.self_sufficiency_pct),
                "coverage_pct": _pct(day.coverage_pct),
            }
        )
    # totals of the printed days; percentages from the month's totals
    pv, export = float(sums["pv_kwh"]), float(sums["grid_export_kwh"])
    consumption, imported = float(sums["consumption_kwh"]), float(sums["grid_import_kwh"])
    rows.append(
        {
            "date": "total",
            **{k: str(v) for k, v in sums.items()},
            "self_consumption_pct": _pct(self_consumption_pct(pv, export)),
            "self_sufficiency_pct": _pct(self_sufficiency_pct(consumption, imported)),
            "coverage_pct": _pct(report.total.coverage_pct),
        }
    )
    return rows


def write_report(report: MonthReport, path: Path, fmt: str, lang: str = "en", make_parent: bool = False) -> None:
    """Write the report to ``path`` as ``fmt`` (csv, xlsx or pdf): a complete file or none (see atomic_file)."""
    if fmt not in ("csv", "xlsx", "pdf"):
        raise ReportError(f"unknown report format {fmt!r} (expected pdf, xlsx or csv)")
    with replaced_when_complete(path, make_parent) as partial:
        if fmt == "csv":
            with partial.open("w", encoding="utf-8", newline="") as out:
                write_report_csv(report, out)
        elif fmt == "xlsx":
            from energymon.report.xlsx_file import write_report_xlsx  # openpyxl only when asked for

            write_report_xlsx(report, partial, lang)
        else:
            from energymon.report.pdf import write_report_pdf  # reportlab only when asked for

            write_report_pdf(report, partial, lang)


def write_report_csv(report: MonthReport, out: TextIO) -> int:
    """Write the CSV; returns the number of rows (days + total)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = report_rows(report)
    writer.writerows(rows)
    return len(rows)
