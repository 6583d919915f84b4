"""energymon.site_open: what ``energymon`` without a command opens, and the checks of a site the user picks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from energymon.config import ConfigError
from energymon.site_open import DEMO, OpenedSite, StartChoice, choose_start, open_config, open_database, open_last
from energymon.store.schema import StoreError
from energymon.user_state import LastSite

from support import record_hand_site, small_site_toml, write_config

PORTS = {"c1": 1502, "c2": 1503}


def good_config(directory: Path) -> Path:
    return write_config(directory, small_site_toml(PORTS))


def bad_config(directory: Path) -> Path:
    return write_config(directory, small_site_toml(PORTS).replace('role = "pv"', 'role = "rocket"', 1), "bad.toml")


# -- the decision, as a pure function --------------------------------------------------------------------


def test_no_last_site_is_a_first_run():
    def never(last):
        raise AssertionError("nothing to open")

    assert choose_start(None, None, never) == StartChoice(None, None)
    note = "state.json: garbled; ignored"
    assert choose_start(None, note, never) == StartChoice(None, note)


def test_the_last_site_opens_when_it_still_does():
    opened = OpenedSite("database", db_path=Path("/x.db"))
    assert choose_start(LastSite("database", Path("/x.db")), None, lambda last: opened) == StartChoice(opened)


def test_a_last_site_that_fails_now_is_the_first_run_screen_saying_why():
    def fails(last):
        raise ConfigError("site.toml: devices[0].role: unknown role 'rocket'")

    choice = choose_start(LastSite("config", Path("/srv/site.toml")), None, fails)
    assert choice.opened is None
    assert choice.reason == (
        "the site configuration /srv/site.toml could not be opened: site.toml: devices[0].role: unknown role 'rocket'"
    )


def test_a_bug_in_opening_is_not_taken_for_a_bad_file():
    def bug(last):
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        choose_start(LastSite("demo"), None, bug)


# -- the real checks ------------------------------------------------------------------------------------


def test_the_demo_always_opens():
    assert open_last(LastSite("demo")) == DEMO


def test_a_good_config_opens_with_its_database(tmp_path):
    path = good_config(tmp_path)
    opened = open_last(LastSite("config", path))
    assert opened.kind == "config" and opened.config is not None and opened.config.site.name == "test park"
    assert opened.db_path == tmp_path / "site.db" and opened.config_text == path.read_text()


def test_a_bad_config_fails_with_check_configs_message(tmp_path):
    with pytest.raises(ConfigError, match=r"bad\.toml: devices\[0\]\.role: unknown role 'rocket'"):
        open_config(bad_config(tmp_path))


def test_a_config_that_was_removed_fails(tmp_path):
    choice = choose_start(LastSite("config", tmp_path / "gone.toml"), None)
    assert choice.opened is None and choice.reason is not None and "gone.toml: no longer exists" in choice.reason


def test_a_database_opens_for_viewing_and_a_wrong_file_does_not(tmp_path):
    db = tmp_path / "park.db"
    record_hand_site(db, [("pv-1", "pv", 100)])
    assert open_last(LastSite("database", db)) == OpenedSite("database", None, db)
    not_db = tmp_path / "notes.db"
    not_db.write_text("shopping list\n" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        open_database(not_db)


def test_a_database_inside_a_frozen_apps_folder_is_refused(tmp_path, monkeypatch, capsys):
    """A one-folder bundle (PyInstaller: the executable beside _internal/); the demo's config copied out of it
    would put its database in there."""
    bundle = tmp_path / "energymon"
    (bundle / "_internal").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle / "_internal"), raising=False)
    inside = good_config(bundle / "_internal")
    with pytest.raises(StoreError, match=r"storage\.database: .* is inside the application's folder"):
        open_config(inside)
    assert not (bundle / "_internal" / "site.db").exists()  # refused before the database is made
    outside = tmp_path / "sites"
    outside.mkdir()
    assert open_config(good_config(outside)).db_path == outside / "site.db"
    # energymon gui --config refuses it the same way, before any window (one line, exit 2).
    from energymon import log_files
    from energymon.cli.main import main

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("ENERGYMON_LOG_DIR", str(tmp_path / "logs"))
    capsys.readouterr()
    try:
        assert main(["gui", "--config", str(inside)]) == 2
    finally:
        log_files.uninstall()
    assert "is inside the application's folder" in capsys.readouterr().err
    assert not (bundle / "_internal" / "site.db").exists()
