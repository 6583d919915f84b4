"""Large live value tiles, readable from across a control room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout


class Tile(QFrame):
    """Title, big value with unit, and a detail line."""

    def __init__(self, title: str, unit: str, accent: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet(
            f"#tile {{ background: #ffffff; border: 1px solid #d5dbe3; border-left: 6px solid {accent};"
            " border-radius: 6px; } QLabel { background: transparent; }"
        )
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #4a5568; font-size: 13pt;")
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet("color: #1a202c; font-size: 26pt; font-weight: 600;")
        self.value_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.unit = unit
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("color: #4a5568; font-size: 11pt;")
        self.detail_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def set_value(self, text: str, detail: str = "", tooltip: str = "") -> None:
        shown = text if text == "—" else f"{text} {self.unit}"
        self.value_label.setText(shown)
        self.detail_label.setText(detail)
        self.setToolTip(tooltip)

    @property
    def value_text(self) -> str:
        return self.value_label.text()
