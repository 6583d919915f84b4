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

Qt's own texts (the standard buttons of a QDialogButtonBox, Qt's file dialog,
the context menu of a line edit) are translated by Qt's catalogue
``qtbase_<language>.qm``, which PySide6 ships in its translations folder
(``QLibraryInfo.path(QLibraryInfo.TranslationsPath)``; PyInstaller's PySide6
hooks copy it into a frozen bundle and point that path at it). It is installed
beside ours when the language is not English and removed when switching back, with
our supplement ``ui/translations/qtbase_extra_<language>.ts`` for the few texts
Qt's catalogue has not caught up with (Qt 6 renamed them).
A missing catalogue does not stop the switch: our texts change, Qt's stay
English, and :func:`qt_catalogue_missing` names the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

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


def qt_extra_path(language: str) -> Path:
    """Our supplement to Qt's catalogue: Qt's texts its catalogue of ``language`` does not translate yet."""
    return TRANSLATIONS_DIR / f"qtbase_extra_{language}.ts"


def qt_catalogue_path(language: str) -> Path:
    """Qt's own catalogue of ``language`` (``qtbase_zh_CN.qm``) in the Qt installation PySide6 runs on."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{language}.qm"


_installed: TsTranslator | None = None
_installed_qt: list[QTranslator] = []  # Qt's catalogue and our supplement to it
_qt_missing: str | None = None  # Qt's catalogue that did not load


def set_language(language: str) -> None:
    """Switch the GUI's language ("en" or "zh_CN"); widgets get a LanguageChange event.

    Our translation (the .ts file) must load, else nothing changes (OSError, ParseError, ValueError);
    Qt's own catalogue is installed with it when it loads (see :func:`qt_catalogue_missing`).
    """
    global _installed, _installed_qt, _qt_missing
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs the QApplication")
    if language != "en" and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (expected one of: {', '.join(LANGUAGES)})")
    ours: TsTranslator | None = None
    qt: list[QTranslator] = []  # Qt's catalogue and our supplement to it
    missing: str | None = None
    if language != "en":  # everything is read before anything changes (a broken .ts raises here)
        ours = TsTranslator(ts_path(language), app)
        catalogue, extra = qt_catalogue_path(language), qt_extra_path(language)
        qt = [QTranslator(app)]
        if not qt[0].load(str(catalogue)):
            qt, missing = [], str(catalogue)
        elif extra.exists():
            qt.append(TsTranslator(extra, app))
    for translator in (_installed, *_installed_qt):
        if translator is not None:
            app.removeTranslator(translator)
    for translator in [*qt, ours] if ours is not None else []:  # the last installed is asked first: ours
        app.installTranslator(translator)
    _installed, _installed_qt, _qt_missing = ours, qt, missing


def qt_catalogue_missing() -> str | None:
    """The path of Qt's own catalogue of the current language if it did not load (Qt's texts stay English)."""
    return _qt_missing


def current_language() -> str:
    return "en" if _installed is None else "zh_CN"


def text_language() -> str:
    """The GUI's language as the texts made in energymon name it ("en" or "zh": energymon.event_texts)."""
    return "en" if _installed is None else "zh"
