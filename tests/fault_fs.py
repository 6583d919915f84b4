"""Real storage faults for tests: a small file system that fills up, an immutable file, another
program's write lock. Needs root for mount and chattr (the test machines run as root)."""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def small_filesystem(directory: Path, size_kb: int = 512) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` KiB mounted on ``directory`` for the block; unmounted after."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(directory)], check=True)
    try:
        yield directory
    finally:
        gc.collect()  # connections still referenced by a caught exception's frames
        if subprocess.run(["umount", str(directory)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(directory)], check=True)


def fill(directory: Path, name: str = "filler") -> Path:
    """Fill the file system of ``directory`` to the last byte with one file; return it (delete it to free)."""
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        block = b"\0" * 65536
        while True:
            try:
                os.write(fd, block)
            except OSError:
                if len(block) == 1:
                    break
                block = block[: len(block) // 2]
    finally:
        os.close(fd)
    return path


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """``path`` made immutable (chattr +i: not even root may write it) for the block."""
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextlib.contextmanager
def write_lock(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the database's write lock (BEGIN IMMEDIATE) for the block."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("ROLLBACK")
    finally:
        conn.close()
