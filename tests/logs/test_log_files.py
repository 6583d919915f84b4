"""The rotating log files (energymon.log_files) and what the CLI puts in them: real files in a temporary folder."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from energymon import log_files
from energymon.cli.main import main

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (INFO|WARNING|ERROR) ")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv(log_files.LOG_DIR_ENV, str(folder))
    yield folder
    log_files.uninstall()


def test_lines_carry_the_utc_offset_and_utf8(log_dir: Path) -> None:
    path = log_files.install("collect")
    assert path == log_dir / "energymon-collect.log" == log_files.current_log_path()
    logging.getLogger("energymon.collector").warning("meter 仓库-1: offline")
    log_files.uninstall()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and STAMP.match(lines[0]), lines
    assert lines[0].endswith("WARNING energymon.collector: meter 仓库-1: offline")
    assert log_files.current_log_path() is None


def test_rotates_at_1_mb_keeping_5_files(log_dir: Path) -> None:
    path = log_files.install("demo")
    assert path is not None
    line = "x" * 2000
    for _ in range(7 * log_files.MAX_BYTES // 2000):  # 7 MB: more than the file and its 5 backups hold
        logging.getLogger("energymon.test").info(line)
    log_files.uninstall()
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == ["energymon-demo.log"] + [f"energymon-demo.log.{i}" for i in range(1, 6)]
    assert all(p.stat().st_size <= log_files.MAX_BYTES for p in log_dir.iterdir())


def test_unwritable_folder_is_said_once_and_the_command_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(log_files.LOG_DIR_ENV, str(blocker / "logs"))  # root can write anywhere, not under a file
    code = main(["collect", "--config", str(tmp_path / "missing.toml")])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert [line for line in err if "no log file" in line] == [
        f"energymon: warning: no log file ({blocker / 'logs' / 'energymon-collect.log'}: Not a directory); "
        "logging to stderr only"
    ]
    assert err[-1].startswith("energymon: error:") and "missing.toml" in err[-1]


def test_cli_logs_start_error_and_exit_code_to_the_file_only(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["collect", "--config", str(tmp_path / "missing.toml")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1  # stderr as before: the one error line
    lines = (log_dir / "energymon-collect.log").read_text(encoding="utf-8").splitlines()
    assert all(STAMP.match(line) for line in lines), lines
    assert "collect started (pid" in lines[0]
    assert "ERROR energymon.cli: error:" in lines[1] and "missing.toml" in lines[1]
    assert lines[2].endswith("energymon collect exited with code 2")


def test_commands_without_a_kind_write_no_file(log_dir: Path, tmp_path: Path) -> None:
    assert main(["check-config", "--config", str(tmp_path / "missing.toml")]) == 2
    assert not log_dir.exists()


def test_tail_gives_the_newest_lines(tmp_path: Path) -> None:
    path = tmp_path / "some.log"
    assert log_files.tail(path) == []
    path.write_bytes("".join(f"line {i} 行\n" for i in range(1000)).encode() + b"\xff broken\n")
    assert log_files.tail(path, lines=3) == ["line 998 行", "line 999 行", "\ufffd broken"]
    cut = log_files.tail(path, lines=1000, max_bytes=100)
    assert cut[-1] == "\ufffd broken" and cut[0].startswith("line ") and len(cut) < 10  # the cut first line left out


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log kind"):
        log_files.log_path("report")
