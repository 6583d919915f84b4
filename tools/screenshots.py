"""Screenshots of every page of the GUI, in English and in Chinese, for docs/images/.

Starts the demo park behind the main window offscreen (simulated devices on
loopback, ``--days`` of generated history, live collection; all in a
temporary folder, with the window's settings and the user's Documents and
data folders there too), waits until the history is written and every
device has answered, then shows each page of ``ui.main_window.PAGES`` in
turn at a fixed window size and saves
``<out>/<page>-en.png`` and ``<out>/<page>-zh.png``. Every text is set in
the Noto Sans SC subset the reports ship (energymon/data/fonts), registered
with Qt for this process, so the pictures do not depend on the fonts a
machine has installed (a character outside the subset falls back to the
system's fonts).

Usage::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py            # docs/images/, 1600x1000
    .venv/bin/python tools/screenshots.py --out /tmp/shots --size 1920x1080 --days 7 --settle 5

It takes about a minute (30 days of history, then two walks of the pages).

The clock: the pictures show the demo park at ``--local-time`` (default
11:30 in the demo's time zone, Asia/Shanghai: the PV near its peak, the
batteries in the peak period), today or, if that time is still to come,
yesterday. The script runs itself again under libfaketime (Debian package
``faketime``) with the process clock shifted by the difference, so the
simulator, the collector, the history and the GUI all see that time and it
runs on from there; the real clock is untouched. ``--local-time now`` (or a
machine without libfaketime, which the script says) takes them at the real
time.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a file from anywhere: import the repository's packages
    sys.path.insert(0, str(REPO))

from PySide6.QtCore import QSettings  # noqa: E402 - after choosing the Qt platform
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

LANGUAGES = (("en", "en"), ("zh_CN", "zh"))  # (the GUI's language code, the file name's suffix)
DEMO_ZONE = "Asia/Shanghai"  # the demo park's time zone (energymon/data/demo-park.toml)
FAKETIME_LIBRARIES = ("/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1")
SHIFTED = "ENERGYMON_SCREENSHOT_CLOCK"  # set in the re-run: its clock is already shifted


def size_arg(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1600x1000, got {text!r}") from None
    if not (640 <= width <= 7680 and 480 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text}: a window from 640x480 to 7680x4320")
    return width, height


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Screenshots of every GUI page in English and Chinese.")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images", help="folder for the PNG files")
    parser.add_argument("--size", type=size_arg, default=(1600, 1000), help="window size WIDTHxHEIGHT")
    parser.add_argument("--days", type=float, default=30.0, help="days of demo history to generate first")
    parser.add_argument("--settle", type=float, default=4.0, help="seconds each page gets to load before its picture")
    parser.add_argument(
        "--local-time", default="11:30", help="the demo's local time HH:MM the pictures show (now: the real time)"
    )
    return parser.parse_args(argv)


def clock_offset_s(local_time: str, now_s: float, zone_name: str = DEMO_ZONE) -> int:
    """Seconds to add to the clock for it to read ``local_time`` (HH:MM, in ``zone_name``) today, or yesterday
    if that is still to come: the pictures never show the future."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    try:
        hour, minute = (int(v) for v in local_time.split(":"))
        now = datetime.fromtimestamp(now_s, UTC).astimezone(ZoneInfo(zone_name))
        target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        raise SystemExit(f"screenshots: --local-time {local_time!r}: expected HH:MM or now") from None
    if target > now:
        target -= timedelta(days=1)
    return int((target - now).total_seconds())


def run_at_local_time(args: argparse.Namespace, argv: list[str] | None) -> None:
    """Run this script again with the process clock shifted to ``--local-time`` (see the module docstring);
    returns only when it stays at the real time."""
    if args.local_time == "now" or os.environ.get(SHIFTED):
        return
    library = next((p for pattern in FAKETIME_LIBRARIES for p in sorted(glob.glob(pattern))), None)
    if library is None:
        print("screenshots: libfaketime not found (apt-get install faketime): the pictures show the real time")
        return
    offset_s = clock_offset_s(args.local_time, time.time())
    env = {**os.environ, SHIFTED: args.local_time, "FAKETIME": f"{offset_s:+d}", "FAKETIME_DONT_FAKE_MONOTONIC": "0"}
    env["LD_PRELOAD"] = ":".join(p for p in (library, os.environ.get("LD_PRELOAD", "")) if p)
    print(f"screenshots: the clock shifted by {offset_s:+d} s to {args.local_time} ({DEMO_ZONE})", flush=True)
    rest = sys.argv[1:] if argv is None else argv
    os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()), *rest], env)


def use_bundled_font(app: QApplication) -> str:
    """Register the reports' Noto Sans SC subset with Qt and make it the application's font; its family."""
    from ui.app_font import register_bundled_font

    families = register_bundled_font()
    if not families:
        raise SystemExit("screenshots: Qt could not load the bundled font (energymon/data/fonts)")
    font = QFont(app.font())  # keep the platform's default size: only the typeface changes
    font.setFamilies([families[0]])
    app.setFont(font)
    return families[0]


def keep_user_folders_in(folder: Path) -> None:
    """Point the user's Documents and data folders into ``folder``, so no page shows (or writes to) the real
    ones: the reports page proposes a file in Documents, else in the per-user data folder."""
    documents = folder / "Documents"
    documents.mkdir()
    config = folder / "config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(f'XDG_DOCUMENTS_DIR="{documents}"\n', encoding="utf-8")
    os.environ["XDG_CONFIG_HOME"] = str(config)  # read by Qt (QStandardPaths) at each call
    os.environ["XDG_DATA_HOME"] = str(folder / "data")  # platformdirs


def wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run Qt's event loop until ``condition()`` holds; SystemExit naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out after {timeout_s:g} s waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float) -> None:
    """Let queued work (database answers, redraws) arrive for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


def choose_language(window, language: str) -> None:
    """Switch the window's language as a user does, on the settings page."""
    combo = window.settings.language_combo
    index = combo.findData(language)
    if index < 0:
        raise SystemExit(f"screenshots: the settings page offers no language {language!r}")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def take(window, pages: tuple, out: Path, suffix: str, settle_s: float) -> list[Path]:
    written = []
    for attribute, _ in pages:
        window.show_page(attribute)
        settle(settle_s)
        path = out / f"{attribute}-{suffix}.png"
        if not window.grab().save(str(path)):
            raise SystemExit(f"screenshots: could not write {path}")
        written.append(path)
        print(f"  {path}", flush=True)
    return written


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_at_local_time(args, argv)
    args.out.mkdir(parents=True, exist_ok=True)
    sys.setswitchinterval(0.001)  # as the GUI does (ui.app): the collector's threads share the GIL
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("energymon")
    app.setOrganizationName("energymon")
    family = use_bundled_font(app)
    with tempfile.TemporaryDirectory(prefix="energymon-screenshots-") as tmp:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # the window's settings stay in the temporary folder
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(tmp) / "settings"))
        keep_user_folders_in(Path(tmp))
        from ui import i18n
        from ui.app import start_demo_window
        from ui.main_window import PAGES

        print(f"demo park with {args.days:g} days of history in {tmp}; font {family}", flush=True)
        started = time.monotonic()
        window, runner, _bridge = start_demo_window(Path(tmp) / "demo", backfill_days=args.days)
        try:
            window.resize(*args.size)
            window.show()
            wait(lambda: window.ctx.site is not None, 60, "the demo park to start")
            wait(lambda: window.backfill is None or not window.backfill.running, 600, "the history")
            if window.backfill is not None and window.backfill.error:
                raise SystemExit(f"screenshots: the history failed: {window.backfill.error}")
            site = window.ctx.site
            assert site is not None
            wait(lambda: len(window.ctx.readings) == len(site.devices), 60, "every device to answer")
            settle(args.settle)  # the overview's curves and today's figures load from the history just written
            print(f"ready after {time.monotonic() - started:.0f} s; {len(PAGES)} pages", flush=True)
            written = []
            for language, suffix in LANGUAGES:
                choose_language(window, language)
                if i18n.current_language() != language:
                    raise SystemExit(f"screenshots: the window did not switch to {language}")
                window.resize(*args.size)
                written += take(window, PAGES, args.out, suffix, args.settle)
        finally:
            window.shutdown()
            runner.stop()
            if i18n.current_language() != "en":
                i18n.set_language("en")
    print(f"{len(written)} screenshots of {args.size[0]}x{args.size[1]} in {args.out}", flush=True)
    return 0


if __name__ == "__main__":  # the demo's history is made in a child process ("spawn"): guard the entry point
    sys.exit(main())
