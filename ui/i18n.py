"""Languages of the GUI: English (the source strings) and 简体中文 (ui/translations/energymon_zh_CN.ts).

The strings are marked with ``self.tr()`` / ``QCoreApplication.translate()``
(or :func:`QT_TRANSLATE_NOOP` where a table holds them) and extracted with Qt's own tool::

    .venv/bin/pyside6-lupdate ui/*.py -ts ui/translations/energymon_zh_CN.ts

and translated in that .ts file (Qt Linguist or any editor). At run time
:class:`TsTranslator` reads the .ts file directly (a QTranslator over its
finished translations), so no compiled .qm build output is needed;
``pyside6-lrelease`` still compiles it (a test checks that it does, and that
no string is left untranslated). Switching the language installs another
translator; Qt then sends every widget a LanguageChange event and each page
re-labels itself (:meth:`ui.page.Page.retranslate`) without losing state.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Mark ``source`` for translation in ``context`` and return it unchanged (translated where it is shown).

    The same as PySide6's own, which is typed as returning ``object``; this one returns the ``str``.
    """
    return source


def ts_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"energymon_{language}.ts"


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation of every finished message of a .ts file."""
    table: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            if translation.text:
                table[(name, source)] = translation.text
    return table


class TsTranslator(QTranslator):
    """A QTranslator over the finished messages of a Qt Linguist .ts file."""

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.table = read_ts(path)

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        """The translation, or None: Qt then shows the source text (an empty string would blank it)."""
        return self.table.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return not self.table


_installed: TsTranslator | None = None


def set_language(language: str) -> None:
    """Switch the GUI's language ("en" or "zh_CN"); widgets get a LanguageChange event."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs the QApplication")
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if language != "en":
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r} (expected one of: {', '.join(LANGUAGES)})")
        _installed = TsTranslator(ts_path(language), app)
        app.installTranslator(_installed)


def current_language() -> str:
    return "en" if _installed is None else "zh_CN"
