"""The reports page's status card: the state of the report (idle, running, done, failed) in words; and the
introduction to each kind of report (monthly, annual).

The texts belong to the reports page, which shows them: they are translated in its context ("ReportsPage" in
ui/translations). :func:`card` is the white panel both cards of the page are drawn on.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from ui.format import fill

translate = QCoreApplication.translate
TEXT_COLOUR, WARNING_COLOUR, ERROR_COLOUR = "#2d3748", "#b7791f", "#c53030"
CARD_STYLE = (
    "#card { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px; }"
    " QLabel { background: transparent; font-size: 11pt; }"
    " QComboBox, QLineEdit, QPushButton { font-size: 11pt; }"
)


def _as_card(frame: QFrame) -> QVBoxLayout:
    frame.setObjectName("card")
    frame.setStyleSheet(CARD_STYLE)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 16)
    layout.setSpacing(10)
    return layout


def card() -> tuple[QFrame, QVBoxLayout]:
    """A white panel with a frame, and the layout to fill it with."""
    frame = QFrame()
    return frame, _as_card(frame)


class StatusCard(QFrame):
    """Heading, busy bar, text, and the buttons that open the file made or its folder (texts set by the page)."""

    def __init__(self) -> None:
        super().__init__()
        box = _as_card(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 12pt; font-weight: 700; color: #1a202c;")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the stages have no measurable share
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setStyleSheet(f"font-size: 11pt; color: {TEXT_COLOUR};")
        self.open_file_button = QPushButton()
        self.open_folder_button = QPushButton()
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_file_button)
        open_row.addWidget(self.open_folder_button)
        open_row.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.progress)
        box.addWidget(self.text)
        box.addLayout(open_row)
        self._colour = ""

    def show_status(self, title: str, text: str, colour: str) -> None:
        """Show ``title`` and ``text``, the text in ``colour`` (``#rrggbb``)."""
        self.title.setText(title)
        self.text.setText(text)
        if colour != self._colour:  # re-styling costs a repolish: not on every tick of the elapsed time
            self._colour = colour
            self.text.setStyleSheet(f"font-size: 11pt; color: {colour};")


def intro_text(kind: str) -> str:
    """What the report of ``kind`` ("month" or "year") holds, in a few lines under the page's heading."""
    if kind == "year":
        return translate(
            "ReportsPage",
            "One row per month and the year's total: PV generation, consumption, grid import and export, "
            "storage, self-consumption and self-sufficiency, avoided CO₂ (with the emission factor's data "
            "year and source), coal saved, peak 15-minute demand and data coverage. Each month is its "
            "monthly report's total. The PDF adds monthly charts, the carbon reduction of the year and data "
            "quality by month.",
        )
    return translate(
        "ReportsPage",
        "One row per day and a total: PV generation, consumption, grid import and export, storage, "
        "self-consumption and self-sufficiency, avoided CO₂, coal saved and data coverage. Energy comes "
        "from the devices' counters. The PDF adds charts, the energy flows and a data-quality section.",
    )


def stage_text(stage: str, kind: str = "month") -> str:
    """The heading while a report is made: its stage ("reading", "writing"; anything else: starting); ``kind``:
    the report's, "month" or "year"."""
    if stage == "reading" and kind == "year":
        return translate("ReportsPage", "Reading the year's months from the database…")
    if stage == "reading":
        return translate("ReportsPage", "Reading the month from the database…")
    if stage == "writing":
        return translate("ReportsPage", "Writing the file…")
    return translate("ReportsPage", "Starting…")


def status_texts(state: tuple, elapsed_s: float, site_known: bool, months_error: str | None) -> tuple[str, str, str]:
    """(heading, text, text colour) for the page's ``state``.

    ``state``: ("idle",), ("running", stage, job), ("done", report, job, seconds) or ("failed", message, seconds);
    ``elapsed_s``: since the running report started.
    """
    kind = state[0]
    if kind == "running":
        return (
            stage_text(state[1], state[2].kind),
            fill(translate("ReportsPage", "%1 s elapsed. The window stays usable meanwhile."), f"{elapsed_s:.0f}"),
            TEXT_COLOUR,
        )
    if kind == "done":
        report, job, seconds = state[1], state[2], state[3]
        total = report.total
        text = fill(
            translate("ReportsPage", "Report for %1 written to %2 in %3 s."), job.period, job.out, f"{seconds:.1f}"
        )
        text += "\n" + fill(
            translate("ReportsPage", "PV %1 kWh, consumption %2 kWh, data coverage %3 %."),
            f"{total.flows.pv_wh / 1000:,.1f}",
            f"{total.flows.consumption_wh / 1000:,.1f}",
            f"{total.coverage_pct:.1f}",
        )
        colour = TEXT_COLOUR
        if total.coverage_pct == 0:
            text += "\n" + fill(
                translate("ReportsPage", "The database has no data for %1: the report is empty."), job.period
            )
            colour = WARNING_COLOUR
        return translate("ReportsPage", "The report is ready."), text, colour
    if kind == "failed":
        return translate("ReportsPage", "The report could not be made."), state[1], ERROR_COLOUR
    if not site_known:
        return translate("ReportsPage", "Waiting for the site and its database…"), "", TEXT_COLOUR
    if months_error:
        return translate("ReportsPage", "The months with data could not be read."), months_error, ERROR_COLOUR
    return (
        translate("ReportsPage", "No report made yet in this session."),
        translate(
            "ReportsPage",
            "Choose the report, its month or year, the format and where to save it, then press Generate report.",
        ),
        TEXT_COLOUR,
    )
