"""Output files of ``energymon export`` and ``report`` run as processes: never through a planted link, never over a
link, FIFO, device node or folder, complete or not at all (a full file system leaves the old file), ``--out -``.

The full file system is a real 1 MiB tmpfs (the tests run as root in CI); where mounting is not allowed the
same failure is injected into the write instead (in-process), so the test runs everywhere.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from energymon.cli.main import main
from energymon.store.writer import SampleBatch, StoreWriter

from support import PYTHON, record_hand_site

pytestmark = pytest.mark.process

DAY0_MS = 1_790_006_400_000  # 2026-09-22 00:00 in Asia/Shanghai (16:00 UTC the day before)
QUARTER_MS = 900_000
VICTIM_TEXT = "the file a planted link points to: must never change\n"


@pytest.fixture(scope="module")
def site_db(tmp_path_factory) -> Path:
    """Two days of a grid meter and a PV inverter, every 15 minutes, in a database that describes its site."""
    path = tmp_path_factory.mktemp("out") / "site.db"
    record_hand_site(path, [("grid", "grid", 1000.0), ("pv-1", "pv", 100.0)])
    writer = StoreWriter(path, max_delay_s=60)
    for i in range(2 * 96):
        ts = DAY0_MS + i * QUARTER_MS
        writer.put_samples(SampleBatch("grid", ts, {"power_w": 5000.0, "imported_wh": 1e6 + i * 1250.0}))
        writer.put_samples(SampleBatch("pv-1", ts, {"power_w": 2000.0, "yield_wh": 5e5 + i * 500.0}))
    writer.close()
    assert writer.error is None
    return path


def export_args(db: Path, out: str) -> list[str]:
    return ["export", "--db", str(db), "--from", "2026-09-22", "--to", "2026-09-23", "--out", out]


def report_args(db: Path, out: str, fmt: str = "csv") -> list[str]:
    return ["report", "--db", str(db), "--month", "2026-09", "--format", fmt, "--out", out]


def energymon(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ENERGYMON_DEBUG"}
    if "stdout" not in kwargs:
        kwargs.setdefault("capture_output", True)
    return subprocess.run([PYTHON, "-m", "energymon.cli", *args], cwd=cwd, env=env, timeout=120, **kwargs)


def leftovers(folder: Path) -> list[str]:
    """Temporary files of a write (``.NAME.*.tmp``) or of the old scheme (``NAME.partial``) left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".partial")) and not p.is_symlink())


def one_error_line(done: subprocess.CompletedProcess) -> str:
    err = done.stderr.decode() if isinstance(done.stderr, bytes) else done.stderr
    lines = err.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, err
    assert lines[0].startswith("energymon: error: ") and "Traceback" not in err
    return lines[0]


COMMANDS = {
    "export": lambda db, out: export_args(db, out),
    "report-csv": lambda db, out: report_args(db, out, "csv"),
    "report-xlsx": lambda db, out: report_args(db, out, "xlsx"),
    "report-pdf": lambda db, out: report_args(db, out, "pdf"),
}


@pytest.mark.parametrize("command", ["export", "report-pdf"])
def test_a_link_planted_at_the_old_partial_name_is_not_followed(command, site_db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT, encoding="utf-8")
    out = tmp_path / "out.file"
    planted = tmp_path / "out.file.partial"
    planted.symlink_to(victim)
    done = energymon(COMMANDS[command](site_db, str(out)), tmp_path, text=True)
    assert done.returncode == 0, done.stderr
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT  # the link's target is untouched
    assert planted.is_symlink() and os.readlink(planted) == str(victim)  # and the link is left as it was
    assert stat.S_ISREG(os.lstat(out).st_mode) and out.stat().st_size > 100
    assert out.read_bytes().startswith(b"%PDF" if command == "report-pdf" else b"timestamp,device_id")
    assert leftovers(tmp_path) == []


def make_node(kind: str, path: Path, victim: Path) -> None:
    if kind == "symlink":
        path.symlink_to(victim)
    elif kind == "dangling symlink":
        path.symlink_to(path.parent / "nowhere" / "x.csv")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device node":  # /dev/null's own numbers: what `--out /dev/null` as root would have replaced
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        path.mkdir()


def node_state(path: Path) -> tuple[int, int, str | None]:
    status = os.lstat(path)
    return status.st_mode, status.st_rdev, os.readlink(path) if stat.S_ISLNK(status.st_mode) else None


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo", "device node", "directory"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_out_that_is_not_a_regular_file_is_refused_and_left_as_it_was(kind, command, site_db, tmp_path):
    if kind == "device node" and os.geteuid() != 0:
        kind = "fifo"  # only root may make a device node; a FIFO is refused by the same rule
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT, encoding="utf-8")
    target = tmp_path / "target.out"
    make_node(kind, target, victim)
    before = node_state(target)
    line = one_error_line(energymon(COMMANDS[command](site_db, str(target)), tmp_path, text=True))
    assert str(target) in line and "not a regular file" in line and "refusing to replace it" in line
    assert node_state(target) == before
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT
    assert leftovers(tmp_path) == []


@contextlib.contextmanager
def full_file_system(folder: Path) -> Iterator[bool]:
    """A 1 MiB tmpfs at ``folder``, filled up; yields False (and nothing mounted) where mounting is not allowed."""
    folder.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True)
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True, timeout=30)


def fill(folder: Path) -> None:
    """Write a filler file in ``folder`` until its file system has no room left."""
    with open(folder / "filler", "wb", buffering=0) as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 4096)
    with pytest.raises(OSError):
        with open(folder / "probe", "wb") as p:
            p.write(b"x" * 4096)
            p.flush()
            os.fsync(p.fileno())
    (folder / "probe").unlink(missing_ok=True)


@pytest.mark.parametrize("command", ["export", "report-xlsx", "report-pdf"])
def test_a_failed_write_leaves_the_old_file_intact(command, site_db, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "small"
    old_text = "the previous export, which a failed write must leave as it was\n"
    with full_file_system(folder) as mounted:
        old = folder / "old.out"
        old.write_text(old_text, encoding="utf-8")
        if mounted:
            fill(folder)
            line = one_error_line(energymon(COMMANDS[command](site_db, str(old)), tmp_path, text=True))
        else:  # no mount allowed here: the same error, injected where the file system would raise it

            def no_space(fd: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr("energymon.atomic_file.os.fsync", no_space)
            assert main(COMMANDS[command](site_db, str(old))) == 2
            line = capsys.readouterr().err.strip()
        assert str(old) in line and "No space left on device" in line, line
        assert old.read_text(encoding="utf-8") == old_text
        assert leftovers(folder) == []


def test_out_dash_writes_csv_to_stdout(site_db, tmp_path):
    done = energymon(export_args(site_db, "-"), tmp_path, text=True)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["timestamp", "device_id", "quantity", "value"] and len(rows) == 1 + 2 * 96 * 4
    assert "to stdout" in done.stderr
    report = energymon(report_args(site_db, "-", "csv"), tmp_path)
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(b"date,pv_kwh,") and b"\ntotal," in report.stdout
    assert energymon(report_args(site_db, str(tmp_path / "month.csv"), "csv"), tmp_path).returncode == 0
    assert (tmp_path / "month.csv").read_bytes() == report.stdout  # the same bytes as the file
    assert not (tmp_path / "-").exists()


def test_a_file_named_dash_is_dot_slash_dash(site_db, tmp_path):
    done = energymon(export_args(site_db, "./-"), tmp_path, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and (tmp_path / "-").read_text(encoding="utf-8").startswith("timestamp,")


def test_a_binary_report_goes_to_a_pipe_but_not_to_a_terminal(site_db, tmp_path):
    piped = energymon(report_args(site_db, "-", "pdf"), tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"%PDF") and piped.stdout.rstrip().endswith(b"%%EOF")
    leader, follower = os.openpty()
    try:
        done = energymon(report_args(site_db, "-", "xlsx"), tmp_path, stdout=follower, stderr=subprocess.PIPE)
    finally:
        os.close(follower)
        os.close(leader)
    line = one_error_line(done)
    assert "--out -" in line and "terminal" in line and "XLSX" in line


def test_a_new_file_gets_the_usual_permissions_and_a_replaced_file_keeps_its_own(site_db, tmp_path):
    fresh, kept = tmp_path / "fresh.csv", tmp_path / "kept.csv"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o640)
    for out in (fresh, kept):
        assert energymon(export_args(site_db, str(out)), tmp_path).returncode == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_text(encoding="utf-8").startswith("timestamp,")
