"""The log view (ui.log_view): lines the logging setup wrote appear in the dialog opened from the settings page,
read off the GUI thread; refresh, other files, the folder; English and Chinese."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from language_walk import EnglishFinder, gui_texts
from PySide6.QtCore import QThread, QUrl
from PySide6.QtGui import QDesktopServices

import ui.log_view
from energymon import log_files
from ui import i18n
from ui.context import AppContext
from ui.log_view import LogDialog
from ui.settings_page import SettingsPage

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv(log_files.LOG_DIR_ENV, str(folder))
    assert log_files.install("gui") == folder / "energymon-gui.log"
    yield folder
    log_files.uninstall()
    if i18n.current_language() != "en":
        i18n.set_language("en")


@pytest.fixture
def settings(qtbot) -> Iterator[SettingsPage]:
    ctx = AppContext(viewer_only=True)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    yield page
    ctx.shutdown()


def _open(qtbot, page: SettingsPage) -> LogDialog:
    page.log_button.click()
    dialog = page.log_button.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.lines is not None, timeout=5000)
    return dialog


def test_lines_written_by_the_logging_setup_appear_in_the_view(qtbot, log_dir, settings, monkeypatch):
    logging.getLogger("energymon.collector").warning("connection roof-b (10.0.0.7:502) lost: refused")
    threads = []
    tail = log_files.tail
    monkeypatch.setattr(
        log_files, "tail", lambda *a: (threads.append(QThread.currentThread().objectName()), tail(*a))[1]
    )
    dialog = _open(qtbot, settings)
    assert threads == ["energymon-log-reader"]  # read on the worker, never the GUI thread
    assert dialog.file_combo.currentText() == "energymon-gui.log"  # this process's file
    assert dialog.folder_label.text() == str(log_dir)
    shown = dialog.text.toPlainText().splitlines()
    assert shown[-1].endswith("WARNING energymon.collector: connection roof-b (10.0.0.7:502) lost: refused")
    assert dialog.status.text() == f"The newest 1 lines of {log_dir / 'energymon-gui.log'}. " + (
        "Log lines are written in English, for support."
    )

    logging.getLogger("energymon.collector").info("connection roof-b (10.0.0.7:502) restored after 30 s")
    dialog.refresh_button.click()
    qtbot.waitUntil(lambda: "restored after 30 s" in dialog.text.toPlainText(), timeout=5000)
    assert len(dialog.lines or []) == 2

    dialog.file_combo.setCurrentIndex(dialog.file_combo.findData("collect"))  # a service's file: none here
    qtbot.waitUntil(lambda: dialog.text.toPlainText() == "", timeout=5000)
    assert dialog.status.text() == f"No log lines yet in {log_dir / 'energymon-collect.log'}."

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog.open_button.click()
    assert opened == [QUrl.fromLocalFile(str(log_dir))]

    assert settings.log_button.show_log() is dialog  # one dialog at a time
    dialog.close()
    qtbot.waitUntil(lambda: settings.log_button.dialog is None, timeout=5000)


def test_a_file_that_cannot_be_read_is_said(qtbot, log_dir, settings, monkeypatch):
    def unreadable(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ui.log_view.log_files, "tail", unreadable)
    page = settings
    page.log_button.click()
    dialog = page.log_button.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=5000)
    assert dialog.status.text() == f"The log could not be read: {log_dir / 'energymon-gui.log'}: Permission denied"
    dialog.close()


def test_the_dialog_in_chinese(qtbot, log_dir, settings):
    logging.getLogger("energymon.collect").info("collection started: site 'test park'")
    settings.set_language("zh_CN")
    qtbot.waitUntil(lambda: settings.log_button.text() == "查看日志…", timeout=5000)  # Qt's LanguageChange
    assert settings.window_card.names["log"].text() == "日志文件："
    dialog = _open(qtbot, settings)
    assert dialog.windowTitle() == "日志" and dialog.open_button.text() == "打开文件夹"
    assert dialog.status.text().endswith("日志以英文记录，便于技术支持查阅。")
    names = [str(log_dir), *(log_files.log_path(k).name for k in log_files.KINDS), str(log_dir / "energymon-gui.log")]
    texts = gui_texts(dialog, skip_widgets=[dialog.text])  # the log lines themselves stay English
    assert EnglishFinder(names).report(texts) == []
    dialog.grab().save(str(log_dir.parent / "log-dialog-zh.png"))
    dialog.close()
