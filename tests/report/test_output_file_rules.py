"""How every report file reaches the disk (energymon.atomic_file, energymon.report.write): a regular file or
nothing, through a temporary file of its own; the same bytes into a stream (``--out -``)."""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from energymon.atomic_file import OutputFileError, check_replaceable, replaced_when_complete
from energymon.report.figures import ReportError
from energymon.report.write import write_report, write_report_to

from report_sample import make_report


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".partial")))


@pytest.fixture(scope="module")
def report():
    return make_report()


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_a_stream_gets_the_bytes_of_the_file(fmt, report, tmp_path):
    path = tmp_path / f"r.{fmt}"
    write_report(report, path, fmt)
    stream = io.BytesIO()
    write_report_to(report, stream, fmt)
    assert not stream.closed and stream.getvalue() == path.read_bytes()
    assert leftovers(tmp_path) == []


def test_an_xlsx_into_a_stream_is_a_workbook(report):
    stream = io.BytesIO()
    write_report_to(report, stream, "xlsx")
    stream.seek(0)
    assert len(load_workbook(stream).sheetnames) >= 5


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_link_as_the_target_is_refused_and_kept(fmt, report, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    link = tmp_path / f"r.{fmt}"
    link.symlink_to(victim)
    with pytest.raises(OutputFileError, match=r"r\.\w+: is a symbolic link, not a regular file; refusing"):
        write_report(report, link, fmt, make_parent=True)  # the GUI's call
    assert link.is_symlink() and victim.read_text(encoding="utf-8") == "keep\n"
    assert leftovers(tmp_path) == []


def test_an_error_inside_leaves_the_old_file_and_no_temporary_file(tmp_path):
    old = tmp_path / "old.csv"
    old.write_text("old\n", encoding="utf-8")
    with pytest.raises(ReportError, match="font"):
        with replaced_when_complete(old) as out:
            out.write("half a file")
            raise ReportError("no font")  # not an OSError: passes through unchanged
    with pytest.raises(OutputFileError, match=r"old\.csv: cannot write: No space left on device"):
        with replaced_when_complete(old, binary=True) as out:
            out.write(b"x")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert old.read_text(encoding="utf-8") == "old\n" and leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_target_swapped_for_a_fifo_while_writing_is_not_replaced(tmp_path):
    target = tmp_path / "swap.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(OutputFileError, match=r"swap\.csv: is a FIFO \(named pipe\), not a regular file"):
        with replaced_when_complete(target) as out:
            out.write("new\n")
            target.unlink()
            os.mkfifo(target)  # someone puts a FIFO in its place before the rename
    assert stat.S_ISFIFO(os.lstat(target).st_mode) and leftovers(tmp_path) == []


def test_the_temporary_file_is_a_new_private_one_in_the_target_folder(tmp_path):
    target = tmp_path / "new.csv"
    with replaced_when_complete(target) as out:
        (temp,) = [p for p in tmp_path.iterdir() if p.name.startswith(".new.csv.") and p.name.endswith(".tmp")]
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600 and not temp.is_symlink()  # mkstemp's own file
        assert os.path.samestat(os.fstat(out.fileno()), temp.stat())  # written through that very descriptor
        out.write("a,b\n")
    assert target.read_text(encoding="utf-8") == "a,b\n" and leftovers(tmp_path) == []


def test_a_long_name_and_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / ("x" * 250 + ".csv")[-250:]
    with replaced_when_complete(target, make_parent=True) as out:
        out.write("ok\n")
    assert target.read_text(encoding="utf-8") == "ok\n"
    with pytest.raises(OutputFileError, match="cannot write: No such file or directory"):
        with replaced_when_complete(tmp_path / "missing" / "x.csv") as out:
            out.write("never\n")


def test_check_replaceable(tmp_path):
    assert check_replaceable(tmp_path / "absent.csv") is None
    (tmp_path / "f.csv").write_text("", encoding="utf-8")
    assert check_replaceable(tmp_path / "f.csv") is not None
    with pytest.raises(OutputFileError, match="is a directory"):
        check_replaceable(tmp_path)
    with pytest.raises(OutputFileError, match="cannot write"):
        check_replaceable(Path("bad\x00name.csv"))
