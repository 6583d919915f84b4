"""Run the FROZEN app of a built bundle the way a user would: ``python packaging/check_bundle.py [dist/energymon]``.

Every step runs the bundle's executable (never the source tree's code) with HOME and the XDG
folders in a fresh temporary folder, so it sees no earlier user data, and is timed:

1. ``--version`` names pyproject.toml's version (the metadata the bundle copied);
2. ``check-config`` on the bundle's copy of the demo config is valid (exit 0), on a missing file exits 2
   (one line);
3. ``demo --headless --duration 20`` exits 0 and writes the demo database, history filled in a
   "spawn" child process of the frozen executable;
4. the monthly report of the first month of that history as PDF in English and in Chinese and as
   XLSX (exit 0, files written, PV energy above zero);
5. on Linux, the GUI (``demo --duration 20``) under a private Xvfb screen, once in English and once
   in Chinese: exit 0, and a screenshot of the screen (``xwd -root``, at 15 s) with more than
   MIN_COLOURS colours, saved as PNG in the output folder (default dist/bundle-check/).

Exits 1 when any step fails (and says which), 0 when all pass. Needs Xvfb and xwd for step 5
(packaging/ci.sh installs them).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xwd_image import XwdError, read_xwd  # noqa: E402 - this folder's sibling module, not a package

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG_NAME = "demo-park.toml"  # energymon/data/, copied into the bundle's _internal/ (energymon.spec)
DEMO_TIMEZONE = "Asia/Shanghai"  # the demo park's [site] timezone
STEP_TIMEOUT_S = 180.0
GUI_DURATION_S = 20
SCREENSHOT_AFTER_S = 15.0
MIN_COLOURS = 64  # a Qt window with text, tiles and charts has thousands; a blank or black screen has 1 or 2


class StepError(Exception):
    """A check that did not pass: the message says what was expected and what happened."""


def version_of_project() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


class Checker:
    """The frozen executable, the temporary user folders it runs with, and the steps' results."""

    def __init__(self, app_dir: Path, home: Path, out_dir: Path) -> None:
        name = "energymon.exe" if sys.platform == "win32" else "energymon"
        self.exe = app_dir / name
        if not self.exe.is_file():
            raise SystemExit(f"check_bundle: no executable {self.exe} (build it with packaging/build.py)")
        self.home, self.out_dir = home, out_dir
        self.env = dict(os.environ)
        for key in [k for k in self.env if k.startswith(("ENERGYMON_", "QT_", "XDG_", "PYTHON"))]:
            del self.env[key]
        self.env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"))
        self.env.update(LOCALAPPDATA=str(home / "AppData" / "Local"))
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
            self.env[var] = str(home / sub)
        self.env["XDG_STATE_HOME"] = str(home / "state")
        self.results: list[tuple[str, bool, float, str]] = []

    def run(self, *args: str, env: dict[str, str] | None = None, expect: int = 0) -> str:
        """Run the executable; StepError unless it exits ``expect``. Returns stdout and stderr together."""
        try:
            done = subprocess.run(
                [str(self.exe), *args],
                env=env or self.env,
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT_S,
                cwd=self.home,
            )
        except subprocess.TimeoutExpired:
            raise StepError(f"'energymon {' '.join(args)}' still ran after {STEP_TIMEOUT_S:.0f} s") from None
        output = done.stdout + done.stderr
        if done.returncode != expect:
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise StepError(f"'energymon {' '.join(args)}' exited {done.returncode}, expected {expect}:\n{tail}")
        return output

    def step(self, name: str, body: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            note, ok = body(), True
        except StepError as exc:
            note, ok = str(exc), False
        took_s = time.monotonic() - started
        self.results.append((name, ok, took_s, note))
        print(f"[{'ok' if ok else 'FAIL'}] {name} ({took_s:.1f} s){': ' + note if note else ''}", flush=True)

    @property
    def demo_db(self) -> Path:
        return self.home / "data" / "energymon" / "demo" / "demo-park.db"


def check_version(c: Checker) -> str:
    output = c.run("--version").strip()
    expected = f"energymon {version_of_project()}"
    if output != expected:
        raise StepError(f"printed {output!r}, expected {expected!r}")
    return output


def check_config(c: Checker) -> str:
    bundled = c.exe.parent / "_internal" / "energymon" / "data" / DEMO_CONFIG_NAME  # the demo's own copy
    if not bundled.is_file():
        raise StepError(f"the bundle has no demo config at {bundled}")
    valid = c.run("check-config", "--config", str(bundled)).strip()
    missing = c.run("check-config", "--config", str(c.home / "no-such.toml"), expect=2).strip()
    if len(missing.splitlines()) != 1 or "Traceback" in missing:
        raise StepError(f"a missing config should give one line, got:\n{missing}")
    return f"{valid.splitlines()[-1][:100]} | missing file: {missing[:80]}"


def check_headless_demo(c: Checker) -> str:
    output = c.run("demo", "--headless", "--duration", "20", "--summary-every", "10")
    if not c.demo_db.is_file():
        raise StepError(f"no demo database at {c.demo_db}")
    history = [line for line in output.splitlines() if line.startswith("history:")]
    return f"database {c.demo_db.stat().st_size / 1e6:.1f} MB; {history[-1] if history else 'no history line'}"


def report_month() -> str:
    """The month of the demo's first history day (30 days back, filled first): it always has data."""
    first_day = datetime.now(ZoneInfo(DEMO_TIMEZONE)) - timedelta(days=30) + timedelta(hours=2)
    return first_day.strftime("%Y-%m")


def check_report(c: Checker, fmt: str, lang: str) -> str:
    out = c.out_dir / f"report-{report_month()}-{lang}.{fmt}"
    out.unlink(missing_ok=True)
    output = c.run("report", "--db", str(c.demo_db), "--month", report_month(), "--format", fmt, "--lang", lang,
                   "--out", str(out))  # fmt: skip
    if not out.is_file() or out.stat().st_size < 1000:
        raise StepError(f"{out} not written (or nearly empty)")
    pv = re.search(r"PV ([\d,.]+) kWh", output)
    if pv is None or float(pv.group(1).replace(",", "")) <= 0:
        raise StepError(f"the report states no PV energy: {output.strip()}")
    return f"{out.name} {out.stat().st_size / 1e3:.0f} kB, PV {pv.group(1)} kWh"


def check_gui(c: Checker, language: str, display: str) -> str:
    """The GUI for GUI_DURATION_S under Xvfb ``display``; a screenshot taken at SCREENSHOT_AFTER_S."""
    settings = c.home / "config" / "energymon" / "energymon.conf"  # QSettings (organisation/application)
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f"[ui]\nlanguage={language}\n", encoding="utf-8")
    env = dict(c.env, DISPLAY=display)
    log = c.out_dir / f"gui-{language}.log"
    with log.open("w") as log_file:
        app = subprocess.Popen([str(c.exe), "demo", "--duration", str(GUI_DURATION_S)], env=env, cwd=c.home,
                               stdout=log_file, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            try:
                app.wait(timeout=SCREENSHOT_AFTER_S)  # returns early only when the GUI failed to start
            except subprocess.TimeoutExpired:
                pass
            dump = subprocess.run(["xwd", "-root", "-silent", "-display", display], capture_output=True, timeout=30)
            code = app.wait(timeout=STEP_TIMEOUT_S)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    if code != 0:
        raise StepError(f"the GUI exited {code}:\n{log.read_text()[-1500:]}")
    if dump.returncode != 0:
        raise StepError(f"xwd failed: {dump.stderr.decode(errors='replace')}")
    try:
        image = read_xwd(dump.stdout)
    except XwdError as exc:
        (c.out_dir / f"gui-{language}.xwd").write_bytes(dump.stdout)
        raise StepError(f"the screenshot cannot be read: {exc} (kept as gui-{language}.xwd)") from None
    png = c.out_dir / f"gui-{language}.png"
    image.write_png(png)
    colours = image.colour_count()
    if colours <= MIN_COLOURS:
        raise StepError(f"the screenshot {png} has only {colours} colours: the window is blank")
    return f"{png} {image.width}x{image.height}, {colours} colours"


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private Xvfb server on a free display number (``-displayfd`` reports the one it took)."""
    for tool in ("Xvfb", "xwd"):
        if shutil.which(tool) is None:
            raise StepError(f"{tool} is not installed (apt-get install xvfb x11-apps)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten",
                               "tcp"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)  # fmt: skip
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise StepError("Xvfb did not start")
    return server, f":{number}"


def check_guis(c: Checker) -> None:
    """The GUI steps, English then Chinese, on one private Xvfb screen (a step fails if it cannot start)."""
    servers: list[tuple[subprocess.Popen[bytes], str]] = []
    c.step("start Xvfb", lambda: servers.append(start_xvfb()) or f"display {servers[0][1]}")
    if not servers:
        return
    server, display = servers[0]
    try:
        for language in ("en", "zh_CN"):
            c.step(f"GUI, {language}, {GUI_DURATION_S} s", lambda g=language: check_gui(c, g, display))
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app_dir", nargs="?", type=Path, default=REPO / "dist" / "energymon", help="the bundle")
    parser.add_argument("--out", type=Path, default=REPO / "dist" / "bundle-check", help="reports and screenshots")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI steps")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="energymon-bundle-check-") as home:
        c = Checker(args.app_dir.resolve(), Path(home), args.out.resolve())
        c.step("--version", lambda: check_version(c))
        c.step("check-config (the bundled demo config; a missing file)", lambda: check_config(c))
        c.step("demo --headless --duration 20", lambda: check_headless_demo(c))
        for fmt, lang in (("pdf", "en"), ("pdf", "zh"), ("xlsx", "en")):
            c.step(
                f"report --month {report_month()} --format {fmt} --lang {lang}",
                lambda f=fmt, g=lang: check_report(c, f, g),
            )
        if not args.no_gui and sys.platform.startswith("linux"):
            check_guis(c)
    failed = [name for name, ok, _, _ in c.results if not ok]
    total_s = sum(took for _, _, took, _ in c.results)
    print(f"check_bundle: {len(c.results) - len(failed)} of {len(c.results)} steps passed in {total_s:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
