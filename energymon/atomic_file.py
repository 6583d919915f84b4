"""Output files (exports, reports) that appear complete or not at all, and never through a planted link.

:func:`replaced_when_complete` writes a file the user named in three steps:

1. the target, if it exists, must be a regular file: a symbolic link, a FIFO,
   a device node (``/dev/null``), a socket or a directory is refused with an
   :class:`OutputFileError` naming it, and left as it was;
2. the content goes into a temporary file in the target's folder, created
   exclusively (``tempfile.mkstemp``: ``O_CREAT | O_EXCL``, and
   ``O_NOFOLLOW`` where the platform has it) with a random name, so nothing
   planted in the folder beforehand (a link at a predictable ``FILE.partial``
   name, say) is ever opened or followed; it is written through that one
   descriptor, flushed and synced;
3. ``os.replace`` puts it in the target's place in one step (the target is
   checked once more just before), and the folder is synced where the
   platform allows, so after a crash the file is the old one or the new one.

On any error the temporary file is removed and the old file is untouched. The
new file gets the permissions of the file it replaces, or for a new file the
usual ``0666`` less the umask (not mkstemp's private ``0600``).
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, BinaryIO, Literal, TextIO, overload

from drivers.toml_file import file_kind

TEMP_SUFFIX = ".tmp"
_NAME_IN_TEMP = 40  # characters of the target's name kept in the temporary name (stays under NAME_MAX)


class OutputFileError(RuntimeError):
    """An output file (export, report) cannot be written; the message names the file."""


def check_replaceable(path: Path) -> os.stat_result | None:
    """The target's status if it is a regular file, None if it does not exist; else :class:`OutputFileError`.

    The last component is not followed: a link is refused, whatever it points to.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        raise OutputFileError(f"{path}: cannot write: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(status.st_mode):
        raise OutputFileError(
            f"{path}: is {file_kind(status.st_mode)}, not a regular file; refusing to replace it (give a file name)"
        )
    return status


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (/proc), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """fsync a folder so a rename in it survives a crash (POSIX; Windows cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@overload
def replaced_when_complete(
    path: Path, make_parent: bool = False, *, binary: Literal[False] = False
) -> AbstractContextManager[TextIO]: ...
@overload
def replaced_when_complete(
    path: Path, make_parent: bool = False, *, binary: Literal[True]
) -> AbstractContextManager[BinaryIO]: ...
def replaced_when_complete(path: Path, make_parent: bool = False, *, binary: bool = False) -> AbstractContextManager:
    """Yield a file to write (UTF-8 text with ``newline=""``, or ``binary``) that replaces ``path`` when complete.

    ``make_parent`` creates missing folders. Raises :class:`OutputFileError` naming ``path`` when the
    target is not a regular file or the write fails (an OSError); any other error from the block
    propagates after the temporary file is removed. See the module's docstring for the steps.
    """
    return _replaced(Path(path), make_parent, binary)


@contextmanager
def _replaced(path: Path, make_parent: bool, binary: bool) -> Iterator[IO]:
    temp: str | None = None
    try:
        old = check_replaceable(path)
        if make_parent:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name[:_NAME_IN_TEMP]}.", suffix=TEMP_SUFFIX, dir=path.parent)
        raw = os.fdopen(fd, "wb")  # the one descriptor of the file mkstemp created; closing the stream closes it
        stream: IO = raw if binary else io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
            os.fsync(raw.fileno())
            if hasattr(os, "fchmod"):  # POSIX
                os.fchmod(raw.fileno(), stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask())
        except BaseException:
            try:
                stream.close()
            except OSError:  # its last buffer cannot be written either: the file is removed anyway
                pass
            raise
        stream.close()
        check_replaceable(path)  # once more: nothing was put in its place meanwhile
        os.replace(temp, path)
        temp = None
        _sync_folder(path.parent)
    except OSError as exc:
        raise OutputFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
