"""energymon.user_state: the last site used, in a state file of the user's config folder (ENERGYMON_CONFIG_DIR)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from energymon import user_state
from energymon.user_state import LastSite, inside_app_folder, load_last, record_last, state_path


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "config" / "energymon"  # not there yet: the first record makes it
    monkeypatch.setenv("ENERGYMON_CONFIG_DIR", str(folder))
    return folder


@pytest.mark.parametrize(
    "site",
    [
        LastSite("demo"),
        LastSite("config", Path("/srv/park/site.toml")),
        LastSite("database", Path("/srv/park/site.db")),
        LastSite("database", Path("/srv/park/site.db"), Path("/srv/park/site.toml")),
    ],
)
def test_a_recorded_site_comes_back(site, config_dir):
    assert load_last() == (None, None)  # a first run: no file, no note
    assert record_last(site) is None
    assert state_path() == config_dir / "state.json"
    assert load_last() == (site, None)


def test_a_relative_path_is_recorded_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record_last(LastSite("config", Path("site.toml")))
    last, _ = load_last()
    assert last == LastSite("config", tmp_path / "site.toml")


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"last": 3}',
        '{"last": {"kind": "rocket"}}',
        '{"last": {"kind": "config"}}',
        '{"last": {"kind": "config", "path": 7}}',
        '{"last": {"kind": "database", "path": "a\\u0000b"}}',
        '{"version": 1}',
        b"\xff\xfe garbage",
    ],
)
def test_a_garbled_state_file_is_ignored_with_a_note(text, config_dir):
    config_dir.mkdir(parents=True)
    (config_dir / "state.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    last, note = load_last()
    assert last is None
    assert note is not None and str(config_dir / "state.json") in note and note.endswith("ignored")
    assert "\n" not in note
    assert record_last(LastSite("demo")) is None  # and the next record replaces it
    assert load_last() == (LastSite("demo"), None)


def test_the_state_is_written_atomically(config_dir, monkeypatch):
    """A write that fails half-way leaves the old state whole, and no temporary file behind."""
    record_last(LastSite("config", Path("/srv/a.toml")))
    before = (config_dir / "state.json").read_bytes()

    def broken_dump(data, out, **kwargs):
        out.write('{"version": 1, "last": {"kind": "conf')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(user_state.json, "dump", broken_dump)
    note = record_last(LastSite("demo"))
    assert note is not None and "No space left on device" in note and str(config_dir / "state.json") in note
    assert (config_dir / "state.json").read_bytes() == before
    assert sorted(os.listdir(config_dir)) == ["state.json"]
    monkeypatch.undo()
    assert json.loads(before)["last"]["kind"] == "config"


def test_an_unwritable_config_folder_is_a_note_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ENERGYMON_CONFIG_DIR", str(blocker / "energymon"))  # under a file: cannot be made
    note = record_last(LastSite("demo"))
    assert note is not None and "cannot remember the last site" in note


def test_paths_inside_the_app_folder(tmp_path):
    bundle = tmp_path / "energymon" / "_internal"  # PyInstaller 6's one-folder layout
    bundle.mkdir(parents=True)
    assert inside_app_folder(tmp_path / "energymon" / "data" / "site.db", bundle)
    assert inside_app_folder(bundle / "energymon" / "data" / "demo-park.toml", bundle)
    assert not inside_app_folder(tmp_path / "sites" / "site.db", bundle)
    assert not inside_app_folder(tmp_path / "energymon-data" / "site.db", bundle)
    assert not inside_app_folder(bundle / "x.db")  # not frozen: no app folder
