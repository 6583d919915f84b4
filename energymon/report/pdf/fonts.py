"""The fonts of the PDF report: the search for an embeddable CJK TrueType font, and the pair a report uses.

English uses the PDF base font Helvetica, unless the report's own text
(site, device names, event details, sources) needs characters beyond
Windows-1252; Chinese always needs a CJK font. The CJK font is a TrueType font
embedded (subset) in the file, searched in this order:

1. the file named by the environment variable ``ENERGYMON_CJK_FONT``
   (``path`` or ``path#index`` for a member of a .ttc collection);
2. Windows: ``%WINDIR%\\Fonts`` and ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``:
   msyh.ttc (Microsoft YaHei), simhei.ttf (SimHei), simsun.ttc (SimSun), Deng.ttf (DengXian);
3. Linux: WenQuanYi Zen Hei / Micro Hei (Debian/Ubuntu ``fonts-wqy-zenhei``,
   ``fonts-wqy-microhei``; Fedora, Arch paths), Droid Sans Fallback, AR PL UMing;
4. macOS: STHeiti, Arial Unicode, Songti, PingFang.

A candidate is used only if reportlab can embed it (TrueType outlines; OpenType
CFF fonts such as Noto Sans CJK are refused by reportlab) and it has Chinese
glyphs. If none is found, :class:`FontNotFoundError` says what to install.
Adobe's non-embedded CID font STSong-Light is deliberately not a fallback: its
rendering depends on the viewer having a substitute font.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFError, TTFont

from energymon.report.figures import MonthReport, ReportError

FONT_ENV = "ENERGYMON_CJK_FONT"
CJK_FONT_NAME = "EnergymonCJK"

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
INSTALL_HINT = (
    "install a TrueType Chinese font: on Debian/Ubuntu `apt install fonts-wqy-zenhei`, on Fedora "
    "`dnf install wqy-zenhei-fonts`; or set ENERGYMON_CJK_FONT to a .ttf/.ttc file (e.g. msyh.ttc, "
    "simhei.ttf)"
)


class FontNotFoundError(ReportError):
    """No font that can render (and be embedded for) the report's text."""


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


@cache
def load_cjk_font(path: str, index: int) -> TTFont | None:
    """The font at ``path`` (member ``index`` of a .ttc) if reportlab can embed it and it has Chinese glyphs."""
    try:
        font = TTFont(CJK_FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None  # missing, unreadable or CFF outlines (reportlab embeds TrueType only)
    if not all(ord(ch) in font.face.charToGlyph for ch in "月度能源报告光伏"):
        return None
    return font


def find_cjk_font() -> tuple[Path, int] | None:
    """The first usable CJK TrueType font (path, .ttc member index), or None."""
    for path, index in cjk_font_candidates():
        if path.is_file() and load_cjk_font(str(path), index) is not None:
            return path, index
    return None


@dataclass(frozen=True)
class Fonts:
    """The regular and bold font a report is set in; ``cjk`` when that is the embedded CJK font."""

    regular: str
    bold: str
    cjk: bool
    path: Path | None = None  # the embedded TrueType file, if any


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
