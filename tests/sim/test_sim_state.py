"""A restarted simulator resumes its counters and SoC, so a demo restart never looks like a replaced meter."""

from __future__ import annotations

import json

import pytest

from drivers.quantities import Role
from energymon.sim.park import Park
from energymon.sim.serve import SimulatedPark

from support import NIGHT_S, FrozenClock, run


def _balance_terms(park: Park) -> dict[str, float]:
    """Site-wide counter sums [Wh] by flow."""
    sums = {"pv": 0.0, "imp": 0.0, "exp": 0.0, "dis": 0.0, "chg": 0.0, "load": 0.0}
    for sim in park.devices.values():
        c = sim.counters_wh
        role = sim.device.role
        if role is Role.PV:
            sums["pv"] += c["yield_wh"]
        elif role is Role.GRID:
            sums["imp"] += c["imported_wh"]
            sums["exp"] += c["exported_wh"]
        elif role is Role.STORAGE:
            sums["dis"] += c["discharged_wh"]
            sums["chg"] += c["charged_wh"]
        elif role is Role.LOAD:
            sums["load"] += c["consumed_wh"]
    return sums


def test_restore_continues_counting_through_the_gap(demo_config):
    first = Park(demo_config, NIGHT_S, seed=3)
    start = _balance_terms(first)
    first.advance_to(NIGHT_S + 2 * 3600)
    saved = json.loads(json.dumps(first.state()))  # survives JSON as written to disk
    last_seen = {d: dict(s.counters_wh) for d, s in first.devices.items()}

    # Restart 10 hours later (across sunrise): a fresh park restores, then catches up to now.
    second = Park(demo_config, NIGHT_S + 12 * 3600, seed=3)
    assert second.restore(saved)
    assert second.t_s == NIGHT_S + 12 * 3600
    for device_id, sim in second.devices.items():
        for quantity, value in sim.counters_wh.items():
            assert value >= last_seen[device_id][quantity]  # never a drop: no fake meter replacement
    pv = sum(s.counters_wh["yield_wh"] for s in second.devices.values() if s.device.role is Role.PV)
    assert pv > sum(v["yield_wh"] for d, v in last_seen.items() if "yield_wh" in v)  # the sun rose meanwhile

    # Energy still balances over the whole 12 h, through the restart and the coarse catch-up steps.
    end = _balance_terms(second)
    d = {k: end[k] - start[k] for k in end}
    supplied = d["pv"] + d["imp"] - d["exp"] + d["dis"] - d["chg"]
    assert abs(supplied - d["load"]) <= 1e-6 * d["load"]


def test_restore_refuses_a_state_of_another_park_or_from_the_future(demo_config, small_config):
    park = Park(demo_config, NIGHT_S)
    other = Park(small_config, NIGHT_S).state()
    before = park.state()
    assert not park.restore(other)
    future = dict(before, t_s=NIGHT_S + 3600)
    assert not park.restore(future)
    assert not park.restore({"version": 99})
    assert park.state() == before


@pytest.mark.wire
def test_simulated_park_saves_on_stop_and_resumes(tmp_path, demo_config):
    clock = FrozenClock(NIGHT_S)
    state_path = tmp_path / "state.json"

    async def serve_once(ports_free: bool = True) -> SimulatedPark:
        sim = SimulatedPark(
            demo_config,
            seed=1,
            clock=clock,
            host="127.0.0.1",
            ports={n: 0 for n in demo_config.connections},
            state_path=state_path,
        )
        await sim.start()
        clock.advance(1800)
        await sim.stop()
        return sim

    first = run(serve_once)
    assert not first.resumed and state_path.exists()
    grid_after_first = first.park.devices["grid"].counters_wh["imported_wh"]
    second = run(serve_once)
    assert second.resumed
    assert second.park.devices["grid"].counters_wh["imported_wh"] > grid_after_first


@pytest.mark.wire
def test_a_corrupt_state_file_starts_fresh(tmp_path, demo_config):
    state_path = tmp_path / "state.json"
    state_path.write_text("{not json", encoding="utf-8")
    sim = SimulatedPark(demo_config, clock=FrozenClock(NIGHT_S), state_path=state_path)
    assert not sim.resumed
    fresh = Park(demo_config, NIGHT_S)
    assert sim.park.state()["devices"] == fresh.state()["devices"]


def test_continue_from_the_databases_last_counters_never_steps_back(demo_config):
    """What a site's database last stored (e.g. after a history fill, state file lost) is continued: every
    counter the database has goes on from its value, through the gap; what it lacks stays fresh."""
    stored_at = NIGHT_S + 3600
    first = Park(demo_config, NIGHT_S, seed=3)
    first.advance_to(stored_at)
    last = {d: {**s.counters_wh, "soc_pct": s.soc_pct} for d, s in first.devices.items()}
    missing = next(iter(last))
    del last[missing]  # a device the database has nothing of

    fresh = Park(demo_config, NIGHT_S + 5 * 3600, seed=9)  # another seed: its own fresh counters
    before = {d: dict(s.counters_wh) for d, s in fresh.devices.items()}
    continued = fresh.continue_from(last, stored_at)
    assert set(continued) == {d for d, c in last.items() if set(c) != {"soc_pct"}}  # a sensor has no counters
    for device_id, sim in fresh.devices.items():
        for quantity, value in sim.counters_wh.items():
            if device_id == missing:
                assert value >= before[device_id][quantity]
            else:
                assert value >= last[device_id][quantity]  # never below what the database holds
    assert fresh.t_s == NIGHT_S + 5 * 3600


@pytest.mark.process
def test_simulate_without_state_continues_the_database_and_resumes_its_own_state(tmp_path, demo_config):
    """`energymon simulate` (no --state) after a history fill resumes the fill's state next to the database;
    with no state file it continues the database's last counters; either way it says which."""
    import shutil
    import subprocess

    from support import PYTHON, REPO, free_port, small_site_toml, write_config

    config = write_config(tmp_path, small_site_toml({"c1": free_port(), "c2": free_port()}))

    def simulate(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "energymon.cli", "simulate", "--config", str(config), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )

    filled = simulate("--backfill-days", "0.05")
    assert filled.returncode == 0, filled.stderr
    state = tmp_path / "site.db.sim-state.json"
    assert state.is_file()
    served = simulate("--duration", "1")
    assert served.returncode == 0, served.stderr
    assert f"resumed counters and SoC from {state}" in served.stdout
    shutil.move(state, tmp_path / "elsewhere.json")
    served = simulate("--duration", "1")
    assert served.returncode == 0, served.stderr
    assert "continued the counters of 9 of 9 devices from the last values in" in served.stdout, served.stdout
