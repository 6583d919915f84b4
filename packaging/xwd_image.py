"""Read an X window dump (``xwd -root`` of the Xvfb screen the frozen GUI runs on) and write it as PNG.

packaging/check_bundle.py takes its screenshot of the frozen GUI this way, from outside the app,
so that what is checked is what the X server shows. Standard library only (the check runs before
anything but the bundle may be trusted): the XWD header (X11 ``XWDFileHeader``, 25 big-endian
32-bit fields), true- or direct-colour ZPixmap images of 24 or 32 bits per pixel, as Xvfb writes them.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

HEADER_FIELDS = 25
ZPIXMAP = 2
TRUE_COLOR = 4
DIRECT_COLOR = 5  # what xwd reports for Xvfb's root once a Qt app has run on it (its colour map is the identity)


class XwdError(ValueError):
    """A file that is not an XWD dump this module reads."""


@dataclass(frozen=True)
class Image:
    """An RGB image: ``rgb`` holds width x height pixels of 3 bytes, row by row from the top."""

    width: int
    height: int
    rgb: bytes

    def colour_count(self) -> int:
        """The number of distinct colours: a blank or failed window has one or a handful."""
        view = memoryview(self.rgb)
        return len({bytes(view[i : i + 3]) for i in range(0, len(view), 3)})

    def write_png(self, path: Path) -> None:
        """Write the image as an 8-bit RGB PNG (filter 0 on every row)."""
        row_bytes = self.width * 3
        raw = b"".join(b"\0" + self.rgb[y * row_bytes : (y + 1) * row_bytes] for y in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        png = (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
        )
        path.write_bytes(png)


def _channel(pixels: bytes, bytes_per_pixel: int, mask: int, little_endian: bool) -> bytes:
    """One colour channel of every pixel (``mask`` selects a whole byte of the pixel, as X servers lay them out)."""
    shift = (mask & -mask).bit_length() - 1
    if mask >> shift != 0xFF or shift % 8:
        raise XwdError(f"unsupported colour mask {mask:#x}")
    byte = shift // 8
    index = byte if little_endian else bytes_per_pixel - 1 - byte
    return pixels[index::bytes_per_pixel]


def read_xwd(data: bytes) -> Image:
    """Decode an XWD dump (XwdError for anything but a true/direct-colour ZPixmap of 24 or 32 bits per pixel)."""
    if len(data) < HEADER_FIELDS * 4:
        raise XwdError("too short for an XWD header")
    fields = struct.unpack(f">{HEADER_FIELDS}I", data[: HEADER_FIELDS * 4])
    header_size, version, pixmap_format = fields[0], fields[1], fields[2]
    width, height, byte_order = fields[4], fields[5], fields[7]
    bits_per_pixel, bytes_per_line, visual_class = fields[11], fields[12], fields[13]
    red_mask, green_mask, blue_mask, ncolors = fields[14], fields[15], fields[16], fields[19]
    if version != 7 or pixmap_format != ZPIXMAP:
        raise XwdError(f"not an XWD version 7 ZPixmap (version {version}, format {pixmap_format})")
    if visual_class not in (TRUE_COLOR, DIRECT_COLOR) or bits_per_pixel not in (24, 32):
        raise XwdError(f"unsupported visual {visual_class} at {bits_per_pixel} bits per pixel")
    start = header_size + ncolors * 12  # the colour map entries (XWDColor, 12 bytes each) follow the header
    if len(data) < start + bytes_per_line * height:
        raise XwdError("the pixel data is cut short")
    bytes_per_pixel = bits_per_pixel // 8  # 24: packed 3-byte pixels (rows still bytes_per_line apart)
    row_bytes = width * bytes_per_pixel
    pixels = b"".join(data[start + y * bytes_per_line : start + y * bytes_per_line + row_bytes] for y in range(height))
    little = byte_order == 0  # LSBFirst
    rgb = bytearray(width * height * 3)
    rgb[0::3] = _channel(pixels, bytes_per_pixel, red_mask, little)
    rgb[1::3] = _channel(pixels, bytes_per_pixel, green_mask, little)
    rgb[2::3] = _channel(pixels, bytes_per_pixel, blue_mask, little)
    return Image(width, height, bytes(rgb))
