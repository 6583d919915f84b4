"""The sentences under the Energy page's chart: what the period covers, what lacks data, what is compared.

Pure formatting (texts in the "EnergyPage" context) of an
:class:`energymon.views.energy_view.EnergyView` and the costs' state.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from energymon.views.energy_costs import PeriodCosts
from energymon.views.energy_periods import Period
from energymon.views.energy_view import EnergyTotals, EnergyView
from ui.energy_texts import local_text, period_name, unit_name, utc_local
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate
MAX_NAMED = 6  # devices named in a note; more are counted


def _tr(text: str) -> str:
    return translate("EnergyPage", text)


def progress_text(view: EnergyView, zone: ZoneInfo) -> str:
    """Whether the period is complete, in progress (up to when) or not begun."""
    local = utc_local(zone)
    if view.now_ms < view.edges_ms[0]:
        return translate("EnergyPage", "This period has not begun.")
    if not view.in_progress:
        return translate("EnergyPage", "Complete period.")
    texts = {
        "day": translate("EnergyPage", "Day in progress, up to %1."),
        "month": translate("EnergyPage", "Month in progress, up to %1."),
        "year": translate("EnergyPage", "Year in progress, up to %1."),
    }
    return fill(texts[view.period.kind], local_text(view.until_ms, local))


FLOW_NAMES = {
    "pv_wh": QT_TRANSLATE_NOOP("EnergyPage", "PV"),
    "grid_import_wh": QT_TRANSLATE_NOOP("EnergyPage", "grid"),
    "grid_export_wh": QT_TRANSLATE_NOOP("EnergyPage", "grid"),
    "storage_charge_wh": QT_TRANSLATE_NOOP("EnergyPage", "storage"),
    "storage_discharge_wh": QT_TRANSLATE_NOOP("EnergyPage", "storage"),
}


def lagging_text(view: EnergyView, zone: ZoneInfo) -> str:
    """In a period in progress: the flows whose newest data is older than the others' (partial sums there)."""
    if not view.in_progress:
        return ""
    newest: dict[str, int] = {}
    for flow in view.configured:
        latest = view.flows[flow].latest_ms
        if latest is not None:
            name = _tr(FLOW_NAMES[flow])
            newest[name] = min(latest, newest.get(name, latest))
    if not newest or max(newest.values()) - min(newest.values()) <= view.tolerance_ms:
        return ""
    local = utc_local(zone)
    listed = ", ".join(f"{name} {local_text(ms, local, with_date=False)}" for name, ms in newest.items())
    return fill(translate("EnergyPage", "Newest data: %1; the buckets after the oldest of these are partial."), listed)


def data_text(view: EnergyView, zone: ZoneInfo) -> str:
    """Buckets without data and partial sums, with the devices that lack data."""
    kind = view.period.kind
    elapsed = int((~view.future).sum())
    parts = []
    if elapsed and not view.has_data.any():
        return translate("EnergyPage", "No data in this period.")
    missing = int(view.missing.sum())
    if missing:
        parts.append(
            fill(
                translate("EnergyPage", "No data in %1 of the %2 elapsed %3 (grey bands)."),
                missing,
                elapsed,
                unit_name(kind, elapsed),
            )
        )
    lacking = view.incomplete_devices()
    if view.partial.any() and not lacking:
        parts.append(
            fill(
                translate("EnergyPage", "Hatched bars are partial sums: the data covers only part of %1 %2."),
                int(view.partial.sum()),
                unit_name(kind, int(view.partial.sum())),
            )
        )
    if lacking:
        named = ", ".join(f"{d} ({n} {unit_name(kind, n)})" for d, n in sorted(lacking.items())[:MAX_NAMED])
        more = len(lacking) - MAX_NAMED
        if more > 0:
            named += " " + fill(translate("EnergyPage", "and %1 more"), more)
        parts.append(fill(translate("EnergyPage", "Hatched bars are partial sums: no readings from %1."), named))
    lagging = lagging_text(view, zone)
    if lagging:
        parts.append(lagging)
    estimated = view.estimated_devices()
    if estimated:
        parts.append(
            fill(translate("EnergyPage", "Integrated from power (no energy counter): %1."), ", ".join(estimated))
        )
    return " ".join(parts)


def _span(totals: EnergyTotals, period: Period, view: EnergyView, zone: ZoneInfo) -> str:
    """A comparison's span: the period's name, or from when to when while the shown period is in progress."""
    local = utc_local(zone)
    if view.in_progress:
        return fill(
            translate("EnergyPage", "%1 to %2"), local_text(totals.start_ms, local), local_text(totals.end_ms, local)
        )
    return period_name(period)


def comparison_text(view: EnergyView, zone: ZoneInfo) -> str:
    """What the two comparison columns count."""
    previous = _span(view.previous, view.period.shifted(-1), view, zone)
    year_before = _span(view.year_before, view.period.year_before(), view, zone)
    if view.in_progress:
        text = translate("EnergyPage", "Compared over the same elapsed time: previous %1, a year before %2.")
    else:
        text = translate("EnergyPage", "Compared with the previous period (%1) and the same period a year before (%2).")
    sentence = fill(text, previous, year_before)
    if not view.previous.has_data or not view.year_before.has_data:
        sentence += " " + translate("EnergyPage", "A comparison without data shows —.")
    return sentence


def costs_text(state: str, costs: tuple[PeriodCosts, ...] | None, error: str | None) -> str:
    """The costs' basis, or why there are none (state: reading, none, error, shown)."""
    if state == "none":
        return translate("EnergyPage", "No tariff in the site configuration: no costs or savings.")
    if state == "error":
        return fill(translate("EnergyPage", "Costs not shown: %1"), error or "")
    if state == "reading" or not costs:
        return translate("EnergyPage", "Reading the costs…")
    c = costs[0]
    per = translate("EnergyPage", "per hour") if c.resolution == "1h" else translate("EnergyPage", "per quarter hour")
    name = c.tariff_name or translate("EnergyPage", "(unnamed)")
    return fill(
        translate(
            "EnergyPage",
            "Costs and savings on the tariff %1 recorded in the database, priced %2, as in the monthly report.",
        ),
        name,
        per,
    )
