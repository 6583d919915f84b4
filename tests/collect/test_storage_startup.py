"""``energymon collect`` (a real process) on a database it cannot write at start: read-only, full disk,
write-locked, damaged. Each is one line naming the file and the cause, and exit 2; a damaged page that
still opens gives a warning from the start-up quick_check, a ``database_damaged`` event, and collection."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from energymon.config import load_config
from energymon.store.startup import start_writer

from fault_fs import fill, immutable, small_filesystem, write_lock
from support import PYTHON, REPO, free_port, small_site_toml, write_config

pytestmark = pytest.mark.process


def site(directory: Path) -> Path:
    """A config (devices on a port nothing listens on) and its database, written once and closed."""
    ports = {"c1": free_port(), "c2": free_port()}
    config_path = write_config(directory, small_site_toml(ports, timeout_s=0.2))
    start_writer(directory / "site.db", load_config(config_path)).close()
    return config_path


def collect(config_path: Path, *extra: str, timeout_s: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", "collect", "--config", str(config_path), "--duration", "2", *extra],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
        cwd=REPO,
    )


def one_error_line(result: subprocess.CompletedProcess, db_path: Path, cause: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"energymon: error: {db_path}: ") and cause in lines[0], lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


def test_a_read_only_database_file(tmp_path):
    config_path = site(tmp_path)
    with immutable(tmp_path / "site.db"):
        result = collect(config_path)
    one_error_line(result, tmp_path / "site.db", "the database file is read-only")


def test_a_full_disk_at_start(tmp_path):
    directory = tmp_path / "small-disk"
    with small_filesystem(directory, size_kb=1024):
        config_path = site(directory)
        filler = fill(directory)
        result = collect(config_path)
        filler.unlink()
    one_error_line(result, directory / "site.db", "the disk is full")


@pytest.mark.slow
def test_a_database_write_locked_by_another_program(tmp_path):
    config_path = site(tmp_path)
    with write_lock(tmp_path / "site.db"):  # for longer than the 10 s busy timeout the collector waits
        result = collect(config_path)
    one_error_line(result, tmp_path / "site.db", "another program holds a write lock")


def test_a_damaged_file_that_does_not_open(tmp_path):
    config_path = site(tmp_path)
    db_path = tmp_path / "site.db"
    with db_path.open("r+b") as f:  # the header and the schema page overwritten
        f.write(b"\x5a" * 4096)
    one_error_line(collect(config_path), db_path, "damaged")


def test_a_damaged_page_is_reported_and_collection_goes_on(tmp_path):
    config_path = site(tmp_path)
    db_path = tmp_path / "site.db"
    con = sqlite3.connect(db_path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sample_blocks'").fetchone()[0]
    con.close()
    with db_path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)
    result = collect(config_path, "--summary-every", "0")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "quick_check found" in line]
    assert len(warnings) == 1 and str(db_path) in warnings[0] and "damaged" in warnings[0]
    con = sqlite3.connect(db_path)
    kinds = [k for (k,) in con.execute("SELECT kind FROM events ORDER BY id")]
    con.close()
    assert "database_damaged" in kinds and "collector_stopped" in kinds


def gui(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", "gui", *args], capture_output=True, text=True, timeout=60, env=env, cwd=REPO
    )


@pytest.mark.gui
def test_the_gui_refuses_the_same_databases_before_any_window(tmp_path):
    config_path = site(tmp_path)
    db_path = tmp_path / "site.db"
    with immutable(db_path):
        one_error_line(gui("--config", str(config_path)), db_path, "the database file is read-only")
    with db_path.open("r+b") as f:
        f.write(b"\x5a" * 4096)
    one_error_line(gui("--no-collect", "--db", str(db_path)), db_path, "not a database")
