"""Output files that appear complete or not at all (export, reports)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputFileError(RuntimeError):
    """An output file (export, report) cannot be written; the message names the file."""


@contextmanager
def replaced_when_complete(path: Path, make_parent: bool = False) -> Iterator[Path]:
    """Yield ``<path>.partial`` to write; it replaces ``path`` when the block ends without an error.

    On any error the partial file is removed, so a reader never finds a half-written file;
    an OSError becomes an :class:`OutputFileError` naming ``path``.
    """
    partial = path.with_name(path.name + ".partial")
    try:
        if make_parent:
            path.parent.mkdir(parents=True, exist_ok=True)
        yield partial
        partial.replace(path)
    except OSError as exc:
        raise OutputFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
