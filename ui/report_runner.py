"""Making one report at a time off the GUI thread, and telling the reports page how it goes.

The report is made in a child process
(:func:`energymon.report.job.generate_report_in_child`, exactly as
``energymon report`` does), so its seconds of Python never hold the GIL the
GUI thread needs. The ``energymon-report`` worker thread (ui.background)
only waits for that child and relays its stages; the page hears of them, and
of the outcome, through queued signals on the GUI thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from energymon.report.job import ReportJob, failure_text
from energymon.report.month import MonthReport
from energymon.report.year import YearReport
from ui.background import Worker

Report = MonthReport | YearReport
RunJob = Callable[..., Report]  # (job, stage=..., started=...) -> the report; raises with a message


@dataclass
class ReportRun:
    """One report: its job, the Python thread that waited for it and the process that made it (tests check both)."""

    job: ReportJob
    thread_ident: int | None = None
    child_pid: int | None = None


def _started(run: ReportRun, pid: int) -> None:
    run.child_pid = pid


class ReportRunner(QObject):
    """Runs one :class:`ReportJob` at a time with ``run_job``, on its worker thread."""

    stage = Signal(str)  # "reading", "writing": emitted on the worker thread, received queued
    done = Signal(object)  # MonthReport or YearReport
    failed = Signal(str)  # what the user is told (energymon.report.job.failure_text)
    finished = Signal()  # after done or failed: another report may start

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = Worker("energymon-report", parent=self)
        self.current: ReportRun | None = None

    @property
    def running(self) -> bool:
        return self.current is not None

    def start(self, job: ReportJob, run_job: RunJob) -> ReportRun:
        """Start making ``job``'s report (the caller checks :attr:`running` first)."""
        run = ReportRun(job)
        self.current = run
        self._worker.submit(functools.partial(self._wait, run, run_job), self._on_done, self._on_failed)
        return run

    def _wait(self, run: ReportRun, run_job: RunJob) -> Report:  # on the worker thread
        run.thread_ident = threading.get_ident()
        return run_job(run.job, stage=self.stage.emit, started=functools.partial(_started, run))

    def _on_done(self, report: Report) -> None:
        self.done.emit(report)
        self._end()

    def _on_failed(self, exc: Exception) -> None:
        self.failed.emit(failure_text(exc))
        self._end()

    def _end(self) -> None:
        self.current = None
        self.finished.emit()

    def shutdown(self) -> None:
        """Wait for a report being made (it is finished, or fails, before the window goes)."""
        self._worker.shutdown()
