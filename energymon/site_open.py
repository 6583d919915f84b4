"""Opening a site the user picked, with the checks of the CLI, and the choice of what ``energymon`` opens.

``energymon`` without a command opens the last site used (energymon.user_state) or
else the first-run screen (ui.first_run); both come here so that a config
opened from the screen is checked as ``energymon check-config`` and
``energymon gui --config`` check it, and a database as ``gui --no-collect --db``
does. Each ``open_*`` function reads files (call it off the GUI thread) and
returns an :class:`OpenedSite`, or raises one of :data:`OPEN_ERRORS` whose
message is one line naming the file and field; the config's warnings come back
in :attr:`OpenedSite.warnings`.

A config's database is where the config puts it (``storage.database``,
relative to the config's folder), as ``energymon gui`` does; it is refused
when that is inside the application's own folder (a frozen bundle's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.profile import ProfileError
from energymon.config import Config, ConfigError, parse_config
from energymon.config.parse import read_config_text
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError
from energymon.store.startup import check_writable
from energymon.user_state import LastSite, inside_app_folder
from energymon.views.site import SiteInfo

OPEN_ERRORS = (ConfigError, ProfileError, StoreError, OSError)


@dataclass(frozen=True)
class OpenedSite:
    """What to open: ``kind`` "demo", "config" (collect into ``db_path``) or "database" (view ``db_path``)."""

    kind: str
    config: Config | None = None
    db_path: Path | None = None
    config_text: str | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.config.warnings if self.config is not None else ()


@dataclass(frozen=True)
class StartChoice:
    """What ``energymon`` without a command opens: ``opened``, else the first-run screen telling ``reason``."""

    opened: OpenedSite | None
    reason: str | None = None


DEMO = OpenedSite("demo")


def open_config(path: Path) -> OpenedSite:
    """A site config to collect from, checked as check-config does, and its database writable now."""
    text = read_config_text(path)
    config = parse_config(text, path)
    db_path = config.storage.database
    check_outside_app_folder(path, db_path)
    check_writable(db_path, config, text)
    return OpenedSite("config", config, db_path, text)


def check_outside_app_folder(config_path: Path, db_path: Path) -> None:
    """A StoreError (one line) when a config's database would be inside the application's own folder."""
    if inside_app_folder(db_path):
        raise StoreError(
            f"{config_path}: storage.database: {db_path} is inside the application's folder, which an update "
            "replaces; set storage.database (or --db) to a file in your own folders"
        )


def open_database(db_path: Path, config_path: Path | None = None) -> OpenedSite:
    """A database to view (not collect into): it must open as an energymon database and record a site."""
    config = parse_config(read_config_text(config_path), config_path) if config_path is not None else None
    reader = StoreReader(db_path)  # a StoreError naming the file for anything else
    try:
        if config is None:
            SiteInfo.from_db(reader.site(), reader.devices())
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            f"{db_path}: records no complete site yet (missing {exc}); start a collector on it first"
        ) from None
    finally:
        reader.close()
    return OpenedSite("database", config, db_path)


def open_last(last: LastSite) -> OpenedSite:
    """The last site again, checked as when it was first opened."""
    if last.kind == "demo":
        return DEMO
    assert last.path is not None  # energymon.user_state records a path for the other kinds
    if not last.path.exists():
        raise FileNotFoundError(f"{last.path}: no longer exists")
    if last.kind == "config":
        return open_config(last.path)
    return open_database(last.path, last.config)


def choose_start(
    last: LastSite | None, note: str | None, opener: Callable[[LastSite], OpenedSite] = open_last
) -> StartChoice:
    """The last site when it opens (``opener``), else the first-run screen with why not (None on a first run).

    ``note``: energymon.user_state's note on a state file it could not use.
    """
    if last is None:
        return StartChoice(None, note)
    try:
        return StartChoice(opener(last))
    except OPEN_ERRORS as exc:
        return StartChoice(None, f"{last.describe()} could not be opened: {exc}")
