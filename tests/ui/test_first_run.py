"""The first-run screen (ui.first_run) and ``energymon`` without a command (energymon.cli.start), offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from energymon.cli.main import main
from energymon.user_state import LastSite, load_last, record_last
from ui.first_run import FirstRunDialog
from ui.main_window import MainWindow

from support import english_words, record_hand_site, small_site_toml, write_config

pytestmark = pytest.mark.usefixtures("isolated_settings")
PORTS = {"c1": 1502, "c2": 1503}
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ENERGYMON_CONFIG_DIR", str(tmp_path / "user-config"))
    return tmp_path / "user-config"


@pytest.fixture
def dialog(qtbot):
    screen = FirstRunDialog()
    qtbot.addWidget(screen)
    screen.show()
    yield screen
    screen.reject()  # ends its worker thread


def picks(monkeypatch, screen: FirstRunDialog, path: Path | None) -> None:
    monkeypatch.setattr(screen, "pick_file", lambda caption, file_filter: path)


def test_a_bad_config_shows_its_error_in_the_window_and_the_screen_stays(qtbot, dialog, monkeypatch, tmp_path, capsys):
    bad = write_config(tmp_path, small_site_toml(PORTS).replace('role = "pv"', 'role = "rocket"', 1), "bad.toml")
    picks(monkeypatch, dialog, bad)
    opened = []
    dialog.site_opened.connect(opened.append)
    qtbot.mouseClick(dialog.config_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.errors), timeout=WAIT_MS)
    assert len(dialog.errors) == 1 and "bad.toml: devices[0].role: unknown role 'rocket'" in dialog.errors[0]
    assert main(["check-config", "--config", str(bad)]) == 2  # the line check-config prints, word for word
    assert capsys.readouterr().err == f"energymon: error: {dialog.errors[0]}\n"
    assert dialog.error_label.isVisible() and dialog.errors[0] in dialog.error_label.text()
    assert dialog.isVisible() and dialog.result() != FirstRunDialog.DialogCode.Accepted and not opened
    assert dialog.config_button.isEnabled() and not dialog.status.isVisible()  # ready for another try


def test_a_good_config_is_accepted_with_its_config(qtbot, dialog, monkeypatch, tmp_path):
    good = write_config(tmp_path, small_site_toml(PORTS))
    picks(monkeypatch, dialog, good)
    with qtbot.waitSignal(dialog.site_opened, timeout=WAIT_MS) as signal:
        dialog.choose_config()
    site = signal.args[0]
    assert site.kind == "config" and site.config.site.name == "test park" and site.db_path == tmp_path / "site.db"
    assert dialog.opened is site and dialog.result() == FirstRunDialog.DialogCode.Accepted and not dialog.isVisible()


def test_cancelling_the_file_dialog_leaves_the_screen_open(qtbot, dialog, monkeypatch):
    picks(monkeypatch, dialog, None)
    dialog.choose_config()
    dialog.choose_database()
    qtbot.wait(50)
    assert dialog.isVisible() and dialog.opened is None and dialog.checking is None and not dialog.errors


def test_a_database_is_opened_for_viewing_and_a_wrong_file_is_refused(qtbot, dialog, monkeypatch, tmp_path):
    wrong = tmp_path / "notes.db"
    wrong.write_text("not a database\n" * 50)
    picks(monkeypatch, dialog, wrong)
    dialog.choose_database()
    qtbot.waitUntil(lambda: bool(dialog.errors), timeout=WAIT_MS)
    assert "notes.db" in dialog.errors[0] and dialog.isVisible()
    db = tmp_path / "park.db"
    record_hand_site(db, [("pv-1", "pv", 100)])
    picks(monkeypatch, dialog, db)
    with qtbot.waitSignal(dialog.site_opened, timeout=WAIT_MS) as signal:
        dialog.choose_database()
    assert signal.args[0].kind == "database" and signal.args[0].db_path == db and not dialog.errors


def visible_texts(screen: FirstRunDialog) -> list[str]:
    texts = [screen.windowTitle()]
    texts += [w.text() for w in screen.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in screen.findChildren(QPushButton) if w.isVisible()]
    texts += [w.toolTip() for w in screen.findChildren(QPushButton)]
    return texts


def test_in_chinese_no_english_is_left(qtbot):
    screen = FirstRunDialog("上次的站点")  # the reason is the CLI's (English) message; here a stand-in
    qtbot.addWidget(screen)
    screen.show()
    english = visible_texts(screen)
    screen.language_combo.setCurrentIndex(screen.language_combo.findData("zh_CN"))
    screen.language_combo.activated.emit(screen.language_combo.currentIndex())
    chinese = visible_texts(screen)
    assert chinese != english
    left = {text: words for text in chinese if (words := english_words(text, ["energymon"]))}
    assert not left, left
    screen.reject()


# -- energymon without a command, in this process ------------------------------------------------------


def close_when_shown(kind: type, seen: list) -> None:
    """Close the first new top-level window of ``kind`` once it is shown (polling every 100 ms); windows that
    exist already (other tests') are not it."""
    before = set(QApplication.topLevelWidgets())

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible() and widget not in before:
                seen.append(widget)
                QTimer.singleShot(200, widget.close)
                return
        QTimer.singleShot(100, look)

    QTimer.singleShot(100, look)


@pytest.mark.timeout(60)
def test_no_command_and_no_last_site_opens_the_first_run_screen(qapp, tmp_path, config_dir):
    (config_dir).mkdir(parents=True)
    (config_dir / "state.json").write_text("{garbled")
    seen: list[FirstRunDialog] = []
    close_when_shown(FirstRunDialog, seen)
    assert main([]) == 0
    assert len(seen) == 1
    assert seen[0].reason is not None and "state.json" in seen[0].reason and "ignored" in seen[0].reason


@pytest.mark.timeout(60)
def test_no_command_opens_the_last_database_again(qapp, tmp_path):
    db = tmp_path / "park.db"
    record_hand_site(db, [("pv-1", "pv", 100)])
    record_last(LastSite("database", db))
    seen: list[MainWindow] = []
    close_when_shown(MainWindow, seen)
    assert main([]) == 0
    assert len(seen) == 1 and seen[0].ctx.db_path == db
    assert load_last() == (LastSite("database", db), None)  # recorded again when its window opened
