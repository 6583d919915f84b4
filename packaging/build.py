"""Build the standalone energymon app for the platform this runs on: ``python packaging/build.py``.

Makes the one-folder app ``dist/energymon/`` (executable ``energymon``, ``energymon.exe`` on
Windows) with PyInstaller from ``packaging/energymon.spec``, and on Linux also the tarball
``dist/energymon-<version>-linux-<machine>.tar.gz`` (the folder, as ``energymon-<version>/``).
PyInstaller is installed into the running interpreter's environment first when missing, at the
version range of pyproject.toml's ``bundle`` extra, so a fresh clone needs nothing else.
Prints the build time and the bundle's size; ``--no-tarball`` skips the tarball.
The frozen app is checked by packaging/check_bundle.py (docs/packaging.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "energymon.spec"
DIST = REPO / "dist"
WORK = REPO / "build" / "pyinstaller"
APP_NAME = "energymon"


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pyinstaller_requirement() -> str:
    """The PyInstaller requirement of pyproject.toml's ``bundle`` extra (e.g. ``pyinstaller>=6.10,<7``)."""
    for requirement in project()["optional-dependencies"]["bundle"]:
        if requirement.lower().startswith("pyinstaller"):
            return requirement
    raise SystemExit("build: pyproject.toml's [project.optional-dependencies] bundle names no pyinstaller")


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    requirement = pyinstaller_requirement()
    print(f"build: installing {requirement}", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", requirement], check=True)


def ensure_metadata_current(version: str) -> None:
    """The installed energymon's metadata must state pyproject's version: the bundle copies it (--version)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        current = installed_version(APP_NAME)
    except PackageNotFoundError:
        current = None
    if current != version:
        print(f"build: installing energymon {version} into the environment (metadata: {current})", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-e", str(REPO)], check=True)


def folder_size_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def strip_python(app_dir: Path) -> int:
    """Strip the debug symbols of the Python runtime in a Linux bundle; returns the bytes saved.

    Only libpython and the standard library's extension modules: PyInstaller's own ``strip`` option strips
    every library, which breaks the wheels' vendored ones (numpy's OpenBLAS: "ELF load command address/offset
    not page-aligned"). Nothing happens without the ``strip`` tool.
    """
    if shutil.which("strip") is None:
        return 0
    internal = app_dir / "_internal"
    files = [*internal.glob("libpython3*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    files = [f for f in files if f.is_file() and not f.is_symlink()]
    before = sum(f.stat().st_size for f in files)
    subprocess.run(["strip", "--strip-unneeded", *map(str, files)], check=True)
    return before - sum(f.stat().st_size for f in files)


def make_tarball(app_dir: Path, version: str) -> Path:
    machine = platform.machine().lower().replace("amd64", "x86_64")
    out = DIST / f"{APP_NAME}-{version}-linux-{machine}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"{APP_NAME}-{version}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tarball", action="store_true", help="only the folder, no Linux tarball")
    args = parser.parse_args(argv)
    version = project()["version"]
    ensure_pyinstaller()
    ensure_metadata_current(version)
    started = time.monotonic()
    app_dir = DIST / APP_NAME
    if app_dir.exists():
        shutil.rmtree(app_dir)
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)],
        check=True,
        cwd=REPO / "packaging",  # not the repository: its stale energymon.egg-info must not be the metadata copied
    )  # fmt: skip
    if sys.platform.startswith("linux"):
        print(f"build: stripped the Python runtime: {strip_python(app_dir) / 1e6:.1f} MB less", flush=True)
    built_s = time.monotonic() - started
    print(f"build: {app_dir} in {built_s:.0f} s, {folder_size_bytes(app_dir) / 1e6:.1f} MB", flush=True)
    if sys.platform.startswith("linux") and not args.no_tarball:
        started = time.monotonic()
        tarball = make_tarball(app_dir, version)
        print(
            f"build: {tarball} in {time.monotonic() - started:.0f} s, {tarball.stat().st_size / 1e6:.1f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
