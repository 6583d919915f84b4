"""What every page of the main window shares: the app context and re-labelling on a language switch; and
for the pages that read their figures again while shown, the refresh timer (:class:`RefreshedPage`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QWidget

from ui.context import AppContext


class Page(QWidget):
    """A page of the main window. Subclasses set every visible text in :meth:`retranslate`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def title(self) -> str:
        """The page's name in the navigation (translated)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Set every visible text again (called on a language switch)."""

    def activated(self) -> None:
        """The page was shown: refresh what it shows."""

    def shutdown(self) -> None:
        """The window closes: stop timers and threads of this page."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RefreshedPage(Page):
    """A page that reads its figures when shown (:meth:`request`) and again every ``refresh_ms`` while it is
    visible and :meth:`refresh_due`; the timer stops when the page is hidden or the window closes."""

    def __init__(self, ctx: AppContext, refresh_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._timer = QTimer(self, interval=refresh_ms)
        self._timer.timeout.connect(self._on_timer)

    def request(self) -> None:
        """Read the page's figures (on the reader thread)."""
        raise NotImplementedError

    def refresh_due(self) -> bool:
        """Whether the figures shown can still change (a page showing a closed period need not read again)."""
        return True

    def _on_timer(self) -> None:
        if self.isVisible() and self.refresh_due():
            self.request()

    def activated(self) -> None:
        self._timer.start()
        self.request()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().hideEvent(event)

    def shutdown(self) -> None:
        self._timer.stop()
