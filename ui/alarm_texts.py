"""The active alarms in words: a sentence for the alarm list, a few words for the main window's header.

The texts belong to the events page, which shows them: they are translated in
its context ("EventsPage" in ui/translations); what comes from the data (a
configured alarm's raise, a read error, a quantity) is worded in the GUI's
language by energymon.event_texts. Times are the site's local time.
A configured alarm (``[[alarms]]``) says how long it has been active at
``now_ms``: "… active for 12 min (since 13:05:10)".
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from energymon.event_texts import UNREADABLE, alarm_condition, read_errors_text, subject_text
from energymon.events import ALARM_RAISED
from energymon.quantity_names import quantity_name
from energymon.views import events as event_log
from energymon.views.events import Alarm
from ui.format import fill
from ui.i18n import text_language

HEADER_ALARMS = 3  # the header names at most this many alarms
translate = QCoreApplication.translate


def active_for(since_ms: int | None, now_ms: int | None) -> str:
    """How long an alarm has been active: "45 s", "12 min", "3 h 05 min" ("—" if unknown)."""
    if since_ms is None or now_ms is None:
        return "—"
    seconds = max(0, (now_ms - since_ms) // 1000)
    if seconds < 60:
        return fill(translate("EventsPage", "%1 s"), str(seconds))
    minutes = seconds // 60
    if minutes < 60:
        return fill(translate("EventsPage", "%1 min"), str(minutes))
    return fill(translate("EventsPage", "%1 h %2 min"), str(minutes // 60), f"{minutes % 60:02d}")


def _rule_name(alarm: Alarm) -> str:
    """The rule's name: from its event's params, or the detail of an old event ("PV producing: pv_power_w …")."""
    if alarm.params is not None and isinstance(alarm.params.get("rule_name"), str):
        return alarm.params["rule_name"]
    name, sep, _what = alarm.detail.rpartition(": ")
    return name if sep else alarm.rule_id


def _raised(alarm: Alarm) -> str:
    """What the alarm's raise said (value, limit, how long) in the GUI's language; an old event: its detail."""
    if alarm.params is not None:
        try:
            return alarm_condition(ALARM_RAISED, alarm.params, text_language())
        except UNREADABLE:
            pass
    return alarm.detail.rpartition(": ")[2]


def _configured_text(alarm: Alarm, tz: tzinfo | None, now_ms: int | None) -> str:
    text = fill(
        translate("EventsPage", "%1 [%2]: active for %3 (since %4); raised: %5"),
        _rule_name(alarm),
        subject_text(alarm.device_id, text_language()),
        active_for(alarm.since_ms, now_ms),
        _time(alarm.since_ms, tz),
        _raised(alarm),
    )
    if alarm.acked_by is not None:
        text += " " + fill(translate("EventsPage", "(acknowledged by %1)"), alarm.acked_by)
    return text


def alarm_text(alarm: Alarm, tz: tzinfo | None, now_ms: int | None = None) -> str:
    """One alarm as a sentence (the alarm list, the header's tooltip); ``now_ms``: for how long it is active."""
    device = alarm.device_id
    if alarm.kind == event_log.CONFIGURED:
        return _configured_text(alarm, tz, now_ms)
    if alarm.kind == event_log.OFFLINE:
        if alarm.reason == "never":
            return fill(translate("EventsPage", "%1 is offline: no reading since the start."), device)
        if alarm.reason == "stale":
            return fill(
                translate("EventsPage", "%1 is offline: no fresh reading since %2."), device, _time(alarm.since_ms, tz)
            )
        if alarm.detail:
            return fill(
                translate("EventsPage", "%1 is offline: the last poll at %2 failed (%3)."),
                device,
                _time(alarm.since_ms, tz),
                read_errors_text(alarm.detail, text_language()),
            )
        return fill(
            translate("EventsPage", "%1 is offline: the last poll at %2 got no answer."),
            device,
            _time(alarm.since_ms, tz),
        )
    texts = {
        event_log.SOC_LOW: translate("EventsPage", "%1: state of charge %2 % is below %3 %."),
        event_log.SOC_HIGH: translate("EventsPage", "%1: state of charge %2 % is above %3 %."),
        event_log.TEMPERATURE_LOW: translate("EventsPage", "%1: temperature %2 °C is below %3 °C."),
        event_log.TEMPERATURE_HIGH: translate("EventsPage", "%1: temperature %2 °C is above %3 °C."),
    }
    if alarm.kind in texts:
        return fill(texts[alarm.kind], device, f"{alarm.value:.0f}", f"{alarm.limit:g}")
    return fill(
        translate("EventsPage", "%1: implausible %2 rejected at %3 (%4 unacknowledged events)."),
        device,
        _quantity(alarm),
        _time(alarm.since_ms, tz),
        str(len(alarm.event_ids)),
    )


def alarm_short(alarm: Alarm, now_ms: int | None = None) -> str:
    """One alarm in a few words (the header line)."""
    device = alarm.device_id
    if alarm.kind == event_log.CONFIGURED:
        return fill(translate("EventsPage", "%1 for %2"), _rule_name(alarm), active_for(alarm.since_ms, now_ms))
    if alarm.kind == event_log.OFFLINE:
        return fill(translate("EventsPage", "%1 offline"), device)
    if alarm.kind in (event_log.SOC_LOW, event_log.SOC_HIGH):
        return fill(translate("EventsPage", "%1 SoC %2 %"), device, f"{alarm.value:.0f}")
    if alarm.kind in (event_log.TEMPERATURE_LOW, event_log.TEMPERATURE_HIGH):
        return fill(translate("EventsPage", "%1 %2 °C"), device, f"{alarm.value:.0f}")
    return fill(translate("EventsPage", "%1 implausible %2"), device, _quantity(alarm))


def _quantity(alarm: Alarm) -> str:
    """The quantity of an implausible-value alarm: its code in English, its name in Chinese."""
    if not alarm.detail:
        return "?"
    language = text_language()
    return quantity_name(alarm.detail, language) if language == "zh" else alarm.detail


def alarm_summary(alarms: list[Alarm], now_ms: int | None = None) -> str:
    """The header line: "2 active alarms: inv-a1 offline, bess-1 SoC 99 %" ("" if there are none)."""
    if not alarms:
        return ""
    names = translate("EventsPage", ", ").join(alarm_short(a, now_ms) for a in alarms[:HEADER_ALARMS])  # zh: "、"
    if len(alarms) == 1:
        return fill(translate("EventsPage", "1 active alarm: %1"), names)
    if len(alarms) > HEADER_ALARMS:
        return fill(
            translate("EventsPage", "%1 active alarms: %2 and %3 more"),
            str(len(alarms)),
            names,
            str(len(alarms) - HEADER_ALARMS),
        )
    return fill(translate("EventsPage", "%1 active alarms: %2"), str(len(alarms)), names)


def _time(ts_ms: int | None, tz: tzinfo | None) -> str:
    if ts_ms is None or tz is None:
        return "—"
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%H:%M:%S")
