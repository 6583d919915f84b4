"""README's Linux library list lets Qt open a window: derived from the xcb platform plugin, not guessed.

``ldd`` gives every shared library Qt's xcb platform plugin (``libqxcb.so``),
its xcb integration library (``libQt6XcbQpa``), the xcb GL integrations and
the Qt modules the GUI imports load, transitively; ``dpkg -S`` names the
Debian package of each one outside PySide6's own folder. A package in a base
Debian system (the Priority required and Essential packages with all they
depend on, as ``debootstrap --variant=minbase`` installs them) needs no
install. Every other one must be installed by README's ``apt-get install``
line: named there, or pulled in by apt as a dependency of a package named
there. On a machine without ldd and dpkg (not Debian-like) the test skips.

``python tests/architecture/test_readme_libraries.py`` prints the derived
list (the packages no other needed package pulls in), for the README.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _qt_files() -> list[Path]:
    import PySide6

    qt = Path(PySide6.__file__).parent
    files = [qt / "Qt" / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "Qt" / "lib").glob("libQt6XcbQpa.so*"))]
    files += sorted((qt / "Qt" / "plugins" / "xcbglintegrations").glob("*.so"))
    files += [qt / f"{module}.abi3.so" for module in ("QtCore", "QtGui", "QtWidgets")]
    return [f for f in files if f.exists()]


def _system_libraries(own_dir: Path) -> set[str]:
    """Every library ldd resolves for the Qt files, outside ``own_dir``; fails on a library not found."""
    found: set[str] = set()
    for path in _qt_files():
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30, check=True).stdout
        missing = [line.strip() for line in out.splitlines() if "not found" in line]
        assert not missing, f"{path.name}: {missing}"
        for match in re.finditer(r"=>\s+(/\S+)", out):
            library = match.group(1)
            if not Path(library).resolve().is_relative_to(own_dir):
                found.add(library)
    return found


def _packages_of(libraries: set[str]) -> set[str]:
    """The Debian packages owning ``libraries`` (one ``dpkg -S`` for all, by real path and by the path ldd gave)."""
    paths = sorted(libraries | {str(Path(library).resolve()) for library in libraries})
    done = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True, timeout=60)
    owners: dict[str, str] = {}
    for line in done.stdout.splitlines():
        package, _, path = line.partition(": ")
        owners[path.strip()] = package.split(":")[0].strip()
    packages = set()
    for library in libraries:
        owner = owners.get(str(Path(library).resolve())) or owners.get(library)
        assert owner, f"dpkg knows no package of {library}"
        packages.add(owner)
    return packages


def _installed() -> tuple[dict[str, list[str]], dict[str, str], set[str]]:
    """Installed packages' dependencies (first alternative), who provides what, and the base roots."""
    fmt = "${Package}\t${Priority}\t${Essential}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    out = subprocess.run(["dpkg-query", "-W", f"-f={fmt}"], capture_output=True, text=True, timeout=60).stdout
    depends: dict[str, list[str]] = {}
    provides: dict[str, str] = {}
    roots: set[str] = set()
    for line in out.splitlines():
        package, priority, essential, deps, provided = line.split("\t")
        package = package.split(":")[0]
        depends[package] = [
            re.sub(r"\s*\(.*?\)|:any|:\w+$", "", alt.split("|")[0]).strip() for alt in deps.split(",") if alt.strip()
        ]
        for name in provided.split(","):
            if name := re.sub(r"\s*\(.*?\)", "", name).strip():
                provides.setdefault(name, package)
        if priority == "required" or essential == "yes":
            roots.add(package)
    return depends, provides, roots


def _closure(start: set[str], depends: dict[str, list[str]], provides: dict[str, str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        package = todo.pop()
        package = package if package in depends else provides.get(package, package)
        if package not in seen:
            seen.add(package)
            todo += depends.get(package, [])
    return seen


def needed_packages() -> tuple[set[str], set[str], dict[str, list[str]], dict[str, str]]:
    """(the packages Qt's window needs beyond a base system, the base system, depends, provides)."""
    import PySide6

    site_packages = Path(PySide6.__file__).parent.parent.resolve()  # PySide6 and shiboken6: they come with the app
    packages = _packages_of(_system_libraries(site_packages))
    depends, provides, roots = _installed()
    base = _closure(roots, depends, provides)
    return packages - base, base, depends, provides


def readme_packages() -> set[str]:
    """The packages of README's ``apt-get install`` line for the GUI's libraries."""
    lines = [line for line in README.read_text(encoding="utf-8").splitlines() if "apt-get install" in line]
    assert lines, "README has no 'apt-get install' line"
    line = next((line for line in lines if "libxcb" in line), lines[0])
    words = line.split("apt-get install", 1)[1].replace("`", " ").split()
    return {w for w in words if re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", w)}


def _tools_missing() -> str | None:
    for tool in ("ldd", "dpkg", "dpkg-query"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed: not a Debian-like system, the library list cannot be derived here"
    return None


@pytest.mark.process
@pytest.mark.timeout(120)
def test_readme_apt_line_installs_every_library_qts_window_needs() -> None:
    if (reason := _tools_missing()) is not None:
        pytest.skip(reason)
    needed, base, depends, provides = needed_packages()
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"} <= needed  # it really looked
    listed = readme_packages()
    installed = _closure(listed, depends, provides) | base
    missing = sorted(needed - installed)
    assert not missing, (
        f"README's apt-get line misses {missing} (derived list: {' '.join(minimal(needed, depends, provides))})"
    )


def minimal(needed: set[str], depends: dict[str, list[str]], provides: dict[str, str]) -> list[str]:
    """The needed packages that no other needed package pulls in: what an apt-get line has to name."""
    return sorted(p for p in needed if p not in _closure(needed - {p}, depends, provides))


if __name__ == "__main__":
    if (reason := _tools_missing()) is not None:
        sys.exit(reason)
    needed, _base, depends, provides = needed_packages()
    print(" ".join(minimal(needed, depends, provides)))
