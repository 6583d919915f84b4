"""energymon export: raw and rollup CSV, read back; local time with offset (also across a DST change)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from energymon.site_time import DAY_MS
from energymon.store.export import ExportError, export_csv, parse_when
from energymon.store.reader import StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter

S = 1000
DAY0 = 1_790_000_000_000 - 1_790_000_000_000 % DAY_MS  # 2026-09-21 00:00 UTC
BERLIN = ZoneInfo("Europe/Berlin")


def make_db(path, zone: str, batches) -> None:
    db = open_db(path)
    db.table("site").upsert({"key": "timezone", "value": json.dumps(zone)}, pk="key")
    db.close()
    writer = StoreWriter(path, max_rows=1)
    for batch in batches:
        writer.put_samples(batch)
    writer.close()
    assert writer.error is None


def export(path, start, end, interval="raw", devices=None) -> list[list[str]]:
    reader = StoreReader(path)
    try:
        zone = ZoneInfo(reader.site()["timezone"])
        out = io.StringIO()
        export_csv(reader, out, parse_when(start, zone, False), parse_when(end, zone, True), interval, devices)
    finally:
        reader.close()
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.fixture
def shanghai_db(tmp_path):
    path = tmp_path / "x.db"
    make_db(
        path,
        "Asia/Shanghai",
        [
            SampleBatch("grid", DAY0 + 250, {"power_w": 1500.5, "imported_wh": 1000.0}),
            SampleBatch("pv", DAY0 + 3 * S, {"power_w": 0.1 + 0.2}),  # a float that needs all its digits
            SampleBatch("grid", DAY0 + 65 * S, {"power_w": -20.0, "imported_wh": 1002.0}),
            SampleBatch("grid", DAY0 + 16 * 3600 * S, {"power_w": 7.0}),  # 00:00 local the next day
        ],
    )
    return path


def test_raw_rows_in_local_time_with_offset_sorted_by_time(shanghai_db):
    rows = export(shanghai_db, "2026-09-21", "2026-09-21")
    assert rows == [
        ["timestamp", "device_id", "quantity", "value"],
        ["2026-09-21T08:00:00.250+08:00", "grid", "imported_wh", "1000.0"],
        ["2026-09-21T08:00:00.250+08:00", "grid", "power_w", "1500.5"],
        ["2026-09-21T08:00:03.000+08:00", "pv", "power_w", "0.30000000000000004"],
        ["2026-09-21T08:01:05.000+08:00", "grid", "imported_wh", "1002.0"],
        ["2026-09-21T08:01:05.000+08:00", "grid", "power_w", "-20.0"],
    ]  # the 00:00 sample of 22 September is not in the day
    assert float(rows[3][3]) == 0.1 + 0.2  # reads back as the same float
    next_day = export(shanghai_db, "2026-09-22", "2026-09-22", devices=["grid"])
    assert next_day[1:] == [["2026-09-22T00:00:00.000+08:00", "grid", "power_w", "7.0"]]


def test_rollup_rows_mean_for_measurements_last_reading_for_counters(shanghai_db):
    rows = export(shanghai_db, "2026-09-21", "2026-09-21", interval="15min", devices=["grid"])
    assert rows == [
        ["timestamp", "device_id", "quantity", "value", "min", "max", "first", "last", "samples"],
        ["2026-09-21T08:00:00+08:00", "grid", "imported_wh", "1002.0", "", "", "1000.0", "1002.0", "2"],
        ["2026-09-21T08:00:00+08:00", "grid", "power_w", "740.25", "-20.0", "1500.5", "", "", "2"],
    ]
    minutes = export(shanghai_db, "2026-09-21", "2026-09-21", interval="1min", devices=["grid"])
    assert [r[0] for r in minutes[1:]] == ["2026-09-21T08:00:00+08:00"] * 2 + ["2026-09-21T08:01:00+08:00"] * 2
    days = export(shanghai_db, "2026-09-21", "2026-09-22", interval="1d", devices=["grid"])
    assert [(r[0], r[2], r[8]) for r in days[1:]] == [
        ("2026-09-21T00:00:00+08:00", "imported_wh", "2"),
        ("2026-09-21T00:00:00+08:00", "power_w", "2"),
        ("2026-09-22T00:00:00+08:00", "power_w", "1"),
    ]


def test_a_day_with_a_dst_change_has_both_offsets(tmp_path):
    path = tmp_path / "dst.db"
    change = int(datetime(2026, 10, 25, 1, 0, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)  # 03:00 CEST -> 02:00 CET
    make_db(
        path, "Europe/Berlin", [SampleBatch("m", change + k * 1800 * S, {"power_w": float(k)}) for k in (-2, -1, 0, 1)]
    )
    rows = export(path, "2026-10-25", "2026-10-25")
    assert [r[0] for r in rows[1:]] == [
        "2026-10-25T02:00:00.000+02:00",
        "2026-10-25T02:30:00.000+02:00",
        "2026-10-25T02:00:00.000+01:00",
        "2026-10-25T02:30:00.000+01:00",
    ]
    hours = export(path, "2026-10-25", "2026-10-25", interval="1h")
    assert [(r[0], r[3]) for r in hours[1:]] == [
        ("2026-10-25T02:00:00+02:00", "-1.5"),
        ("2026-10-25T02:00:00+01:00", "0.5"),
    ]  # the repeated hour twice


def test_bad_arguments_are_named(shanghai_db):
    zone = ZoneInfo("Asia/Shanghai")
    with pytest.raises(ExportError, match="not a date"):
        parse_when("2026-02-30", zone, False)
    with pytest.raises(ExportError, match="--device nope"):
        export(shanghai_db, "2026-09-21", "2026-09-21", devices=["nope"])


@pytest.mark.process
def test_cli_export_with_db_alone_and_one_line_errors(shanghai_db, tmp_path):
    out = tmp_path / "out.csv"
    run = [sys.executable, "-m", "energymon.cli", "export", "--db", str(shanghai_db)]
    done = subprocess.run(
        run + ["--from", "2026-09-21", "--to", "2026-09-22", "--interval", "1h", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "exported 4 rows (1h)" in done.stderr
    with out.open(newline="") as f:
        assert len(list(csv.reader(f))) == 5
    for bad, expected in [
        (["--from", "2026-09-22", "--to", "2026-09-21"], "--to 2026-09-21 ends before"),
        (["--from", "yesterday", "--to", "2026-09-21"], "'yesterday' is not a date"),
        (["--from", "2026-09-21", "--to", "2026-09-21", "--device", "x"], "--device x"),
    ]:
        done = subprocess.run(
            run + bad + ["--out", str(tmp_path / "bad.csv")], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2 and expected in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "bad.csv").exists() and not (tmp_path / "bad.csv.partial").exists()
