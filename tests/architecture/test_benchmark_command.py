"""`python -m benchmarks` (benchmarks/__main__.py): one table of every benchmark's rows; a benchmark that is
missing or fails is a row saying so, and the exit status says whether every target was met."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def command():
    spec = importlib.util.spec_from_file_location("benchmarks_main", ROOT / "benchmarks" / "__main__.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_has_a_line_per_row_and_says_which_targets_are_missed(command):
    rows = [
        {"figure": "year view", "target": 300.0, "measured": 106.0, "baseline": 0.8, "ratio": 132.5, "unit": "ms",
         "ok": True},
        {"figure": "monthly report", "target": 2000.0, "measured": 8000.0, "baseline": None, "ratio": None,
         "unit": "ms", "ok": False},
        {"figure": "bytes per sample", "measured": 3.4, "unit": "B", "ok": None},
        {"figure": "simulator", "target": "<= 1 core", "measured": 0.28, "unit": "core", "ok": True},
    ]  # fmt: skip
    lines = command.table_text(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert "met" in lines[2] and "106 ms" in lines[2] and "132.50 x" in lines[2]
    assert lines[3].endswith("MISSED") and "8,000 ms" in lines[3]
    assert "3.40 B" in lines[4] and lines[4].endswith("—")
    assert "<= 1 core" in lines[5] and "0.28 core" in lines[5]


def test_a_missing_or_failing_benchmark_is_a_row_and_fails_the_run(command, monkeypatch, tmp_path):
    (tmp_path / "bench_fails.py").write_text("def run(quick):\n    raise RuntimeError('no server')\n")
    (tmp_path / "bench_fine.py").write_text(
        "def run(quick):\n    return [{'figure': 'x', 'target': 2.0, 'measured': 1.0, 'unit': 's', 'ok': True}]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    rows = command.run_module("bench_fails", True, None) + command.run_module("bench_absent_here", True, None)
    assert [r["ok"] for r in rows] == [False, False]
    assert "RuntimeError: no server" in rows[0]["figure"] and "not available" in rows[1]["figure"]
    assert command.run_module("bench_fine", True, None)[0]["ok"] is True
    monkeypatch.setattr(command, "MODULES", (("fine", "bench_fine", None),))
    assert command.main(["--quick"]) == 0
    monkeypatch.setattr(command, "MODULES", (("fine", "bench_fine", None), ("fails", "bench_fails", None)))
    assert command.main(["--quick", "--json", str(tmp_path / "rows.json")]) == 1
    assert (tmp_path / "rows.json").read_text().count('"figure"') == 2
