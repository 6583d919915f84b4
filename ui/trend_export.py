"""Exporting what the trends chart shows: its points as CSV, the chart as PNG, each file written off the GUI thread.

The CSV is energymon.views.trends.write_csv (every series shown, one after the
other; local time with its UTC offset);
the PNG is drawn on the GUI thread and encoded and saved on the
``energymon-export`` worker thread (ui.background). Both files are written as
every output file is (energymon.atomic_file): complete or not at all, through
a temporary file created exclusively next to the target, and never over a link,
FIFO or device the user picked by mistake. :attr:`TrendExport.done` tells how
each went.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QStandardPaths, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from energymon.atomic_file import OutputFileError, replaced_when_complete
from energymon.views.trend_set import TrendSpec
from energymon.views.trends import Series, write_csv
from ui.background import Worker

translate = QCoreApplication.translate
EXPORT_WAIT_MS = 5_000  # a closing window waits this long for an export file being written


def ask_path(parent: QWidget, kind: str, default: str) -> Path | None:
    """Ask where to save the points shown (``kind`` "csv") or the chart ("png"); None if the user cancels."""
    if kind == "csv":
        title = translate("TrendsPage", "Export the points shown as CSV")
        filters = translate("TrendsPage", "CSV files (*.csv)")
    else:
        title = translate("TrendsPage", "Export the chart as PNG")
        filters = translate("TrendsPage", "PNG images (*.png)")
    path, _ = QFileDialog.getSaveFileName(parent, title, default, filters)
    return Path(path) if path else None


def default_name(specs: Sequence[TrendSpec], suffix: str, tz: ZoneInfo | None) -> str:
    """``trend-<device>-<quantity>-<local time>.<suffix>`` (``site`` for the site, ``trend-<n>-series-...`` for
    several series) in the user's Documents folder (else home)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    stamp = datetime.now(tz).strftime("%Y%m%d-%H%M")
    if len(specs) == 1:
        what = f"{'site' if specs[0].site else specs[0].device_id}-{specs[0].quantity}"
    else:
        what = f"{len(specs)}-series"
    return str(Path(folder) / f"trend-{what}-{stamp}.{suffix}")


class TrendExport(QObject):
    """Writes export files one after the other on its worker thread."""

    done = Signal(str, str)  # path, error ("" when written); on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = Worker("energymon-export", parent=self)
        self.last: tuple[str, str] | None = None  # (path, error) of the last export done; the page clears it
        self.done.connect(self._remember)

    def _remember(self, path: str, error: str) -> None:
        self.last = (path, error)

    def csv(self, shown: Series | list[Series], zone: ZoneInfo, path: Path) -> None:
        """Write the points ``shown`` (of one series or several) to ``path``, times in ``zone``."""

        def write(target: Path) -> None:
            with replaced_when_complete(target) as out:
                write_csv(shown, out, zone)

        self._write(path, write)

    def png(self, image: QImage, path: Path) -> None:
        """Save ``image`` (drawn on the GUI thread) to ``path`` as PNG."""

        def write(target: Path) -> None:
            png = QByteArray()
            buffer = QBuffer(png)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            # PySide6's stubs type the format as bytes; the binding itself only takes a str.
            encoded = image.save(buffer, "PNG")  # type: ignore[call-overload]
            buffer.close()
            if not encoded:
                raise OutputFileError(f"{target}: the chart could not be encoded as PNG")
            with replaced_when_complete(target, binary=True) as out:
                out.write(png.data())

        self._write(path, write)

    def _write(self, path: Path, write: Callable[[Path], None]) -> None:
        self._worker.submit(
            functools.partial(write, path),
            lambda _none: self.done.emit(str(path), ""),
            lambda exc: self.done.emit(str(path), _message(exc)),
        )

    def shutdown(self) -> None:
        self._worker.shutdown(EXPORT_WAIT_MS)


def _message(exc: BaseException) -> str:
    """An export's failure in one line: an OutputFileError already names the file and the cause."""
    return str(exc) if isinstance(exc, OutputFileError) else f"{type(exc).__name__}: {exc}"
