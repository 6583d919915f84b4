"""Start failures of the GUI before its window is up (energymon.cli.gui_check, ui.app): each one line naming
the cause and the fix, exit 2, never Qt's abort (exit 134) - run as real processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from energymon.cli.gui_check import debian_package, gui_problem, library_problem

from support import PYTHON, REPO

pytestmark = pytest.mark.process
TIMEOUT_S = 60


def energymon(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )


def environment(**changes: str) -> dict[str, str]:
    """This process's environment without any display, and with ``changes``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_PLUGIN_PATH")}
    env.pop("QT_QPA_PLATFORM", None)
    env.update(changes)
    return env


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr  # no Qt message, no "QThread: Destroyed while thread ... running"
    assert lines[0].startswith("energymon: error: ")
    return lines[0]


def test_a_missing_database_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "missing.db"
    line = one_error_line(
        energymon(["gui", "--no-collect", "--db", str(missing)], environment(QT_QPA_PLATFORM="offscreen"))
    )
    assert str(missing) in line and "not found" in line
    assert not missing.exists()  # a viewer creates nothing


def test_a_database_without_a_site_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a)")
    line = one_error_line(
        energymon(["gui", "--no-collect", "--db", str(path)], environment(QT_QPA_PLATFORM="offscreen"))
    )
    assert str(path) in line and "energymon database" in line


def test_no_display_is_one_line_naming_the_cause_and_the_fix(tmp_path):
    proc = energymon(["gui", "--no-collect", "--db", str(tmp_path / "x.db")], environment(QT_QPA_PLATFORM="xcb"))
    line = one_error_line(proc)
    assert "DISPLAY is not set" in line and "QT_QPA_PLATFORM=offscreen" in line
    # The same for the demo, and the check is made before anything starts.
    line = one_error_line(energymon(["demo", "--duration", "1"], environment()))
    assert "DISPLAY is not set" in line and "--headless" in line


def broken_plugin(directory: Path, platform: str) -> Path:
    """A Qt plugin path whose ``platform`` plugin needs a library that does not exist (built with the C compiler)."""
    build = directory / "build"
    build.mkdir()
    (build / "absent.c").write_text("int energymon_absent(void) { return 1; }\n")
    (build / "plugin.c").write_text(
        'const char qt_metadata[] = "qt-project!";\nint energymon_absent(void);\n'
        "int energymon_use(void) { return energymon_absent(); }\n"
    )
    absent = build / "libenergymon-absent.so.1"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-Wl,-soname,libenergymon-absent.so.1", "-o", absent, build / "absent.c"],
        check=True,
        timeout=TIMEOUT_S,
    )
    plugins = directory / "plugins"
    (plugins / "platforms").mkdir(parents=True)
    plugin = plugins / "platforms" / f"libq{platform}.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", plugin, build / "plugin.c", absent], check=True, timeout=TIMEOUT_S)
    shutil.rmtree(build)  # now the plugin's library is missing
    return plugins


@pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("ldd") is None, reason="needs gcc and ldd")
def test_a_platform_plugin_missing_a_library_is_one_line_naming_it(tmp_path):
    plugins = broken_plugin(tmp_path, "offscreen")
    env = environment(QT_QPA_PLATFORM="offscreen", QT_PLUGIN_PATH=str(plugins))
    assert "libenergymon-absent.so.1" in (gui_problem(env) or "")
    line = one_error_line(energymon(["gui", "--no-collect", "--db", str(tmp_path / "x.db")], env))
    assert "libenergymon-absent.so.1 not found" in line
    assert "sudo apt install libenergymon-absent1" in line  # the fix: the package that ships it


def test_the_usual_platforms_pass_the_check():
    assert gui_problem(environment(QT_QPA_PLATFORM="offscreen")) is None
    assert gui_problem(environment(QT_QPA_PLATFORM="nosuchplatform"))  # an unknown one names the available
    assert "available: " in (gui_problem(environment(QT_QPA_PLATFORM="nosuchplatform")) or "")


def test_library_lines_name_packages_and_qt():
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    line = library_problem("the Qt libraries", "libQt6Gui.so.6: cannot open shared object file: No such file", [])
    assert "libQt6Gui.so.6 not found" in line and "pip install --force-reinstall PySide6" in line
