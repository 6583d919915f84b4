"""Export and report on a database with damaged stored data: a sample block whose bytes were changed on disk,
and a table page SQLite finds malformed. Both commands (real processes) go on with the rest, name the device,
quantity and time span in a warning, and the report lists the span and counts its intervals as missing."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from energymon.report.make import read_month_report
from energymon.store import samples as raw_store
from energymon.store.damage import DamagedDataError
from energymon.store.reader import ALL_TIME, StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter

from support import PYTHON, REPO, record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, tzinfo=ZONE)
DAYS = 6
STEP_MS = 300_000  # every 5 minutes
DEVICES = [("pv-1", "pv", 50), ("pv-2", "pv", 50), ("grid", "grid", 500)]
COUNTERS = {"pv-1": "yield_wh", "pv-2": "yield_wh", "grid": "imported_wh"}
RATE_W = {"pv-1": 2000.0, "pv-2": 3000.0, "grid": 10_000.0}


def build(path: Path) -> None:
    """Six days of a counter and a power channel per device, every 5 minutes; complete UTC days in blocks."""
    record_hand_site(path, DEVICES, poll_interval_s=300.0)
    start_ms = int(START.timestamp() * 1000)
    ts = start_ms + np.arange(DAYS * 288 + 1, dtype=np.int64) * STEP_MS
    writer = StoreWriter(path, max_delay_s=60)
    for t in ts.tolist():
        for device_id, counter in COUNTERS.items():
            wh = 1e6 + RATE_W[device_id] * (t - start_ms) / 3_600_000
            writer.put_samples(SampleBatch(device_id, t, {counter: wh, "power_w": RATE_W[device_id] + t % 7}))
    writer.close()
    assert writer.error is None
    db = open_db(path)
    try:
        raw_store.compact(db, grace_ms=0)
    finally:
        db.close()


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("damaged") / "site.db"
    build(path)
    return path


@pytest.fixture
def db(clean_db, tmp_path) -> Path:
    copy = tmp_path / "site.db"
    copy.write_bytes(clean_db.read_bytes())
    return copy


def channel(path: Path, device_id: str, quantity: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT id FROM channels WHERE device_id = ? AND quantity = ?", (device_id, quantity)
        ).fetchone()[0]
    finally:
        con.close()


def damage_block(path: Path, channel_id: int, block_ms: int) -> int:
    """Flip bytes in the middle of one stored block's value blob (as a bad disk sector would); its sample count."""
    con = sqlite3.connect(path)
    try:
        count, blob = con.execute(
            "SELECT count, value FROM sample_blocks WHERE channel_id = ? AND block_ms = ?", (channel_id, block_ms)
        ).fetchone()
        middle = len(blob) // 2
        broken = blob[:middle] + bytes(b ^ 0x5A for b in blob[middle : middle + 8]) + blob[middle + 8 :]
        con.execute(
            "UPDATE sample_blocks SET value = ? WHERE channel_id = ? AND block_ms = ?", (broken, channel_id, block_ms)
        )
        con.commit()
        return count
    finally:
        con.close()


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", *args], capture_output=True, text=True, timeout=120, env=env, cwd=REPO
    )


def warnings(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if "cannot be read and are left out" in line]


UTC_DAY = int((START + timedelta(days=2)).timestamp() * 1000)
UTC_DAY -= UTC_DAY % 86_400_000  # a UTC day inside the data: 2026-10-02 08:00 - 10-03 08:00 local


def test_a_damaged_block_is_named_and_the_export_goes_on(db, tmp_path):
    pv1_power = channel(db, "pv-1", "power_w")
    lost = damage_block(db, pv1_power, UTC_DAY)
    out = tmp_path / "raw.csv"
    result = run("export", "--db", str(db), "--from", "2026-10-01", "--to", "2026-10-07", "--out", str(out))
    assert result.returncode == 0, result.stderr
    [line] = warnings(result)
    assert "pv-1 power_w: raw samples from 2026-10-02 08:00 to 2026-10-03 08:00 (Asia/Shanghai)" in line
    assert "damaged block" in line and str(db) in line
    assert "1 damaged spans left out" in result.stderr and "Traceback" not in result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text())))[1:]
    expected = (DAYS * 288 + 1) * 2 * len(DEVICES) - lost
    assert len(rows) == expected
    pv1 = [r for r in rows if r[1] == "pv-1" and r[2] == "power_w"]
    assert len(pv1) == DAYS * 288 + 1 - lost  # the channel's other days are all there
    assert {r[0][:10] for r in pv1} >= {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-06"}
    assert len([r for r in rows if r[1] == "pv-2"]) == (DAYS * 288 + 1) * 2  # other devices untouched


def test_the_reader_raises_without_a_log_and_reads_around_with_one(db):
    pv2_yield = channel(db, "pv-2", "yield_wh")
    damage_block(db, pv2_yield, UTC_DAY)
    plain = open_db(db, readonly=True)
    try:
        with pytest.raises(DamagedDataError, match="raw samples .* cannot be read: damaged block"):
            raw_store.read_raw(plain, pv2_yield, *ALL_TIME)
    finally:
        plain.close()
    reader = StoreReader(db)
    try:
        ts, _ = reader.raw("pv-2", "yield_wh", *ALL_TIME)
        assert ts.size and not ((ts >= UTC_DAY) & (ts < UTC_DAY + 86_400_000)).any()
        [span] = reader.damaged_spans()
        assert (span.device_id, span.quantity, span.from_ms, span.to_ms) == (
            "pv-2",
            "yield_wh",
            UTC_DAY,
            UTC_DAY + 86_400_000,
        )
    finally:
        reader.close()


def test_the_report_lists_the_damaged_block_and_counts_it_missing(db, clean_db, tmp_path):
    damage_block(db, channel(db, "pv-1", "yield_wh"), UTC_DAY)
    clean = read_month_report(clean_db, "2026-10")
    report = read_month_report(db, "2026-10")
    assert [(s.device_id, s.quantity) for s in report.damaged] == [("pv-1", "yield_wh")]  # power is not read
    pv1 = next(d for d in report.devices if d.device_id == "pv-1")
    pv1_clean = next(d for d in clean.devices if d.device_id == "pv-1")
    assert pv1.coverage_pct < pv1_clean.coverage_pct  # the damaged day's intervals have no data
    # the counter delta across the damaged day keeps the month's energy (spread over the gap, not covered)
    assert pv1.energy_wh["pv_wh"] == pytest.approx(pv1_clean.energy_wh["pv_wh"], rel=1e-9)
    assert report.total.spread_intervals > clean.total.spread_intervals
    for lang in ("en", "zh"):
        pdf = tmp_path / f"r-{lang}.pdf"
        result = run("report", "--db", str(db), "--month", "2026-10", "--lang", lang, "--out", str(pdf))
        assert result.returncode == 0, result.stderr
        assert len(warnings(result)) == 1
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        heading = {"en": "Stored data that could not be read", "zh": "无法读取的存储数据"}[lang]
        assert heading in text and "yield_wh" in text
    xlsx = tmp_path / "r.xlsx"
    assert run("report", "--db", str(db), "--month", "2026-10", "--out", str(xlsx)).returncode == 0
    sheet = load_workbook(xlsx)["Data quality"]
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, min_col=8, max_col=10)]
    assert [r for r in cells if r[0]] == [["pv-1", "yield_wh", "raw samples"]]


def leaf_pages(path: Path, table: str) -> list[tuple[int, int, int]]:
    """(page number, first rowid, last rowid) of each leaf page of a rowid table, in rowid order."""
    con = sqlite3.connect(path)
    try:
        leaves = con.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path", (table,)
        ).fetchall()
        rowids = [r for (r,) in con.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
    finally:
        con.close()
    out, i = [], 0
    for pageno, ncell in leaves:
        out.append((pageno, rowids[i], rowids[i + ncell - 1]))
        i += ncell
    return out


def test_a_malformed_page_is_named_and_export_and_report_go_on(db, tmp_path):
    leaves = leaf_pages(db, "sample_blocks")
    assert len(leaves) >= 2, "the test needs the blocks spread over several pages"
    pageno, first, last = leaves[1]
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    hit = con.execute(
        "SELECT c.device_id, c.quantity, b.block_ms, b.count FROM sample_blocks b"
        " JOIN channels c ON c.id = b.channel_id WHERE b.rowid BETWEEN ? AND ?",
        (first, last),
    ).fetchall()
    total = con.execute("SELECT (SELECT count(*) FROM samples) + (SELECT sum(count) FROM sample_blocks)").fetchone()[0]
    con.close()
    with db.open("r+b") as f:
        f.seek((pageno - 1) * page_size)
        f.write(b"\xa5" * page_size)
    out = tmp_path / "raw.csv"
    result = run("export", "--db", str(db), "--from", "2026-09-30", "--to", "2026-10-07", "--out", str(out))
    assert result.returncode == 0, result.stderr
    named = {tuple(line.split(": ")[3].split()) for line in warnings(result)}
    assert named == {(d, q) for d, q, _, _ in hit}
    assert all("damaged" in line for line in warnings(result))
    rows = list(csv.reader(io.StringIO(out.read_text())))[1:]
    assert len(rows) == total - sum(n for _, _, _, n in hit)  # everything else is exported
    pdf = tmp_path / "r.pdf"
    report = run("report", "--db", str(db), "--month", "2026-10", "--out", str(pdf))
    assert report.returncode == 0, report.stderr
    assert warnings(report) and "internal error" not in report.stderr
    assert "Stored data that could not be read" in "".join(p.extract_text() for p in PdfReader(pdf).pages)
