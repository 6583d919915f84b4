"""The first-run screen: what ``energymon`` without a command shows when there is no last site to open.

Three ways in, as the commands do them: the demo park (``energymon demo``), a
site configuration (``energymon gui --config``: checked as ``check-config``
checks it, its database writable) and a database to view (``energymon gui
--no-collect --db``). A config or database is checked on a worker thread
(energymon.site_open); what is wrong with it is shown in the window, one line
per problem naming the file and field, and the screen stays open for another
try. Only a site that opened is handed on: :attr:`FirstRunDialog.opened` and the
``site_opened`` signal, then the dialog is accepted. ``reason`` says why the last
site could not be opened again (energymon.site_open.choose_start).

The language switch sets the language of the whole GUI and remembers it, as the
settings page does (QSettings ``ui/language``).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from energymon.site_open import DEMO, OPEN_ERRORS, OpenedSite, open_config, open_database
from ui import i18n
from ui.background import Worker

SETTINGS_LANGUAGE = "ui/language"  # the settings page's key (ui.settings_page)
ERROR_STYLE = "color: #c53030; font-size: 10pt;"
BUTTON_STYLE = "font-size: 12pt; padding: 10px 16px; text-align: left;"


class FirstRunDialog(QDialog):
    """Title, one line on energymon, three buttons, the language, and the problems of the last file tried."""

    site_opened = Signal(object)  # the OpenedSite, once checked

    def __init__(self, reason: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = reason
        self.opened: OpenedSite | None = None
        self.errors: list[str] = []  # the problems of the last file tried, one line each (English, as the CLI's)
        self.checking: Path | None = None
        self._worker = Worker("energymon-first-run", parent=self)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.blurb = QLabel()
        self.blurb.setWordWrap(True)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_button = QPushButton()
        self.config_button = QPushButton()
        self.database_button = QPushButton()
        for button in (self.demo_button, self.config_button, self.database_button):
            button.setStyleSheet(BUTTON_STYLE)
            button.setMinimumWidth(420)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        for code, name in i18n.LANGUAGES.items():  # names in their own language, never translated
            self.language_combo.addItem(name, code)

        self.demo_button.clicked.connect(self.choose_demo)
        self.config_button.clicked.connect(self.choose_config)
        self.database_button.clicked.connect(self.choose_database)
        self.language_combo.activated.connect(lambda index: self.set_language(self.language_combo.itemData(index)))

        language_row = QHBoxLayout()
        language_row.addStretch(1)
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 24)
        layout.setSpacing(10)
        layout.addLayout(language_row)
        for widget in (self.title, self.blurb, self.reason_label):
            layout.addWidget(widget)
        layout.addSpacing(8)
        for button in (self.demo_button, self.config_button, self.database_button):
            layout.addWidget(button)
        layout.addWidget(self.status)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.setMinimumWidth(560)
        self.retranslate()

    # -- texts ---------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("energymon: first start"))
        self.title.setText(self.tr("Welcome to energymon"))
        self.blurb.setText(
            self.tr(
                "energymon watches the PV inverters, storage and meters of an industrial park over Modbus, "
                "logs them to a database and shows them live."
            )
        )
        self.reason_label.setVisible(bool(self.reason))
        if self.reason:
            self.reason_label.setText(self.tr("The last site could not be opened again:") + "\n" + self.reason)
        self.demo_button.setText(self.tr("Open the demo park"))
        self.demo_button.setToolTip(self.tr("Simulated devices on this computer: nothing to set up"))
        self.config_button.setText(self.tr("Open a site configuration…"))
        self.config_button.setToolTip(self.tr("A site's TOML file: its devices are polled and logged"))
        self.database_button.setText(self.tr("View a database…"))
        self.database_button.setToolTip(self.tr("Only view a database that a collector writes"))
        self.language_label.setText(self.tr("Language:"))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(i18n.current_language())))
        self._show_state()

    def _show_state(self) -> None:
        busy = self.checking is not None
        for button in (self.demo_button, self.config_button, self.database_button):
            button.setEnabled(not busy)
        self.status.setVisible(busy)
        if busy:
            self.status.setText(self.tr("Checking {file}…").format(file=self.checking))
        self.error_label.setVisible(bool(self.errors))
        if self.errors:
            self.error_label.setText(self.tr("This file cannot be opened:") + "\n" + "\n".join(self.errors))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, language: str) -> None:
        """Switch the GUI's language and remember it (the settings page's key); a broken .ts: stay, note it."""
        if language == i18n.current_language():
            return
        try:
            i18n.set_language(language)
        except (OSError, ET.ParseError, ValueError) as exc:
            print(f"energymon: warning: cannot switch the GUI to {language!r}: {exc}", file=sys.stderr)
        else:
            QSettings().setValue(SETTINGS_LANGUAGE, language)
        self.retranslate()

    # -- the three ways in ---------------------------------------------------------------------------
    def choose_demo(self) -> None:
        self._accept(DEMO)

    def choose_config(self) -> None:
        path = self.pick_file(self.tr("Open a site configuration"), self.tr("Site configuration (*.toml)"))
        if path is not None:
            self.check(path, lambda: open_config(path))

    def choose_database(self) -> None:
        path = self.pick_file(self.tr("View a database"), self.tr("energymon database (*.db)"))
        if path is not None:
            self.check(path, lambda: open_database(path))

    def pick_file(self, caption: str, file_filter: str) -> Path | None:
        """The file the user picks in Qt's file dialog, None when cancelled (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(self, caption, str(Path.home()), file_filter)
        return Path(name) if name else None

    def check(self, path: Path, opener: Callable[[], OpenedSite]) -> None:
        """Run ``opener`` on the worker thread; the site it opens is accepted, its error shown."""
        self.checking, self.errors = path, []
        self._show_state()
        self._worker.submit(opener, self._on_opened, self._on_failed)

    def _on_opened(self, site: OpenedSite) -> None:
        self.checking = None
        for line in site.warnings:  # valid, probably not meant: the console line check-config prints
            print(f"energymon: warning: {line}", file=sys.stderr, flush=True)
        self._accept(site)

    def _on_failed(self, exc: Exception) -> None:
        self.checking = None
        if isinstance(exc, OPEN_ERRORS):
            self.errors = [line for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
        else:  # a bug, not the file: still in the window, with its type
            self.errors = [f"{type(exc).__name__}: {exc}"]
        self._show_state()

    def _accept(self, site: OpenedSite) -> None:
        self.opened = site
        self.site_opened.emit(site)
        self.accept()

    def done(self, result: int) -> None:
        """Closed (accepted or not): the worker thread ends first (no QThread outlives the window)."""
        self._worker.shutdown(wait_ms=10_000)
        super().done(result)
