"""PV performance: per inverter and for the park, today, this month or this year.

The figures (:func:`energymon.views.pv_performance.pv_performance`: energy,
kWh per rated kW, full-load hours, the ratio to the park median, the ranking
and the performance ratio) are read on the reader thread
(``ctx.db.submit(..., key="pv-performance")``) when the page is shown, the
period changes or the site changes, and again every :data:`REFRESH_MS` while
the page is visible. The table (ui.pv_table) lists the ranked inverters first,
the underperformers highlighted, then the unranked ones and the park line.
Below it the page says what the park's PR is and from which irradiation, or
why it is not given (no sensor, sensor gaps, dawn ...), and why the peer
ratios are not given when they are not. The headings, the introduction and
the PR's note say what the figures are per (:meth:`PvPage.basis`): kWp of
the arrays when every inverter has its DC peak power configured, else rated
AC kW (also when only some have one: then the introduction says so). Seam
for tests: ``now_ms``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from drivers.quantities import Role
from energymon.accounting.pv_yield import BASIS_DC, LOW_PEER_RATIO, MIN_PEERS, park_basis
from energymon.views import pv_performance as pv
from ui.context import AppContext
from ui.device_table import fit_columns, table_view
from ui.format import fill
from ui.page import RefreshedPage
from ui.pv_table import PvTableModel, table_rows

REFRESH_MS = 60_000  # the rollups change every quarter hour at most; once a minute while shown is plenty
PERIOD_BUTTON = (
    "QPushButton { padding: 5px 16px; font-size: 11pt; border: 1px solid #a0aec0; background: #ffffff; }"
    " QPushButton:checked { background: #2b6cb0; color: white; border-color: #2b6cb0; }"
)
NOTE_STYLE = "font-size: 11pt; color: #2d3748;"
MUTED_STYLE = "font-size: 10pt; color: #4a5568;"


def _pct(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction * 100:.1f} %"


class PvPage(RefreshedPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, REFRESH_MS, parent)
        self.now_ms: Callable[[], int] = ctx.now_ms  # tests set a fixed "now"
        self.period = "today"
        self.result: pv.PvPerformance | None = None
        self.error: str | None = None
        self.loading = False
        self._build()
        ctx.site_changed.connect(self._on_site)
        self.retranslate()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 700; color: #1a202c;")
        top.addWidget(self.heading)
        top.addSpacing(24)
        self.period_group = QButtonGroup(self)
        self.period_buttons: dict[str, QPushButton] = {}
        for period in pv.PERIODS:
            button = QPushButton()
            button.setCheckable(True)
            button.setStyleSheet(PERIOD_BUTTON)
            button.clicked.connect(lambda _checked=False, p=period: self.set_period(p))
            self.period_group.addButton(button)
            self.period_buttons[period] = button
            top.addWidget(button)
        self.period_buttons[self.period].setChecked(True)
        top.addStretch(1)
        layout.addLayout(top)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.intro)
        self.model = PvTableModel(self)
        self.view = table_view(self.model)
        self.view.horizontalHeader().setStretchLastSection(False)  # a wide PR column would read as a gap
        layout.addWidget(self.view, 1)
        self.pr_label = QLabel()  # the park's PR, or why it is not given
        self.pr_label.setWordWrap(True)
        self.pr_label.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.pr_label)
        self.peer_label = QLabel()  # why no peer ratios, which inverters are not ranked
        self.peer_label.setWordWrap(True)
        self.peer_label.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.peer_label)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.status_label)

    # -- texts -------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("PV performance")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("PV performance"))
        labels = {"today": self.tr("Today"), "month": self.tr("This month"), "year": self.tr("This year")}
        for period, button in self.period_buttons.items():
            button.setText(labels[period])
        self.model.retranslated()
        self._show_notes()

    def basis(self) -> tuple[str, bool]:
        """(what the figures are per: pv_yield.BASIS_DC or BASIS_AC, whether only some inverters have a DC
        peak power), from the result or, before one, from the site."""
        if self.result is not None:
            return self.result.basis, self.result.mixed_basis
        site = self.ctx.site
        powers = [] if site is None else [d.dc_peak_power_kwp for d in site.devices if d.role is Role.PV]
        basis = park_basis(powers)
        return basis, basis != BASIS_DC and any(p is not None for p in powers)

    def intro_text(self) -> str:
        """What the columns mean, on the figures' basis."""
        basis, mixed = self.basis()
        if basis == BASIS_DC:
            what = self.tr(
                "kWh/kWp: the energy per kWp of each inverter's array (its DC peak power in the site"
                " configuration); the full-load hours are the same number, in hours at peak power."
            )
        elif mixed:
            what = self.tr(
                "kWh/kW (AC): the energy per rated AC kW of each inverter. Only some inverters have their array's"
                " DC peak power configured: so that every figure compares, all are per rated AC kW."
            )
        else:
            what = self.tr(
                "kWh/kW (AC): the energy per rated AC kW of each inverter (no DC peak power of the arrays is"
                " configured); the full-load hours are the same number, in hours at rated power."
            )
        rank = fill(
            self.tr(
                "Ranked by specific yield among the inverters whose data covers the whole period; highlighted:"
                " below %1 of the park median."
            ),
            _pct(LOW_PEER_RATIO),
        )
        return f"{what} {rank}"

    def pr_text(self) -> str:
        """The park's PR with its irradiation, or why there is none (no result yet: empty)."""
        r = self.result
        if r is None:
            return ""
        if r.pr_note is None and r.park_performance_ratio is not None and r.irradiation_wh_m2 is not None:
            shown = fill(
                self.tr("Performance ratio of the park: %1 (plane-of-array irradiation %2 kWh/m² from %3)."),
                _pct(r.park_performance_ratio),
                f"{r.irradiation_wh_m2 / 1000:,.2f}",
                ", ".join(r.sensors_used),
            )
            if r.basis == BASIS_DC:
                basis = self.tr(
                    "It is per kWp of the arrays (their DC peak power as configured), as IEC 61724-1 states it,"
                    " without temperature correction."
                )
            else:
                basis = self.tr(
                    "It is per rated AC kW of the inverters: for arrays larger than their inverters the PR per kWp"
                    " is this divided by the DC/AC ratio, so this one may read above 100 %."
                )
            return f"{shown} {basis}"
        reasons = {
            pv.NO_SENSOR: self.tr("no irradiance sensor is configured"),
            pv.NO_SENSOR_DATA: self.tr("the irradiance sensor has no data in this period"),
            pv.SENSOR_GAPS: fill(
                self.tr("the irradiance data covers only %1 of the period, at least %2 is needed"),
                _pct(r.sensor_coverage),
                _pct(pv.MIN_SENSOR_COVERAGE),
            ),
            pv.LITTLE_IRRADIATION: self.tr("too little irradiation so far in this period (before sunrise or at dawn)"),
            pv.NO_COMPLETE_INVERTER: self.tr("no inverter's data covers the whole period"),
        }
        reason = reasons.get(r.pr_note or "", r.pr_note or "")
        return fill(self.tr("Performance ratio not shown: %1."), reason)

    def peer_text(self) -> str:
        """Why the peer ratios are not given, and which inverters are not ranked (empty: nothing to say)."""
        r = self.result
        if r is None:
            return ""
        parts = []
        if r.peer_note == pv.FEW_PEERS:
            parts.append(
                fill(
                    self.tr("No comparison with the park median: it needs at least %1 inverters with complete data."),
                    MIN_PEERS,
                )
            )
        elif r.peer_note == pv.LITTLE_YIELD:
            parts.append(self.tr("No comparison with the park median: too little yield so far in this period."))
        if r.incomplete:
            parts.append(
                fill(
                    self.tr("Not ranked (their data does not cover the whole period): %1."),
                    ", ".join(i.device_id for i in r.incomplete),
                )
            )
        return " ".join(parts)

    def status_text(self) -> str:
        if self.error is not None:
            return fill(self.tr("Could not read the figures: %1"), self.error)
        r = self.result
        site = self.ctx.site
        if r is None or site is None:
            return self.tr("Reading…") if self.loading else ""
        start = datetime.fromtimestamp(r.start_ms / 1000, UTC).astimezone(site.tz)
        now = datetime.fromtimestamp(r.now_ms / 1000, UTC).astimezone(site.tz)
        return fill(
            self.tr("From %1 to %2 (%3), from the stored rollups."),
            start.strftime("%Y-%m-%d %H:%M"),
            now.strftime("%Y-%m-%d %H:%M"),
            site.tz.key,
        )

    def _show_notes(self) -> None:
        self.model.show_basis(self.basis()[0])
        fit_columns(self.view)  # the headings change with the language and the basis
        self.intro.setText(self.intro_text())
        self.pr_label.setText(self.pr_text())
        self.pr_label.setVisible(bool(self.pr_label.text()))
        self.peer_label.setText(self.peer_text())
        self.peer_label.setVisible(bool(self.peer_label.text()))
        self.status_label.setText(self.status_text())

    # -- data --------------------------------------------------------------------------------
    def set_period(self, period: str) -> None:
        """Show ``period`` (one of energymon.views.pv_performance.PERIODS) and read it."""
        if period not in pv.PERIODS:
            raise ValueError(f"unknown period {period!r}")
        self.period = period
        self.period_buttons[period].setChecked(True)
        if self.result is not None and self.result.period != period:
            self.result = None
            self.model.show_rows([])
        self.request()

    def request(self) -> None:
        """Read the figures of the chosen period on the reader thread."""
        site = self.ctx.site
        if site is None:
            return
        period, now_ms = self.period, self.now_ms()
        self.loading = True
        self.ctx.db.submit(
            lambda reader: pv.pv_performance(reader, site, period, now_ms),
            self._on_result,
            self._on_error,
            key="pv-performance",
        )
        self._show_notes()

    def _on_result(self, result: pv.PvPerformance) -> None:
        self.loading = False
        if result.period != self.period:
            return  # a period chosen since: its own answer follows
        self.error = None
        self.result = result
        self.model.show_rows(table_rows(result))
        self._show_notes()  # fits the columns: a few dozen rows at most, once a minute

    def _on_error(self, message: str) -> None:
        self.loading = False
        self.error = message
        self._show_notes()

    def _on_site(self) -> None:
        self.result = None
        self.model.show_rows([])
        self._show_notes()  # the basis may change with the site
        if self.isVisible():
            self.request()
