"""Why a device's last poll failed or was incomplete, in the GUI's language (the devices page's table and details).

The collector publishes a poll's outcome in English words
(energymon.collect.reading.Reading): ``error``, the failed reads
(``str(drivers.link.ReadError)``, "kind: detail") joined by "; ", when
nothing was read; ``problems``, one "label: quantities" each, when an answered
poll was incomplete or its data doubtful. Every part begins with a word of a
closed vocabulary, and that word is the language-neutral code it is worded by:

- a read error's kind (drivers.link: timeout, connection, exception, invalid),
  worded by ui.connection_text (a few words with the technical facts only: the
  Modbus exception code, the address that cannot be reached, the timeout);
- a problem's label (energymon.collect.health: implausible, missing, not
  implemented; energymon.collect.quality: frozen, stale, out of range), worded
  here with the quantities' names (ui.quantity_labels).

In English the parts are shown as the collector wrote them (with the driver's
detail). A piece that begins with no known word continues the part before it
(a driver's message may itself hold "; "); a part that is none of these is
shown as it is. tests/ui/test_poll_problems.py checks that the collector's
labels are all known here.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from ui import i18n
from ui.connection_text import READ_ERROR_KINDS, parse_read_error, read_failure
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.quantity_labels import QUANTITY_TEXT

PROBLEM_LABELS = {  # a problem's label (energymon.collect.health, .quality) -> its words; %1: the quantities
    "implausible": QT_TRANSLATE_NOOP("PollProblems", "implausible values rejected: %1"),
    "missing": QT_TRANSLATE_NOOP("PollProblems", "no value (a read failed): %1"),
    "not implemented": QT_TRANSLATE_NOOP("PollProblems", "not provided by the device: %1"),
    "frozen": QT_TRANSLATE_NOOP("PollProblems", "frozen: %1"),
    "stale": QT_TRANSLATE_NOOP("PollProblems", "no fresh value: %1"),
    "out of range": QT_TRANSLATE_NOOP("PollProblems", "out of range: %1"),
}
PART_READ_FAILED = QT_TRANSLATE_NOOP("PollProblems", "a read failed: %1")  # an answered poll's failed block
SEPARATOR = "; "  # between the parts, as the collector joins them
PART_SEPARATOR = QT_TRANSLATE_NOOP("PollProblems", "; ")  # between the parts shown (zh: "；")
LIST_SEPARATOR = QT_TRANSLATE_NOOP("PollProblems", ", ")  # between the quantities' names (zh: "、")


def _tr(source: str) -> str:
    return QCoreApplication.translate("PollProblems", source)


def _label(part: str) -> str | None:
    """The known word a part begins with ("frozen", "timeout" ...), or None."""
    label, sep, _rest = part.partition(": ")
    return label if sep and (label in PROBLEM_LABELS or label in READ_ERROR_KINDS) else None


def split_parts(text: str) -> list[str]:
    """The parts of a joined error or problems text; a piece without a known word joins the part before it."""
    parts: list[str] = []
    for piece in text.split(SEPARATOR) if text else []:
        if parts and _label(piece) is None:
            parts[-1] += SEPARATOR + piece
        else:
            parts.append(piece)
    return parts


def _quantities(codes: str) -> str:
    """ "frequency_hz, power_w" as the quantities' names in the GUI's language; an unknown code as it is."""
    names = [
        QCoreApplication.translate("QuantityTableModel", QUANTITY_TEXT[q]) if q in QUANTITY_TEXT else q
        for q in codes.split(", ")
    ]
    return _tr(LIST_SEPARATOR).join(names)


def part_text(part: str, answered: bool) -> str:
    """One part in the GUI's language (see the module); ``answered``: of an answered (incomplete) poll, where a
    read error is one failed block."""
    if i18n.current_language() == "en":
        return part
    error = parse_read_error(part)
    if error is not None:
        text = read_failure(error)
        return fill(_tr(PART_READ_FAILED), text) if answered else text
    label = _label(part)
    if label is None:
        return part
    return fill(_tr(PROBLEM_LABELS[label]), _quantities(part.partition(": ")[2]))


def _joined(parts: Iterable[str], answered: bool) -> str:
    return _tr(PART_SEPARATOR).join(part_text(p, answered) for p in parts)


def error_text(error: str | None) -> str:
    """A reading's ``error`` (nothing was read) in the GUI's language; "" if there is none."""
    return _joined(split_parts(error or ""), answered=False)


def problems_text(problems: Iterable[str]) -> str:
    """A reading's ``problems`` (an answered poll, incomplete or doubtful) in the GUI's language."""
    return _joined(problems, answered=True)


def last_error_text(text: str, failed: bool) -> str:
    """What the devices page keeps of a device's latest failed (``failed``) or incomplete poll: the error or the
    problems joined by "; " (ui.device_table.PollCount), in the GUI's language."""
    return _joined(split_parts(text), answered=not failed)
