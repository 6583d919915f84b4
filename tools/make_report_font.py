"""Make the report's bundled Chinese font: subsets of Noto Sans SC (SIL Open Font License 1.1) for the PDF.

Source: Google Fonts' static TrueType Noto Sans SC (glyf outlines, which
reportlab can embed; the OpenType/CFF Noto Sans CJK cannot be), as published
in the npm package ``@expo-google-fonts/noto-sans-sc`` 0.4.3
(``400Regular/NotoSansSC_400Regular.ttf``, ``700Bold/NotoSansSC_700Bold.ttf``).
Kept: printable ASCII, Latin-1 and Latin Extended-A, general punctuation,
letter-like symbols and arrows, CJK symbols and punctuation, full-width forms,
and every character of GB 2312 (6,763 hanzi); dropped: hinting, layout
tables and vertical metrics (the report sets horizontal text only). About
2.2 MB a weight instead of 10.5 MB. The licence travels with the files
(energymon/data/fonts/OFL.txt).

Usage::

    npm pack @expo-google-fonts/noto-sans-sc && tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz
    python tools/make_report_font.py package energymon/data/fonts
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

WEIGHTS = {"Regular": "400Regular/NotoSansSC_400Regular.ttf", "Bold": "700Bold/NotoSansSC_700Bold.ttf"}
RANGES = (
    (0x20, 0x7F),
    (0xA0, 0x180),
    (0x2000, 0x2070),
    (0x2100, 0x2200),
    (0x2200, 0x2270),
    (0x3000, 0x3040),
    (0xFF00, 0xFFF0),
)


def characters() -> set[int]:
    """The code points kept: the ranges above and every character GB 2312 encodes."""
    chars = {c for lo, hi in RANGES for c in range(lo, hi)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def make(source_dir: Path, out_dir: Path) -> None:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vmtx", "vhea", "BASE", "STAT", "GSUB", "GPOS", "GDEF"]
    for weight, name in WEIGHTS.items():
        font = TTFont(source_dir / name, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters())
        subsetter.subset(font)
        target = out_dir / f"NotoSansSC-energymon-{weight}.ttf"
        font.save(target)
        print(f"{target}: {target.stat().st_size / 1e6:.2f} MB, {len(font.getBestCmap()):,} characters")


if __name__ == "__main__":
    make(Path(sys.argv[1]), Path(sys.argv[2]))
