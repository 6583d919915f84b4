"""What the user last opened, so that ``energymon`` without a command can open it again.

One small JSON file, ``state.json`` in the user's config folder
(``platformdirs.user_config_dir("energymon")``: ``~/.config/energymon`` on
Linux, ``%LOCALAPPDATA%\\energymon`` on Windows; ``ENERGYMON_CONFIG_DIR``
overrides it, for tests and portable installs). It records the last site that
opened: the demo park, a site config that was collecting, or a database viewed
with ``--no-collect`` (with the config it was viewed with, if any). The GUI
records it once the window is up (ui.app); the no-command start reads it
(energymon.site_open). A missing file is a first run; a garbled one is ignored
with a note, never an error, since it is only a convenience. It is written
through energymon.atomic_file, so a crash leaves the old state or the new one.

Nothing is ever written inside the application's own folder: a frozen bundle's
folder (``sys._MEIPASS``, or the executable's folder) is read-only for the user
on a control-room PC and is replaced by the next install; :func:`inside_app_folder`
tells whether a path lies there.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from energymon.atomic_file import OutputFileError, replaced_when_complete

STATE_NAME = "state.json"
KINDS = ("demo", "config", "database")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LastSite:
    """``kind`` "demo" (no path), "config" (``path``: the site config, collecting) or "database" (``path``:
    the database viewed; ``config``: the config it was viewed with, or None)."""

    kind: str
    path: Path | None = None
    config: Path | None = None

    def describe(self) -> str:
        if self.kind == "demo":
            return "the demo park"
        return f"the site configuration {self.path}" if self.kind == "config" else f"the database {self.path}"


def config_dir() -> Path:
    """The user's energymon config folder (``ENERGYMON_CONFIG_DIR`` overrides the platform's)."""
    override = os.environ.get("ENERGYMON_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("energymon", appauthor=False))


def state_path() -> Path:
    return config_dir() / STATE_NAME


def load_last() -> tuple[LastSite | None, str | None]:
    """The last site recorded, and a note (one line) when the state file exists but cannot be used."""
    path = state_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); ignored"
    try:
        return _parse(json.loads(text)), None
    except (ValueError, TypeError, KeyError) as exc:  # json.JSONDecodeError is a ValueError
        return None, f"{path}: not a state file energymon can read ({exc}); ignored"


def _parse(data: object) -> LastSite:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    last = data["last"]
    if not isinstance(last, dict):
        raise ValueError("'last' is not an object")
    kind = last["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    path, config = last.get("path"), last.get("config")
    for name, value in (("path", path), ("config", config)):
        if value is not None and (not isinstance(value, str) or not value or "\x00" in value):
            raise ValueError(f"'{name}' is not a file name")
    if kind != "demo" and path is None:
        raise ValueError(f"a {kind} without a path")
    return LastSite(kind, Path(path) if path else None, Path(config) if config else None)


def record_last(site: LastSite) -> str | None:
    """Record ``site`` as the last one opened; a note (one line) when the file cannot be written, else None."""
    if site.kind not in KINDS:
        raise ValueError(f"unknown kind {site.kind!r}")
    data = {
        "version": FORMAT_VERSION,
        "last": {
            "kind": site.kind,
            "path": str(site.path.absolute()) if site.path else None,
            "config": str(site.config.absolute()) if site.config else None,
        },
    }
    try:
        with replaced_when_complete(state_path(), make_parent=True) as out:
            json.dump(data, out, indent=2)
            out.write("\n")
    except OutputFileError as exc:
        return f"cannot remember the last site: {exc}"
    return None


def app_folder() -> Path | None:
    """The folder of a frozen application (PyInstaller: ``sys._MEIPASS`` and the executable's), else None."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(getattr(sys, "_MEIPASS", None) or Path(sys.executable).parent)


def inside_app_folder(path: Path, folder: Path | None = None) -> bool:
    """Whether ``path`` lies in the application's folder (``folder``, default :func:`app_folder`)."""
    base = folder if folder is not None else app_folder()
    if base is None:
        return False
    roots = {base.resolve(), base.resolve().parent if base.name == "_internal" else base.resolve()}
    target = path.absolute().resolve()
    return any(target == root or root in target.parents for root in roots)
