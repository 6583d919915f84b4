"""Saved views of the trends page: a named set of series and a time range, kept in QSettings.

A view is stored under the QSettings key ``trends/views`` as JSON: a list
of ``{"name", "series": [{"device", "quantity", "energy"}...], "preset"}``
where ``preset`` is the name of a relative range ("today", "7d": the last
7 days when restored, ...) or null with ``from_ms``/``to_ms`` (UTC epoch
ms) for a fixed range. Entries that cannot be read (a damaged or foreign
settings file) are skipped, never fatal. :class:`ViewsBar` is the row of
widgets that saves (asking for a name), restores and deletes views; its
texts are the trends page's (context "TrendsPage").
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QWidget

from energymon.views.trend_set import TrendSpec
from ui.format import fill
from ui.trend_plot import PRESETS

SETTINGS_KEY = "trends/views"
MAX_NAME = 80  # characters of a view's name
translate = QCoreApplication.translate


@dataclass(frozen=True)
class SavedView:
    """A named set of series and a time range: a preset (relative to the time it is restored) or fixed."""

    name: str
    specs: tuple[TrendSpec, ...]
    preset: str | None = None
    from_ms: int = 0
    to_ms: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "series": [s.as_dict() for s in self.specs],
            "preset": self.preset,
            "from_ms": self.from_ms,
            "to_ms": self.to_ms,
        }

    @classmethod
    def from_dict(cls, data: object) -> SavedView | None:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
            return None
        raw = data.get("series")
        read = [TrendSpec.from_dict(d) for d in raw] if isinstance(raw, list) else []
        specs = tuple(s for s in read if s is not None)
        preset, lo, hi = data.get("preset"), data.get("from_ms"), data.get("to_ms")
        if not specs:
            return None
        if preset in PRESETS:
            return cls(data["name"], specs, str(preset))
        if isinstance(lo, int) and isinstance(hi, int) and lo < hi:
            return cls(data["name"], specs, None, lo, hi)
        return None


def load_views(settings: QSettings | None = None) -> list[SavedView]:
    """The saved views, by name."""
    text = (settings or QSettings()).value(SETTINGS_KEY, "")
    try:
        entries = json.loads(str(text or "[]"))
    except ValueError:
        return []
    views = [v for v in (SavedView.from_dict(e) for e in entries) if v is not None] if isinstance(entries, list) else []
    return sorted({v.name: v for v in views}.values(), key=lambda v: v.name.casefold())


def _store(views: list[SavedView], settings: QSettings | None) -> None:
    (settings or QSettings()).setValue(SETTINGS_KEY, json.dumps([v.as_dict() for v in views], ensure_ascii=False))


def save_view(view: SavedView, settings: QSettings | None = None) -> None:
    """Save ``view``, replacing one of the same name."""
    _store([v for v in load_views(settings) if v.name != view.name] + [view], settings)


def delete_view(name: str, settings: QSettings | None = None) -> None:
    _store([v for v in load_views(settings) if v.name != name], settings)


class ViewsBar(QObject):
    """The saved views' label, picker and buttons; the page answers :attr:`wanted` and :attr:`save_asked`."""

    wanted = Signal(str)  # restore the view of this name
    save_asked = Signal(str)  # save the page's view under this name

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setMinimumWidth(160)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(self._on_activated)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.ask_name)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self._ask_delete)
        self.refresh()

    def add_to(self, row: QHBoxLayout) -> None:
        for widget in (self.label, self.combo, self.save_button, self.delete_button):
            row.addWidget(widget)

    def retranslate(self) -> None:
        self.label.setText(translate("TrendsPage", "Saved views"))
        self.save_button.setText(translate("TrendsPage", "Save view…"))
        self.save_button.setToolTip(translate("TrendsPage", "Save the series and the time range under a name."))
        self.delete_button.setText(translate("TrendsPage", "Delete view"))
        self.delete_button.setToolTip(translate("TrendsPage", "Delete the saved view chosen on the left."))
        self.refresh()

    def refresh(self, current: str | None = None) -> None:
        """List the saved views again (``current``: the one to show as chosen)."""
        keep = current if current is not None else self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(translate("TrendsPage", "(choose a view)"), None)
        for view in load_views():
            self.combo.addItem(view.name, view.name)
        index = self.combo.findData(keep) if keep else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.delete_button.setEnabled(self.combo.count() > 1 and self.combo.currentIndex() > 0)

    def _on_activated(self, _index: int) -> None:
        name = self.combo.currentData()
        self.delete_button.setEnabled(bool(name))
        if name:
            self.wanted.emit(name)

    def ask_name(self) -> None:
        name, ok = QInputDialog.getText(
            self._parent,
            translate("TrendsPage", "Save view"),
            translate("TrendsPage", "Name of the view (a saved view of the same name is replaced):"),
            text=self.combo.currentData() or "",
        )
        name = name.strip()[:MAX_NAME]
        if ok and name:
            self.save_asked.emit(name)

    def _ask_delete(self) -> None:
        name = self.combo.currentData()
        if not name:
            return
        answer = QMessageBox.question(
            self._parent,
            translate("TrendsPage", "Delete view"),
            fill(translate("TrendsPage", "Delete the saved view “%1”?"), name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            delete_view(name)
            self.refresh("")
