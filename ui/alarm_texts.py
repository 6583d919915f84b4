"""The active alarms in words: a sentence for the alarm list, a few words for the main window's header.

The texts belong to the events page, which shows them: they are translated in
its context ("EventsPage" in ui/translations). Times are the site's local time.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from energymon.views import events as event_log
from energymon.views.events import Alarm
from ui.format import fill

HEADER_ALARMS = 3  # the header names at most this many alarms
translate = QCoreApplication.translate


def alarm_text(alarm: Alarm, tz: tzinfo | None) -> str:
    """One alarm as a sentence (the alarm list, the header's tooltip)."""
    device = alarm.device_id
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
                alarm.detail,
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
        alarm.detail or "?",
        _time(alarm.since_ms, tz),
        str(len(alarm.event_ids)),
    )


def alarm_short(alarm: Alarm) -> str:
    """One alarm in a few words (the header line)."""
    device = alarm.device_id
    if alarm.kind == event_log.OFFLINE:
        return fill(translate("EventsPage", "%1 offline"), device)
    if alarm.kind in (event_log.SOC_LOW, event_log.SOC_HIGH):
        return fill(translate("EventsPage", "%1 SoC %2 %"), device, f"{alarm.value:.0f}")
    if alarm.kind in (event_log.TEMPERATURE_LOW, event_log.TEMPERATURE_HIGH):
        return fill(translate("EventsPage", "%1 %2 °C"), device, f"{alarm.value:.0f}")
    return fill(translate("EventsPage", "%1 implausible %2"), device, alarm.detail or "?")


def alarm_summary(alarms: list[Alarm]) -> str:
    """The header line: "2 active alarms: inv-a1 offline, bess-1 SoC 99 %" ("" if there are none)."""
    if not alarms:
        return ""
    names = translate("EventsPage", ", ").join(alarm_short(a) for a in alarms[:HEADER_ALARMS])  # zh: "、"
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
