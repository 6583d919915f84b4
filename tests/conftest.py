"""Shared fixtures (helpers live in support.py), and the ``gui`` marker for every test that uses Qt widgets.

Markers (pyproject.toml): ``wire`` and ``process`` are written on the tests that open loopback Modbus sockets
or start child processes; ``slow`` on tests over about 5 s; ``gui`` is set here, on every test that asks for
pytest-qt's ``qtbot``, ``qapp`` or ``qtmodeltester``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Qt widgets in tests render offscreen unless the caller chose a platform (e.g. xcb under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The log files of the commands tests run (energymon.log_files) go to a temporary folder, never the user's.
os.environ.setdefault("ENERGYMON_LOG_DIR", tempfile.mkdtemp(prefix="energymon-test-logs-"))
# ... and the last site a GUI run records (energymon.user_state) to another, never the user's config folder.
os.environ.setdefault("ENERGYMON_CONFIG_DIR", tempfile.mkdtemp(prefix="energymon-test-config-"))

import pytest

from energymon.config import Config, load_config

from support import NOON_S, FrozenClock, demo_config_path, small_site_toml, write_config

GUI_FIXTURES = frozenset(("qtbot", "qapp", "qtmodeltester"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _restore_application_font():
    """Every test starts with the font the application had: ``ui.app_font.use_fonts`` (run by ``main``) changes
    it for the process, and a later test's layout (rows that fit a window) would depend on the order."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets else None
    font = widgets.QApplication.font() if app is not None else None
    yield
    if font is not None and widgets.QApplication.instance() is app:
        widgets.QApplication.setFont(font)


@pytest.fixture(scope="session")
def demo_config() -> Config:
    return load_config(demo_config_path())


@pytest.fixture
def small_config(tmp_path: Path) -> Config:
    """The small park with placeholder ports (for model-only tests)."""
    return load_config(write_config(tmp_path, small_site_toml({"c1": 1502, "c2": 1503})))


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock(NOON_S)


@pytest.fixture
def isolated_settings(tmp_path: Path):
    """QSettings (saved views, the language, the reports' folder) in a temporary folder, English before and
    after the test; a GUI test module asks for it with ``pytestmark = pytest.mark.usefixtures(...)``."""
    from PySide6.QtCore import QSettings, QStandardPaths

    from ui import i18n

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    if i18n.current_language() != "en":
        i18n.set_language("en")
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation),
    )
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)
