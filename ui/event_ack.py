"""Acknowledging events: the dialog that asks who (and why), and the acknowledgement handed to the writer.

An acknowledgement is written through the one writer of the database
(docs/database.md): :func:`acknowledge` queues it on the running collection's
:class:`energymon.store.writer.StoreWriter`, which commits it with its next batch.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Iterable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from energymon.store.writer import Ack, StoreWriter
from ui.format import fill


def default_user() -> str:
    """The operating system's user name, the default for "acknowledged by"."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment, no passwd entry
        return ""


def acknowledge(
    writer: StoreWriter, event_ids: Iterable[int], by: str, note: str = "", now_ms: int | None = None
) -> list[Ack]:
    """Queue an acknowledgement of each event on ``writer`` (an :class:`energymon.store.writer.StoreWriter`).

    The writer commits them with its next batch. Raises ``ValueError`` without a name, and
    :class:`energymon.store.schema.StoreError` if the writer is closed or failed.
    """
    by = by.strip()
    if not by:
        raise ValueError("an acknowledgement needs a name")
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    acks = [Ack(int(event_id), by, stamp, note.strip()) for event_id in event_ids]
    for ack in acks:
        writer.put_ack(ack)
    return acks


class AckDialog(QDialog):
    """Who acknowledges (the OS user name by default) and an optional note."""

    def __init__(self, count: int, by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = count
        self.by_edit = QLineEdit(by)
        self.note_edit = QLineEdit()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.form = QFormLayout()
        self.by_label, self.note_label = QLabel(), QLabel()
        self.form.addRow(self.by_label, self.by_edit)
        self.form.addRow(self.note_label, self.note_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.by_edit.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._check()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Acknowledge events"))
        self.message.setText(
            fill(
                self.tr("Acknowledge %1 selected events? The name and the time are stored with each of them."),
                str(self.count),
            )
        )
        self.by_label.setText(self.tr("Acknowledged by:"))
        self.note_label.setText(self.tr("Note (optional):"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.by_edit.text().strip()))
