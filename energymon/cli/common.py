"""What the ``energymon`` commands share: exit codes, argument types and options, the site a command runs on,
and stop signals."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from energymon.config import Config, load_config

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
    """The config of ``--config``, the database (``--db`` or the config's), and the config's text."""
    config = load_config(args.config)
    db_path = args.db if args.db else config.storage.database
    return config, db_path, args.config.read_text(encoding="utf-8")


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (where the platform allows it)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: KeyboardInterrupt still ends the run
            pass
