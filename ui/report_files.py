"""Where a report file goes: its default name and folder, and the path made from what the user typed.

Pure functions of the texts (and the user's Documents folder); the reports
page calls them when the month or year, format or language change and before
it generates.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QStandardPaths

FORMATS = ("pdf", "xlsx", "csv")


def default_file_name(period: str, fmt: str, lang: str) -> str:
    """``energymon-report-2026-10-zh.pdf`` for a month, ``energymon-annual-report-2026-zh.pdf`` for a year
    (``period`` YYYY): a CSV has column names only, so no language suffix."""
    suffix = "-zh" if lang == "zh" and fmt != "csv" else ""
    name = "annual-report" if len(period) == 4 else "report"
    return f"energymon-{name}-{period}{suffix}.{fmt}"


def default_directory() -> Path:
    """The user's Documents folder, else the per-user data folder of energymon (``reports`` in it)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return platformdirs.user_data_path("energymon", appauthor=False) / "reports"


def renamed_for_format(text: str, fmt: str, auto_name: str) -> str | None:
    """The user's own file name (not the default ``auto_name``) with the suffix of ``fmt``; None: keep the text."""
    if text and Path(text).name != auto_name and Path(text).suffix.lower().lstrip(".") in FORMATS:
        return str(Path(text).with_suffix("." + fmt))
    return None


def output_path(text: str, fmt: str) -> Path | None:
    """The file to write: ``text`` made absolute (in the default folder), with the suffix of ``fmt``."""
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = default_directory() / path
    if path.suffix.lower() != "." + fmt:
        path = (
            path.with_suffix("." + fmt)
            if path.suffix.lower().lstrip(".") in FORMATS
            else path.with_name(path.name + "." + fmt)
        )
    return path
