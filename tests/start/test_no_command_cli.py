"""``energymon`` without a command, as a real process: the start-up failures of ``gui`` apply to it too."""

from __future__ import annotations

import os
import subprocess

import pytest

from support import PYTHON, REPO

pytestmark = pytest.mark.process


def no_display(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["ENERGYMON_CONFIG_DIR"] = str(tmp_path / "config")
    return env


@pytest.mark.timeout(60)
def test_no_command_without_a_display_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run(
        [PYTHON, "-m", "energymon.cli"], cwd=REPO, env=no_display(tmp_path), capture_output=True, text=True, timeout=50
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("energymon: error: no X display: DISPLAY is not set"), proc.stderr
    assert "QT_QPA_PLATFORM=offscreen" in lines[0] and "energymon --help" in lines[0]
    assert proc.stdout == "" and not (tmp_path / "config").exists()  # nothing opened, nothing recorded


@pytest.mark.timeout(60)
def test_help_and_version_are_unchanged_without_a_command(tmp_path):
    proc = subprocess.run(
        [PYTHON, "-m", "energymon.cli", "--help"], cwd=REPO, env=no_display(tmp_path), capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("usage: energymon [-h] [--version] COMMAND ...")
