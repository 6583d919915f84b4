"""The active alarms in words: a sentence for the alarm list, a few words for the main window's header.

The texts belong to the events page, which shows them: they are translated in
its context ("EventsPage" in ui/translations); what comes from the data (a
configured alarm's raise, a read error, a quantity) is worded in the GUI's
language by energymon.event_texts. Times are the site's local time.
Every alarm says how long it has been active at ``now_ms``, from its start
(energymon.views.alarm_starts.AlarmStart; a configured alarm's is its raise):
"… active for 12 min (since 13:05:10)", or "active for at least 3 min" when it
was already active before the window saw it begin. The events page updates
the texts every second while alarms are active.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from energymon.event_texts import UNREADABLE, alarm_condition, read_errors_text, subject_text
from energymon.events import ALARM_RAISED
from energymon.quantity_names import quantity_name
from energymon.views import events as event_log
from energymon.views.alarm_starts import AlarmStart
from energymon.views.events import Alarm
from ui.data_age import clock
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


def duration(start: AlarmStart | None, now_ms: int | None) -> str:
    """How long since ``start``: "12 min", or "at least 12 min" when the true start is earlier."""
    if start is None:
        return "—"
    text = active_for(start.start_ms, now_ms)
    return fill(translate("EventsPage", "at least %1"), text) if start.at_least else text


def _start_of(alarm: Alarm, start: AlarmStart | None) -> AlarmStart | None:
    """The given start, or a configured alarm's raise."""
    if start is None and alarm.kind == event_log.CONFIGURED and alarm.since_ms is not None:
        return AlarmStart(alarm.since_ms)
    return start


def _for_how_long(text: str, start: AlarmStart | None, tz: tzinfo | None, now_ms: int | None) -> str:
    """``text`` followed by how long the alarm has been active: "… Active for 12 min (since 13:05:10)."."""
    if start is None or now_ms is None:
        return text
    if start.at_least:
        template = translate("EventsPage", "%1 Active for %2 (since %3 or earlier).")
    else:
        template = translate("EventsPage", "%1 Active for %2 (since %3).")
    return fill(template, text, active_for(start.start_ms, now_ms), _since(start.start_ms, tz, now_ms))


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


def _configured_text(alarm: Alarm, tz: tzinfo | None, now_ms: int | None, start: AlarmStart | None) -> str:
    text = fill(
        translate("EventsPage", "%1 [%2]: active for %3 (since %4); raised: %5"),
        _rule_name(alarm),
        subject_text(alarm.device_id, text_language()),
        duration(start, now_ms) if now_ms is not None else "—",
        _since(alarm.since_ms, tz, now_ms),
        _raised(alarm),
    )
    if alarm.acked_by is not None:
        text += " " + fill(translate("EventsPage", "(acknowledged by %1)"), alarm.acked_by)
    return text


def alarm_text(alarm: Alarm, tz: tzinfo | None, now_ms: int | None = None, start: AlarmStart | None = None) -> str:
    """One alarm as a sentence (the alarm list, the header's tooltip); with ``now_ms`` and its ``start``
    (a configured alarm's defaults to its raise) it says for how long it has been active."""
    start = _start_of(alarm, start)
    if alarm.kind == event_log.CONFIGURED:
        return _configured_text(alarm, tz, now_ms, start)
    return _for_how_long(_state_text(alarm, tz), start, tz, now_ms)


def _state_text(alarm: Alarm, tz: tzinfo | None) -> str:
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


def alarm_short(alarm: Alarm, now_ms: int | None = None, start: AlarmStart | None = None) -> str:
    """One alarm in a few words (the header line), with for how long when its start is known."""
    start = _start_of(alarm, start)
    if alarm.kind == event_log.CONFIGURED:
        return fill(translate("EventsPage", "%1 for %2"), _rule_name(alarm), duration(start, now_ms))
    words = _short_words(alarm)
    if start is None or now_ms is None:
        return words
    return fill(translate("EventsPage", "%1 for %2"), words, duration(start, now_ms))


def _short_words(alarm: Alarm) -> str:
    device = alarm.device_id
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


def alarm_summary(
    alarms: list[Alarm], now_ms: int | None = None, starts: Sequence[AlarmStart | None] | None = None
) -> str:
    """The header line: "2 active alarms: inv-a1 offline for 12 min, bess-1 SoC 99 % for 3 min" ("" if none).

    ``starts``: each alarm's start, in the order of ``alarms`` (None: only configured alarms say how long)."""
    if not alarms:
        return ""
    given = list(starts or ())
    given += [None] * (len(alarms) - len(given))
    shorts = (alarm_short(a, now_ms, start) for a, start in zip(alarms[:HEADER_ALARMS], given, strict=False))
    names = translate("EventsPage", ", ").join(shorts)  # zh: "、"
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


def _since(ts_ms: int | None, tz: tzinfo | None, now_ms: int | None) -> str:
    """When an alarm began: "13:05:10", with the date if that is not today ("12-03 22:10")."""
    if ts_ms is None or tz is None:
        return "—"
    return clock(ts_ms, tz, now_ms)
