"""What the ``energymon`` commands share: exit codes, argument types and options, the site a command runs on,
and stop signals."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from energymon.config import Config, parse_config
from energymon.config.parse import read_config_text

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


def seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < 10 * 365 * 86400 or value != value:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def site_args(p: argparse.ArgumentParser, config_required: bool = True) -> None:
    """``--config FILE`` and ``--db FILE``."""
    p.add_argument("--config", type=Path, required=config_required, metavar="FILE", help="site configuration (TOML)")
    p.add_argument("--db", type=Path, metavar="FILE", help="database file (overrides the config's storage.database)")


def load_site(args: argparse.Namespace) -> tuple[Config, Path, str]:
    """The config of ``--config`` (its warnings printed), the database (``--db`` or the config's), and its text.

    The text is read once, so the config recorded in the database is the one validated.
    """
    text = read_config_text(args.config)
    config = parse_config(text, args.config)
    print_config_warnings(config)
    db_path = args.db if args.db else config.storage.database
    return config, db_path, text


def print_config_warnings(config: Config) -> None:
    """Each of the config's warnings (energymon.config.endpoints) as one line on stderr."""
    for line in config.warnings:
        print(f"energymon: warning: {line}", file=sys.stderr, flush=True)


def _stop_on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    """Set ``stop``, logging the signal once: the log file then says why a service stopped."""
    if not stop.is_set():
        logging.getLogger("energymon.cli").info("%s received: stopping", sig.name)
    stop.set()


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (where the platform allows it)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, _stop_on_signal, sig, stop)
        except (NotImplementedError, RuntimeError):  # Windows: KeyboardInterrupt still ends the run
            pass
