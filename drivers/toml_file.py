"""TOML files given by the user (site configs, profile files) read safely: one clear line for every way they go wrong.

What a control-room PC meets, and what the reader does with it:

- a UTF-8 byte order mark, as Windows Notepad writes it: dropped, the file reads
  as without it; UTF-16 text (Notepad's "Unicode") is named as such;
- a path that is not a regular file (a FIFO, ``/dev/zero``, a folder): refused
  from its status, before it is opened, so reading never blocks or runs away;
- a file over ``max_bytes``: refused (a profile is a few kB, a site config of
  hundreds of devices well under a MiB), and never read past that limit even
  if it grows while being read;
- a NUL character in the path (from a TOML string's ``\\u0000``): refused;
- arrays or inline tables nested too deep: refused as a :class:`TomlFileError`,
  never a RecursionError from the parser or from whatever walks the document
  later; the depth is measured without recursion.

Every error is a :class:`TomlFileError` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

MIB = 1 << 20
MAX_DEPTH = 32  # levels of tables and arrays within each other; a site config uses 4, a profile 3


class TomlFileError(ValueError):
    """A TOML file cannot be used; the message is one line naming the file."""


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words, from its ``st_mode`` (also used for output files)."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_status(path: Path, mode: int, what: str) -> TomlFileError:
    return TomlFileError(
        f"{path}: is {file_kind(mode)}, not a regular file; a {what} must be a TOML text file (not read)"
    )


def read_text(path: Path, max_bytes: int, what: str) -> str:
    """The text of the regular file ``path`` (UTF-8, a leading BOM dropped), at most ``max_bytes`` long.

    ``what`` names the file in messages ("config file", "profile file"). Links are followed: a link
    to a regular file is that file.
    """
    if "\x00" in str(path):
        raise TomlFileError(f"{str(path)!r}: invalid {what.split()[0]} path: it contains a NUL character")
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise _refuse_status(path, status.st_mode, what)
        if status.st_size > max_bytes:
            raise TomlFileError(f"{path}: {status.st_size:,} bytes, over the {_size(max_bytes)} a {what} may have")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):  # replaced between the look and the open
                raise _refuse_status(path, opened.st_mode, what)
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise TomlFileError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise TomlFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise TomlFileError(f"{path}: over the {_size(max_bytes)} a {what} may have (it grew while being read)")
    return decode(data, path)


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text without its BOM; UTF-16 and other encodings named in the error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TomlFileError(f"{path}: is UTF-16 text; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TomlFileError(f"{path}: not a UTF-8 text file (line {line}: byte 0x{data[exc.start]:02x})") from None


def parse(text: str, source: str) -> dict[str, Any]:
    """The TOML document ``text``; ``source`` (a file name) starts every message."""
    if text.startswith("\ufeff"):  # text read by other means (parse_config's callers) may still have it
        text = text[1:]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(f"{source}: TOML syntax error: {exc}") from None
    except RecursionError:
        raise TomlFileError(f"{source}: {_too_deep()}") from None
    if depth(data) > MAX_DEPTH:
        raise TomlFileError(f"{source}: {_too_deep()}")
    return data


def depth(value: Any) -> int:
    """How many tables and arrays are nested in ``value`` at its deepest (a scalar: 0); no recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break  # deep enough to refuse; no need to walk the rest
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _too_deep() -> str:
    return f"tables or arrays nested more than {MAX_DEPTH} levels deep (the format needs only a few)"


def _size(n_bytes: int) -> str:
    return f"{n_bytes / MIB:g} MiB" if n_bytes >= MIB else f"{n_bytes:,} bytes"
