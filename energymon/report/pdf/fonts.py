"""The fonts of the PDF report: the bundled Chinese font, the check that a font has every glyph drawn, and the
system fonts that stand in only when the bundled one lacks a character.

English uses the PDF base font Helvetica, unless the report's own text (site,
device names, event details, sources) needs characters beyond Windows-1252.
Chinese, and such text, is set in the font that ships with energymon:
subsets of Noto Sans SC Regular and Bold (SIL Open Font License 1.1;
energymon/data/fonts, made by tools/make_report_font.py): Latin, digits,
punctuation, symbols and all of GB 2312. So the same month gives the same PDF
bytes on every machine, whatever fonts it has.

Every character the PDF draws is noted as it is drawn (:class:`ReportFont`).
If the bundled font lacks one (a rare character in a site or device name),
the report is set again in the first system font that has *every* character
drawn (so a CJK font without Latin letters or digits, such as Droid Sans
Fallback, is never chosen), looked for in this order:

1. the file named by the environment variable ``ENERGYMON_CJK_FONT``
   (``path`` or ``path#index`` for a member of a .ttc collection);
2. Windows: ``%WINDIR%\\Fonts`` and ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``:
   msyh.ttc (Microsoft YaHei), simhei.ttf (SimHei), simsun.ttc (SimSun), Deng.ttf (DengXian);
3. Linux: WenQuanYi Zen Hei / Micro Hei, Droid Sans Fallback, AR PL UMing;
4. macOS: STHeiti, Arial Unicode, Songti, PingFang.

A candidate must be TrueType (reportlab embeds TrueType outlines only; the
OpenType/CFF Noto Sans CJK is refused). When no font has every character,
the bundled font is kept and :attr:`Fonts.missing` names the characters it
shows as empty boxes (the command warns).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from energymon.report.figures import MonthReport

FONT_ENV = "ENERGYMON_CJK_FONT"
CJK_FONT_NAME = "EnergymonCJK"
FONTS_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"
BUNDLED_REGULAR = FONTS_DIR / "NotoSansSC-energymon-Regular.ttf"
BUNDLED_BOLD = FONTS_DIR / "NotoSansSC-energymon-Bold.ttf"
NOT_DRAWN = frozenset({0x09, 0x0A, 0x0D})  # line breaks and tabs reach the font but are not glyphs

# File names (Windows font folders) and absolute paths (Linux, macOS), each with the member index of a .ttc.
WINDOWS_FONTS = (
    ("msyh.ttc", 0),
    ("msyh.ttf", 0),
    ("simhei.ttf", 0),
    ("simsun.ttc", 0),
    ("Deng.ttf", 0),
)
UNIX_FONTS = (
    (
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        0,
    ),  # Debian/Ubuntu fonts-wqy-zenhei
    (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        0,
    ),  # Debian/Ubuntu fonts-wqy-microhei
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora wqy-zenhei-fonts
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora wqy-microhei-fonts
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),  # Arch wqy-zenhei
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),  # Arch wqy-microhei
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),  # Debian fonts-droid-fallback
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),  # Fedora
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian fonts-arphic-uming
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),  # macOS
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
)


def cjk_font_candidates() -> list[tuple[Path, int]]:
    """Where a CJK TrueType font is looked for, in order (see the module docstring)."""
    out: list[tuple[Path, int]] = []
    env = os.environ.get(FONT_ENV, "").strip()
    if env:
        path, _, index = env.partition("#")
        out.append((Path(path).expanduser(), int(index) if index.isdigit() else 0))
    folders = []
    if sys.platform == "win32" or os.environ.get("WINDIR"):
        folders.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        if os.environ.get("LOCALAPPDATA"):
            folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    out += [(folder / name, index) for folder in folders for name, index in WINDOWS_FONTS]
    out += [(Path(p), index) for p, index in UNIX_FONTS]
    return out


class ReportFont(TTFont):
    """A TrueType font that notes every character it is asked to draw (:attr:`drawn`)."""

    def __init__(self, name: str, path: Path, index: int = 0) -> None:
        super().__init__(name, str(path), subfontIndex=index)
        self.path = path
        self.drawn: set[int] = set()

    def splitString(self, text: str | bytes, doc: object, encoding: str = "utf-8") -> list:  # noqa: N802 - reportlab's
        self.drawn.update(ord(ch) for ch in (text.decode(encoding) if isinstance(text, bytes) else text))
        return super().splitString(text, doc, encoding)

    def lacks(self, chars: set[int]) -> set[int]:
        """Which of ``chars`` this font has no glyph for."""
        return {c for c in chars - NOT_DRAWN if c not in self.face.charToGlyph}


def report_font(base: str, path: Path, index: int = 0) -> ReportFont:
    """The font at ``path`` registered with reportlab for a new report (its :attr:`~ReportFont.drawn` emptied).

    reportlab keeps the first font registered under a name, and under a face (PostScript) name, so a font is
    named after a digest of its file's bytes, its face name too (the PDF's font name, e.g.
    ``NotoSansSC-Regular-<digest>``): two files never share a font object, and the bundled font has the same
    name on every machine. Raises TTFError or OSError if it cannot be embedded.
    """
    digest = f"{hashlib.sha1(path.read_bytes()).hexdigest()[:10]}{index}"
    name = f"{base}-{digest}"
    try:
        font = pdfmetrics.getFont(name)
    except KeyError:
        font = ReportFont(name, path, index)
        font.face.name += f"-{digest}".encode()
        pdfmetrics.registerFont(font)
    assert isinstance(font, ReportFont), name
    font.drawn.clear()
    return font


def open_font(name: str, path: Path, index: int = 0) -> ReportFont | None:
    """The TrueType font at ``path`` (member ``index`` of a .ttc) under ``name``, or None if reportlab cannot embed
    it (missing, unreadable, CFF outlines)."""
    try:
        return ReportFont(name, path, index)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None


def find_font_with(chars: set[int], candidates: list[tuple[Path, int]]) -> tuple[Path, int] | None:
    """The first of ``candidates`` (system fonts, :func:`cjk_font_candidates`) that has a glyph for every one of
    ``chars``, or None."""
    for path, index in candidates:
        if path.is_file():
            font = open_font(CJK_FONT_NAME, path, index)
            if font is not None and not font.lacks(chars):
                return path, index
    return None


@dataclass
class Fonts:
    """The regular and bold font a report is set in; ``cjk`` when they are embedded TrueType fonts."""

    regular: str
    bold: str
    cjk: bool
    faces: tuple[ReportFont, ...] = ()  # the embedded fonts, which note what they draw
    missing: set[int] = field(default_factory=set)  # characters drawn that no font had: shown as empty boxes

    @property
    def path(self) -> Path | None:
        """The embedded TrueType file of the regular font, if any."""
        return self.faces[0].path if self.faces else None

    def drawn(self) -> set[int]:
        """Every character drawn in the embedded fonts so far."""
        return set().union(*(face.drawn for face in self.faces))

    def lacking(self) -> set[int]:
        """The characters drawn that these fonts have no glyph for."""
        return set().union(*(face.lacks(face.drawn) for face in self.faces))


def needs_unicode_font(report: MonthReport) -> bool:
    """Whether the report's own text has characters beyond Windows-1252 (which Helvetica cannot show)."""
    texts = [
        report.site_name,
        report.timezone,
        report.emission_factor_source,
        report.coal_factor_source,
    ]
    texts += [d.device_id for d in report.devices] + [d.name for d in report.devices]
    texts += [e.detail for e in report.events] + [e.device_id or "" for e in report.events]
    try:
        "".join(texts).encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False
