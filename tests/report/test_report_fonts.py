"""The PDF's fonts do not depend on the machine: the bundled Noto Sans SC subset sets Chinese (and Latin and
digits) on a machine with no CJK font and on one whose only CJK font has no Latin letters or digits (as
Droid Sans Fallback), the bytes are the same on both, and a system font stands in only when it has every
character the report drew. The system fonts are pinned: made here from the bundled font with fontTools."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from energymon.report import pdf as report_pdf
from energymon.report.daily import COLUMNS, daily_table
from energymon.report.formats import fmt_num
from energymon.report.pdf import write_report_pdf

from report_sample import make_report

HANZI = range(0x4E00, 0xA000)


def make_font(target: Path, keep, drop: str = "") -> Path:
    """A TrueType subset of the bundled regular font with the code points ``keep`` minus the characters ``drop``."""
    font = TTFont(report_pdf.BUNDLED_REGULAR, recalcTimestamp=False)
    unicodes = set(keep) & set(font.getBestCmap()) - {ord(c) for c in drop}
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(target)
    return target


@pytest.fixture(scope="module")
def fonts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fonts")
    cmap = set(TTFont(report_pdf.BUNDLED_REGULAR).getBestCmap())
    return {
        "hanzi only": make_font(folder / "hanzi-only.ttf", HANZI),  # like Droid Sans Fallback: no Latin, no digits
        "without 园": make_font(folder / "without-yuan.ttf", cmap, drop="园"),
    }


def machine(monkeypatch, *system_fonts: Path) -> None:
    """The system fonts this test's machine has (none, or the pinned ones), in search order."""
    monkeypatch.setattr(report_pdf, "cjk_font_candidates", lambda: [(p, 0) for p in system_fonts])


def pdf_text(path: Path) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_the_chinese_pdf_is_the_same_without_a_cjk_font_and_with_one_lacking_digits(tmp_path, monkeypatch, fonts):
    report = make_report(days=31)
    machine(monkeypatch)
    bare = write_report_pdf(report, tmp_path / "bare.pdf", "zh")
    machine(monkeypatch, fonts["hanzi only"])
    droid = write_report_pdf(report, tmp_path / "droid.pdf", "zh")
    assert bare.path == droid.path == report_pdf.BUNDLED_REGULAR and not bare.missing
    assert (tmp_path / "bare.pdf").read_bytes() == (tmp_path / "droid.pdf").read_bytes()
    text = pdf_text(tmp_path / "droid.pdf")
    table = daily_table(report)
    figures = [
        fmt_num(float(value), 1)
        for row in table.rows
        for column in COLUMNS[1:]
        if (value := row.value(column)) is not None
    ]
    assert len(figures) > 31 * 10
    missing = [f for f in figures if f not in text]
    assert not missing, missing[:10]  # every daily figure of the CSV is in the PDF's text
    assert "月度能源报告" in text and "2026-10-31" in text


def test_a_system_font_stands_in_only_when_it_has_every_character_drawn(tmp_path, monkeypatch, fonts, caplog):
    monkeypatch.setattr(report_pdf, "BUNDLED_REGULAR", fonts["without 园"])
    monkeypatch.setattr(report_pdf, "BUNDLED_BOLD", fonts["without 园"])
    report = make_report()  # the site is "Xi'an logistics park 西安物流园"
    # the hanzi-only font has 园 but no digits: never chosen; the full bundled font, as a system font, has all
    machine(monkeypatch, fonts["hanzi only"], report_pdf.fonts.BUNDLED_REGULAR)
    chosen = write_report_pdf(report, tmp_path / "fallback.pdf", "zh")
    assert chosen.path == report_pdf.fonts.BUNDLED_REGULAR and not chosen.missing
    assert "西安物流园" in pdf_text(tmp_path / "fallback.pdf")

    machine(monkeypatch, fonts["hanzi only"])  # nothing on this machine has every character
    with caplog.at_level(logging.WARNING, logger="energymon.report"):
        kept = write_report_pdf(report, tmp_path / "boxes.pdf", "zh")
    assert kept.path == fonts["without 园"] and kept.missing == {ord("园")}
    assert any("no font has 园" in r.getMessage() for r in caplog.records)


def test_the_bundled_font_covers_every_label_of_both_languages():
    from energymon.report.text import labels

    font = report_pdf.fonts.open_font("check", report_pdf.BUNDLED_REGULAR)
    assert font is not None
    drawn = {ord(c) for lang in ("en", "zh") for text in labels(lang).values() for c in text}
    assert not font.lacks(drawn), "".join(sorted(chr(c) for c in font.lacks(drawn)))
