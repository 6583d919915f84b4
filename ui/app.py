"""GUI entry points used by the CLI (``energymon demo``, ``energymon gui``, ``energymon`` without a command)."""

from __future__ import annotations

import asyncio
import gc
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from energymon.collect.service import BackgroundRunner, Collection, run_until_stopped
from energymon.config import Config
from energymon.demo import demo_dir, run_demo
from energymon.site_open import StartChoice
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError
from energymon.user_state import LastSite, record_last
from energymon.views.site import SiteInfo
from ui import i18n
from ui.app_font import use_fonts
from ui.main_window import MainWindow
from ui.workers import LiveBridge

DEMO_BACKFILL_DAYS = 30.0  # the demo opened without a command, as `energymon demo` (its --backfill-days default)
WINDOW_ICON = resources.files("energymon.data") / "icons" / "energymon.png"  # package data
GUI_SWITCH_INTERVAL_S = 0.001  # hand the GIL over every 1 ms (Python's default: 5 ms): see _app


def _app() -> QApplication:
    # The collector, the store writer and the database reader are Python threads in this process;
    # with the default 5 ms switch interval a busy one makes the GUI thread wait for the GIL in 5 ms
    # slices. A shorter interval shortens the GUI's waits for a little background throughput
    # (benchmarks/bench_gui_lag.py measures both). (The history itself is generated and encoded in a
    # child process: energymon.backfill.process.)
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)  # the GUI's application is always a QApplication
    app.setApplicationName("energymon")
    app.setOrganizationName("energymon")
    app.setWindowIcon(QIcon(str(WINDOW_ICON)))  # every window's, and the task bar's (packaging/make_icon.py)
    use_fonts(app)  # the bundled Chinese font where the machine has none
    restore_language()
    return app


def restore_language() -> None:
    """Switch to the language last chosen on the settings page (QSettings "ui/language"), before windows exist."""
    language = str(QSettings().value("ui/language", "en") or "en")
    if language == i18n.current_language():
        return
    try:
        i18n.set_language(language)
    except (OSError, ValueError, ET.ParseError) as exc:  # a missing or broken .ts file: stay in English
        print(f"energymon: warning: cannot switch the GUI to {language!r}: {exc}; using English", file=sys.stderr)


def freeze_startup_objects() -> None:
    """Exempt what start-up built (modules, classes, the window's widgets) from Python's cyclic collector.

    A full collection traverses every tracked object while holding the GIL, so it stops the GUI
    thread for as long as it takes, and a started GUI has many objects (benchmarks/bench_gui_lag.py
    ``--stall-report`` shows such stalls). Objects frozen here live as long as the process anyway;
    later ones are collected as usual.
    """
    gc.collect()
    gc.freeze()


def start_demo_window(
    directory: Path | None = None, backfill_days: float = 0.0
) -> tuple[MainWindow, BackgroundRunner, LiveBridge]:
    """Create the main window and start the demo park behind it (collector thread)."""
    window = MainWindow()
    bridge = LiveBridge()
    bridge.reading.connect(window.on_reading)
    bridge.started.connect(window.set_site)
    bridge.failed.connect(window.show_failure)

    def on_started(demo) -> None:  # runs on the collector thread
        demo.collection.collector.reading_subscribers.append(bridge.reading.emit)
        window.backfill = demo.backfill  # read by the GUI's 1 s tick, written by the history thread
        window.ctx.config = demo.config  # the register inspector reads the demo's devices through it
        window.ctx.ack_writer = demo.collection.writer  # event acknowledgements go through the one writer
        bridge.started.emit(SiteInfo.from_config(demo.config), demo.db_path)

    async def main(stop: asyncio.Event) -> None:
        try:
            await run_demo(stop, on_started, directory or demo_dir(), backfill_days=backfill_days)
        except Exception as exc:
            bridge.failed.emit(str(exc))
            raise

    freeze_startup_objects()
    runner = BackgroundRunner(main)
    runner.start()
    window._bridge = bridge  # keep the bridge alive as long as the window
    return window, runner, bridge


def viewed_site(config: Config | None, db_path: Path) -> SiteInfo:
    """The site a viewer shows: the config's, else the one the database records.

    A StoreError (one line, exit 2 in the CLI) for a file that is no energymon database or records no
    site yet; read before any window exists, so nothing has threads to stop when it fails.
    """
    reader = StoreReader(db_path)  # fails early with a clear StoreError for a wrong file
    try:
        if config is not None:
            return SiteInfo.from_config(config)
        try:
            return SiteInfo.from_db(reader.site(), reader.devices())
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(
                f"{db_path}: records no complete site yet (missing {exc}); view it with --config FILE, "
                "or start a collector on it first"
            ) from None
    finally:
        reader.close()


def start_site_window(
    config: Config | None, db_path: Path, collect: bool, config_text: str | None = None, publish: bool = True
) -> tuple[MainWindow, BackgroundRunner | None, LiveBridge]:
    """The site's window; collecting behind it when ``collect``, and publishing as well when ``publish`` and the
    config has a ``[publish]`` section (energymon.fleet.alongside)."""
    site = viewed_site(config, db_path) if not collect else None
    window = MainWindow(viewer_only=not collect)
    try:
        return _wire_site_window(window, site, config, db_path, config_text, publish)
    except BaseException:
        window.shutdown()  # its reader thread: a QThread still running when Python exits aborts the process
        raise


def _wire_site_window(
    window: MainWindow,
    site: SiteInfo | None,
    config: Config | None,
    db_path: Path,
    config_text: str | None,
    publish: bool = True,
) -> tuple[MainWindow, BackgroundRunner | None, LiveBridge]:
    """Connect a new window to its database (``site``: a viewer's) or to a collector started behind it."""
    bridge = LiveBridge()
    bridge.reading.connect(window.on_reading)
    bridge.failed.connect(window.show_failure)
    window._bridge = bridge
    freeze_startup_objects()
    if site is not None:
        window.set_site(site, db_path, config)
        return window, None, bridge
    assert config is not None  # collecting needs the site config (the CLI passes it)
    site_config = config  # for the collector's coroutine

    async def main(stop: asyncio.Event) -> None:
        try:
            collection = Collection(site_config, db_path, config_text)
            window.ctx.ack_writer = collection.writer  # event acknowledgements go through the one writer
            collection.collector.reading_subscribers.append(bridge.reading.emit)
            from energymon.fleet.alongside import publishing  # here: paho only where a park publishes

            with publishing(site_config.publish if publish else None, db_path):
                await run_until_stopped(collection, stop)
        except Exception as exc:
            bridge.failed.emit(str(exc))
            raise

    window.set_site(SiteInfo.from_config(site_config), db_path, site_config)
    runner = BackgroundRunner(main)
    runner.start()
    return window, runner, bridge


def _exec(
    window: MainWindow,
    runner: BackgroundRunner | None,
    duration_s: float | None,
    fullscreen: bool = False,
    cycle_s: float | None = None,
) -> int:
    """Show the window (full-screen and cycling its pages when asked: ui.wall_display), run until it closes.

    Whatever ends the run, the window's threads and the collector are stopped before this returns: a
    QThread still running when Python exits aborts the process.
    """
    try:
        _app()
        if cycle_s:
            window.wall.set_cycle_s(cycle_s, remember=False)  # for this run; the settings page keeps a default
        window.wall.show(fullscreen)
        if duration_s:
            QTimer.singleShot(int(duration_s * 1000), window.close)
        loop = QEventLoop()
        ends = _QuitWhenClosed(window, loop)  # this window's close ends the run, whatever other windows exist
        loop.exec()  # (QApplication.quit would also close every other window of the process)
        window.removeEventFilter(ends)
    finally:
        window.shutdown()
        if runner is not None:
            runner.stop()
    return 0


class _QuitWhenClosed(QObject):
    """Ends ``loop`` once ``window`` has closed (Qt's own rule waits for the last visible window, and a dialog
    left open, or another test's window in the same process, would keep the run alive; Qt still ends it when
    the last window closes)."""

    def __init__(self, window: QWidget, loop: QEventLoop) -> None:
        super().__init__(window)
        self._window, self._loop = window, loop
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._quit_if_closed)  # after the close is accepted (or refused)
        return False

    def _quit_if_closed(self) -> None:
        if not self._window.isVisible():
            self._loop.quit()


def run_demo_gui(
    duration_s: float | None = None, backfill_days: float = 0.0, fullscreen: bool = False, cycle_s: float | None = None
) -> int:
    _app()
    window, runner, _ = start_demo_window(backfill_days=backfill_days)
    _remember(LastSite("demo"))
    return _exec(window, runner, duration_s, fullscreen, cycle_s)


def run_site_gui(
    config: Config | None,
    db_path: Path,
    collect: bool,
    config_text: str | None = None,
    fullscreen: bool = False,
    cycle_s: float | None = None,
    publish: bool = True,
) -> int:
    _app()
    window, runner, _ = start_site_window(config, db_path, collect, config_text, publish)
    config_path = config.path if config is not None else None
    if collect and config_path is not None:
        _remember(LastSite("config", config_path))
    elif not collect:
        _remember(LastSite("database", db_path, config_path))
    return _exec(window, runner, None, fullscreen, cycle_s)


def _remember(site: LastSite) -> None:
    """Record the site whose window opened, for ``energymon`` without a command; a failure is only a warning."""
    note = record_last(site)
    if note is not None:
        print(f"energymon: warning: {note}", file=sys.stderr)


def run_start(choice: StartChoice, duration_s: float | None = None) -> int:
    """``energymon`` without a command: the site of ``choice``, else the first-run screen (ui.first_run).

    ``duration_s`` closes the first-run screen (or the demo's window) after that long (for tests and CI).
    """
    _app()
    opened = choice.opened
    if opened is None:
        from ui.first_run import FirstRunDialog

        dialog = FirstRunDialog(choice.reason)
        if duration_s:
            QTimer.singleShot(int(duration_s * 1000), dialog.reject)
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.opened is None:
            return 0
        opened = dialog.opened
    if opened.kind == "demo":
        return run_demo_gui(duration_s, backfill_days=DEMO_BACKFILL_DAYS)
    assert opened.db_path is not None  # energymon.site_open gives a database for a config and a database
    return run_site_gui(opened.config, opened.db_path, collect=opened.kind == "config", config_text=opened.config_text)
