"""What the trends page says about its series: the legend's rows, the value axes' labels, the status line and
the cursor read-out, from the page's state (texts in the page's context, "TrendsPage").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from energymon.views.trend_set import TrendSpec
from energymon.views.trends import Series
from ui.format import fill
from ui.trend_axes import Slot, plot_count
from ui.trend_chart import colour
from ui.trend_legend import LegendRow
from ui.trend_plot import point_at
from ui.trend_texts import place_text, quantity_label, source_text, spec_name, time_text, unit_names, value_text

translate = QCoreApplication.translate
Pairs = Sequence[tuple[TrendSpec, Series | None]]  # each spec with its answer (None: not read yet)


def axis_labels(pairs: Pairs, keys: Sequence[str | None]) -> dict[str, str]:
    """Each axis group's label: the quantity when all its series are of one, else the unit's generic name."""
    labels: dict[str, str] = {}
    for (spec, _), key in zip(pairs, keys):
        if key is not None:
            label = quantity_label(spec)
            labels[key] = label if labels.get(key, label) == label else unit_names().get(key, key)
    return labels


def legend_rows(
    pairs: Pairs, slots: Sequence[Slot | None], view_ms: tuple[int, int], names: dict[str, str], loading: bool
) -> list[LegendRow]:
    """The legend's row of each series: its name, where it is drawn, or why not (a warning). A series without
    a slot is one whose channel is not stored (the slots come from the channel list, not from the answers)."""
    plots = plot_count(slots)
    rows = []
    for i, ((spec, s), slot) in enumerate(zip(pairs, slots)):
        warning = False
        if slot is None:
            place, warning = translate("TrendsPage", "Not stored for this device: nothing to draw."), True
        elif s is None:
            place = place_text(slot, plots) + (" · " + translate("TrendsPage", "Reading…") if loading else "")
        else:
            place = place_text(slot, plots)
            shown = s.visible(*view_ms)
            if spec.site and not s.devices:
                place, warning = translate("TrendsPage", "The site has no devices of this kind."), True
            elif not len(shown):
                place, warning = place + " · " + translate("TrendsPage", "no data in the time shown"), True
            elif shown.reporting is not None and int(shown.reporting.min()) < shown.devices:
                least = int(shown.reporting.min())
                place += " · " + fill(
                    translate("TrendsPage", "%1 of %2 devices at the least"), str(least), str(s.devices)
                )
                warning = True
        rows.append(LegendRow(spec_name(spec, names), place, colour(i), spec.per_interval, warning))
    return rows


def status_text(
    s: Series | None,
    view_ms: tuple[int, int],
    series_count: int,
    loading: bool,
    missing: tuple[str, str] | None,
) -> str:
    """The status line about the edited series ``s`` once the site and its channels are known; ``missing``:
    (device, quantity) when the device lacks the quantity the pickers kept."""
    if missing is not None:
        return fill(translate("TrendsPage", "%1 has no “%2” stored: choose another quantity or device."), *missing)
    if s is None:
        if loading:
            return translate("TrendsPage", "Reading…")
        return translate("TrendsPage", "Choose a device, a quantity and a time range.")
    shown = len(s.visible(*view_ms))
    if shown == 0:
        text = translate("TrendsPage", "No data of this quantity in the time shown.")
    else:
        text = fill(translate("TrendsPage", "Showing %1: %2 points in view."), source_text(s), f"{shown:,}")
        if s.source != "raw":
            text += " " + translate("TrendsPage", "Zoom in for finer detail.")
    if series_count > 1:
        text += " " + fill(translate("TrendsPage", "%1 series on the chart."), str(series_count))
    if s.reporting is not None:
        text += " " + translate(
            "TrendsPage", "A site series sums the devices that report; the legend says when some do not."
        )
    if loading:
        text += " " + translate("TrendsPage", "Reading…")
    return text


def read_out(
    pairs: Pairs, current: Series | None, x_ms: int, tz: ZoneInfo, names: dict[str, str]
) -> tuple[str, list[str], str]:
    """(the time at the cursor, each series' value there, the whole read-out in lines) at ``x_ms``: the time
    is the edited series' point (its bucket), else the cursor's minute."""
    values = [value_text(s, point_at(s, x_ms)) if s is not None else "" for _, s in pairs]
    index = None if current is None else point_at(current, x_ms)
    if current is not None and index is not None:
        when = time_text(int(current.ts_ms[index]), current.bucket_ms, tz)
    else:
        when = datetime.fromtimestamp(x_ms / 1000, UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    lines = [f"{spec_name(spec, names)}: {v}" for (spec, _), v in zip(pairs, values) if v]
    return when, values, "\n".join([when, *lines])


def export_text(last_export: tuple[str, str] | None) -> str:
    """ " Saved <path>." or " Could not save <path>: <error>" after the last export ("" before one)."""
    if last_export is None:
        return ""
    path, error = last_export
    if error:
        return " " + fill(translate("TrendsPage", "Could not save %1: %2"), path, error)
    return " " + fill(translate("TrendsPage", "Saved %1."), path)


def time_label(timezone: str, utc_offset: str) -> str:
    """The time axis's label, e.g. "Local time (Asia/Shanghai, UTC+08:00)"."""
    return fill(translate("TrendsPage", "Local time (%1, UTC%2)"), timezone, utc_offset)
