"""The status bar's elided label: ends in "…" when narrow, keeps the whole text, shows it as a tooltip."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from ui.elided_label import ElidedLabel

LONG = (
    "collecting: /var/lib/energymon/site.db   ·   CO₂ factor 0.5543 kg/kWh (MEE & NBS, Northwest China regional grid)"
)


def test_narrow_label_elides_and_offers_the_whole_text(qtbot):
    label = ElidedLabel(LONG)
    qtbot.addWidget(label)
    label.resize(200, 24)
    label.show()
    image = label.grab().toImage()
    assert label.text() == LONG
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(LONG)
    assert label.toolTip() == LONG
    # nothing drawn past the label, and something drawn in it
    assert any(
        image.pixelColor(x, y) != image.pixelColor(0, 0) for x in range(image.width()) for y in range(image.height())
    )


def test_wide_label_shows_everything_without_tooltip(qtbot):
    label = ElidedLabel("short")
    qtbot.addWidget(label)
    label.resize(400, 24)
    label.show()
    label.grab()
    assert label.shown_text() == "short" and label.toolTip() == ""


def test_style_sheet_colour_is_used(qtbot):
    label = ElidedLabel("Collector stopped: port in use " * 4)
    qtbot.addWidget(label)
    label.setStyleSheet("color: #c53030; font-weight: 600;")
    label.resize(300, 24)
    label.show()
    image = label.grab().toImage()
    reds = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    assert any(c.red() > 150 and c.green() < 90 and c.blue() < 90 for c in reds)  # red text, not black
