"""Reports: a month's or a year's report as PDF, XLSX or CSV, made in the background, then opened.

The user chooses the kind of report (monthly or annual), then the period: the
months offered are those with data (daily rollups, in the site's time zone),
read on the reader thread (ui.db_tasks), the years those of these months
(ui.report_periods). The report is made in a child process and waited for
off the GUI thread (ui.report_runner); the page shows the stage and the
elapsed time, then the outcome, and opens the file or its folder. File names
and folders: ui.report_files. Seams for tests: ``open_url``, and ``run_job``
(how a job is run and waited for).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from energymon.report.job import ReportJob, generate_report_in_child
from energymon.report.month import MonthReport, months_with_data
from energymon.report.year import YearReport
from ui import i18n
from ui.context import AppContext
from ui.page import Page
from ui.report_files import FORMATS, default_directory, default_file_name, output_path, renamed_for_format
from ui.report_periods import KINDS, default_period, period_choices
from ui.report_runner import ReportRun, ReportRunner, RunJob
from ui.report_status import StatusCard, card, intro_text, status_texts

REPORT_LANGUAGES = (("en", "English"), ("zh", "简体中文"))  # language names are shown in their own language
ELAPSED_REFRESH_MS = 200
SETTINGS_DIR = "reports/directory"
SETTINGS_FORMAT = "reports/format"

PRIMARY_BUTTON = (
    "QPushButton { background: #2b6cb0; color: white; font-weight: 700; padding: 8px 22px;"
    " border-radius: 4px; } QPushButton:disabled { background: #a0aec0; }"
)


class ReportsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl  # tests replace it
        self.run_job: RunJob = generate_report_in_child  # tests may run jobs in-process instead
        self.months: list[str] | None = None  # with data, newest first (from the reader thread); None: not read yet
        self.months_error: str | None = None
        self._auto_name = ""  # the default file name last put in the path field
        self.runner = ReportRunner(self)
        self.runner.stage.connect(self._on_stage, Qt.ConnectionType.QueuedConnection)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self.runner.finished.connect(self._on_finished)
        self.last_worker: ReportRun | None = None  # the last report started: its job, thread and child process
        self.last_output: Path | None = None
        self._state: tuple = ("idle",)
        self._started = 0.0
        self._finished_s = 0.0
        self._build()
        self._elapsed_timer = QTimer(self, interval=ELAPSED_REFRESH_MS)
        self._elapsed_timer.timeout.connect(self._render_state)
        ctx.site_changed.connect(self._on_site)
        self.retranslate()
        if ctx.site is not None:
            self._on_site()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 4, 12, 4)
        outer.setSpacing(12)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 700; color: #1a202c;")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("font-size: 11pt; color: #4a5568;")
        outer.addWidget(self.heading)
        outer.addWidget(self.intro)

        form_card, form_box = card()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(10)
        self.kind_label, self.month_label, self.format_label, self.language_label, self.path_label = (
            QLabel() for _ in range(5)
        )
        self.kind_combo = QComboBox()  # monthly or annual report
        for kind in KINDS:
            self.kind_combo.addItem("", kind)
        self.month_combo = QComboBox()  # the period: a month (YYYY-MM) or a year (YYYY), as the kind says
        self.format_combo = QComboBox()
        for fmt in FORMATS:
            self.format_combo.addItem("", fmt)
        self.language_combo = QComboBox()
        for code, name in REPORT_LANGUAGES:
            self.language_combo.addItem(name, code)
        for combo in (self.kind_combo, self.month_combo, self.format_combo, self.language_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # as wide as its longest entry
            combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.path_edit = QLineEdit()
        self.path_edit.setMinimumWidth(480)
        self.browse_button = QPushButton()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.form.addRow(self.kind_label, self.kind_combo)
        self.form.addRow(self.month_label, self.month_combo)
        self.form.addRow(self.format_label, self.format_combo)
        self.form.addRow(self.language_label, self.language_combo)
        self.form.addRow(self.path_label, path_row)
        form_box.addLayout(self.form)
        buttons = QHBoxLayout()
        self.generate_button = QPushButton()
        self.generate_button.setStyleSheet(PRIMARY_BUTTON)
        buttons.addWidget(self.generate_button)
        buttons.addStretch(1)
        form_box.addLayout(buttons)
        outer.addWidget(form_card)

        self.status_card = status_card = StatusCard()
        self.status_title, self.status_label, self.progress = status_card.title, status_card.text, status_card.progress
        self.open_file_button, self.open_folder_button = status_card.open_file_button, status_card.open_folder_button
        outer.addWidget(status_card)
        outer.addStretch(1)
        for panel in (form_card, status_card):
            panel.setMaximumWidth(1000)

        self.language_combo.setCurrentIndex(1 if i18n.current_language() == "zh_CN" else 0)  # as the GUI
        saved_format = str(QSettings().value(SETTINGS_FORMAT, "pdf") or "pdf")
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(saved_format)))
        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.month_combo.currentIndexChanged.connect(self._update_default_path)
        self.format_combo.currentIndexChanged.connect(self._on_format)
        self.language_combo.currentIndexChanged.connect(self._update_default_path)
        self.browse_button.clicked.connect(self.browse)
        self.generate_button.clicked.connect(self.generate)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button.clicked.connect(self.open_folder)
        self._on_format()

    def title(self) -> str:
        return self.tr("Reports")

    def kind(self) -> str:
        """The kind of report chosen: "month" or "year"."""
        return str(self.kind_combo.currentData())

    def retranslate(self) -> None:
        year = self.kind() == "year"
        self.heading.setText(self.tr("Annual report") if year else self.tr("Monthly report"))
        self.intro.setText(intro_text(self.kind()))
        self.kind_label.setText(self.tr("Report:"))
        self.kind_combo.setItemText(KINDS.index("month"), self.tr("Monthly report"))
        self.kind_combo.setItemText(KINDS.index("year"), self.tr("Annual report"))
        self.month_label.setText(self.tr("Year:") if year else self.tr("Month:"))
        self.format_label.setText(self.tr("Format:"))
        self.language_label.setText(self.tr("Language of the report:"))
        self.path_label.setText(self.tr("Save as:"))
        labels = {
            "pdf": self.tr("PDF: for management (charts, data quality)"),
            "xlsx": (
                self.tr("XLSX: spreadsheet (monthly table, summary, factors, charts)")
                if year
                else self.tr("XLSX: spreadsheet (daily table, summary, charts)")
            ),
            "csv": self.tr("CSV: the monthly table only") if year else self.tr("CSV: the daily table only"),
        }
        for i in range(self.format_combo.count()):
            self.format_combo.setItemText(i, labels[self.format_combo.itemData(i)])
        self.language_combo.setToolTip(self.tr("A CSV file has column names only; it has no language."))
        self.browse_button.setText(self.tr("Choose…"))
        self.generate_button.setText(self.tr("Generate report"))
        self.open_file_button.setText(self.tr("Open file"))
        self.open_folder_button.setText(self.tr("Open folder"))
        self._fill_months()
        self._align_combos()
        self._render_state()

    def _align_combos(self) -> None:
        """The choices as wide as the widest of them (their texts change with the language)."""
        combos = (self.kind_combo, self.month_combo, self.format_combo, self.language_combo)
        for combo in combos:
            combo.setMinimumWidth(0)
            combo.setMaximumWidth(16777215)
        width = max(220, *(combo.sizeHint().width() for combo in combos))
        for combo in combos:
            combo.setFixedWidth(width)

    # -- months --------------------------------------------------------------------------------
    def _on_site(self) -> None:
        if not self.path_edit.text():
            self._update_default_path()
        self.request_months()

    def activated(self) -> None:
        self.request_months()

    def request_months(self) -> None:
        if self.ctx.site is None or self.ctx.db_path is None:
            return
        self.ctx.db.submit(months_with_data, self._on_months, self._on_months_error, key="report-months")

    def _on_months(self, months: list[str]) -> None:
        self.months = list(months)
        self.months_error = None
        self._fill_months()
        self._render_state()

    def _on_months_error(self, message: str) -> None:
        self.months_error = message
        self._fill_months()
        self._render_state()

    def _today(self) -> date:
        return datetime.now(self.ctx.site.tz).date() if self.ctx.site else date.today()

    def _on_kind(self) -> None:
        """Another kind of report: its periods, its default file name, its texts."""
        self.retranslate()

    def _fill_months(self) -> None:
        """The months or the years, as the kind says (labels translated); keeps the chosen one, else the default."""
        if self.ctx.site is None:
            return
        today = self._today()
        kind = self.kind()
        choices = period_choices(kind, self.months, today)
        chosen = self.month_combo.currentData() if self.months else None  # the user's choice, once there is one
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for period, label in choices:
            self.month_combo.addItem(label, period)
        if chosen not in [period for period, _ in choices]:
            chosen = default_period(kind, self.months, today)
        self.month_combo.setCurrentIndex(max(0, self.month_combo.findData(chosen)))
        self.month_combo.blockSignals(False)
        self._update_default_path()
        self._align_combos()

    # -- output path ---------------------------------------------------------------------------
    def selected(self) -> tuple[str | None, str, str]:
        """(period, format, language) as chosen: the period is a month (YYYY-MM) or a year (YYYY), as the kind."""
        return self.month_combo.currentData(), self.format_combo.currentData(), self.language_combo.currentData()

    def _on_format(self) -> None:
        fmt = self.format_combo.currentData()
        self.language_combo.setEnabled(fmt != "csv" and not self.running)
        renamed = renamed_for_format(self.path_edit.text().strip(), fmt, self._auto_name)
        if renamed is not None:
            self.path_edit.setText(renamed)  # the user's name, the format's suffix
        self._update_default_path()

    def _update_default_path(self) -> None:
        """Put the default file name in the path field, unless the user typed or chose another name."""
        month, fmt, lang = self.selected()
        if month is None:
            return
        name = default_file_name(month, fmt, lang)
        text = self.path_edit.text().strip()
        if not text:
            folder = Path(str(QSettings().value(SETTINGS_DIR, "") or "") or default_directory())
        elif Path(text).name == self._auto_name:
            folder = Path(text).parent
        else:
            return
        self._auto_name = name
        self.path_edit.setText(str(folder / name))

    def output_path(self) -> Path | None:
        """The file to write: the path field, made absolute, with the format's suffix."""
        return output_path(self.path_edit.text().strip(), self.format_combo.currentData())

    def browse(self) -> None:
        fmt = self.format_combo.currentData()
        filters = {
            "pdf": self.tr("PDF files (*.pdf)"),
            "xlsx": self.tr("Excel workbooks (*.xlsx)"),
            "csv": self.tr("CSV files (*.csv)"),
        }
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report as"), self.path_edit.text(), filters[fmt])
        if path:
            self.path_edit.setText(path)
            QSettings().setValue(SETTINGS_DIR, str(Path(path).parent))

    # -- generating ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.runner.running

    def generate(self) -> None:
        if self.running or self.ctx.db_path is None:
            return
        month, fmt, lang = self.selected()
        out = self.output_path()
        if month is None:
            return
        if out is None:
            self._state = ("failed", self.tr("Choose where to save the report."), 0.0)
            self._render_state()
            return
        self.path_edit.setText(str(out))
        if out.name == default_file_name(month, fmt, lang):
            self._auto_name = out.name
        job = ReportJob(Path(self.ctx.db_path), month, fmt, lang, out, self.kind())
        self.last_worker = self.runner.start(job, self.run_job)
        self._started = time.monotonic()
        self._state = ("running", "starting", job)
        self._set_inputs_enabled(False)
        self._elapsed_timer.start()
        self._render_state()
        QSettings().setValue(SETTINGS_FORMAT, fmt)

    def _on_stage(self, stage: str) -> None:
        if self._state[0] == "running":
            self._state = ("running", stage, self._state[2])
            self._render_state()

    def _on_done(self, report: MonthReport | YearReport) -> None:
        assert self.last_worker is not None  # the run that is done
        job = self._state[2] if self._state[0] == "running" else self.last_worker.job
        self._finished_s = time.monotonic() - self._started
        self.last_output = job.out
        self._state = ("done", report, job, self._finished_s)
        QSettings().setValue(SETTINGS_DIR, str(job.out.parent))
        self._render_state()

    def _on_failed(self, message: str) -> None:
        self._finished_s = time.monotonic() - self._started
        self._state = ("failed", message, self._finished_s)
        self._render_state()

    def _on_finished(self) -> None:
        self._elapsed_timer.stop()
        self._set_inputs_enabled(True)
        self._render_state()

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (self.kind_combo, self.month_combo, self.format_combo, self.path_edit, self.browse_button):
            widget.setEnabled(enabled)
        self.language_combo.setEnabled(enabled and self.format_combo.currentData() != "csv")

    def _render_state(self) -> None:
        """Show the state (idle, running, done, failed) in the current language."""
        kind = self._state[0]
        ready = self.ctx.site is not None and self.ctx.db_path is not None and not self.running
        self.generate_button.setEnabled(ready and self.month_combo.count() > 0)
        done = kind == "done" and not self.running
        self.open_file_button.setVisible(done)
        self.open_folder_button.setVisible(done)
        self.progress.setVisible(kind == "running")
        elapsed_s = time.monotonic() - self._started
        self.status_card.show_status(
            *status_texts(self._state, elapsed_s, self.ctx.site is not None, self.months_error)
        )

    # -- opening -----------------------------------------------------------------------------------
    def open_file(self) -> None:
        if self.last_output is not None:
            self.open_url(QUrl.fromLocalFile(str(self.last_output)))

    def open_folder(self) -> None:
        if self.last_output is not None:
            self.open_url(QUrl.fromLocalFile(str(self.last_output.parent)))

    def shutdown(self) -> None:
        self._elapsed_timer.stop()
        self.runner.shutdown()  # a report being written is finished (or fails) before the window goes
