"""Whether the desktop GUI can start here: a display to show it on and a Qt platform plugin that loads.

Without them Qt aborts the whole process (SIGABRT, exit 134) with a message that
names the wrong cause (it asks for ``xcb-cursor0`` whatever library is missing,
and suggests reinstalling). The CLI asks :func:`gui_problem` before it imports the
GUI, so a missing display or library is one line naming the cause and the fix,
exit 2. Nothing here imports Qt: PySide6 is found on disk, its platform plugin
is loaded with ``dlopen`` (ctypes) and, when that fails, ``ldd`` lists every
library it lacks. Only Linux is checked; Windows and macOS always have their
platform plugin and their screen.

The platforms tried are Qt's (6.x): ``QT_QPA_PLATFORM`` (a ``;``-separated list,
each name optionally followed by ``:arguments``), else ``wayland`` then ``xcb``
in a Wayland session, else ``xcb``. The GUI can start when one of them can.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

OFFSCREEN_FIX = "or set QT_QPA_PLATFORM=offscreen for a run without a window"
WINDOWLESS = frozenset(("offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"))
X_CONNECT_TIMEOUT_S = 5.0  # an X server on another host that does not answer
LDD_TIMEOUT_S = 10.0
# Debian/Ubuntu package names that do not follow the SONAME rule of :func:`debian_package`.
PACKAGE_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0"}


def gui_problem(environ: Mapping[str, str] | None = None, system: str | None = None) -> str | None:
    """Why no Qt window can open here, as "cause; fix" (one line, English), or None when one can."""
    env = os.environ if environ is None else environ
    if not (system or sys.platform).startswith("linux"):
        return None
    problems = []
    for name in platform_candidates(env):
        problem = display_problem(name, env) or plugin_problem(name, env)
        if problem is None:
            return None
        problems.append(problem)
    return "; and ".join(problems)


def platform_candidates(environ: Mapping[str, str]) -> list[str]:
    """The Qt platform plugins Qt tries, in its order (see the module's docstring)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        names = [part.split(":", 1)[0].strip() for part in chosen.split(";")]
        return [n for n in names if n] or ["xcb"]
    session = environ.get("XDG_SESSION_TYPE", "").lower()
    if session != "x11" and (environ.get("WAYLAND_DISPLAY") or session == "wayland"):
        return ["wayland", "xcb"]
    return ["xcb"]


# -- the display ----------------------------------------------------------------------------------


def display_problem(platform: str, environ: Mapping[str, str]) -> str | None:
    """Why ``platform`` has no display to open a window on, or None (also for the windowless platforms)."""
    if platform == "xcb":
        display = environ.get("DISPLAY", "")
        if not display:
            return (
                "no X display: DISPLAY is not set; start the GUI from a desktop session (or ssh -X), " + OFFSCREEN_FIX
            )
        error = x_connect_error(display)
        if error is not None:
            return (
                f"cannot open the X display {display!r} ({error}); check that the X server runs and that "
                f"DISPLAY and XAUTHORITY are right, {OFFSCREEN_FIX}"
            )
    elif platform.startswith("wayland"):
        return wayland_problem(environ)
    return None


def x_connect_error(display: str) -> str | None:
    """Why libxcb cannot connect to ``display`` (within X_CONNECT_TIMEOUT_S), or None.

    None too when libxcb itself is missing: the plugin check names it then.
    """
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    outcome: list[int] = []

    def connect() -> None:
        connection = xcb.xcb_connect(display.encode(), None)
        outcome.append(xcb.xcb_connection_has_error(connection))
        xcb.xcb_disconnect(connection)  # also frees a connection in error

    worker = threading.Thread(target=connect, name="energymon-x-check", daemon=True)
    worker.start()
    worker.join(X_CONNECT_TIMEOUT_S)
    if not outcome:
        return f"no answer within {X_CONNECT_TIMEOUT_S:g} s"
    return None if outcome[0] == 0 else "the connection was refused or the X server is not running"


def wayland_problem(environ: Mapping[str, str]) -> str | None:
    """Why no Wayland compositor answers on the socket Qt would use, or None."""
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    if not os.path.isabs(name) and not runtime:
        return f"no Wayland display: XDG_RUNTIME_DIR is not set; start the GUI in the desktop session, {OFFSCREEN_FIX}"
    path = name if os.path.isabs(name) else os.path.join(runtime, name)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(X_CONNECT_TIMEOUT_S)
            probe.connect(path)
    except OSError as exc:
        return (
            f"no Wayland compositor at {path} ({exc.strerror or exc}); start the GUI in the desktop session "
            f"(or set QT_QPA_PLATFORM=xcb for X11), {OFFSCREEN_FIX}"
        )
    return None


# -- the platform plugin ----------------------------------------------------------------------------


def plugin_dirs(environ: Mapping[str, str]) -> list[Path]:
    """The directories Qt looks for platform plugins in, in its order of precedence."""
    dirs = [Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("PySide6")  # found, not imported
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "Qt" / "plugins" / "platforms")
    return dirs


def find_plugin(platform: str, environ: Mapping[str, str]) -> Path | None:
    """The file Qt would load for ``platform``: the first Qt plugin named libq<platform>.so on the paths."""
    for directory in plugin_dirs(environ):
        path = directory / f"libq{platform}.so"
        if path.is_file() and _is_qt_plugin(path):
            return path
    return None


def _is_qt_plugin(path: Path) -> bool:
    """Qt skips a file without plugin metadata (and so does this check): Qt 6's ELF note, or Qt 5's marker."""
    try:
        data = path.read_bytes()
        return b"qt-project!" in data or b"QTMETADATA" in data
    except OSError:
        return False


def available_platforms(environ: Mapping[str, str]) -> list[str]:
    names: dict[str, None] = {}
    for directory in plugin_dirs(environ):
        for path in sorted(directory.glob("libq*.so")) if directory.is_dir() else ():
            names.setdefault(path.name[4:-3], None)
    return list(names)


def plugin_problem(platform: str, environ: Mapping[str, str]) -> str | None:
    """Why Qt's platform plugin ``platform`` cannot load (a missing library, a missing plugin), or None."""
    direct = environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if direct and _loads(Path(direct) / f"libq{platform}.so") is None:
        return None  # Qt tries this directory first, and falls back to the usual ones when it fails
    path = find_plugin(platform, environ)
    if path is None:
        if importlib.util.find_spec("PySide6") is None:
            return "PySide6 (Qt for Python) is not installed; install it with: pip install PySide6"
        found = ", ".join(available_platforms(environ)) or "none"
        return (
            f"the Qt platform plugin {platform!r} does not exist (available: {found}); "
            "set QT_QPA_PLATFORM to one of them"
        )
    error = _loads(path)
    if error is None:
        return None
    what = f"the Qt platform plugin {platform!r} ({path})"
    return library_problem(what, error, missing_libraries(path), offer_offscreen=platform not in WINDOWLESS)


def _loads(path: Path) -> str | None:
    """Why ``path`` cannot be loaded by the dynamic linker, or None (then it is loaded, as Qt will load it)."""
    if not path.is_file():
        return "no such file"
    try:
        ctypes.CDLL(str(path))
    except OSError as exc:
        return str(exc)
    return None


def missing_libraries(path: Path) -> list[str]:
    """Every shared library ``path`` needs that the dynamic linker cannot find (by ldd; empty without it)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    names = re.findall(r"^\s*(\S+)\s+=>\s+not found", out.stdout, re.MULTILINE)
    return list(dict.fromkeys(names))


def library_problem(what: str, error: str, missing: list[str], offer_offscreen: bool = False) -> str:
    """One "cause; fix" line for ``what`` failing to load with the linker's ``error``.

    ``offer_offscreen``: the windowless platform is a way round (it needs fewer libraries than xcb or wayland).
    """
    first = re.match(r"^(\S+\.so[.\d]*): cannot open shared object file", error)
    if first and first.group(1) not in missing:
        missing = [first.group(1), *missing]
    if not missing:
        return f"{what} cannot be loaded: {error}; reinstall PySide6 (pip install --force-reinstall PySide6)"
    qt = [m for m in missing if m.startswith("libQt6")]
    system = [m for m in missing if m not in qt]
    fixes = []
    if system:
        packages = " ".join(dict.fromkeys(debian_package(m) for m in system))
        fixes.append(f"install the system libraries (Debian/Ubuntu: sudo apt install {packages})")
    if qt:
        fixes.append("reinstall PySide6 (pip install --force-reinstall PySide6)")
    fix = " and ".join(fixes) + (f", {OFFSCREEN_FIX}" if offer_offscreen else "")
    return f"{what} cannot be loaded: {', '.join(missing)} not found; {fix}"


def import_problem(error: ImportError) -> str:
    """One "cause; fix" line for Qt's Python modules failing to import (a library of Qt missing)."""
    return library_problem("the Qt libraries", str(error), [])


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that usually ships a library (Debian Policy 8.1: name + SONAME version).

    ``libxcb-icccm.so.4`` -> ``libxcb-icccm4``; ``libxkbcommon-x11.so.0`` -> ``libxkbcommon-x11-0``.
    """
    if soname in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[soname]
    match = re.match(r"^(lib[^/]+?)\.so\.(\d+)", soname)
    if match is None:
        return soname
    stem, version = match.group(1).lower(), match.group(2)
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"
