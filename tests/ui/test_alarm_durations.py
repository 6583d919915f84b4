"""How long each alarm has been active: its start from the stored events (energymon.views.alarm_starts), and
the alarm list's and header line's words for it (ui.alarm_texts), in English and in Chinese."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from energymon.events import COLLECTOR_STARTED, DEVICE_OFFLINE, DEVICE_RECOVERED
from energymon.views import events as event_log
from energymon.views.alarm_starts import AlarmStart, alarm_start, offline_starts
from energymon.views.events import Alarm, EventRow

from support import english_words

ZONE = ZoneInfo("Asia/Shanghai")
T0 = 1_700_000_000_000  # 2023-11-15 06:13:20 in Shanghai
S, MIN = 1000, 60_000
OFFLINE = Alarm(event_log.OFFLINE, "inv-a1", since_ms=T0 + 11 * MIN, detail="timeout", reason="failed")
SOC = Alarm(event_log.SOC_HIGH, "bess-1", value=99.2, limit=98.0, since_ms=T0 + 12 * MIN)


def row(i: int, ts_ms: int, device: str | None, kind: str) -> EventRow:
    return EventRow(i, ts_ms, device, kind, "info", "")


def test_the_offline_episode_starts_at_its_first_offline_event_after_recovery_and_restart():
    rows = [
        row(1, T0, "inv-a1", DEVICE_OFFLINE),
        row(2, T0 + MIN, "inv-a1", DEVICE_RECOVERED),
        row(3, T0 + 2 * MIN, "inv-a1", DEVICE_OFFLINE),  # the open episode ...
        row(4, T0 + 2 * MIN + 30 * S, "inv-a1", DEVICE_OFFLINE),  # ... a repeat does not move its start
        row(5, T0, "inv-b1", DEVICE_OFFLINE),
        row(6, T0 + 3 * MIN, None, COLLECTOR_STARTED),  # a restarted collector watches afresh
        row(7, T0 + 4 * MIN, "inv-a1", DEVICE_OFFLINE),
        row(8, T0 + 4 * MIN, "grid", DEVICE_OFFLINE),
    ]
    assert offline_starts(rows[:5]) == {"inv-a1": T0 + 2 * MIN, "inv-b1": T0}
    # After the restart only what it saw: never longer than observed. In any order (the reader's is newest first).
    assert offline_starts(reversed(rows)) == {"inv-a1": T0 + 4 * MIN, "grid": T0 + 4 * MIN}


def test_an_alarm_without_a_stored_start_counts_from_first_seen_at_least_when_it_was_there_at_start():
    first_seen, started = T0 + 10 * MIN, T0 + 10 * MIN - 5 * S
    assert alarm_start(OFFLINE, {"inv-a1": T0}, (), first_seen, started) == AlarmStart(T0)  # the stored episode
    assert alarm_start(SOC, {}, (), first_seen, started) == AlarmStart(first_seen, at_least=True)
    assert alarm_start(SOC, {}, (), first_seen, first_seen - 10 * MIN) == AlarmStart(first_seen)  # began in view
    assert alarm_start(SOC, {}, (), None, started) is None


def test_the_alarm_texts_say_how_long_in_english():
    from ui.alarm_texts import alarm_summary, alarm_text

    now = T0 + 12 * MIN + 30 * S
    start = AlarmStart(T0)  # 06:13:20
    text = alarm_text(OFFLINE, ZONE, now, start)
    assert text.endswith(" Active for 12 min (since 06:13:20).")
    assert text.startswith("inv-a1 is offline:")
    assert alarm_text(SOC, ZONE, now, AlarmStart(T0 + 2 * MIN, at_least=True)).endswith(
        " Active for 10 min (since 06:15:20 or earlier)."
    )
    assert alarm_text(SOC, ZONE) == "bess-1: state of charge 99 % is above 98 %."  # no start: no duration
    starts = [start, AlarmStart(T0 + 2 * MIN, at_least=True)]
    assert alarm_summary([OFFLINE, SOC], now, starts) == (
        "2 active alarms: inv-a1 offline for 12 min, bess-1 SoC 99 % for at least 10 min"
    )
    # It moves on with the clock, into hours.
    assert alarm_summary([OFFLINE], T0 + 65 * MIN, starts[:1]) == "1 active alarm: inv-a1 offline for 1 h 05 min"
    # A start on another day shows its date.
    assert alarm_text(OFFLINE, ZONE, T0 + 86_400_000, start).endswith(" Active for 24 h 00 min (since 11-15 06:13).")


def test_the_alarm_texts_say_how_long_in_chinese(qtbot):
    from ui import i18n
    from ui.alarm_texts import alarm_summary, alarm_text

    now = T0 + 12 * MIN + 30 * S
    starts = [AlarmStart(T0), AlarmStart(T0 + 2 * MIN, at_least=True)]
    try:
        i18n.set_language("zh_CN")
        text = alarm_text(OFFLINE, ZONE, now, starts[0])
        assert text.endswith("已持续 12 分钟（自 06:13:20 起）。")
        assert alarm_text(SOC, ZONE, now, starts[1]).endswith("已持续 10 分钟（自 06:15:20 或更早起）。")
        summary = alarm_summary([OFFLINE, SOC], now, starts)
        assert "inv-a1 离线 已持续 12 分钟" in summary and "至少 10 分钟" in summary
        for words in (text, summary):
            assert not english_words(words, ("inv-a1", "bess-1", "SoC")), words
    finally:
        i18n.set_language("en")
