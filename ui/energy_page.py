"""The Energy page: energy per hour of a day, day of a month or month of a year, with totals and comparisons.

The figures (:func:`energymon.views.energy_view.energy_view`: bars, totals,
KPIs and the two comparisons) are read on the reader thread
(``ctx.db.submit(..., key="energy-view")``) when the page is shown, the period
changes or the site changes, and again every :data:`REFRESH_MS` while the page
is visible and the period is in progress. Costs and savings on the tariff the
database records (:func:`energymon.views.energy_costs.period_costs`, for the
shown period and both comparisons) follow as a second read
(``key="energy-costs"``), so the bars never wait for them. The chart is
ui.energy_chart, the words ui.energy_texts and ui.energy_notes.

Navigation: Day / Month / Year, previous and next (PgUp / PgDown; never past
the period that holds now), and a jump to the current period (Home).
Seam for tests: ``now_ms``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from energymon.store.reader import StoreReader
from energymon.views.energy_costs import PeriodCosts, period_costs, site_tariff
from energymon.views.energy_periods import KINDS, Period, period_containing, with_kind
from energymon.views.energy_view import EnergyView, energy_view
from energymon.views.site import SiteInfo
from ui import energy_notes as notes
from ui import energy_texts as texts
from ui.context import AppContext
from ui.device_table import fit_columns, table_view
from ui.energy_chart import COLOURS, EnergyChart
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.page import RefreshedPage
from ui.text_table import TextTableModel

REFRESH_MS = 60_000  # hourly rollups change as the hour fills: once a minute while shown
BUTTON = (
    "QPushButton { padding: 5px 14px; font-size: 11pt; border: 1px solid #a0aec0; background: #ffffff; }"
    " QPushButton:checked { background: #2b6cb0; color: white; border-color: #2b6cb0; }"
    " QPushButton:disabled { color: #a0aec0; }"
)
NOTE_STYLE = "font-size: 11pt; color: #2d3748;"
MUTED_STYLE = "font-size: 10pt; color: #4a5568;"


@dataclass(frozen=True)
class _Heading:
    title: str
    align_right: bool = True
    tooltip: str = ""


HEADINGS = (
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "Figure"), align_right=False),
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "This period")),
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "Previous period")),
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "Change")),
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "A year before")),
    _Heading(QT_TRANSLATE_NOOP("EnergyPage", "Change")),
)


def read_costs(reader: StoreReader, site: SiteInfo, view: EnergyView) -> tuple[PeriodCosts, ...] | None:
    """Costs of the shown period and of both comparisons over their spans (None: the site has no tariff)."""
    tariff = site_tariff(reader)
    if tariff is None:
        return None
    spans = (
        (view.period, view.totals.end_ms),
        (view.period.shifted(-1), view.previous.end_ms),
        (view.period.year_before(), view.year_before.end_ms),
    )
    return tuple(period_costs(reader, site, tariff, period, until) for period, until in spans)


class EnergyPage(RefreshedPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, REFRESH_MS, parent)
        self.now_ms: Callable[[], int] = ctx.now_ms  # tests set a fixed "now"
        self.kind = "day"
        self.period: Period | None = None  # set on the first read (it needs the site's time zone)
        self.view: EnergyView | None = None
        self.costs: tuple[PeriodCosts, ...] | None = None
        self.costs_state = "reading"  # reading, none (no tariff), error, shown
        self.costs_error: str | None = None
        self.error: str | None = None
        self.loading = False
        self._build()
        ctx.site_changed.connect(self._on_site)
        self.retranslate()

    # -- layout ------------------------------------------------------------------------------
    def _button(self, row: QHBoxLayout, on_click: Callable[[], None], key: Qt.Key | None = None) -> QPushButton:
        button = QPushButton()
        button.setStyleSheet(BUTTON)
        button.clicked.connect(lambda _checked=False: on_click())
        if key is not None:  # a shortcut of the window while the page is shown (a button's text would reset its own)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(button.click)
            self.shortcuts[key] = shortcut
        row.addWidget(button)
        return button

    def _build(self) -> None:
        self.shortcuts: dict[Qt.Key, QShortcut] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 700; color: #1a202c;")
        top.addWidget(self.heading)
        top.addSpacing(20)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QPushButton] = {}
        for kind in KINDS:
            button = self._button(top, partial(self.set_kind, kind))
            button.setCheckable(True)
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
        self.kind_buttons[self.kind].setChecked(True)
        top.addSpacing(20)
        self.prev_button = self._button(top, lambda: self.shift(-1), Qt.Key.Key_PageUp)
        self.period_label = QLabel()
        self.period_label.setStyleSheet("font-size: 14pt; font-weight: 600; color: #1a202c; padding: 0 10px;")
        top.addWidget(self.period_label)
        self.next_button = self._button(top, lambda: self.shift(1), Qt.Key.Key_PageDown)
        self.current_button = self._button(top, self.show_current, Qt.Key.Key_Home)
        top.addSpacing(16)
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet(NOTE_STYLE)
        top.addWidget(self.progress_label)
        top.addStretch(1)
        layout.addLayout(top)
        self.chart = EnergyChart(self)
        self.chart.hovered.connect(self._on_hover)
        layout.addWidget(self.chart, 1)
        self.legend = QLabel()
        self.legend.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.legend)
        self.hover_label = QLabel()
        self.hover_label.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.hover_label)
        bottom = QHBoxLayout()
        self.model = TextTableModel(HEADINGS, texts.page_tr, texts.figure_cells, self)
        self.table = table_view(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        bottom.addWidget(self.table, 0)
        side = QVBoxLayout()
        self.data_label, self.compare_label, self.costs_label, self.status_label = (QLabel() for _ in range(4))
        for label in (self.data_label, self.compare_label, self.costs_label, self.status_label):
            label.setWordWrap(True)
            label.setStyleSheet(NOTE_STYLE)
            side.addWidget(label)
        side.addStretch(1)
        bottom.addLayout(side, 1)
        layout.addLayout(bottom, 0)

    def _fit_table(self) -> None:
        """Columns to their texts, and the table as wide and high as its rows (the notes take the rest)."""
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(c) for c in range(self.model.columnCount())) + 4
        self.table.setFixedWidth(width + self.table.verticalScrollBar().sizeHint().width())
        rows = self.model.rowCount()
        height = header.height() + sum(self.table.rowHeight(r) for r in range(rows)) + 4
        self.table.setMinimumHeight(min(height, 16 * self.table.verticalHeader().defaultSectionSize()))
        self.table.setMaximumHeight(height)

    # -- texts -------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Energy")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Energy"))
        for kind, text in zip(KINDS, (self.tr("Day"), self.tr("Month"), self.tr("Year"))):
            self.kind_buttons[kind].setText(text)
        self.prev_button.setText(self.tr("◀ Previous"))
        self.next_button.setText(self.tr("Next ▶"))
        self.prev_button.setToolTip(self.tr("The previous period (PgUp)"))
        self.next_button.setToolTip(self.tr("The next period (PgDown)"))
        self.current_button.setToolTip(self.tr("Back to the current period (Home)"))
        self.chart.retranslate()
        self.model.retranslated()
        self._fit_table()
        self._show_texts()

    def legend_text(self) -> str:
        names = (
            ("pv_wh", self.tr("PV")),
            ("consumption_wh", self.tr("consumption")),
            ("grid_import_wh", self.tr("grid import")),
            ("grid_export_wh", self.tr("grid export")),
            ("storage_discharge_wh", self.tr("storage discharge")),
            ("storage_charge_wh", self.tr("storage charge")),
        )
        shown = [] if self.view is None else self.view.configured
        items = [
            f'<span style="color:{COLOURS[flow]}">■</span> {name}'
            for flow, name in names
            if flow == "consumption_wh" or flow in shown
        ]
        return "&nbsp;&nbsp;&nbsp;".join(items)

    def _show_texts(self) -> None:
        site, view = self.ctx.site, self.view
        current = {"day": self.tr("Today"), "month": self.tr("This month"), "year": self.tr("This year")}
        self.current_button.setText(current[self.kind])
        self.period_label.setText("" if self.period is None else texts.period_name(self.period))
        self.prev_button.setEnabled(self.period is not None and self.period.can_shift(-1))
        self.next_button.setEnabled(self.period is not None and self._can_go_next())
        self.legend.setText(self.legend_text())
        if view is None or site is None or view.period != self.period:
            self.progress_label.setText("")
            for label in (self.data_label, self.compare_label, self.costs_label):
                label.setText("")
        else:
            self.progress_label.setText(notes.progress_text(view, site.tz))
            self.data_label.setText(notes.data_text(view, site.tz))
            self.compare_label.setText(notes.comparison_text(view, site.tz))
            self.costs_label.setText(notes.costs_text(self.costs_state, self.costs, self.costs_error))
        if self.error is not None:
            self.status_label.setText(fill(self.tr("Could not read the figures: %1"), self.error))
        else:
            self.status_label.setText(self.tr("Reading…") if self.loading else "")
        self.status_label.setVisible(bool(self.status_label.text()))

    def _on_hover(self, index: int) -> None:
        view, site = self.view, self.ctx.site
        if view is None or site is None or index < 0:
            self.hover_label.setText("")
            return
        self.hover_label.setText(self.hover_text(index))

    def hover_text(self, index: int) -> str:
        """The values of bucket ``index`` in words."""
        view, site = self.view, self.ctx.site
        assert view is not None and site is not None
        name = texts.bucket_name(view, index, texts.utc_local(site.tz))
        if view.future[index]:
            return fill(self.tr("%1: not yet."), name)
        if view.missing[index]:
            return fill(self.tr("%1: no data."), name)
        consumption = view.consumption_wh()[index]
        known = consumption == consumption  # NaN: a flow lacks data in the bucket
        parts = [fill(self.tr("consumption %1 kWh"), texts.number_text(consumption / 1000 if known else None, 1))]
        labels = {
            "pv_wh": self.tr("PV %1 kWh"),
            "grid_import_wh": self.tr("import %1 kWh"),
            "grid_export_wh": self.tr("export %1 kWh"),
            "storage_charge_wh": self.tr("charge %1 kWh"),
            "storage_discharge_wh": self.tr("discharge %1 kWh"),
        }
        for flow in view.configured:
            buckets = view.flows[flow]
            value = buckets.energy_wh[index] / 1000 if buckets.has_data[index] else None
            parts.append(fill(labels[flow], texts.number_text(value, 1)))
        text = f"{name}: " + ", ".join(parts)
        if view.partial[index]:
            text += " " + self.tr("(partial: some devices did not report)")
        return text

    # -- navigation --------------------------------------------------------------------------
    def _can_go_next(self) -> bool:
        site = self.ctx.site
        if self.period is None or site is None or not self.period.can_shift(1):
            return False
        return self.period.shifted(1).start_ms(site.tz) <= self.now_ms()

    def set_kind(self, kind: str) -> None:
        """Show a day, month or year: the one holding now if the shown period does, else the shown one's first."""
        if kind not in KINDS:
            raise ValueError(f"unknown period kind {kind!r}")
        self.kind = kind
        self.kind_buttons[kind].setChecked(True)
        site = self.ctx.site
        if site is not None and self.period is not None:
            self.period = with_kind(self.period, kind, self.now_ms(), site.tz)
        self.request()

    def shift(self, steps: int) -> None:
        """The previous (-1) or next (+1) period; never past the one holding now."""
        if self.period is None or not self.period.can_shift(steps) or steps > 0 and not self._can_go_next():
            return
        self.set_period(self.period.shifted(steps))

    def show_current(self) -> None:
        site = self.ctx.site
        if site is not None:
            self.set_period(period_containing(self.kind, self.now_ms(), site.tz))

    def set_period(self, period: Period) -> None:
        self.period = period
        self.kind = period.kind
        self.kind_buttons[period.kind].setChecked(True)
        self.request()

    # -- data --------------------------------------------------------------------------------
    def request(self) -> None:
        """Read the shown period's figures on the reader thread (its costs follow)."""
        site = self.ctx.site
        if site is None:
            return
        now_ms = self.now_ms()
        if self.period is None:
            self.period = period_containing(self.kind, now_ms, site.tz)
        period = self.period
        self.loading = True
        self.ctx.db.submit(
            lambda reader: energy_view(reader, site, period, now_ms), self._on_view, self._on_error, key="energy-view"
        )
        self._show_texts()

    def _on_view(self, view: EnergyView) -> None:
        self.loading = False
        if view.period != self.period:
            return  # another period was chosen since: its answer follows
        self.error = None
        same = self.view is not None and self.view.period == view.period
        self.view = view
        if not same:
            self.costs, self.costs_state = None, "reading"
        self.chart.show_view(view, texts.tick_labels(view))
        self._show_rows()
        site = self.ctx.site
        if site is not None:
            self.ctx.db.submit(
                lambda reader: read_costs(reader, site, view), self._on_costs, self._on_costs_error, key="energy-costs"
            )
        self._show_texts()

    def _show_rows(self) -> None:
        if self.view is None:
            self.model.show_rows([])
            return
        self.model.show_rows(texts.figure_rows(self.view, self.costs))
        self._fit_table()

    def _on_costs(self, costs: tuple[PeriodCosts, ...] | None) -> None:
        if self.view is None or costs is not None and costs[0].start_ms != self.view.totals.start_ms:
            return
        self.costs, self.costs_state, self.costs_error = costs, "none" if costs is None else "shown", None
        self._show_rows()
        self._show_texts()

    def _on_costs_error(self, message: str) -> None:
        self.costs, self.costs_state, self.costs_error = None, "error", message
        self._show_rows()
        self._show_texts()

    def _on_error(self, message: str) -> None:
        self.loading = False
        self.error = message
        self._show_texts()

    def _on_site(self) -> None:
        self.period, self.view, self.costs = None, None, None
        self.chart.show_view(None, [])
        self.model.show_rows([])
        if self.isVisible():
            self.request()

    def refresh_due(self) -> bool:
        return self.view is not None and self.view.in_progress
