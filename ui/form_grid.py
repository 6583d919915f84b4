"""A grid of labelled form fields (the register inspector's form): rows of (label, field, column span);
and :func:`spin_box`, a spin box with its range and value.

Labels sit right-aligned before their fields; a spin box is at least
SPIN_WIDTH_PX wide, another field WIDE_PX when it spans three or more
columns, else NARROW_PX; the columns keep their natural widths and the space
to the right stretches.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox, QWidget

SPIN_WIDTH_PX, NARROW_PX, WIDE_PX = 90, 240, 360


def form_grid(rows: Sequence[Sequence[tuple[QLabel, QWidget, int]]]) -> QGridLayout:
    form = QGridLayout()
    form.setHorizontalSpacing(8)
    form.setVerticalSpacing(4)
    columns = 0
    for r, line in enumerate(rows):
        c = 0
        for label, widget, span in line:
            width = SPIN_WIDTH_PX if isinstance(widget, QSpinBox) else WIDE_PX if span >= 3 else NARROW_PX
            widget.setMinimumWidth(width)
            form.addWidget(label, r, c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.addWidget(widget, r, c + 1, 1, span)
            c += 1 + span
        columns = max(columns, c)
    form.setColumnStretch(columns, 1)
    return form


def spin_box(minimum: int, maximum: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    return spin
