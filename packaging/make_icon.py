"""Draw the application icon: ``python packaging/make_icon.py`` writes energymon/data/icons/energymon.png
(the window's icon, and a Linux launcher's) and packaging/icons/energymon.ico (the Windows executables').

The mark is a sun (a disc with eight rays) over which a lightning bolt is drawn, on a dark blue
rounded square: solar generation and electricity, legible down to 16 px. It is drawn with Qt's
QPainter (no image editor, no binary source), once per size so small sizes stay sharp.
``energymon.png`` is the 256 px image (the GUI's window icon, Linux desktop files); ``energymon.ico`` holds 16, 24, 32,
48, 64, 128 and 256 px images, each PNG-compressed (the ICO form Windows reads since Vista),
for the Windows executable (packaging/energymon.spec). The generated files are committed.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen, QPolygonF

ICONS = Path(__file__).resolve().parent / "icons"  # the .ico
PNG = Path(__file__).resolve().parents[1] / "energymon" / "data" / "icons" / "energymon.png"  # package data
ICO_SIZES_PX = (16, 24, 32, 48, 64, 128, 256)
BACKGROUND = QColor("#1f3a5f")
SUN = QColor("#f5a623")
BOLT = QColor("#ffffff")


def draw(size_px: int) -> QImage:
    """The icon at ``size_px`` x ``size_px`` (ARGB, transparent outside the rounded square)."""
    image = QImage(size_px, size_px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size_px / 100.0, size_px / 100.0)  # drawn on a 100 x 100 grid
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(BACKGROUND)
    p.drawRoundedRect(QRectF(2, 2, 96, 96), 20, 20)
    centre = QPointF(50, 50)
    p.setBrush(SUN)
    p.drawEllipse(centre, 22, 22)
    ray = QPen(SUN, 7 if size_px >= 32 else 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(ray)
    for k in range(8):
        angle = k * math.pi / 4
        dx, dy = math.cos(angle), math.sin(angle)
        p.drawLine(QPointF(50 + 30 * dx, 50 + 30 * dy), QPointF(50 + 40 * dx, 50 + 40 * dy))
    bolt = QPolygonF([QPointF(x, y) for x, y in ((56, 18), (34, 54), (48, 54), (42, 84), (67, 44), (53, 44), (60, 18))])
    path = QPainterPath()
    path.addPolygon(bolt)
    path.closeSubpath()
    p.setPen(QPen(BACKGROUND, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.setBrush(QBrush(BOLT))
    p.drawPath(path)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[bytes], sizes_px: tuple[int, ...]) -> bytes:
    """An ICO file of PNG-compressed images (ICONDIR, one ICONDIRENTRY per image, then the PNGs)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size_px, blob in zip(sizes_px, images):
        dim = 0 if size_px >= 256 else size_px  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(exist_ok=True)
    images = [png_bytes(draw(size_px)) for size_px in ICO_SIZES_PX]
    PNG.parent.mkdir(exist_ok=True)
    PNG.write_bytes(images[-1])
    (ICONS / "energymon.ico").write_bytes(ico_bytes(images, ICO_SIZES_PX))
    for path in (PNG, ICONS / "energymon.ico"):
        print(f"{path}: {path.stat().st_size / 1e3:.1f} kB")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
