"""The configured alarms (energymon.collect.alarms): each kind starts after for_s, ends with hysteresis, no flapping."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from drivers.quantities import Role
from energymon.collect.alarm_values import RollingMean, site_value
from energymon.collect.alarms import SITE, AlarmState, AlarmWatch, Transition
from energymon.collect.reading import Reading
from energymon.config import parse_config
from energymon.events import alarm_key

from support import small_site_toml

S = 1000  # ms
T0 = 1_780_000_000_000
ROLES = {
    "pv-1": (Role.PV, 100),
    "pv-2": (Role.PV, 60),
    "pv-3": (Role.PV, 80),
    "bess-1": (Role.STORAGE, 50),
    "bess-2": (Role.STORAGE, 40),
    "grid-1": (Role.GRID, 1000),
}


def config(alarms: str):
    return parse_config(small_site_toml({"c1": 1502, "c2": 1503}) + "\n" + alarms, Path("/tmp/site.toml"))


def reading(
    device_id: str, ts_ms: int, ok: bool = True, suspect: frozenset[str] = frozenset(), poll_s: float = 1.0, **values
) -> Reading:
    return Reading(device_id, ROLES[device_id][0], ts_ms, MappingProxyType(values), ok, None, 0.01, poll_s, (), suspect)


class Feed:
    """A watch fed readings as the collector would, with its latest readings; collects the transitions."""

    def __init__(self, alarms: str) -> None:
        self.watch = AlarmWatch(config(alarms))
        self.latest: dict[str, Reading] = {}
        self.transitions: list[Transition] = []

    def __call__(self, r: Reading) -> list[Transition]:
        self.latest[r.device_id] = r
        out = self.watch.update(r, self.latest)
        self.transitions += out
        return out


def test_threshold_starts_after_for_s_and_clears_with_hysteresis():
    feed = Feed(
        '[[alarms]]\nid = "import-max"\nkind = "threshold"\nsite = "import_power_w"\nabove = 400000\nfor_s = 60\n'
        "clear_margin = 20000\n"
    )
    t = T0
    assert feed(reading("grid-1", t, power_w=410_000)) == []  # beyond: the wait starts
    assert feed(reading("grid-1", t + 30 * S, power_w=390_000)) == []  # a dip back: the wait starts again
    for s in range(31, 91):
        assert feed(reading("grid-1", t + s * S, power_w=405_000)) == []  # 59 s beyond: still waiting
    (start,) = feed(reading("grid-1", t + 91 * S, power_w=420_000))
    assert start.started and start.subject == SITE and start.device_id is None
    assert (start.value, start.limit, start.duration_s) == (420_000, 400_000, 60.0)
    assert start.detail == "import-max [site] import-max: import_power_w 420.000 kW above 400.000 kW for 60 s"
    assert alarm_key(start.detail) == ("import-max", "site")
    # sitting at the limit, and just inside it, never flaps: the alarm ends only 20 kW below
    for s, p in enumerate((400_000, 399_000, 401_000, 385_000, 380_001, 430_000), start=92):
        assert feed(reading("grid-1", t + s * S, power_w=p)) == []
    (end,) = feed(reading("grid-1", t + 200 * S, power_w=-5_000))  # exporting: no import at all
    assert not end.started and end.value == 0.0 and end.duration_s == 109.0
    assert end.detail.endswith("import_power_w 0.000 kW back below 400.000 kW after 109 s active")
    assert feed(reading("grid-1", t + 201 * S, power_w=0)) == []
    assert [x.started for x in feed.transitions] == [True, False]  # one each way


def test_an_unknown_value_neither_starts_nor_ends_nor_breaks_the_wait_and_nan_breaks_it():
    rule = config(
        '[[alarms]]\nid = "v"\nkind = "threshold"\ndevice = "grid-1"\nquantity = "voltage_l1_v"\n'
        "below = 200\nfor_s = 10\n"
    ).alarms[0]
    state = AlarmState(rule, "grid-1", "grid-1")
    assert state.update(T0, 190) is None
    assert state.update(T0 + 6 * S, float("nan")) is None  # not judged: the wait starts again
    assert state.update(T0 + 12 * S, 190) is None
    assert state.update(T0 + 18 * S, None) is None  # not known: the wait goes on
    assert state.update(T0 + 21 * S, 190) is None
    start = state.update(T0 + 22 * S, 185)
    assert start is not None and start.duration_s == 10.0 and state.active
    assert state.update(T0 + 23 * S, None) is None and state.active  # still active while unknown
    assert state.update(T0 + 23 * S, float("nan")) is None and state.active
    assert state.update(T0 + 24 * S, 203.9) is None  # default margin 2 % of 200 V = 4 V
    end = state.update(T0 + 25 * S, 204)
    assert end is not None and not end.started and end.duration_s == 3.0
    assert state.stop(T0 + 26 * S, "collector stopped") is None  # not active: nothing to end


def test_a_failed_poll_a_stale_member_or_a_suspect_value_is_not_known():
    cfg = config("")
    latest = {"grid-1": reading("grid-1", T0, power_w=5000)}
    assert site_value(cfg.devices, latest, "import_power_w", T0) == 5000
    assert site_value(cfg.devices, latest, "export_power_w", T0) == 0
    assert site_value(cfg.devices, latest, "import_power_w", T0 + 4 * S) is None  # > 3 poll intervals old
    latest = {"grid-1": reading("grid-1", T0, ok=False)}
    assert site_value(cfg.devices, latest, "import_power_w", T0) is None
    latest = {"grid-1": reading("grid-1", T0, suspect=frozenset({"power_w"}), power_w=5000)}
    assert site_value(cfg.devices, latest, "import_power_w", T0) is None  # frozen: doubtful, not judged
    latest = {d: reading(d, T0, power_w=1000) for d in ("pv-1", "pv-2")}
    assert site_value(cfg.devices, latest, "pv_power_w", T0) is None  # pv-3 unknown: the total is unknown
    latest["pv-3"] = reading("pv-3", T0, power_w=500)
    assert site_value(cfg.devices, latest, "pv_power_w", T0) == 2500


def test_demand_15min_is_the_rolling_mean_and_warns_at_warn_pct():
    feed = Feed('[[alarms]]\nid = "demand"\nseverity = "error"\nkind = "demand_15min"\ncontracted_kw = 500\n')
    rule = feed.watch.rules[0]
    assert rule.limit == 450.0 and rule.clear_margin == 9.0
    t = T0
    for s in range(0, 900, 10):  # 15 minutes at 400 kW: under 450
        assert feed(reading("grid-1", t + s * S, power_w=400_000)) == []
    # then 600 kW: the 15-minute mean rises by 200/90 kW per 10 s; it passes 450 after 4 steps (~488.9 kW ... )
    steps = []
    for i, s in enumerate(range(900, 1200, 10)):
        if feed(reading("grid-1", t + s * S, power_w=600_000)):
            steps.append(i)
    assert len(steps) == 1
    (start,) = feed.transitions
    assert start.started and 450 < start.value < 460 and start.limit == 450
    assert "demand_15min_kw 451.1 kW above 450.0 kW for 0 s" in start.detail
    for s in range(1200, 3000, 10):  # back to 400 kW: the mean falls below 441 kW some minutes later
        feed(reading("grid-1", t + s * S, power_w=400_000))
    assert [x.started for x in feed.transitions] == [True, False]
    assert feed.transitions[1].value <= 441


def test_rolling_mean_needs_a_full_window_and_restarts_after_a_gap():
    mean = RollingMean(window_s=60, max_gap_s=30)
    assert mean.add(T0, 10) is None
    assert mean.add(T0 + 30 * S, 20) is None
    assert mean.add(T0 + 60 * S, 30) == pytest.approx(15.0)  # 10 for 30 s, 20 for 30 s
    assert mean.add(T0 + 90 * S, 0) == pytest.approx(25.0)  # 20 for 30 s, 30 for 30 s
    assert mean.add(T0 + 89 * S, 99) is None  # earlier than the last: ignored
    assert mean.add(T0 + 200 * S, 5) is None  # a 110 s gap: starts again
    assert len(mean.samples) == 1


def test_battery_temperature_watches_each_storage_device():
    feed = Feed('[[alarms]]\nid = "hot"\nkind = "battery_temperature"\nabove = 45\nfor_s = 5\n')
    for s in range(0, 10):
        feed(reading("bess-1", T0 + s * S, temperature_c=47.0))
        feed(reading("bess-2", T0 + s * S, temperature_c=30.0))
    (start,) = feed.transitions
    assert start.subject == "bess-1" and start.device_id == "bess-1" and start.duration_s == 5.0
    assert "temperature_c 47.0 °C above 45.0 °C" in start.detail
    for s in range(10, 20):
        feed(reading("bess-1", T0 + s * S, temperature_c=44.5))  # inside the 1 degC margin: still active
    assert len(feed.transitions) == 1
    feed(reading("bess-1", T0 + 20 * S, temperature_c=43.9))
    assert [x.started for x in feed.transitions] == [True, False]
    assert feed.transitions[1].duration_s == 15.0


def test_soc_low_with_its_margin_and_the_end_when_the_collector_stops():
    feed = Feed('[[alarms]]\nid = "empty"\nseverity = "critical"\nkind = "soc_low"\nbelow = 10\n')
    assert feed(reading("bess-2", T0, soc_pct=10.0)) == []  # at the limit is not below it
    (start,) = feed(reading("bess-2", T0 + S, soc_pct=9.5))
    assert start.started and start.rule.severity == "critical"
    assert feed(reading("bess-2", T0 + 2 * S, soc_pct=10.9)) == []  # margin 1 %
    assert feed(reading("bess-2", T0 + 3 * S, soc_pct=9.0)) == []  # still the same alarm
    (end,) = feed.watch.stop(T0 + 63 * S)
    assert not end.started and end.reason == "collector stopped" and end.duration_s == 62.0
    assert "no longer watched (collector stopped) after 62 s active" in end.detail
    assert feed.watch.active() == []


def test_pv_underperforming_compares_with_the_park_median():
    feed = Feed('[[alarms]]\nid = "weak"\nkind = "pv_underperforming"\nfor_s = 600\n')
    rated = {"pv-1": 100, "pv-2": 60, "pv-3": 80}

    def tick(s: int, share: dict[str, float]) -> None:
        for d, kw_per_kw in share.items():
            feed(reading(d, T0 + s * S, poll_s=60, power_w=kw_per_kw * rated[d] * 1000))

    for s in range(0, 1200, 60):  # night: the park median 0.05 is under min_park_ratio, pv-2 dark is not judged
        tick(s, {"pv-1": 0.05, "pv-2": 0.0, "pv-3": 0.05})
    assert feed.transitions == []
    for s in range(1200, 2400, 60):  # day: pv-2 at 0.3 of rated while the others give 0.6 (ratio 0.5 < 0.7)
        tick(s, {"pv-1": 0.6, "pv-2": 0.3, "pv-3": 0.6})
    (start,) = feed.transitions
    assert start.subject == "pv-2" and start.duration_s == 600 and start.value == pytest.approx(0.5)
    assert "ratio_to_park_median 0.500 below 0.700" in start.detail
    for s in range(2400, 3000, 60):  # 0.72 of the median: inside the 0.05 margin, still active
        tick(s, {"pv-1": 0.5, "pv-2": 0.36, "pv-3": 0.5})
    assert len(feed.transitions) == 1
    tick(3000, {"pv-1": 0.5, "pv-2": 0.4, "pv-3": 0.5})  # 0.8: back
    assert [(x.subject, x.started) for x in feed.transitions] == [("pv-2", True), ("pv-2", False)]


def test_a_role_total_and_a_device_quantity():
    feed = Feed(
        '[[alarms]]\nid = "pv-low"\nkind = "threshold"\nrole = "pv"\nquantity = "power_w"\nbelow = 10000\n'
        '[[alarms]]\nid = "v"\nkind = "threshold"\ndevice = "grid-1"\nquantity = "voltage_l1_v"\nabove = 250\n'
    )
    for d in ("pv-1", "pv-2"):
        feed(reading(d, T0, power_w=2000))
    assert feed.transitions == []  # pv-3 not heard from: the total is unknown
    feed(reading("pv-3", T0, power_w=2000))
    feed(reading("grid-1", T0, power_w=0, voltage_l1_v=260))
    assert [(x.rule.id, x.subject, x.device_id) for x in feed.transitions] == [
        ("pv-low", "role pv", None),
        ("v", "grid-1", "grid-1"),
    ]
