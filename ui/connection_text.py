"""A Modbus connection in words: its transport's name and why a read of it failed (devices page, inspector).

The config names transports by their keys (``tcp``, ``rtu``, ``rtu-over-tcp``:
drivers.link.TRANSPORTS); people read the protocol's name in their language.
A failed read (drivers.link.ReadError) is told by its kind; a Modbus exception
by its code and the code's name (drivers.link.MODBUS_EXCEPTIONS). The driver's
own detail of a timeout, a lost connection or a rejected answer is English
and is shown in English only: other languages say the kind of failure. The
texts are translated in the "ConnectionText" context (ui/translations).

A failed read that reaches the GUI as text (a reading's error, an identity
read's: ``str(ReadError)``, "kind: detail") is read back by
:func:`parse_read_error`; :func:`read_failure` says it in a few words for a
table cell: in English as the driver said it, in other languages by its kind
with the technical facts the detail holds (the Modbus exception code, the
address that cannot be reached, the timeout in s).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from drivers.link import ReadError
from ui import i18n
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP

TRANSPORT_NAMES = {  # drivers.link.TRANSPORTS -> the name shown (untranslated source text)
    "tcp": QT_TRANSLATE_NOOP("ConnectionText", "Modbus TCP"),
    "rtu": QT_TRANSLATE_NOOP("ConnectionText", "Modbus RTU (serial line)"),
    "rtu-over-tcp": QT_TRANSLATE_NOOP("ConnectionText", "RTU over TCP (serial gateway)"),
}
EXCEPTION_NAMES = {  # Modbus exception code -> its name (drivers.link.MODBUS_EXCEPTIONS, for translation)
    1: QT_TRANSLATE_NOOP("ConnectionText", "illegal function"),
    2: QT_TRANSLATE_NOOP("ConnectionText", "illegal data address"),
    3: QT_TRANSLATE_NOOP("ConnectionText", "illegal data value"),
    4: QT_TRANSLATE_NOOP("ConnectionText", "server device failure"),
    5: QT_TRANSLATE_NOOP("ConnectionText", "acknowledge"),
    6: QT_TRANSLATE_NOOP("ConnectionText", "server device busy"),
    8: QT_TRANSLATE_NOOP("ConnectionText", "memory parity error"),
    10: QT_TRANSLATE_NOOP("ConnectionText", "gateway path unavailable"),
    11: QT_TRANSLATE_NOOP("ConnectionText", "gateway target device failed to respond"),
}
_FAILED = {  # ReadError.kind -> (sentence with the detail, sentence without it)
    "exception": (
        QT_TRANSLATE_NOOP("ConnectionText", "The device refused the read: %1."),
        QT_TRANSLATE_NOOP("ConnectionText", "The device refused the read."),
    ),
    "timeout": (
        QT_TRANSLATE_NOOP("ConnectionText", "No answer: %1."),
        QT_TRANSLATE_NOOP("ConnectionText", "No answer within the timeout."),
    ),
    "connection": (
        QT_TRANSLATE_NOOP("ConnectionText", "No connection: %1."),
        QT_TRANSLATE_NOOP("ConnectionText", "No connection to the device."),
    ),
    "invalid": (
        QT_TRANSLATE_NOOP("ConnectionText", "The answer was rejected: %1."),
        QT_TRANSLATE_NOOP("ConnectionText", "The answer was rejected: it does not match the request."),
    ),
}
_SHORT = {  # ReadError.kind -> (a few words with the detail's fact, without it); %1: the fact
    "timeout": (
        QT_TRANSLATE_NOOP("ConnectionText", "no answer within %1 s"),
        QT_TRANSLATE_NOOP("ConnectionText", "no answer"),
    ),
    "connection": (
        QT_TRANSLATE_NOOP("ConnectionText", "no connection to %1"),
        QT_TRANSLATE_NOOP("ConnectionText", "no connection"),
    ),
    "exception": ("%1", QT_TRANSLATE_NOOP("ConnectionText", "the device refused the read")),  # %1: exception_text
    "invalid": ("", QT_TRANSLATE_NOOP("ConnectionText", "answer rejected")),  # no fact: the detail is the driver's
}
SUNSPEC_FAILED = QT_TRANSLATE_NOOP("ConnectionText", "SunSpec discovery failed")  # the collector's "invalid: SunSpec …"
READ_FAILED = QT_TRANSLATE_NOOP("ConnectionText", "read failed")  # a kind this module does not know
UNKNOWN_EXCEPTION = QT_TRANSLATE_NOOP("ConnectionText", "unknown exception")
EXCEPTION = QT_TRANSLATE_NOOP("ConnectionText", "Modbus exception %1 (%2)")  # %1: the code, %2: its name
READ_ERROR_KINDS = ("timeout", "connection", "exception", "invalid")  # drivers.link.ReadError.kind
_EXCEPTION_CODE = re.compile(r"\bModbus exception (\d+)\b")
_TIMEOUT_S = re.compile(r"\bwithin (\d+(?:\.\d+)?) s\b")  # drivers.link: "no answer from unit 2 within 1 s"
_ADDRESS = (  # drivers.link: the address a connection error names (host:port, a serial port)
    re.compile(r"^cannot connect to (\S+): "),
    re.compile(r"^connection to (\S+) lost: "),
    re.compile(r"^(\S+) unreachable; "),
)
_OTHER = (
    QT_TRANSLATE_NOOP("ConnectionText", "The read failed: %1."),
    QT_TRANSLATE_NOOP("ConnectionText", "The read failed."),
)


def _tr(source: str) -> str:
    return QCoreApplication.translate("ConnectionText", source)


def transport_name(transport: str) -> str:
    """The transport's name in the GUI's language; a key without a name as it is."""
    source = TRANSPORT_NAMES.get(transport)
    return transport if source is None else _tr(source)


def exception_text(code: int) -> str:
    """A Modbus exception by its code and the code's name: "Modbus exception 11 (gateway target …)"."""
    name = _tr(EXCEPTION_NAMES[code]) if code in EXCEPTION_NAMES else _tr(UNKNOWN_EXCEPTION)
    return fill(_tr(EXCEPTION), code, name)


def read_error_text(error: ReadError) -> str:
    """Why a read failed, as a sentence in the GUI's language (see the module)."""
    with_detail, without = _FAILED.get(error.kind, _OTHER)
    code = error.exception_code
    if error.kind == "exception" and code is not None:
        return fill(_tr(with_detail), exception_text(code))
    if i18n.current_language() == "en":
        return fill(_tr(with_detail), error.detail)
    return _tr(without)  # the driver's detail has no words in this language: the kind says what failed


def parse_read_error(text: str) -> ReadError | None:
    """A failed read printed as ``str(ReadError)`` ("kind: detail") back as one; None if ``text`` is not one."""
    kind, sep, detail = text.partition(": ")
    if not sep or kind not in READ_ERROR_KINDS:
        return None
    code = _EXCEPTION_CODE.search(detail) if kind == "exception" else None
    return ReadError(kind, detail, int(code.group(1)) if code is not None else None)


def _fact(error: ReadError) -> str | None:
    """The technical fact of a failed read's detail that every language shows as it is (see the module)."""
    if error.kind == "exception" and error.exception_code is not None:
        return exception_text(error.exception_code)
    if error.kind == "timeout":
        found = _TIMEOUT_S.search(error.detail)
        return found.group(1) if found is not None else None
    if error.kind == "connection":
        found = next((m for m in (p.search(error.detail) for p in _ADDRESS) if m is not None), None)
        return found.group(1) if found is not None else None
    return None


def read_failure(error: ReadError) -> str:
    """Why a read failed in a few words (see the module): English as the driver said it (``str(error)``)."""
    if i18n.current_language() == "en":
        return str(error)
    if error.kind == "invalid" and error.detail.startswith("SunSpec "):  # energymon.collect: discovery failed
        return _tr(SUNSPEC_FAILED)
    if error.kind not in _SHORT:
        return _tr(READ_FAILED)
    with_fact, without = _SHORT[error.kind]
    fact = _fact(error)
    return _tr(without) if fact is None else fill(_tr(with_fact), fact)
