"""Settings: the GUI's language, what the site is, the carbon factors in use, and what the window remembers.

The language switches at once (ui.i18n installs the translator, Qt sends
every widget a LanguageChange and the pages re-label themselves without
losing state) and is remembered in QSettings ``ui/language`` (ui.app restores
it at start-up). Site facts come from the app context (SiteInfo) and, for
the position, from the site record of the database (read on the reader
thread). The coal factor is the built-in one the monthly report uses.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from drivers.quantities import Role
from energymon.accounting import carbon
from ui import i18n
from ui.carbon_text import coal_source, emission_source, grid_name
from ui.context import AppContext
from ui.format import fill
from ui.log_view import LogButton
from ui.page import Page
from ui.wall_display import cycle_spin_box

SETTINGS_LANGUAGE = "ui/language"
CARD_STYLE = (
    "#card { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }"
    " QLabel { background: transparent; } QComboBox { font-size: 11pt; }"
)
VALUE_STYLE = "font-size: 11pt; color: #1a202c;"
NOTE_STYLE = "font-size: 10pt; color: #4a5568;"


def _value_label() -> QLabel:
    label = QLabel("—")
    label.setWordWrap(True)
    # A wrapped value must get the height of all its lines (a form row otherwise keeps one line's height).
    policy = label.sizePolicy()
    policy.setHeightForWidth(True)
    policy.setVerticalPolicy(QSizePolicy.Policy.MinimumExpanding)
    label.setSizePolicy(policy)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(VALUE_STYLE)
    return label


class _Card(QFrame):
    """A white panel with a heading and a form of (name, value) rows."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(18, 14, 18, 16)
        self.box.setSpacing(8)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 700; color: #1a202c;")
        self.box.addWidget(self.heading)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.box.addLayout(self.form)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}  # the value labels of the rows without a widget of their own

    def add_row(self, key: str, widget: QWidget | None = None) -> QWidget:
        """A row named ``key``: ``widget``, or a value label (in :attr:`values`)."""
        name = QLabel()
        name.setStyleSheet("font-size: 11pt; color: #4a5568;")
        if widget is None:
            widget = self.values[key] = _value_label()
        self.names[key] = name
        self.form.addRow(name, widget)
        return widget

    def note(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(NOTE_STYLE)
        self.box.addWidget(label)
        return label


class SettingsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.recorded_site: dict | None = None  # the database's site record (position), from the reader thread
        self.language_error: str | None = None
        self._build()
        ctx.site_changed.connect(self._on_site)
        self.retranslate()
        if ctx.site is not None:
            self._on_site()

    def _build(self) -> None:
        inner = QWidget()
        inner.setObjectName("settingsInner")
        inner.setStyleSheet("#settingsInner { background: transparent; }")
        column = QVBoxLayout(inner)
        column.setContentsMargins(12, 4, 12, 4)
        column.setSpacing(12)

        self.language_card = _Card()
        self.language_combo = QComboBox()
        for code, name in i18n.LANGUAGES.items():  # names in their own language, never translated
            self.language_combo.addItem(name, code)
        self.language_combo.setMinimumWidth(220)
        self.language_combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.language_card.add_row("language", self.language_combo)
        self.language_note = self.language_card.note()
        self.language_error_label = self.language_card.note()
        self.language_error_label.setStyleSheet("font-size: 10pt; color: #c53030;")
        self.language_error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.language_combo.activated.connect(self._on_language_chosen)

        self.site_card = _Card()
        for key in ("name", "timezone", "position", "devices", "database", "mode"):
            self.site_card.add_row(key)

        self.carbon_card = _Card()
        for key in ("grid_factor", "grid_source", "coal_factor", "coal_source"):
            self.carbon_card.add_row(key)
        self.carbon_note = self.carbon_card.note()

        self.window_card = _Card()
        self.window_card.add_row("remembered")
        self.window_card.add_row("settings_file")
        self.cycle_spin = cycle_spin_box()  # ui.wall_display
        self.window_card.add_row("cycle", self.cycle_spin)
        self.cycle_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cycle_spin.valueChanged.connect(self._on_cycle_chosen)
        self.log_button = LogButton()  # ui.log_view: the log files in a dialog
        self.log_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.window_card.add_row("log", self.log_button)

        for card in (self.language_card, self.site_card, self.carbon_card, self.window_card):
            card.setMaximumWidth(1100)
            column.addWidget(card)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def title(self) -> str:
        return self.tr("Settings")

    # -- language ----------------------------------------------------------------------------------
    def _show_current_language(self) -> None:
        self.language_combo.blockSignals(True)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(i18n.current_language())))
        self.language_combo.blockSignals(False)

    def _on_language_chosen(self, index: int) -> None:
        self.set_language(self.language_combo.itemData(index))

    def set_language(self, language: str) -> None:
        """Switch the GUI to ``language`` ("en" or "zh_CN") and remember it; on failure stay and say why."""
        if language == i18n.current_language():
            return
        try:
            i18n.set_language(language)
        except (OSError, ET.ParseError, ValueError) as exc:
            self.language_error = str(exc)  # the translator was not installed: the window stays as it was
        else:
            self.language_error = None
            QSettings().setValue(SETTINGS_LANGUAGE, language)
        self.retranslate()  # also when nothing changed: show the combo's real state and any error

    def _on_cycle_chosen(self, cycle_s: int) -> None:
        """The default cycling period, kept (QSettings) and applied to this window at once."""
        wall = getattr(self.window(), "wall", None)  # ui.wall_display.WallDisplay of the main window
        if wall is not None:
            wall.set_cycle_s(cycle_s)

    # -- site --------------------------------------------------------------------------------------
    def _on_site(self) -> None:
        self.retranslate()
        self.request_db()

    def activated(self) -> None:
        self.request_db()

    def request_db(self) -> None:
        if self.ctx.site is not None and self.ctx.db_path is not None:
            self.ctx.db.submit(lambda reader: reader.site(), self._on_recorded_site, key="settings-site")

    def _on_recorded_site(self, site: dict) -> None:
        self.recorded_site = site
        self._show_site()

    def _position(self) -> tuple[float, float] | None:
        config = self.ctx.config
        if config is not None:
            return config.site.latitude, config.site.longitude
        site = self.recorded_site or {}
        if site.get("latitude") is not None and site.get("longitude") is not None:
            return float(site["latitude"]), float(site["longitude"])
        return None

    def retranslate(self) -> None:
        self._show_current_language()
        self.language_card.heading.setText(self.tr("Language"))
        self.language_card.names["language"].setText(self.tr("Language of the window:"))
        self.language_note.setText(
            self.tr(
                "The window switches at once; open pages keep what they show. The choice is remembered for the "
                "next start. Reports choose their own language on the Reports page."
            )
        )
        qt_missing = i18n.qt_catalogue_missing()
        self.language_error_label.setVisible(self.language_error is not None or qt_missing is not None)
        if self.language_error is not None:
            self.language_error_label.setText(
                fill(self.tr("The translation could not be loaded: %1"), self.language_error)
            )
        elif qt_missing is not None:
            self.language_error_label.setText(
                fill(
                    self.tr("Qt's own translation %1 could not be loaded: Qt's standard buttons stay English."),
                    qt_missing,
                )
            )

        self.site_card.heading.setText(self.tr("Site"))
        for key, text in (
            ("name", self.tr("Name:")),
            ("timezone", self.tr("Time zone:")),
            ("position", self.tr("Position:")),
            ("devices", self.tr("Devices:")),
            ("database", self.tr("Database:")),
            ("mode", self.tr("Mode:")),
        ):
            self.site_card.names[key].setText(text)

        self.carbon_card.heading.setText(self.tr("Carbon factors"))
        for key, text in (
            ("grid_factor", self.tr("Grid emission factor:")),
            ("grid_source", self.tr("Source:")),
            ("coal_factor", self.tr("Coal factor:")),
            ("coal_source", self.tr("Source:")),
        ):
            self.carbon_card.names[key].setText(text)
        self.carbon_note.setText(
            self.tr(
                "Avoided CO₂ = PV energy × grid emission factor; coal saved = PV energy × coal factor. The grid "
                "factor is chosen in the [carbon] table of the site config; the monthly report states both "
                "factors and their sources."
            )
        )

        self.window_card.heading.setText(self.tr("Window"))
        self.window_card.names["remembered"].setText(self.tr("Remembered:"))
        self.window_card.values["remembered"].setText(
            self.tr("The window's size and position and the page last shown are restored at the next start.")
        )
        self.window_card.names["settings_file"].setText(self.tr("Stored in:"))
        self.window_card.values["settings_file"].setText(QSettings().fileName())
        self.window_card.names["cycle"].setText(self.tr("Wall display:"))
        self.window_card.names["log"].setText(self.tr("Log files:"))
        self.cycle_spin.setSpecialValueText(self.tr("pages stay"))
        self.cycle_spin.setSuffix(self.tr(" s per page"))
        self.cycle_spin.setToolTip(
            self.tr(
                "Shows the pages in turn, this many seconds each (0: the pages stay). F11 toggles full screen, "
                "Esc leaves it, Ctrl+1, Ctrl+2, … show the pages."
            )
        )
        self._show_site()

    def _show_site(self) -> None:
        site = self.ctx.site
        values = self.site_card.values
        carbon_values = self.carbon_card.values
        coal = carbon.coal_factor()
        if coal is None:
            carbon_values["coal_factor"].setText(self.tr("none built in"))
            carbon_values["coal_source"].setText("—")
        else:
            carbon_values["coal_factor"].setText(
                fill(self.tr("%1 kgce/kWh (data year %2)"), f"{coal.kgce_per_kwh:.4f}", coal.year)
            )
            carbon_values["coal_source"].setText(coal_source(coal.source))
        if site is None:
            for label in list(values.values()) + [carbon_values["grid_factor"], carbon_values["grid_source"]]:
                label.setText(self.tr("not known yet"))
            return
        values["name"].setText(site.name)
        offset = datetime.now(site.tz).strftime("%z")
        values["timezone"].setText(fill(self.tr("%1 (now UTC%2)"), site.timezone, f"{offset[:3]}:{offset[3:]}"))
        position = self._position()
        if position is None:
            values["position"].setText(self.tr("not recorded"))
        else:
            values["position"].setText(
                fill(self.tr("latitude %1°, longitude %2°"), f"{position[0]:.4f}", f"{position[1]:.4f}")
            )
        roles = Counter(d.role for d in site.devices)
        template = self.tr("%1 in total (PV inverters: %2, storage units: %3, load meters: %4, grid meters: %5)")
        if roles[Role.METEO]:
            template = self.tr(
                "%1 in total (PV inverters: %2, storage units: %3, load meters: %4, grid meters: %5, "
                "weather sensors: %6)"
            )
        counts = (roles[Role.PV], roles[Role.STORAGE], roles[Role.LOAD], roles[Role.GRID], roles[Role.METEO])
        values["devices"].setText(fill(template, len(site.devices), *counts))
        values["database"].setText(str(self.ctx.db_path) if self.ctx.db_path else self.tr("not known yet"))
        if self.ctx.viewer_only:
            values["mode"].setText(
                self.tr("Viewing: another program collects and writes the database; this window only reads it.")
            )
        else:
            values["mode"].setText(self.tr("Collecting: this program polls the devices and writes the database."))
        factor = f"{site.emission_factor_kg_per_kwh:.4f}"
        grid_text = fill(self.tr("%1 kgCO₂/kWh"), factor)
        row = carbon.factor_for_source(site.emission_factor_source)  # the built-in row the site recorded, if any
        if row is not None:
            grid_text = fill(self.tr("%1 kgCO₂/kWh (%2, data year %3)"), factor, grid_name(row.grid), row.year)
        carbon_values["grid_factor"].setText(grid_text)
        source = emission_source(site.emission_factor_source)
        carbon_values["grid_source"].setText(source or self.tr("not recorded"))
