"""benchmarks/gui_load.py: the GUI-lag scenario's rows for ``python -m benchmarks`` (on a tiny park, a few seconds:
the rows' shape, not their speed), and how late ticks are split into the GUI thread's work, waits and GC passes."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import gui_load  # noqa: E402


def window(lags_ms, cpu_s, queued_s, gc_passes=()) -> gui_load.Window:
    ticks_s = 100.0 + np.cumsum(np.array(lags_ms) + 10.0) / 1000
    return gui_load.Window(
        "load", np.array(lags_ms, float), ticks_s, np.array(cpu_s), np.array(queued_s), list(gc_passes), [], 1.0, 0
    )


def test_a_late_tick_is_split_into_work_os_wait_and_the_rest_and_matched_to_gc_passes():
    # ticks: on time, late by 90 ms (100 ms since the previous tick: 20 ms CPU, 30 ms in the run queue), on time
    w = window([0.0, 90.0, 0.0], cpu_s=[1.0, 1.020, 1.021], queued_s=[5.0, 5.030, 5.030])
    stall_end_s = w.ticks_s[1]
    w.gc_passes.append((stall_end_s - 0.010, 2, 40.0, "extra-collection"))  # 40 ms, ended 10 ms before the tick
    w.gc_passes.append((stall_end_s + 1.0, 0, 6.0, "extra-collection"))  # after it: not counted
    causes = gui_load.late_tick_causes(w)
    assert causes["late"] == 1
    assert causes["work_pct"] == pytest.approx(20.0)
    assert causes["os_wait_pct"] == pytest.approx(30.0)
    assert causes["other_pct"] == pytest.approx(50.0)
    assert (causes["with_gc"], causes["with_gen2_gc"]) == (1, 1)
    assert causes["gc_pct"] == pytest.approx(40.0)


def test_ticks_within_the_bound_are_not_late():
    w = window([5.0, 39.0, 12.0], cpu_s=[0.0, 0.01, 0.02], queued_s=[0.0, 0.0, 0.0])
    assert gui_load.late_tick_causes(w)["late"] == 0


@pytest.mark.gui
@pytest.mark.wire
@pytest.mark.process
@pytest.mark.slow
@pytest.mark.usefixtures("isolated_settings")
def test_the_scenario_gives_well_formed_rows_on_a_tiny_park():
    windows = gui_load.Windows(
        baseline_s=0.5, demo_warmup_s=0.5, demo_s=1.5, load_warmup_s=2.0, load_s=2.0, pairs=1, backfill_days=0
    )
    figures = gui_load.run_scenarios(True, devices=20, windows=windows)
    assert [w.kind for w in figures.windows] == ["baseline", "demo", "load"]
    assert all(w.lags_ms.size > 10 and w.ticks_s.size == w.lags_ms.size for w in figures.windows)
    assert figures.on_time[0]["devices"] == 20 and figures.polls[0] > 0
    rows = gui_load.rows(figures)
    by_figure = {r["figure"]: r for r in rows}
    at = "GUI lag, demo + 20 devices"
    assert set(by_figure) == {
        f"{at}: p99.9",
        f"{at}: max",
        f"{at}: p99",
        "GUI lag, demo alone: p99.9",
        "GUI lag, demo alone: max",
        "GUI lag, demo alone: p99",
        f"{at}: its polls on time (worst window)",
    }
    assert (by_figure[f"{at}: p99.9"]["target"], by_figure[f"{at}: max"]["target"]) == (50.0, 100.0)
    for r in rows:
        assert r["unit"] in ("ms", "%") and math.isfinite(r["measured"]) and r["measured"] >= 0
        assert isinstance(r["load"], float)
        if r["target"] is None:
            assert r["ok"] is None
        else:
            assert r["ok"] is (r["measured"] < r["target"])
            assert r["baseline"] is not None and r["baseline"] >= 0
    assert 0 <= by_figure[f"{at}: its polls on time (worst window)"]["measured"] <= 100
    assert by_figure[f"{at}: max"]["measured"] >= by_figure[f"{at}: p99.9"]["measured"]
