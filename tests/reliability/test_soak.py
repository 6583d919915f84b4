"""The soak's short mode (one cycle of every fault, about a minute) in the suite; the long run is by hand:
``python tests/reliability/soak.py --minutes 30 --dir /tmp/soak`` (figures in the issue notes)."""

from __future__ import annotations

import pytest

from soak import CLEAN, main

pytestmark = [pytest.mark.soak, pytest.mark.slow, pytest.mark.wire, pytest.mark.timeout(240)]

RATED_W = {"pv-1": 100_000.0, "bess-1": 50_000.0}  # small_site_toml's ratings
EDGE_S = 5.0  # the simulator counts from just before the first poll to just after the last


def test_one_cycle_of_every_fault_loses_nothing_and_says_everything(tmp_path, capsys):
    code = main(["--minutes", "1", "--dir", str(tmp_path), "--disk-mb", "64"])
    out = capsys.readouterr().out
    import json

    figures = json.loads(out[out.index("{") :])
    assert figures["samples_lost"] == 0 and figures["samples_produced"] > 5_000, figures
    assert figures["missing_events"] == [], figures["missing_events"]
    assert figures["integrity"] == "ok"
    assert figures["storage_faults"] == {"disk full": 1, "write lock": 1}
    for key, (counted, true) in figures["energy_counted_vs_true_wh"].items():
        device = key.split(".")[0]
        assert device in CLEAN
        assert abs(counted - true) <= RATED_W[device] * EDGE_S / 3600, (key, counted, true)
    assert any(counted > 0 for counted, _ in figures["energy_counted_vs_true_wh"].values())  # PV at noon
    assert code == 0
