"""benchmarks/bench_gui_start.py: a started GUI process reports its first frame and the overview's figures, on the
shared monotonic clock (the rows' shape and order, not their speed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_gui_start  # noqa: E402

from support import record_hand_site  # noqa: E402

pytestmark = pytest.mark.gui


def test_an_empty_window_and_a_site_window_report_their_first_frame_then_their_figures(tmp_path):
    frame, figures = bench_gui_start.one_start(None)
    assert 0 < frame <= figures < bench_gui_start.TIMEOUT_S
    db = tmp_path / "site.db"
    record_hand_site(db)
    frame, figures = bench_gui_start.one_start(db)
    assert 0 < frame <= figures < bench_gui_start.TIMEOUT_S


def test_a_start_that_fails_is_an_error_not_a_figure(tmp_path):
    with pytest.raises(RuntimeError, match="GUI start failed"):
        bench_gui_start.one_start(tmp_path / "missing.db")
