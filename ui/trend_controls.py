"""The trends page's controls above the chart: the pickers with "Add series" and the saved views (first row),
the time presets and the export buttons (second row). Texts in the page's context ("TrendsPage"); the page
connects the buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.trend_pickers import ChannelPickers
from ui.trend_plot import PRESETS
from ui.trend_views import ViewsBar

translate = QCoreApplication.translate


class TrendControls(QObject):
    """The widgets of the two rows, laid out in ``layout``."""

    def __init__(self, parent: QWidget, layout: QVBoxLayout) -> None:
        super().__init__(parent)
        first = QHBoxLayout()
        self.pickers = ChannelPickers(self)
        self.pickers.add_to(first)
        self.add_button = QPushButton()
        first.addWidget(self.add_button)
        first.addStretch(1)
        self.views = ViewsBar(parent)
        self.views.add_to(first)
        layout.addLayout(first)
        second = QHBoxLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(False)  # none is checked after a zoom or pan
        for preset in PRESETS:
            button = QPushButton()
            button.setCheckable(True)
            self.preset_buttons[preset] = button
            self.preset_group.addButton(button)
            second.addWidget(button)
        second.addStretch(1)
        self.csv_button = QPushButton()
        self.png_button = QPushButton()
        second.addWidget(self.csv_button)
        second.addWidget(self.png_button)
        layout.addLayout(second)

    def check_preset(self, preset: str | None) -> None:
        """Show ``preset`` as the range chosen (None: none is, after a zoom or pan)."""
        for name, button in self.preset_buttons.items():
            button.setChecked(name == preset)

    def retranslate(self) -> None:
        self.pickers.retranslate()
        self.views.retranslate()
        texts = {
            "today": translate("TrendsPage", "Today"),
            "yesterday": translate("TrendsPage", "Yesterday"),
            "7d": translate("TrendsPage", "7 days"),
            "30d": translate("TrendsPage", "30 days"),
            "12m": translate("TrendsPage", "12 months"),
        }
        for preset, button in self.preset_buttons.items():
            button.setText(texts[preset])
        self.add_button.setText(translate("TrendsPage", "Add series"))
        self.add_button.setToolTip(
            translate("TrendsPage", "Add another series to the chart; the pickers then change the new one.")
        )
        self.csv_button.setText(translate("TrendsPage", "Export CSV…"))
        self.csv_button.setToolTip(
            translate("TrendsPage", "Save the points shown as a CSV file (local time with UTC offset).")
        )
        self.png_button.setText(translate("TrendsPage", "Export PNG…"))
        self.png_button.setToolTip(translate("TrendsPage", "Save the chart as shown as a PNG image."))
