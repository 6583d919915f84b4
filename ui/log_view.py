"""The log files in the GUI: the newest lines of a log file, its folder, a button to open that folder.

A site engineer asking "why was the roof-b line missing last night?" should
not need a terminal: the settings page has a "Show the log…" button
(:class:`LogButton`) that opens :class:`LogDialog`. The dialog shows the
newest lines of the log file of this process (energymon.log_files names it),
or of another kind of process (a collector running as a service writes
``energymon-collect.log``) chosen in a list. The file is read on the
dialog's own worker thread (ui.background), never the GUI thread; Refresh
reads it again. The lines themselves stay as they were written, in English
(so that support can read them); the dialog around them follows the GUI's
language.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from energymon import log_files
from ui.background import Worker
from ui.format import fill

NEWEST_LINES = 500


def _default_kind() -> str:
    """The kind whose file this process writes, else ``gui``."""
    current = log_files.current_log_path()
    for kind in log_files.KINDS:
        if current is not None and current.name == log_files.log_path(kind).name:
            return kind
    return "gui"


class LogDialog(QDialog):
    """The newest :data:`NEWEST_LINES` lines of a log file, read on a worker thread; refresh; open the folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logDialog")
        self.resize(1000, 620)
        self.worker = Worker("energymon-log-reader", parent=self)
        self.lines: list[str] | None = None  # what the last read found (None: not read yet, or it failed)
        self.error: str | None = None
        self._shown_path: Path | None = None

        self.folder_name = QLabel()
        self.folder_label = QLabel(str(log_files.log_dir()))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_button)

        self.file_name = QLabel()
        self.file_combo = QComboBox()
        for kind in log_files.KINDS:
            self.file_combo.addItem(log_files.log_path(kind).name, kind)  # file names: data, not translated
        self.file_combo.setCurrentIndex(self.file_combo.findData(_default_kind()))
        self.file_combo.currentIndexChanged.connect(self.refresh)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_combo)
        file_row.addWidget(self.refresh_button)
        file_row.addStretch(1)

        form = QFormLayout()
        form.addRow(self.folder_name, folder_row)
        form.addRow(self.file_name, file_row)

        self.text = QPlainTextEdit()
        self.text.setObjectName("logLines")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.refresh()

    def path(self) -> Path:
        """The log file chosen in the list."""
        return log_files.log_path(self.file_combo.currentData())

    def refresh(self) -> None:
        """Read the chosen file's newest lines on the worker thread; the answer for another file is dropped."""
        path = self.path()
        self.refresh_button.setEnabled(False)
        self.worker.submit(
            lambda: log_files.tail(path, NEWEST_LINES),
            lambda lines: self._on_lines(path, lines),
            lambda exc: self._on_error(path, exc),
        )

    def _on_lines(self, path: Path, lines: list[str]) -> None:
        if path != self.path():
            return
        self.refresh_button.setEnabled(True)
        self.lines, self.error, self._shown_path = lines, None, path
        self.text.setPlainText("\n".join(lines))
        self.text.moveCursor(QTextCursor.MoveOperation.End)  # the newest line in view
        self.text.ensureCursorVisible()
        self._show_status()

    def _on_error(self, path: Path, exc: Exception) -> None:
        if path != self.path():
            return
        self.refresh_button.setEnabled(True)
        self.lines, self._shown_path = None, path
        self.error = f"{path}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
        self.text.clear()
        self._show_status()

    def open_folder(self) -> None:
        """Open the log folder in the system's file manager (it exists once any process has logged)."""
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_files.log_dir()))):
            self.error = fill(self.tr("The folder could not be opened: %1"), str(log_files.log_dir()))
            self._show_status()

    def _show_status(self) -> None:
        path = self._shown_path or self.path()
        if self.error is not None:
            self.status.setStyleSheet("color: #c53030;")
            self.status.setText(fill(self.tr("The log could not be read: %1"), self.error))
            return
        self.status.setStyleSheet("color: #4a5568;")
        if self.lines is None:
            self.status.setText(self.tr("Reading the log…"))
        elif not self.lines:
            self.status.setText(fill(self.tr("No log lines yet in %1."), str(path)))
        else:
            self.status.setText(
                fill(
                    self.tr("The newest %1 lines of %2. Log lines are written in English, for support."),
                    len(self.lines),
                    str(path),
                )
            )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Log"))
        self.folder_name.setText(self.tr("Folder:"))
        self.open_button.setText(self.tr("Open folder"))
        self.file_name.setText(self.tr("File:"))
        self.refresh_button.setText(self.tr("Refresh"))
        self._show_status()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        self.worker.shutdown(wait_ms=2000)
        super().done(result)


class LogButton(QPushButton):
    """The settings page's "Show the log…" button: opens a :class:`LogDialog` (one at a time)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: LogDialog | None = None
        self.clicked.connect(self.show_log)
        self.retranslate()

    def show_log(self) -> LogDialog:
        """Open the dialog (reading the file), or bring the open one to the front and read the file again."""
        if self.dialog is None:
            self.dialog = LogDialog(self.window())
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.destroyed.connect(self._forget)
        else:
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _forget(self) -> None:
        self.dialog = None

    def retranslate(self) -> None:
        self.setText(self.tr("Show the log…"))
        self.setToolTip(
            self.tr(
                "The newest lines of the log files: collection start and stop, connections and devices lost "
                "and back, database problems."
            )
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
