"""What every page of the main window shares: the app context and re-labelling on a language switch."""

from __future__ import annotations

from PySide6.QtCore import QEvent
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
