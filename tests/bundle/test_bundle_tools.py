"""The tools of packaging/ that run without building a bundle: the screenshot decoder, the icon, the build's pins.

The bundle itself is built and run by packaging/ci.sh (slow: a PyInstaller build), apart from the test run.
Here: the XWD reader that turns check_bundle.py's ``xwd -root`` dump into the PNG it checks (both layouts
Xvfb writes, read back through Qt's own PNG reader), the icon drawn by make_icon.py (its ICO read back
by Qt), and build.py taking PyInstaller's version range from pyproject.toml's ``bundle`` extra.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QColor, QImage

REPO = Path(__file__).resolve().parents[2]


def load(name: str) -> ModuleType:
    """A module of packaging/ (a folder of scripts, not a package: the name would clash with PyPI's packaging)."""
    spec = importlib.util.spec_from_file_location(f"energymon_packaging_{name}", REPO / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


xwd_image = load("xwd_image")

PIXELS = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(10, 20, 30), (200, 150, 100), (255, 255, 255)]]  # 3 x 2


def xwd(bits_per_pixel: int, visual_class: int, pad_to: int, pixels=PIXELS, version: int = 7) -> bytes:
    """An XWD dump as xwd writes it for Xvfb: LSBFirst pixels B, G, R (, X), rows padded to ``pad_to`` bytes."""
    height, width = len(pixels), len(pixels[0])
    bpp = bits_per_pixel // 8
    bytes_per_line = max(pad_to, width * bpp)
    name = b"xwdump\0"
    header_size = 100 + len(name)
    fields = [header_size, version, 2, 24, width, height, 0, 0, 32, 0, 32, bits_per_pixel, bytes_per_line,
              visual_class, 0xFF0000, 0x00FF00, 0x0000FF, 8, 256, 2, width, height, 0, 0, 0]  # fmt: skip
    colormap = b"\0" * 12 * 2  # ncolors = 2 entries, skipped by the reader
    rows = b""
    for row in pixels:
        data = b"".join(bytes((b, g, r, 0)[:bpp]) for r, g, b in row)
        rows += data + b"\xee" * (bytes_per_line - len(data))  # padding must not be read as pixels
    return struct.pack(">25I", *fields) + name + colormap + rows


@pytest.mark.parametrize(
    ("bits_per_pixel", "visual_class", "pad_to"),
    [(32, 4, 0), (24, 5, 16)],  # TrueColor 32 bpp; DirectColor packed 24 bpp in padded rows (after a Qt app ran)
)
def test_xwd_dump_decodes_to_the_pixels_and_a_png_qt_reads_back(tmp_path, bits_per_pixel, visual_class, pad_to):
    image = xwd_image.read_xwd(xwd(bits_per_pixel, visual_class, pad_to))
    assert (image.width, image.height) == (3, 2)
    assert image.colour_count() == 6
    png = tmp_path / "shot.png"
    image.write_png(png)
    back = QImage(str(png))
    assert not back.isNull()
    assert [[back.pixelColor(x, y).getRgb()[:3] for x in range(3)] for y in range(2)] == PIXELS


def test_a_blank_screen_has_one_colour():
    grey = [[(40, 40, 40)] * 3] * 2
    assert xwd_image.read_xwd(xwd(32, 4, 0, pixels=grey)).colour_count() == 1


@pytest.mark.parametrize(
    ("dump", "message"),
    [
        (b"\0" * 50, "too short"),
        (xwd(32, 4, 0, version=6), "version 7"),
        (xwd(32, 3, 0), "unsupported visual"),  # PseudoColor (a colour map): not what Xvfb at depth 24 gives
        (xwd(32, 4, 0)[:-5], "cut short"),
    ],
)
def test_what_is_not_a_readable_dump_is_refused(dump, message):
    with pytest.raises(xwd_image.XwdError, match=message):
        xwd_image.read_xwd(dump)


def test_the_icon_is_drawn_at_every_size_and_its_ico_reads_back(qapp, tmp_path):
    make_icon = load("make_icon")
    image = make_icon.draw(64)
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corner outside the rounded square
    colours = {image.pixelColor(x, y).name() for x in range(0, 64, 4) for y in range(0, 64, 4)}
    assert {make_icon.BACKGROUND.name(), make_icon.SUN.name(), QColor("#ffffff").name()} <= colours
    sizes = (16, 32, 256)
    ico = tmp_path / "icon.ico"
    ico.write_bytes(make_icon.ico_bytes([make_icon.png_bytes(make_icon.draw(s)) for s in sizes], sizes))
    (count,) = struct.unpack("<H", ico.read_bytes()[4:6])
    assert count == 3
    assert QImage(str(ico)).width() == 16  # Qt's ICO reader opens the first image


def test_the_committed_icons_are_the_ones_make_icon_draws(qapp):
    make_icon = load("make_icon")
    committed = QImage(str(REPO / "energymon" / "data" / "icons" / "energymon.png"))
    assert committed == QImage.fromData(make_icon.png_bytes(make_icon.draw(256)))
    assert (REPO / "packaging" / "icons" / "energymon.ico").stat().st_size < 100_000


def test_build_takes_pyinstaller_from_the_bundle_extra():
    build = load("build")
    extra = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert build.pyinstaller_requirement() in extra["bundle"]
    assert build.pyinstaller_requirement().startswith("pyinstaller>=6")


def test_the_spec_bundles_every_data_file_pattern_the_package_installs():
    """A data file added to [tool.setuptools.package-data] must reach the frozen app too (packaging/energymon.spec)."""
    spec = (REPO / "packaging" / "energymon.spec").read_text(encoding="utf-8")
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]
    for package, patterns in package_data.items():
        for pattern in patterns:
            source = " / ".join(f'"{part}"' for part in [package, *pattern.split("/")])
            assert f"(str(REPO / {source}), " in spec, f"{package}/{pattern} is not in the spec's DATAS"
    assert '(str(REPO / "ui" / "translations" / "*.ts"), "ui/translations")' in spec  # read by ui/i18n.py


def test_the_windows_installer_script_installs_what_the_spec_builds():
    """packaging/windows/energymon.iss: its icon exists, it copies the spec's one folder, its shortcuts open the
    spec's GUI executable (the build and the installer can only be run on Windows: this is what can be checked
    here)."""
    iss = (REPO / "packaging" / "windows" / "energymon.iss").read_text(encoding="utf-8")
    spec = (REPO / "packaging" / "energymon.spec").read_text(encoding="utf-8")
    icon = re.search(r"^SetupIconFile=(.+)$", iss, re.M)
    assert icon and (REPO / "packaging" / "windows" / icon.group(1).replace("\\", "/")).exists()
    assert 'name="energymon-gui"' in spec and 'name="energymon")' in spec  # the GUI executable, the folder
    assert 'Source: "..\\..\\dist\\energymon\\*"' in iss
    shortcuts = re.findall(r'^Name: "\{auto(?:programs|desktop)\}[^"]*"; Filename: "([^"]+)"', iss, re.M)
    assert shortcuts and set(shortcuts) == {"{app}\\energymon-gui.exe"}
